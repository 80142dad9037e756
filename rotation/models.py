"""Rotation: per-region policies, exemptions (暂不交流), plans and quotas, assignments (名册),
progress warnings, notifications and inspections (督导)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.attachments import validate_attachment
from org.links import validate_link
from org.models import Region, School, Staff
from org.versioning import Versioned
from rotation import rules

MSG_WINDOW_ORDER = _("The window must not end before it starts.")
MSG_END_BEFORE_START = _("The end date must not be before the start date.")
MSG_NOT_A_DAY = _("This month and day do not exist in every year.")
# xgettext:no-python-format
MSG_PERCENT_MAX = _("A percentage cannot be more than 100.")
MSG_RED_BELOW_YELLOW = _("The red warning threshold must be below the yellow one.")
MSG_TERM_YEARS = _("A principal term lasts at least one year.")


def _is_day_of_every_year(month: int, day: int) -> bool:
    try:
        date(2023, month, day)  # a common year: 29 February is not a day of every year
    except ValueError:
        return False
    return True


class Policy(Versioned, models.Model):
    """A region's rotation policy. The field defaults are DESIGN.md's numbers; no code repeats them."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="rotation_policy", verbose_name=_("region"))
    eligible_years = models.PositiveSmallIntegerField(_("years at a school to be eligible"), default=3)
    must_rotate_years = models.PositiveSmallIntegerField(_("years at a school after which rotation is due"), default=6)
    term_years = models.PositiveSmallIntegerField(_("principal term (years)"), default=3)
    age_limit_men = models.PositiveSmallIntegerField(_("age limit, men"), default=55)
    age_limit_women = models.PositiveSmallIntegerField(_("age limit, women"), default=50)
    experience_schools = models.PositiveSmallIntegerField(_("other schools that exempt"), default=2)
    experience_years_per_school = models.PositiveSmallIntegerField(_("years at each of those schools"), default=3)
    rural_years = models.PositiveSmallIntegerField(_("rural years that exempt an urban teacher"), default=6)
    min_years_leader = models.PositiveSmallIntegerField(_("minimum duration, leaders and cadres (years)"), default=3)
    min_years_teacher = models.PositiveSmallIntegerField(_("minimum duration, teachers (years)"), default=1)
    window_start_month = models.PositiveSmallIntegerField(_("summer window opens (month)"), default=7)
    window_start_day = models.PositiveSmallIntegerField(_("summer window opens (day)"), default=1)
    window_end_month = models.PositiveSmallIntegerField(_("summer window closes (month)"), default=9)
    window_end_day = models.PositiveSmallIntegerField(_("summer window closes (day)"), default=1)
    filing_start_month = models.PositiveSmallIntegerField(_("cadre filing opens (month)"), default=7)
    filing_start_day = models.PositiveSmallIntegerField(_("cadre filing opens (day)"), default=25)
    filing_end_month = models.PositiveSmallIntegerField(_("cadre filing closes (month)"), default=8)
    filing_end_day = models.PositiveSmallIntegerField(_("cadre filing closes (day)"), default=5)
    guidance_rate_percent = models.PositiveSmallIntegerField(_("eligible staff to rotate each year (%)"), default=10)
    key_teacher_percent = models.PositiveSmallIntegerField(_("key teachers among those rotated (%)"), default=20)
    key_teacher_honour = models.PositiveSmallIntegerField(
        _("lowest honour level of a key teacher"), choices=Staff.Honour.choices, default=Staff.Honour.COUNTY
    )
    # xgettext:no-python-format
    yellow_percent = models.PositiveSmallIntegerField(_("yellow warning below (% of expected)"), default=80)
    # xgettext:no-python-format
    red_percent = models.PositiveSmallIntegerField(_("red warning below (% of expected)"), default=50)
    title_rural_years = models.PositiveSmallIntegerField(_("rural/weak-school years for a senior title"), default=1)
    grade_rotation_years = models.PositiveSmallIntegerField(_("rotation years for principal grades 1-2"), default=2)
    preferred_rotation_years = models.PositiveSmallIntegerField(_("rotation years that make a principal candidate preferred"), default=3)
    term_start_month = models.PositiveSmallIntegerField(_("autumn term starts (month)"), default=9)
    term_start_day = models.PositiveSmallIntegerField(_("autumn term starts (day)"), default=1)
    suggestion_slots_per_school = models.PositiveSmallIntegerField(_("suggested arrivals per school and plan"), default=2)
    history = HistoricalRecords()
    NUMBER_FIELDS = (
        "eligible_years", "must_rotate_years", "term_years", "age_limit_men", "age_limit_women", "experience_schools",
        "experience_years_per_school", "rural_years", "min_years_leader", "min_years_teacher", "window_start_month",
        "window_start_day", "window_end_month", "window_end_day", "filing_start_month", "filing_start_day",
        "filing_end_month", "filing_end_day", "guidance_rate_percent", "key_teacher_percent", "key_teacher_honour",
        "yellow_percent", "red_percent", "title_rural_years", "grade_rotation_years", "preferred_rotation_years",
        "suggestion_slots_per_school", "term_start_month", "term_start_day",
    )
    # owned by its region (rotation/scopes.py registers it), not scoped by a school

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("rotation policy")
        verbose_name_plural = _("rotation policies")

    def __str__(self):
        return str(self.region) if self.region_id else str(_("default policy"))

    def clean(self):
        days = {"window_start": None, "window_end": None, "filing_start": None, "filing_end": None, "term_start": None}
        for prefix in days:
            month, day = getattr(self, f"{prefix}_month"), getattr(self, f"{prefix}_day")
            if not _is_day_of_every_year(month, day):
                raise ValidationError({f"{prefix}_day": MSG_NOT_A_DAY})
            days[prefix] = (month, day)
        for prefix in ("window", "filing"):
            if days[f"{prefix}_end"] < days[f"{prefix}_start"]:
                raise ValidationError({f"{prefix}_end_month": MSG_WINDOW_ORDER})
        errors = {}
        for name in ("guidance_rate_percent", "key_teacher_percent", "yellow_percent", "red_percent"):
            if (getattr(self, name) or 0) > 100:
                errors[name] = MSG_PERCENT_MAX
        if "red_percent" not in errors and (self.red_percent or 0) >= (self.yellow_percent or 0):
            errors["red_percent"] = MSG_RED_BELOW_YELLOW
        if (self.term_years or 0) < 1:
            errors["term_years"] = MSG_TERM_YEARS
        if errors:
            raise ValidationError(errors)

    def as_rules(self) -> rules.PolicyData:
        return rules.PolicyData(
            eligible_years=self.eligible_years, must_rotate_years=self.must_rotate_years, term_years=self.term_years,
            age_limit_men=self.age_limit_men, age_limit_women=self.age_limit_women,
            experience_schools=self.experience_schools, experience_years_per_school=self.experience_years_per_school,
            rural_years=self.rural_years,
        )

    def window(self, year: int) -> tuple[date, date]:
        return date(year, self.window_start_month, self.window_start_day), date(year, self.window_end_month, self.window_end_day)

    def filing_window(self, year: int) -> tuple[date, date]:
        return date(year, self.filing_start_month, self.filing_start_day), date(year, self.filing_end_month, self.filing_end_day)


