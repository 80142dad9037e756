"""Evaluation: indicator schemes (versioned trees), assessment cycles, their subjects, raters and
scores, ratings with their history, and yearly school quality data (issue 12; seeds 001, 002, 003).

Scoping (evaluation/scopes.py): schemes and cycles belong to the region that runs them; subjects
follow the school they had at the cycle's as-of date; raters reach only their own assignments;
a subject's school sees its result once the cycle is published, never who scored it.

Seam for the bound rules (issue 13): a Subject keeps `original_rating` (what the scores gave) and
`final_rating`; every later change is a RatingChange row (kind, rule, numbers, who, why).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation import rules
from org.models import Region, School, Staff
from org.ratings import Rating

POINTS = {"max_digits": 8, "decimal_places": 2}


class PersonKind(models.TextChoices):
    SCHOOL = "school", _("School")
    PRINCIPAL = "principal", _("Principal")
    RESEARCHER = "researcher", _("Researcher")
    OFFICE = "office", _("Bureau office")
    TEACHER = "teacher", _("Teacher")


class Category(models.TextChoices):
    """Seed 002's 分层分类: a scheme per school category (blank: any)."""

    ANY = "", _("Any category")
    SENIOR = "senior", _("Senior high school")
    JUNIOR = "junior", _("Junior high school")
    PRIMARY = "primary", _("Primary school")
    KINDERGARTEN = "kindergarten", _("Kindergarten")


class Scheme(models.Model):
    """One version of an indicator scheme. `lineage` ties the versions together; a scheme used by a
    cycle is frozen (`frozen_at`), and editing it makes version n+1."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("owning region"))
    name = models.CharField(_("name"), max_length=128)
    lineage = models.CharField(_("lineage"), max_length=32, editable=False)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    person_kind = models.CharField(_("assessed kind"), max_length=16, choices=PersonKind.choices)
    category = models.CharField(_("school category"), max_length=16, choices=Category.choices, blank=True, default="")
    total = models.DecimalField(_("total points"), **POINTS, validators=[MinValueValidator(0)])
    excellent_min = models.DecimalField(_("lowest total for 优秀"), **POINTS)
    qualified_min = models.DecimalField(_("lowest total for 合格"), **POINTS)
    basic_min = models.DecimalField(_("lowest total for 基本合格"), **POINTS)
    veto_cap = models.CharField(_("a veto caps at"), max_length=16, default=Rating.BASIC,
                                choices=[(Rating.BASIC, Rating.BASIC.label), (Rating.UNQUALIFIED, Rating.UNQUALIFIED.label)])
    description = models.TextField(_("description"), blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")
        constraints = [models.UniqueConstraint(fields=["lineage", "version"], name="scheme_lineage_version",
                                               violation_error_message=_("This scheme already has a version with this number."))]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def get_absolute_url(self):
        return reverse("evaluation:scheme-detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def thresholds(self) -> rules.Thresholds:
        return rules.Thresholds(self.excellent_min, self.qualified_min, self.basic_min, self.veto_cap)


class Indicator(models.Model):
    """A section (level 2), indicator (3) or sub-indicator (4); leaves carry a scoring method."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=128)
    points = models.DecimalField(_("points"), **POINTS, validators=[MinValueValidator(0)])
    role = models.CharField(_("role"), max_length=16, default=rules.STANDARD, choices=[
        (rules.STANDARD, _("Standard")), (rules.BASELINE, _("Baseline (deducts)")),
        (rules.INNOVATION, _("Innovation (adds)")), (rules.SATISFACTION, _("Satisfaction")),
        (rules.VETO, _("Veto")),
    ])
    method = models.CharField(_("scoring method"), max_length=16, default=rules.POINTS, choices=[
        (rules.POINTS, _("Points entered")), (rules.THRESHOLD, _("Threshold met")),
        (rules.RANK, _("Rank to points")), (rules.RATIO, _("Ratio to the best")),
        (rules.IMPROVEMENT, _("Improvement over the previous cycle")),
    ])
    params = models.JSONField(_("method parameters"), default=dict, blank=True)
    help_text = models.TextField(_("help text"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_per_scheme",
                                               violation_error_message=_("This scheme already has an indicator with this code."))]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("evaluation:scheme-detail", args=[self.scheme_id])


