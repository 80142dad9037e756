"""Talent pool: programs and their tracks, yearly intakes, nominations and their workflow, the pool
and its members' development, and promotions out of the pool.

Scoping: rows tied to a person follow the person's school (`scope_school_path`); programs,
intakes, training batches and scoring forms are scoped by the region that owns them
(scopers in talentpool/scopes.py); nominations add the reviewer's assignments.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.attachments import validate_attachment
from org.models import Region, School, Staff


class Level(models.TextChoices):
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")


class PoolType(models.TextChoices):
    PRINCIPAL_RESERVE = "principal_reserve", _("Principal reserve")
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    MIDDLE_CADRE = "middle_cadre", _("Middle cadre")
    RESEARCHER_RESERVE = "researcher_reserve", _("Researcher reserve")


# --- programs, tracks, eligibility rows, scoring forms --------------------------------------


class ScoringForm(models.Model):
    """A simple weighted scoring form (the evaluation app brings full indicator schemes later)."""

    name = models.CharField(_("name"), max_length=128)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring form")
        verbose_name_plural = _("scoring forms")

    def __str__(self):
        return self.name


class ScoringItem(models.Model):
    form = models.ForeignKey(ScoringForm, on_delete=models.CASCADE, related_name="items", verbose_name=_("scoring form"))
    name = models.CharField(_("name"), max_length=128)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("scoring item")
        verbose_name_plural = _("scoring items")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="scoring_item_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="scoring_item_max_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


NOTICE_MIN_WORKING_DAYS = 5  # seed 002: the public notice runs at least 5 working days
MSG_NOTICE_DAYS_MIN = _("The public notice must run at least %(limit_value)s working days.")


class Program(models.Model):
    name = models.CharField(_("name"), max_length=128)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("owning region"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    years = models.PositiveSmallIntegerField(_("years"), default=3)
    notice_working_days = models.PositiveSmallIntegerField(
        _("minimum public notice (working days)"), default=NOTICE_MIN_WORKING_DAYS,
        validators=[MinValueValidator(NOTICE_MIN_WORKING_DAYS, message=MSG_NOTICE_DAYS_MIN)],
    )
    review_interval_years = models.PositiveSmallIntegerField(_("pool review every (years)"), default=3)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("training program")
        verbose_name_plural = _("training programs")
        constraints = [
            models.CheckConstraint(condition=Q(years__gte=1), name="program_years_positive"),
            models.CheckConstraint(
                condition=Q(notice_working_days__gte=NOTICE_MIN_WORKING_DAYS), name="program_notice_days_min",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talentpool:program-detail", args=[self.pk])

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1


class Track(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tracks", verbose_name=_("program"))
    name = models.CharField(_("name"), max_length=64)
    pool_type = models.CharField(_("pool type"), max_length=24, choices=PoolType.choices)
    annual_quota = models.PositiveIntegerField(_("annual quota"))
    scoring_form = models.ForeignKey(
        ScoringForm, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("scoring form"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "id"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="track_name_unique")]

    def __str__(self):
        return f"{self.program} · {self.name}"

    @property
    def total_quota(self) -> int:
        return self.annual_quota * self.program.years


class EligibilityRule(models.Model):
    """One typed, editable eligibility condition of a track (all rows of a track must hold)."""

    class Kind(models.TextChoices):
        MIN_LEADER_YEARS = "min_leader_years", _("Minimum years as principal or vice principal")
        MIN_HEAD_TEACHER_YEARS = "min_head_teacher_years", _("Minimum years as head teacher")
        POST_IN = "post_in", _("Post is one of")
        STAGE_IN = "stage_in", _("School stage is one of")
        MAX_AGE = "max_age", _("Maximum age")
        TITLE_IN = "title_in", _("Professional title is one of")

    NUMERIC = (Kind.MIN_LEADER_YEARS, Kind.MIN_HEAD_TEACHER_YEARS, Kind.MAX_AGE)

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="rules", verbose_name=_("track"))
    kind = models.CharField(_("condition"), max_length=24, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    choices = models.CharField(
        _("allowed values"), max_length=255, blank=True,
        help_text=_("Comma-separated: post or stage codes, or title names."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["track", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [models.UniqueConstraint(fields=["track", "kind"], name="eligibility_rule_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number if self.number is not None else self.choices}"

    @property
    def choice_list(self) -> tuple[str, ...]:
        return tuple(part.strip() for part in self.choices.replace("，", ",").split(",") if part.strip())

    def clean(self):

        if self.kind in self.NUMERIC and self.number is None:
            raise ValidationError({"number": MSG_RULE_NEEDS_NUMBER})
        if self.kind not in self.NUMERIC and not self.choice_list:
            raise ValidationError({"choices": MSG_RULE_NEEDS_CHOICES})
        valid = {self.Kind.POST_IN: Staff.Post.values, self.Kind.STAGE_IN: School.Stage.values}.get(self.kind)
        if valid is not None and any(choice not in valid for choice in self.choice_list):
            raise ValidationError({"choices": MSG_RULE_UNKNOWN_CHOICE})


MSG_RULE_NEEDS_NUMBER = _("This condition needs a number.")
MSG_RULE_NEEDS_CHOICES = _("This condition needs at least one allowed value.")
MSG_RULE_UNKNOWN_CHOICE = _("Unknown code among the allowed values.")


class Holiday(models.Model):
    """Public holidays skipped when counting the working days of a public notice."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [models.UniqueConstraint(fields=["date"], name="holiday_date_unique")]

    def __str__(self):
        return f"{self.date} {self.name}"