class Exemption(Versioned, models.Model):
    """A 暂不交流 record: applied for by the school, decided by the county bureau, valid for a period."""

    class Kind(models.TextChoices):
        KEY_PROJECT = rules.EX_KEY_PROJECT, _("Key project")
        PREGNANCY_NURSING = rules.EX_PREGNANCY_NURSING, _("Pregnancy or nursing")
        ILLNESS = rules.EX_ILLNESS, _("Illness")

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="rotation_exemptions", verbose_name=_("staff member"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.APPLIED)
    grounds = models.TextField(_("grounds"), blank=True)
    document_no = models.CharField(_("approval document number"), max_length=64, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="rotation/exemptions/%Y/", blank=True,
                                  validators=[validate_attachment])
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("applied by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()
    scope_school_path = "staff__school"

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        indexes = [models.Index(fields=["staff", "state"], name="exemption_staff_state")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="exemption_end_after_start",
                                   violation_error_message=_("The end date cannot be before the start date.")),
        ]

    def __str__(self):
        return f"{self.staff} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("rotation:exemption-detail", args=[self.pk])

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": MSG_END_BEFORE_START})


MSG_DEADLINE_BEFORE_OPENING = _("The deadline must not be before the plan opens.")


class Plan(Versioned, models.Model):
    """A term's 交流计划: a city target, split into county quotas, tracked from opening to deadline."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rotation_plans", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=128)
    term_start = models.DateField(_("term start (as-of date)"))
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    target = models.PositiveIntegerField(_("target"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-term_start", "id"]
        verbose_name = _("rotation plan")
        verbose_name_plural = _("rotation plans")
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=models.F("opens_on")), name="plan_deadline_after_opening",
                                   violation_error_message=_("The deadline cannot be before the opening date.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("rotation:plan-detail", args=[self.pk])

    def clean(self):
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            raise ValidationError({"deadline": MSG_DEADLINE_BEFORE_OPENING})


class Quota(models.Model):
    """A county's share of a plan's target; `base` is its MUST_ROTATE + ELIGIBLE count at the split."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("rotation plan"))
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    base = models.PositiveIntegerField(_("must rotate + may rotate"), default=0)
    share = models.PositiveIntegerField(_("share"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "county__code"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["plan", "county"], name="quota_once_per_county",
                                               violation_error_message=_("This plan already has a share for this county."))]

    def __str__(self):
        return f"{self.plan} · {self.county}: {self.share}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    PASS = "pass", _("Pass")
    BASIC = "basic", _("Basic pass")
    FAIL = "fail", _("Fail")