class Cycle(models.Model):
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine (平时)")
        YEAR_END = "year_end", _("Year-end (年终)")
        TERM_PROCESS = "term_process", _("Term process (学期过程性)")
        YEAR_SUMMATIVE = "year_summative", _("School-year summative (学年终结性)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    class QuotaUnit(models.TextChoices):
        SCHOOL = "school", _("Per school")
        COUNTY = "county", _("Per county")
        CYCLE = "cycle", _("Whole cycle")

    class QuotaMode(models.TextChoices):
        WARN = "warn", _("Warn")
        ENFORCE = "enforce", _("Enforce")

    class Rounding(models.TextChoices):
        HALF_UP = rules.HALF_UP, _("Round half up (四舍五入)")
        CEILING = rules.CEILING, _("Round up (进一法)")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("owning region"))
    name = models.CharField(_("name"), max_length=128)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("scheme"))
    as_of = models.DateField(_("as-of date"))
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("previous cycle"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    quota_unit = models.CharField(_("quota unit"), max_length=8, choices=QuotaUnit.choices, default=QuotaUnit.SCHOOL)
    quota_percent = models.DecimalField(_("优秀 quota (%)"), max_digits=5, decimal_places=2, default=20,
                                        validators=[MinValueValidator(0), MaxValueValidator(100)])
    rotated_percent = models.DecimalField(_("separate quota for rotated staff (%)"), max_digits=5, decimal_places=2,
                                          null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    rounding = models.CharField(_("quota rounding"), max_length=8, choices=Rounding.choices, default=Rounding.HALF_UP)
    quota_mode = models.CharField(_("quota at publication"), max_length=8, choices=QuotaMode.choices, default=QuotaMode.WARN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("cycle administrator"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "name", "id"]
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:cycle-detail", args=[self.pk])


class CycleEvent(models.Model):
    """Open, close, reopen (with its reason), publish: who and when."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events", verbose_name=_("cycle"))
    action = models.CharField(_("action"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "at", "id"]
        verbose_name = _("cycle event")
        verbose_name_plural = _("cycle events")

    def __str__(self):
        return f"{self.cycle} {self.action}"


class RaterGroup(models.Model):
    """Expert panel, school, satisfaction survey...; weights of a cycle's groups add to 100 (self apart)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="groups", verbose_name=_("cycle"))
    name = models.CharField(_("name"), max_length=64)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    combine = models.CharField(_("combined by"), max_length=16, default=rules.MEAN, choices=[
        (rules.MEAN, _("Mean")), (rules.TRIMMED_MEAN, _("Trimmed mean (drop highest and lowest)")),
    ])
    trim = models.PositiveSmallIntegerField(_("dropped at each end"), default=1)
    is_self = models.BooleanField(_("self-assessment"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "is_self", "id"]
        verbose_name = _("rater group")
        verbose_name_plural = _("rater groups")
        constraints = [models.UniqueConstraint(fields=["cycle", "name"], name="rater_group_name_per_cycle",
                                               violation_error_message=_("This cycle already has a rater group with this name."))]

    def __str__(self):
        return self.name

    def as_rule(self) -> rules.Group:
        return rules.Group(str(self.pk), self.weight, self.combine, self.trim, self.is_self)


class Subject(models.Model):
    """A school or a person assessed in a cycle, with the school and post they had at the as-of date."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="subjects", verbose_name=_("cycle"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school at the as-of date"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person"))
    post = models.CharField(_("post at the as-of date"), max_length=16, choices=Staff.Post.choices, blank=True)
    rotated = models.BooleanField(_("rotated staff"), default=False)
    total = models.DecimalField(_("total points"), **POINTS, null=True, blank=True)
    result = models.JSONField(_("scored tree"), default=dict, blank=True)
    original_rating = models.CharField(_("original rating"), max_length=16, choices=Rating.choices, blank=True)
    final_rating = models.CharField(_("final rating"), max_length=16, choices=Rating.choices, blank=True)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["cycle", "school__code", "staff__name", "id"]
        verbose_name = _("assessed subject")
        verbose_name_plural = _("assessed subjects")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "school"], condition=Q(staff__isnull=True), name="subject_school_once",
                                    violation_error_message=_("This school is already evaluated in this cycle.")),
            models.UniqueConstraint(fields=["cycle", "staff"], condition=Q(staff__isnull=False), name="subject_person_once",
                                    violation_error_message=_("This person is already evaluated in this cycle.")),
        ]

    def __str__(self):
        return self.staff.name if self.staff_id else self.school.name

    def get_absolute_url(self):
        return reverse("evaluation:subject-detail", args=[self.pk])


class Assignment(models.Model):
    """A rater asked to score one subject for one group, on one section of the scheme (blank: all)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cycle"))
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("subject"))
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluation_assignments",
                              verbose_name=_("rater"))
    group = models.ForeignKey(RaterGroup, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("rater group"))
    section = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("indicator group"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "rater", "subject", "id"]
        verbose_name = _("rater assignment")
        verbose_name_plural = _("rater assignments")
        constraints = [
            models.UniqueConstraint(fields=["subject", "rater", "group", "section"], condition=Q(section__isnull=False),
                                    name="assignment_once_per_section",
                                    violation_error_message=_("This rater is already assigned this section of this subject in this group.")),
            models.UniqueConstraint(fields=["subject", "rater", "group"], condition=Q(section__isnull=True),
                                    name="assignment_once_whole_scheme",
                                    violation_error_message=_("This rater is already assigned this subject in this group.")),
        ]
        indexes = [models.Index(fields=["rater", "cycle"], name="assignment_rater_cycle")]

    def __str__(self):
        return f"{self.subject} · {self.group}"


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assignment"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "indicator__order", "indicator_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "indicator"], name="score_once",
                                               violation_error_message=_("This indicator has already been scored in this assignment."))]

    def __str__(self):
        return f"{self.indicator_id}: {self.value}"