# --- intakes and nominations ---------------------------------------------------------------


class Intake(models.Model):
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("track"))
    year = models.PositiveSmallIntegerField(_("year"))
    opens = models.DateField(_("nominations open"))
    closes = models.DateField(_("nominations close"))
    quota = models.PositiveIntegerField(_("quota"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "track"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.UniqueConstraint(fields=["track", "year"], name="intake_once_per_track_year"),
            models.CheckConstraint(condition=Q(closes__gte=models.F("opens")), name="intake_closes_after_opens"),
        ]

    def __str__(self):
        return f"{self.track} {self.year}"

    def get_absolute_url(self):
        return reverse("talentpool:intake-detail", args=[self.pk])


class Nomination(models.Model):
    class Source(models.TextChoices):
        NOMINATION = "nomination", _("School nomination")
        APPLICATION = "application", _("Personal application")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted (county review)")
        RETURNED = "returned", _("Returned for revision")
        ASSESSMENT = "assessment", _("Assessment")
        NOTICE = "notice", _("Public notice")
        DECISION = "decision", _("Collective decision")
        ADMITTED = "admitted", _("Admitted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    CLOSED = (Status.ADMITTED, Status.REJECTED, Status.WITHDRAWN)

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("intake"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("nominee"))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.NOMINATION)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"),
    )
    reasons = models.TextField(_("reasons for nomination"))
    achievements = models.TextField(_("achievements"), blank=True)
    head_teacher_since = models.DateField(
        _("head teacher since"), null=True, blank=True,
        help_text=_("Stated by the nominating school; the staff record holds no head-teacher start date."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    eligibility = models.JSONField(_("eligibility at submission"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    final_score = models.DecimalField(_("combined score"), max_digits=6, decimal_places=2, null=True, blank=True)
    notice_start = models.DateField(_("public notice from"), null=True, blank=True)
    notice_end = models.DateField(_("public notice until"), null=True, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    minutes_ref = models.CharField(_("minutes reference"), max_length=64, blank=True)
    history = HistoricalRecords()
    scope_school_path = "staff__school"  # plus reviewer assignments (talentpool/scopes.py)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["intake", "status"], name="nomination_intake_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "staff"], condition=~Q(status__in=["rejected", "withdrawn"]),
                name="nomination_one_open_per_intake",
            ),
        ]

    def __str__(self):
        return f"{self.staff} · {self.intake}"

    def get_absolute_url(self):
        return reverse("talentpool:nomination-detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


def attachment_path(instance, filename):
    return f"talentpool/nominations/{instance.nomination_id}/{filename}"


class NominationAttachment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("nomination"))
    file = models.FileField(_("file"), upload_to=attachment_path, validators=[validate_attachment])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()
    scope_school_path = "nomination__staff__school"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]


class Transition(models.Model):
    """One step of a nomination's workflow: who moved it, when, from where to where, and why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("nomination"))
    from_status = models.CharField(_("from"), max_length=12, choices=Nomination.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Nomination.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()
    scope_school_path = "nomination__staff__school"

    class Meta:
        ordering = ["nomination", "at", "id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReviewerAssignment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("nomination"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talent_assignments", verbose_name=_("reviewer"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by"))
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    total = models.DecimalField(_("weighted score"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()
    scope_school_path = "nomination__staff__school"  # plus the reviewer's own (talentpool/scopes.py)

    class Meta:
        ordering = ["nomination", "id"]
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        constraints = [models.UniqueConstraint(fields=["nomination", "reviewer"], name="assignment_once_per_reviewer")]

    def __str__(self):
        return f"{self.reviewer} · {self.nomination}"


class Score(models.Model):
    assignment = models.ForeignKey(ReviewerAssignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment"))
    item = models.ForeignKey(ScoringItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("scoring item"))
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    history = HistoricalRecords()
    scope_school_path = "assignment__nomination__staff__school"

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "item"], name="score_once_per_item"),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.item}: {self.value}"


class Objection(models.Model):
    """An objection raised during the public notice; the decision waits until it is resolved."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections", verbose_name=_("nomination"))
    received = models.DateField(_("received on"))
    raised_by = models.CharField(_("raised by"), max_length=64, blank=True)
    content = models.TextField(_("content"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("resolved by"),
    )
    history = HistoricalRecords()
    scope_school_path = "nomination__staff__school"

    class Meta:
        ordering = ["nomination", "received", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.nomination} · {self.received}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


# --- the pool and its members ----------------------------------------------------------------


class PoolMember(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In the pool")
        PROMOTED = "promoted", _("Promoted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="pool_memberships", verbose_name=_("staff member"))
    pool_type = models.CharField(_("pool type"), max_length=24, choices=PoolType.choices)
    tier = models.CharField(_("tier"), max_length=8, choices=Level.choices)
    joined = models.DateField(_("joined"))
    source = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="pool_members", verbose_name=_("source nomination"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    review_interval_years = models.PositiveSmallIntegerField(_("review every (years)"), default=3)
    review_due = models.DateField(_("review due"))
    review_flagged = models.BooleanField(_("review overdue"), default=False)
    history = HistoricalRecords()
    scope_school_path = "staff__school"

    class Meta:
        ordering = ["-joined", "id"]
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")
        indexes = [models.Index(fields=["status", "review_due"], name="pool_member_review")]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "pool_type"], condition=Q(status="active"), name="pool_member_one_active_per_type",
            ),
        ]

    def __str__(self):
        return f"{self.staff} · {self.get_pool_type_display()}"

    def get_absolute_url(self):
        return reverse("talentpool:member-detail", args=[self.pk])


class TierMove(models.Model):
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="tier_moves", verbose_name=_("pool member"))
    from_tier = models.CharField(_("from tier"), max_length=8, choices=Level.choices)
    to_tier = models.CharField(_("to tier"), max_length=8, choices=Level.choices)
    moved_on = models.DateField(_("moved on"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()
    scope_school_path = "member__staff__school"

    class Meta:
        ordering = ["member", "moved_on", "id"]
        verbose_name = _("tier move")
        verbose_name_plural = _("tier moves")

    def __str__(self):
        return f"{self.member}: {self.from_tier} → {self.to_tier}"


# --- development ------------------------------------------------------------------------------


class MentoringPair(models.Model):
    mentor = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="mentees", verbose_name=_("mentor"))
    mentee = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="mentors", verbose_name=_("mentee"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    goals = models.TextField(_("goals"), blank=True)
    history = HistoricalRecords()
    scope_school_path = "mentee__staff__school"

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee", "start"], name="mentoring_pair_unique"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="mentoring_end_after_start"),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.mentee.staff}"


class TrainingBatch(models.Model):
    class Kind(models.TextChoices):
        SHADOW = "shadow", _("Shadow training")
        CENTRAL = "central", _("Central training")
        LECTURE = "lecture", _("Lecture")

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SHADOW)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("organising region"))
    base_school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("base school"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    hours = models.DecimalField(_("planned hours"), max_digits=6, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "id"]
        verbose_name = _("training batch")
        verbose_name_plural = _("training batches")
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="training_end_after_start")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talentpool:training-detail", args=[self.pk])


class TrainingAttendance(models.Model):
    batch = models.ForeignKey(TrainingBatch, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("training batch"))
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="training", verbose_name=_("pool member"))
    attended = models.BooleanField(_("attended"), default=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    history = HistoricalRecords()
    scope_school_path = "member__staff__school"

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["batch", "member"], name="attendance_once_per_batch")]

    def __str__(self):
        return f"{self.batch} · {self.member.staff}"