PASSING_RATINGS = (Rating.EXCELLENT, Rating.PASS)


class Assignment(Versioned, models.Model):
    """One row of the roster (名册): who goes from which school to which, how, and how it went."""

    class Form(models.TextChoices):
        EXCHANGE = "exchange", _("Exchange (交流轮岗)")
        SUPPORT = "support", _("Rural support teaching (支教)")
        ITINERANT = "itinerant", _("Itinerant teaching (走教)")
        SECONDMENT = "secondment", _("Cadre secondment (挂职)")
        SHADOWING = "shadowing", _("Shadow learning (跟岗学习/上挂学习)")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        APPROVED = "approved", _("Approved")
        IN_PLACE = "in_place", _("In place")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")
        CONVERTED = "converted", _("Converted to a transfer")
        REJECTED = "rejected", _("Rejected")  # not approved by the sending bureau (planned only); end_reason says why
        CANCELLED = "cancelled", _("Cancelled")  # withdrawn before the arrival (planned or approved); end_reason says why

    COUNTED_STATES = (State.APPROVED, State.IN_PLACE)  # progress (DESIGN.md, targets)
    COMMITTED_STATES = (State.APPROVED, State.IN_PLACE, State.COMPLETED, State.CONVERTED)  # quota floors
    OPEN_STATES = (State.PLANNED, State.APPROVED, State.IN_PLACE)  # overlap checks up to planned_end
    CLOSED_STATES = (State.COMPLETED, State.ENDED_EARLY, State.CONVERTED)  # overlap checks up to ended_on

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments", verbose_name=_("rotation plan")
    )
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="rotation_assignments", verbose_name=_("staff member"))
    from_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("from school"))
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("to school"))
    form = models.CharField(_("form"), max_length=12, choices=Form.choices)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    post_at_destination = models.CharField(_("post at the destination"), max_length=64, blank=True)
    relation_moves = models.BooleanField(_("personnel relation moves"), default=False)
    subsidy_yuan = models.DecimalField(_("subsidies (yuan per year)"), max_digits=10, decimal_places=2, default=0)
    subsidy_note = models.CharField(_("subsidy details"), max_length=200, blank=True)
    filed_on = models.DateField(_("filed on"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PLANNED)
    exemption_override = models.TextField(_("reason for overriding an exemption"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("arrival confirmed by")
    )
    arrived_on = models.DateField(_("arrived on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending early"), blank=True)
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices, blank=True)
    is_key_teacher = models.BooleanField(_("key teacher"), default=False)
    history = HistoricalRecords()
    scope_school_path = "from_school"  # writes belong to the sending side; rotation/scopes.py adds the receiving side

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["plan", "state"], name="assignment_plan_state"),
            models.Index(fields=["staff", "state"], name="assignment_staff_state"),
            # the lists' order: the first page read in order, not every assignment joined to its staff and sorted
            models.Index(fields=["-start", "id"], name="assignment_start_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("start")), name="assignment_end_after_start",
                                   violation_error_message=_("The planned end must be after the start date.")),
            models.CheckConstraint(condition=~Q(from_school=models.F("to_school")), name="assignment_moves_school",
                                   violation_error_message=_("The receiving school must differ from the sending school.")),
        ]

    def __str__(self):
        return f"{self.staff} · {self.from_school} → {self.to_school}"

    def get_absolute_url(self):
        return reverse("rotation:assignment-detail", args=[self.pk])

    @property
    def effective_end(self) -> date:
        return self.ended_on or self.planned_end