class RatingChange(models.Model):
    """A change of a subject's rating after scoring: a collective decision (集体研究: who, when, the
    meeting, why) or, from issue 13, a bound rule (which rule, which numbers in `details`)."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Collective decision")
        RULE = "rule", _("Rule")

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="rating_changes", verbose_name=_("subject"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_rating = models.CharField(_("from"), max_length=16, choices=Rating.choices)
    to_rating = models.CharField(_("to"), max_length=16, choices=Rating.choices)
    meeting = models.CharField(_("meeting reference"), max_length=128, blank=True)
    reason = models.TextField(_("reason"))
    details = models.JSONField(_("numbers"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["subject", "at", "id"]
        verbose_name = _("rating change")
        verbose_name_plural = _("rating changes")
        constraints = [models.CheckConstraint(condition=Q(kind="rule") | ~Q(meeting=""), name="collective_change_has_meeting",
                                              violation_error_message=_("A change decided collectively needs the meeting that decided it."))]

    def __str__(self):
        return f"{self.subject}: {self.from_rating} → {self.to_rating}"

    @property
    def text(self) -> str:
        """What the result page shows: a rule change's trace in the active language, else the reason."""
        if self.kind == self.Kind.RULE and self.details.get("rule"):
            return rules.trace_text(self.details) or self.reason
        return self.reason