class Studio(models.Model):
    class Kind(models.TextChoices):
        PRINCIPAL = "principal", _("Famous principal studio")
        TEACHER = "teacher", _("Famous teacher studio")
        HEAD_TEACHER = "head_teacher", _("Famous head teacher studio")

    name = models.CharField(_("name"), max_length=128)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    host = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="hosted_studios", verbose_name=_("host"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    founded = models.DateField(_("founded"))
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("studio")
        verbose_name_plural = _("studios")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talentpool:studio-detail", args=[self.pk])


class StudioMembership(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("studio"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="studio_memberships", verbose_name=_("staff member"))
    joined = models.DateField(_("joined"))
    history = HistoricalRecords()
    scope_school_path = "staff__school"

    class Meta:
        verbose_name = _("studio member")
        verbose_name_plural = _("studio members")
        constraints = [models.UniqueConstraint(fields=["studio", "staff"], name="studio_member_once")]

    def __str__(self):
        return f"{self.studio} · {self.staff}"


class StageSummary(models.Model):
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("pool member"))
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("summary"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    history = HistoricalRecords()
    scope_school_path = "member__staff__school"

    class Meta:
        ordering = ["member", "year"]
        verbose_name = _("stage summary")
        verbose_name_plural = _("stage summaries")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="stage_summary_once_per_year")]

    def __str__(self):
        return f"{self.member} {self.year}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class AnnualReview(models.Model):
    member = models.ForeignKey(PoolMember, on_delete=models.CASCADE, related_name="annual_reviews", verbose_name=_("pool member"))
    year = models.PositiveSmallIntegerField(_("year"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert"))
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()
    scope_school_path = "member__staff__school"

    class Meta:
        ordering = ["member", "year"]
        verbose_name = _("annual review")
        verbose_name_plural = _("annual reviews")
        constraints = [models.UniqueConstraint(fields=["member", "year", "expert"], name="annual_review_once")]

    def __str__(self):
        return f"{self.member} {self.year} {self.grade}"


class FinalEvaluation(models.Model):
    """The end-of-program evaluation on the four dimensions of seed 000, with the award recommendation."""

    member = models.OneToOneField(PoolMember, on_delete=models.CASCADE, related_name="final_evaluation", verbose_name=_("pool member"))
    ethics = models.CharField(_("professional ethics"), max_length=12, choices=Grade.choices)
    management_innovation = models.CharField(_("management innovation"), max_length=12, choices=Grade.choices)
    leadership = models.CharField(_("leading by example"), max_length=12, choices=Grade.choices)
    school_practice = models.CharField(_("school practice"), max_length=12, choices=Grade.choices)
    overall = models.CharField(_("overall"), max_length=12, choices=Grade.choices)
    award_recommended = models.BooleanField(_("recommended for the annual award"), default=False)
    evaluated_on = models.DateField(_("evaluated on"))
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("evaluated by"))
    history = HistoricalRecords()
    scope_school_path = "member__staff__school"

    class Meta:
        verbose_name = _("final evaluation")
        verbose_name_plural = _("final evaluations")

    def __str__(self):
        return f"{self.member} {self.overall}"


# --- promotions ---------------------------------------------------------------------------------


class Appointment(models.Model):
    class ToPost(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        VICE_PRINCIPAL = "vice_principal", _("Vice principal")
        MIDDLE_CADRE = "middle_cadre", _("Middle cadre")

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("staff member"))
    to_post = models.CharField(_("appointed as"), max_length=16, choices=ToPost.choices)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    appointed_on = models.DateField(_("appointed on"))
    from_pool = models.ForeignKey(
        PoolMember, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments", verbose_name=_("from pool membership"),
    )
    outside_pool_warning = models.BooleanField(_("principal appointed from outside the pool"), default=False)
    document_ref = models.CharField(_("document reference"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["-appointed_on", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self):
        return f"{self.staff} → {self.get_to_post_display()}"