class Inspection(models.Model):
    """A 督导 visit recorded against an assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("assignment"))
    visited_on = models.DateField(_("visit date"))
    lesson_observation = models.BooleanField(_("lesson observation (听课)"), default=False)
    interviews = models.BooleanField(_("teacher and student interviews (访谈)"), default=False)
    ledger_review = models.BooleanField(_("ledger review (查阅台账)"), default=False)
    findings = models.TextField(_("findings"))
    rating = models.CharField(_("rating"), max_length=10, choices=Rating.choices)
    attachment = models.FileField(_("attachment"), upload_to="rotation/inspections/%Y/", blank=True,
                                  validators=[validate_attachment])
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("inspector")
    )
    history = HistoricalRecords()
    scope_school_path = "assignment__from_school"

    class Meta:
        ordering = ["-visited_on", "id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.CheckConstraint(
                condition=Q(lesson_observation=True) | Q(interviews=True) | Q(ledger_review=True), name="inspection_has_a_method",
                                                                                                   violation_error_message=_("Choose at least one method: lesson observation, interviews or ledger review.")
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.visited_on}"

    @property
    def methods(self) -> list:
        labels = [(self.lesson_observation, _("听课")), (self.interviews, _("访谈")), (self.ledger_review, _("查阅台账"))]
        return [label for used, label in labels if used]


class Progress(models.Model):
    """One county's progress in a plan on one day, computed by the scheduled job (idempotent per day)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="progress", verbose_name=_("rotation plan"))
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    computed_on = models.DateField(_("computed on"))
    share = models.PositiveIntegerField(_("share"))
    approved = models.PositiveIntegerField(_("approved"))
    in_place = models.PositiveIntegerField(_("in place"))
    key_teachers = models.PositiveIntegerField(_("key teachers"))
    eligible = models.PositiveIntegerField(_("must rotate + may rotate"))
    expected = models.DecimalField(_("expected by now"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "county__code", "computed_on"]
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        constraints = [models.UniqueConstraint(fields=["plan", "county", "computed_on"], name="progress_once_a_day",
                                               violation_error_message=_("The progress of this county under this plan was already computed on this day."))]

    def __str__(self):
        return f"{self.county} · {self.computed_on}"

    @property
    def counted(self) -> int:
        return self.approved + self.in_place


class ProgressWarning(models.Model):
    """A yellow or red warning for a county behind its straight-line expectation; cleared, never deleted."""

    class Level(models.TextChoices):
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="warnings", verbose_name=_("rotation plan"))
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    raised_on = models.DateField(_("raised on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    counted = models.PositiveIntegerField(_("approved + in place"))
    expected = models.DecimalField(_("expected by now"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "id"]
        verbose_name = _("progress warning")
        verbose_name_plural = _("progress warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "county"], condition=Q(cleared_on__isnull=True), name="warning_one_open_per_county",
                                                                                 violation_error_message=_("This county already has an open warning under this plan.")
            ),
        ]

    def __str__(self):
        return f"{self.county} · {self.get_level_display()}"


class Notification(models.Model):
    """An in-app message to one user (progress warnings, decisions)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rotation_notifications",
                             verbose_name=_("user"))
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True, validators=[validate_link])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return self.text


class Suggestion(models.Model):
    """A proposed assignment from the solver, with its score; staff accept, edit or discard it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("rotation plan"))
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+", verbose_name=_("staff member"))
    from_school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("from school"))
    to_school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("to school"))
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("assignment"))
    history = HistoricalRecords()
    scope_school_path = "from_school"

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self):
        return f"{self.staff} → {self.to_school}"