class SchoolQuality(models.Model):
    """A school's yearly 教育教学质量 score, 学生增量 and staff exchanged (inputs for issue 13)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quality_score = models.DecimalField(_("quality score"), max_digits=7, decimal_places=2, null=True, blank=True)
    student_increase = models.IntegerField(_("student increase"), null=True, blank=True)
    staff_exchanged = models.PositiveIntegerField(_("staff exchanged"), null=True, blank=True)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["-year", "school__code"]
        verbose_name = _("school quality data")
        verbose_name_plural = _("school quality data")
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="school_quality_once_a_year",
                                               violation_error_message=_("This school already has a quality record for this year."))]

    def __str__(self):
        return f"{self.school} {self.year}"


class BoundPolicy(models.Model):
    """A region's bound-rule settings (捆绑评价, issue 13; seed 003 三(三), seed 002): the 明显进步
    threshold, the weights of the lead school's composite and the principal-deputy binding. The row
    without a region is the default (created by migration 0002 with seed 003's figures); a region uses
    its own row, else its nearest ancestor's, else the default (`for_region`)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                  verbose_name=_("region (blank: the default)"))
    improvement_threshold = models.DecimalField(_("marked improvement (quality points)"), max_digits=6, decimal_places=2,
                                                default=5, validators=[MinValueValidator(0)])
    weight_own = models.DecimalField(_("weight of the lead school's own score (%)"), max_digits=5, decimal_places=2, default=60,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])
    weight_quality = models.DecimalField(_("weight of the member schools' quality (%)"), max_digits=5, decimal_places=2,
                                         default=20, validators=[MinValueValidator(0), MaxValueValidator(100)])
    weight_students = models.DecimalField(_("weight of the student increase (%)"), max_digits=5, decimal_places=2, default=10,
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    weight_exchange = models.DecimalField(_("weight of the staff exchanged (%)"), max_digits=5, decimal_places=2, default=10,
                                          validators=[MinValueValidator(0), MaxValueValidator(100)])
    students_full = models.PositiveIntegerField(_("student increase for the full part"), default=100)
    exchange_full = models.PositiveIntegerField(_("staff exchanged for the full part"), default=10)
    teacher_marked_gain = models.DecimalField(_("teaching-result gain preferring an exchanged teacher"), max_digits=6,
                                              decimal_places=2, default=5, validators=[MinValueValidator(0)])
    deputies = models.CharField(_("deputies bound to the principal"), max_length=8, default=rules.DEPUTIES_CAP, choices=[
        (rules.DEPUTIES_NONE, _("Not bound")), (rules.DEPUTIES_CAP, _("No deputy above the principal")),
        (rules.DEPUTIES_FOLLOW, _("Deputies follow the principal")),
    ])
    preschool_excellent_share = models.DecimalField(_("share of partners' 优秀 for the lead kindergarten (%)"), max_digits=5,
                                                    decimal_places=2, default=50,
                                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("bound-rule policy")
        verbose_name_plural = _("bound-rule policies")
        constraints = [models.UniqueConstraint(fields=["region"], condition=Q(region__isnull=True),
                                               name="bound_policy_one_default",
                                               violation_error_message=_("There is already a default bound-rule setting."))]

    def __str__(self):
        return str(self.region) if self.region_id else str(_("Default"))

    def clean(self):
        problems = self.as_rule().problems()
        if problems:
            raise ValidationError(problems)

    def as_rule(self) -> rules.BoundPolicy:
        return rules.BoundPolicy(
            self.improvement_threshold, self.weight_own, self.weight_quality, self.weight_students, self.weight_exchange,
            self.students_full, self.exchange_full, self.teacher_marked_gain, self.deputies, self.preschool_excellent_share)

    @classmethod
    def for_region(cls, region: Region) -> rules.BoundPolicy:
        """The policy a region uses: its own row, its nearest ancestor's, the default row, seed 003's figures."""
        rows = {row.region_id: row for row in cls.objects.all()}
        node = region
        while node is not None:
            if node.pk in rows:
                return rows[node.pk].as_rule()
            node = node.parent
        return rows[None].as_rule() if None in rows else rules.BoundPolicy()


class AssessmentSchedule(models.Model):
    """When a region's yearly assessment job runs by itself (issue 13 item 4): every year on
    `month`/`day`, beat's daily `evaluation.assessment_runs_due` starts a run for each closed year-end
    cycle the region owns whose year is that year (or the year before, `previous_year`). One row per
    region; no row, or `enabled` off: the job only runs when started by hand."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(_("day"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    previous_year = models.BooleanField(_("assesses the year before"), default=False,
                                        help_text=_("For a date early in the year: run the cycles of the year before."))
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("yearly assessment date")
        verbose_name_plural = _("yearly assessment dates")

    def __str__(self):
        return f"{self.region} {self.month:02d}-{self.day:02d}"

    def clean(self):
        from evaluation.rules import yearly_date_problem

        problem = None if self.month is None or self.day is None else yearly_date_problem(self.month, self.day)
        if problem:
            raise ValidationError(problem)


class AssessmentRun(models.Model):
    """One run of the yearly assessment job on a cycle (evaluation.services_job): who started it (blank:
    the yearly schedule), its status and stage, progress (subjects done of total), when it started and
    finished, the counts it wrote and, when it failed, why (in Chinese). Liveness as import jobs
    (org.services.jobs): `heartbeat_at` refreshed by a thread, `restarts` counted by the sweep."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        WAITING = "", _("Waiting")
        SCORES = "scores", _("Scoring the subjects")
        BOUND = "bound", _("Applying the bound rules")
        FINISHED = "finished", _("Finished")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs", verbose_name=_("cycle"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True, default=Stage.WAITING)
    done = models.PositiveIntegerField(_("subjects done"), default=0)
    total = models.PositiveIntegerField(_("subjects in total"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(_("restarts"), default=0)

    RUNNING = [Status.QUEUED, Status.RUNNING]  # ImportJob.RUNNING's counterpart (the heartbeat's filter)
    ACTIVE = RUNNING

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        constraints = [models.UniqueConstraint(fields=["cycle"], condition=Q(status__in=["queued", "running"]),
                                               name="assessment_run_one_active",
                                               violation_error_message=_("An assessment of this cycle is already queued or running."))]

    def __str__(self):
        return f"{self.cycle} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("evaluation:run-detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == self.Status.DONE else 0)
def _resolve_region_row(model, region: Region):
    """A region's own row of a per-region policy model, else its nearest ancestor's, else None."""
    rows = {row.region_id: row for row in model.objects.filter(region__isnull=False)}
    node = region
    while node is not None:
        if node.pk in rows:
            return rows[node.pk]
        node = node.parent
    return None


class FundPolicy(models.Model):
    """A region's yearly award fund rule (以奖代补, issue 13 item 5; seed 003 四(四)3): the fund in fen, the share
    for rotated staff (at most 60 %), the rating weights. The rule itself: evaluation/rules.py, allocate_fund.
    A region without its own row uses its nearest ancestor's, else seed 003's figures (`for_region`)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    fund_fen = models.BigIntegerField(_("yearly fund (fen)"), default=300_000_000, validators=[MinValueValidator(1)])
    staff_percent = models.DecimalField(_("share for rotated staff (%)"), max_digits=5, decimal_places=2, default=60,
                                        validators=[MinValueValidator(0), MaxValueValidator(60)])
    school_excellent = models.PositiveSmallIntegerField(_("school weight of 优秀"), default=1)
    school_qualified = models.PositiveSmallIntegerField(_("school weight of 合格"), default=0)
    staff_excellent = models.PositiveSmallIntegerField(_("staff weight of 优秀"), default=2)
    staff_qualified = models.PositiveSmallIntegerField(_("staff weight of 合格"), default=1)
    history = HistoricalRecords()

    FIELDS = ("fund_fen", "staff_percent", "school_excellent", "school_qualified", "staff_excellent", "staff_qualified")

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("award fund rule")
        verbose_name_plural = _("award fund rules")

    def __str__(self):
        return str(self.region)

    def clean(self):
        problems = self.as_rule().problems()
        if problems:
            raise ValidationError(problems)

    def as_rule(self) -> rules.FundRule:
        return rules.FundRule(int(self.fund_fen or 0), self.staff_percent, self.school_excellent, self.school_qualified,
                              self.staff_excellent, self.staff_qualified)

    @classmethod
    def for_region(cls, region: Region) -> "FundPolicy":
        """The row a region uses (own, nearest ancestor's), else an unsaved row with seed 003's figures."""
        return _resolve_region_row(cls, region) or cls(region=region)


class FundAllocation(models.Model):
    """One region's fund allocated for one year from the closed or published year-end cycles of that year
    (evaluation.services_fund). Recomputing replaces the shares; the numbers of the rule used are kept."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    fund_fen = models.BigIntegerField(_("fund (fen)"))
    staff_percent = models.DecimalField(_("share for rotated staff (%)"), max_digits=5, decimal_places=2)
    staff_pool_fen = models.BigIntegerField(_("staff pool (fen)"))
    school_pool_fen = models.BigIntegerField(_("school pool (fen)"))
    unallocated_fen = models.BigIntegerField(_("unallocated (fen)"))
    rule = models.JSONField(_("rule used"), default=dict)
    cycles = models.JSONField(_("cycles read"), default=list)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("computed by"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("award fund allocation")
        verbose_name_plural = _("award fund allocations")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="fund_allocation_once_a_year",
                                               violation_error_message=_("This region already has a fund allocation for this year."))]

    def __str__(self):
        return f"{self.region} {self.year}"

    def get_absolute_url(self):
        return reverse("evaluation:fund-detail", args=[self.pk])


class FundShare(models.Model):
    """One recipient's share: a school (先进单位) or a rotated person, with the weight and its basis numbers."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        STAFF = "staff", _("Rotated staff")

    allocation = models.ForeignKey(FundAllocation, on_delete=models.CASCADE, related_name="shares",
                                   verbose_name=_("allocation"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("person"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    weight = models.BigIntegerField(_("weight"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    basis = models.JSONField(_("basis"), default=dict)

    class Meta:
        ordering = ["allocation", "kind", "-amount_fen", "id"]
        verbose_name = _("award fund share")
        verbose_name_plural = _("award fund shares")

    def __str__(self):
        return f"{self.staff or self.school}: {rules.yuan(self.amount_fen)}"


class TitleRatioPolicy(models.Model):
    """A region's senior-title post ratios by school stage (高级职称岗位比例, issue 13 item 5; seed 002 四:
    kindergarten 6 %, primary 10 %, junior high 30 %, senior high 35 %) and the titles that count as senior.
    Nine-year and complete secondary schools: no seed figure, blank (not checked) unless the region sets one.
    A region without its own row uses its nearest ancestor's, else these defaults (`for_region`)."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    kindergarten = models.DecimalField(_("kindergarten (%)"), max_digits=5, decimal_places=2, default=6,
                                       validators=[MinValueValidator(0), MaxValueValidator(100)])
    primary = models.DecimalField(_("primary school (%)"), max_digits=5, decimal_places=2, default=10,
                                  validators=[MinValueValidator(0), MaxValueValidator(100)])
    junior = models.DecimalField(_("junior high school (%)"), max_digits=5, decimal_places=2, default=30,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    senior = models.DecimalField(_("senior high school (%)"), max_digits=5, decimal_places=2, default=35,
                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    nine_year = models.DecimalField(_("nine-year school (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
                                    validators=[MinValueValidator(0), MaxValueValidator(100)])
    complete = models.DecimalField(_("complete secondary school (%)"), max_digits=5, decimal_places=2, null=True,
                                   blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)])
    senior_titles = models.CharField(_("titles counted as senior (separated by 、)"), max_length=200,
                                     default="正高级教师、高级教师、中学高级教师")
    history = HistoricalRecords()

    FIELDS = ("kindergarten", "primary", "junior", "senior", "nine_year", "complete", "senior_titles")

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("senior-title post ratio")
        verbose_name_plural = _("senior-title post ratios")

    def __str__(self):
        return str(self.region)

    def clean(self):
        if not rules.senior_title_names(self.senior_titles):
            raise ValidationError({"senior_titles": MSG_NO_SENIOR_TITLES})

    def percent_for(self, stage: str):
        return getattr(self, stage, None)

    @classmethod
    def for_region(cls, region: Region) -> "TitleRatioPolicy":
        return _resolve_region_row(cls, region) or cls(region=region)


class TitleRatioFigure(models.Model):
    """A school's senior-title check (rules.title_ratio: active staff, those holding a senior title of its region's
    policy, the stage's ratio) as the job last computed it (services_incentives.title_ratio_figures_compute: nightly,
    and queued when a ratio policy changes). Counting 500,000 staff by school and title takes seconds, too slow for
    a page; the pages show `computed_at`. A derived table rebuilt whole, so it keeps no history of its own."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    posts = models.PositiveIntegerField(_("posts"))
    senior = models.PositiveIntegerField(_("senior titles"))
    percent = models.DecimalField(_("ratio (%)"), max_digits=5, decimal_places=2, null=True)
    ceiling = models.IntegerField(_("ceiling"), null=True)
    status = models.CharField(_("result"), max_length=8)
    computed_at = models.DateTimeField(_("computed at"))
    scope_school_path = "school"

    class Meta:
        verbose_name = _("senior-title check")
        verbose_name_plural = _("senior-title checks")

    def __str__(self):
        return f"{self.school_id} · {self.status}"

    @property
    def ratio(self) -> rules.TitleRatio:
        return rules.TitleRatio(self.posts, self.senior, self.percent, self.ceiling, self.status)


MSG_NO_SENIOR_TITLES = _("Name at least one title counted as senior.")