class EligibilityFigure(models.Model):
    """How many of a school's active staff have a status (reason blank) or a status and a reason at an as-of date.

    Stored by the nightly job (rotation.tasks.compute_eligibility_figures): deciding eligibility reads every
    staff member's work history, too slow for a page at 500,000 staff (DESIGN.md "Rotation eligibility").
    A derived table rebuilt whole each night, so it keeps no history of its own."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=12)
    reason = models.CharField(_("reason code"), max_length=24, blank=True)
    count = models.PositiveIntegerField(_("count"))
    computed_at = models.DateTimeField(_("computed at"))
    scope_school_path = "school"

    class Meta:
        verbose_name = _("eligibility figure")
        verbose_name_plural = _("eligibility figures")
        constraints = [models.UniqueConstraint(fields=["as_of", "school", "status", "reason"], name="eligibility_figure_once",
                                               violation_error_message=_("These eligibility figures are already stored for this date and school."))]
        indexes = [
            models.Index(fields=["as_of", "status"], name="eligibility_figure_asof"),
            # the split's bases: a date's status rows (reason blank), read from the index alone
            models.Index(fields=["as_of", "reason", "status"], include=["school", "count"], name="eligibility_figure_reason"),
        ]

    def __str__(self):
        return f"{self.school_id} · {self.as_of} · {self.status} {self.reason} = {self.count}"


class EligibilityDecision(models.Model):
    """A stored decision of one active staff member at an as-of date: the status row (reason blank) carries the
    reasons and note that render the 说明; one more row per reason code (status repeated) lets a reason filter
    join on an index, like EligibilityFigure's rows (portable: no array column).

    Stored with the eligibility figures by the same job (rotation.services.figures), so that the eligibility
    list, its API and export filtered by status or reason join on it instead of deciding a city's 500,000 staff
    in the request (issue 15). Replaced whole per date; `computed_at` says how fresh it is."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="eligibility_decisions",
                              verbose_name=_("staff"), db_index=False)
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=12)
    reason = models.CharField(_("reason code"), max_length=24, blank=True)
    # on the status row: [[code, msgid, params], ...] in rule order, and the NOT_YET note ([code, msgid, params])
    reasons = models.JSONField(_("reasons"), encoder=DjangoJSONEncoder, null=True, blank=True)
    note = models.JSONField(_("note"), encoder=DjangoJSONEncoder, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    scope_school_path = "staff__school"

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")
        constraints = [models.UniqueConstraint(
            fields=["as_of", "reason", "staff"], name="eligibility_decision_once",
            violation_error_message=_("This staff member's decision for this date is already stored."))]
        indexes = [
            models.Index(fields=["as_of", "reason", "status", "staff"], name="eligibility_decision_filter"),
            models.Index(fields=["staff"], name="eligibility_decision_staff"),  # the cascade on a staff delete
        ]

    def __str__(self):
        return f"{self.staff_id} · {self.as_of} · {self.status} {self.reason}"

    def decision(self) -> rules.Decision:
        return decision_from(self.status, self.reasons, self.note)


def decision_from(status: str, reasons: list | None, note) -> rules.Decision:
    """The rules.Decision a stored status row stands for (its explanation renders as the live one does)."""
    return rules.Decision(status, tuple(rules.Reason(code, msgid, params) for code, msgid, params in reasons or ()),
                          rules.Reason(*note) if note else None)


def decision_parts(decision: rules.Decision) -> tuple[list, list | None]:
    """(reasons, note) of a decision, as EligibilityDecision stores them."""
    note = decision.note
    return ([[r.code, r.msgid, r.params] for r in decision.reasons],
            [note.code, note.msgid, note.params] if note else None)
