"""Alliances (集团化办学): the bureau's ledger of education groups and what each must dispatch.

Tables (names kept plain for evaluation, which reads them):

- `Group`: one education group / alliance / pairing of one of six types, owned by a region,
  led by one school; dissolved with a date, never deleted.
- `Membership`: a school in a group (the lead too, role "lead"), with join and leave dates.
- `PreschoolRating`: a kindergarten's model level (省级/市级示范园), for the preschool tiers.
- `GroupPost`: a dated appointment in a group (总校长, 执行校长, posts of dispatched cadres).
- `DispatchRequirement`: an editable number per group type and region (defaults from seed 003).
- `DispatchDetail`: what a roster row (rotation.Assignment) teaches at the destination: grade band,
  subject, senior-three experience; compliance reads it next to the assignment.
- `Compliance` and `ComplianceItem`: a group's computed compliance for a term on a day, each
  requirement met or its gap with the assignment ids behind the count.
- `CourseNeed`, `ItinerantSlot`: 走教 coverage of a township alliance's small schools.
- `Activity`, `ActivityAttachment`: joint activities and their files (served by a scoped view).
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from alliances import rules
from org.models import Region, School, Staff
from rotation.models import Assignment

MSG_END_BEFORE_START = _("The end date must not be before the start date.")
MSG_SLOT_TIMES = _("The lesson must end after it starts.")


class GroupType(models.TextChoices):
    TIGHT = rules.TIGHT, _("Tight education group (紧密型教育集团)")
    HAND_IN_HAND = rules.HAND_IN_HAND, _("Urban-rural hand-in-hand alliance (城乡手拉手帮扶联盟)")
    TOWNSHIP = rules.TOWNSHIP, _("Township central-school alliance (乡镇中心小学一体化联盟)")
    SENIOR_PAIR = rules.SENIOR_PAIR, _("Senior-high 1+1 pairing (普通高中1+1结对)")
    PRESCHOOL = rules.PRESCHOOL, _("Preschool lead-building (学前教育领航共建)")
    CROSS_COUNTY = rules.CROSS_COUNTY, _("Cross-county 1+1 (跨县域教联体)")


def active_between_q(start: date, end: date | None = None, prefix: str = "") -> Q:
    """Groups active on some day of `start`..`end` (inclusive; `end` defaults to `start`): founded on or before `end`,
    not dissolved or dissolved on or after `start`. The one place that says when a group is active: the dissolution
    day is the group's last day, as a membership's `left_on` is its last day (`group_dissolve` ends the open
    memberships on that day), so a group dissolved ahead stays active until then. `prefix` reads the group through
    a relation ("group__")."""
    end = start if end is None else end
    return Q(**{f"{prefix}founded_on__lte": end}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gte": start}))


def active_on_q(day: date, prefix: str = "") -> Q:
    """Groups active on `day` (see `active_between_q`)."""
    return active_between_q(day, day, prefix)


def membership_on_q(day: date, prefix: str = "") -> Q:
    """Memberships that hold on `day`: joined on or before it and not left before it (`left_on` is the last day)."""
    return Q(**{f"{prefix}joined_on__lte": day}) & membership_from_q(day, prefix)


def membership_from_q(day: date, prefix: str = "") -> Q:
    """Memberships not ended before `day` (open, or leaving on or after it; those joining later included): the
    "current" members of the pages and forms, read by date, as a dissolution or a leave may be dated ahead."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": day})


class GroupQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(active_on_q(day))

    def active_between(self, start: date, end: date):
        return self.filter(active_between_q(start, end))


class Group(models.Model):
    """An education group of one type: owning region, lead school, members over time.

    Active from `founded_on` to `dissolved_on` inclusive (the dissolution day is its last day; `active_on_q`)."""

    name = models.CharField(_("name"), max_length=128)
    type = models.CharField(_("type"), max_length=16, choices=GroupType.choices)
    tier = models.PositiveSmallIntegerField(_("tier (preschool lead-building)"), null=True, blank=True,
                                            choices=[(1, _("Tier 1")), (2, _("Tier 2"))])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="alliance_groups", verbose_name=_("owning region"))
    lead_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="led_groups", verbose_name=_("lead school"))
    founded_on = models.DateField(_("founded on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolution_reason = models.CharField(_("reason for dissolving"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords()
    objects = GroupQuerySet.as_manager()
    scope_school_path = "lead_school"  # writes: bureau staff of the lead school's region; reads add members (alliances/scopes.py)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("education group")
        verbose_name_plural = _("education groups")
        indexes = [models.Index(fields=["type", "dissolved_on"], name="group_type_active")]
        constraints = [
            models.CheckConstraint(condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                                   name="group_dissolved_after_founded",
                                   violation_error_message=_("The dissolution date cannot be before the founding date.")),
            models.CheckConstraint(condition=Q(tier__isnull=True) | Q(type=rules.PRESCHOOL), name="group_tier_preschool_only",
                                   violation_error_message=_("Only preschool groups have a tier.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("alliances:group-detail", args=[self.pk])

    def is_active_on(self, day: date) -> bool:
        """The Python twin of `active_on_q` (one rule)."""
        return self.founded_on <= day and (self.dissolved_on is None or day <= self.dissolved_on)

    @property
    def is_active(self) -> bool:
        """Active today (a dissolution dated ahead keeps the group active until that day)."""
        return self.is_active_on(timezone.localdate())

    def frozen_for(self, day: date, today: date) -> bool:
        """Refuses changes dated `day`: once its dissolution day has passed, or dated after that day."""
        return self.dissolved_on is not None and (today > self.dissolved_on or day > self.dissolved_on)


class Membership(models.Model):
    """A school in a group from `joined_on` to `left_on` (inclusive; blank: still a member)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead school")
        MEMBER = "member", _("Member school")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("education group"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="alliance_memberships", verbose_name=_("school"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["group", "role", "school__code"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["school", "left_on"], name="membership_school_current")]
        constraints = [
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="membership_left_after_joined",
                                   violation_error_message=_("The leaving date cannot be before the joining date.")),
            models.UniqueConstraint(fields=["group", "school"], condition=Q(left_on__isnull=True),
                                    name="membership_one_current_per_school",
                                    violation_error_message=_("This school is already a current member of this group.")),
        ]

    def __str__(self):
        return f"{self.group} · {self.school}"

    def get_absolute_url(self):
        return self.group.get_absolute_url()

    def covers(self, start, end) -> bool:
        return self.joined_on <= end and (self.left_on is None or self.left_on >= start)


class PreschoolRating(models.Model):
    """A kindergarten's model level: provincial model (省级示范园) or city-level model (市级示范园)."""

    class Level(models.TextChoices):
        PROVINCIAL = rules.PROVINCIAL_MODEL, _("Provincial model kindergarten")
        CITY = rules.CITY_MODEL, _("City-level model kindergarten")

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="preschool_rating", verbose_name=_("school"))
    level = models.CharField(_("model level"), max_length=20, choices=Level.choices)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        verbose_name = _("preschool rating")
        verbose_name_plural = _("preschool ratings")

    def __str__(self):
        return f"{self.school} · {self.get_level_display()}"


class GroupPost(models.Model):
    """A dated appointment by the bureau under 总校负责制 (seed 003, 三(二))."""

    class Kind(models.TextChoices):
        HEAD = "head", _("Head of group (总校长)")
        EXECUTIVE = "executive", _("Executive principal (执行校长)")
        VICE_PRINCIPAL = "vice_principal", _("Vice principal at the member school")
        MIDDLE_CADRE = "middle_cadre", _("Middle cadre at the member school")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="posts", verbose_name=_("education group"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="group_posts", verbose_name=_("staff member"))
    kind = models.CharField(_("post"), max_length=16, choices=Kind.choices)
    start = models.DateField(_("appointed on"))
    end = models.DateField(_("ended on"), null=True, blank=True)
    document_no = models.CharField(_("appointment document no."), max_length=64, blank=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("dispatch (roster row)"))
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("recorded by"))
    history = HistoricalRecords()
    scope_school_path = "group__lead_school"

    class Meta:
        ordering = ["group", "kind", "-start"]
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="grouppost_end_after_start",
                                   violation_error_message=_("The end date cannot be before the start date.")),
            models.UniqueConstraint(fields=["group", "kind"], condition=Q(kind="head", end__isnull=True),
                                    name="grouppost_one_current_head",
                                    violation_error_message=_("This group already has a current head (总校长).")),
            models.UniqueConstraint(fields=["group", "school", "kind"], condition=Q(kind="executive", end__isnull=True),
                                    name="grouppost_one_executive_per_school",
                                    violation_error_message=_("This school already has a current executive principal (执行校长) in this group.")),
        ]

    def __str__(self):
        return f"{self.group} · {self.get_kind_display()} · {self.staff}"


class DispatchRequirement(models.Model):
    """One editable number of what a group type must dispatch; a region's row overrides the default (region blank)."""

    class Kind(models.TextChoices):
        MANAGEMENT_TEAM = rules.MANAGEMENT_TEAM, _("Management team to each member school (at least)")
        KEY_TEACHERS_JUNIOR = rules.KEY_TEACHERS_JUNIOR, _("Key subject teachers to a junior high member (at least)")
        KEY_TEACHERS_PRIMARY_BAND = rules.KEY_TEACHERS_PRIMARY_BAND, _("Key teachers per primary grade band (at least), subjects covered")
        PEER_RETURN = rules.PEER_RETURN, _("Member schools send back matching peers")
        STAFF_PER_TERM = rules.STAFF_PER_TERM, _("Urban staff dispatched per semester (from, to)")
        SUBJECT_TEACHERS = rules.SUBJECT_TEACHERS, _("Teachers per academic subject, with senior-three experience (at least)")
        MIN_YEARS_LEADERS = rules.MIN_YEARS_LEADERS, _("Minimum years, leaders and cadres")
        MIN_YEARS_TEACHERS = rules.MIN_YEARS_TEACHERS, _("Minimum years, teachers")

    group_type = models.CharField(_("group type"), max_length=16, choices=GroupType.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("region (blank: default)"))
    kind = models.CharField(_("requirement"), max_length=32, choices=Kind.choices)
    minimum = models.PositiveSmallIntegerField(_("number (at least)"))
    maximum = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    subjects = models.CharField(_("subjects that must be covered (comma-separated)"), max_length=200, blank=True)
    key_honour = models.PositiveSmallIntegerField(_("lowest honour of a key teacher"), choices=Staff.Honour.choices,
                                                  default=rules.KEY_HONOUR)
    active = models.BooleanField(_("applies"), default=True)
    history = HistoricalRecords()
    # scoped in alliances/scopes.py: defaults are visible to all, region rows with their region

    class Meta:
        ordering = ["group_type", "kind", "region__code"]
        verbose_name = _("dispatch requirement")
        verbose_name_plural = _("dispatch requirements")
        constraints = [
            models.UniqueConstraint(fields=["group_type", "kind", "region"], name="requirement_once_per_region",
                                    violation_error_message=_("This region already has a requirement of this kind for this group type.")),
            models.UniqueConstraint(fields=["group_type", "kind"], condition=Q(region__isnull=True), name="requirement_one_default",
                                    violation_error_message=_("This group type already has a default requirement of this kind.")),
            models.CheckConstraint(condition=Q(maximum__isnull=True) | Q(maximum__gte=models.F("minimum")),
                                   name="requirement_max_not_below_min",
                                   violation_error_message=_("The upper limit (不多于) cannot be below the lower limit (不少于).")),
        ]

    def __str__(self):
        return f"{self.get_group_type_display()} · {self.get_kind_display()} ≥ {self.minimum}"

    def subject_list(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in self.subjects.replace("，", ",").replace("、", ",").split(",") if s.strip())

    def as_rule(self) -> rules.Requirement:
        return rules.Requirement(self.kind, self.minimum, self.maximum, self.subject_list(), self.key_honour)


class DispatchDetail(models.Model):
    """What a dispatched person teaches at the destination (band, subject) and has taught before (高三)."""

    class Band(models.TextChoices):
        LOWER = rules.LOWER, _("Lower grades (1-2)")
        MIDDLE = rules.MIDDLE, _("Middle grades (3-4)")
        UPPER = rules.UPPER, _("Upper grades (5-6)")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="alliance_detail",
                                      verbose_name=_("assignment"))
    band = models.CharField(_("grade band"), max_length=8, choices=Band.choices, blank=True)
    subject = models.CharField(_("subject taught (blank: the staff member's subject)"), max_length=32, blank=True)
    senior_three = models.BooleanField(_("has taught senior three (高三)"), default=False)
    history = HistoricalRecords()
    scope_school_path = "assignment__from_school"

    class Meta:
        verbose_name = _("dispatch detail")
        verbose_name_plural = _("dispatch details")

    def __str__(self):
        return str(self.assignment)


class Compliance(models.Model):
    """A group's compliance for one term as computed on one day (kept, so a term can be read back)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="compliance", verbose_name=_("education group"))
    term = models.CharField(_("term"), max_length=16)  # rules.Term.code: "2026-autumn"
    computed_on = models.DateField(_("computed on"))
    computed_at = models.DateTimeField(_("computed at"))
    met = models.BooleanField(_("all requirements met"))
    gap_count = models.PositiveIntegerField(_("gaps"))
    scope_school_path = "group__lead_school"

    class Meta:
        ordering = ["group", "-term", "-computed_on"]
        verbose_name = _("compliance")
        verbose_name_plural = _("compliance")
        constraints = [models.UniqueConstraint(fields=["group", "term", "computed_on"], name="compliance_once_a_day",
                                               violation_error_message=_("The compliance of this group for this term was already computed on this day."))]
        indexes = [models.Index(fields=["term", "computed_on"], name="compliance_term_day")]

    def __str__(self):
        return f"{self.group} · {self.term} · {self.computed_on}"


class ComplianceItem(models.Model):
    """One requirement at one school (or the whole group): met or the gap, with the assignments behind it."""

    compliance = models.ForeignKey(Compliance, on_delete=models.CASCADE, related_name="items", verbose_name=_("compliance"))
    kind = models.CharField(_("requirement"), max_length=32, choices=DispatchRequirement.Kind.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school"))
    met = models.BooleanField(_("met"))
    count = models.PositiveIntegerField(_("count"))
    needed = models.PositiveIntegerField(_("needed"))
    code = models.CharField(_("gap code"), max_length=32, blank=True)
    params = models.JSONField(_("gap details"), default=dict, blank=True)
    assignment_ids = models.JSONField(_("assignments counted"), default=list, blank=True)
    scope_school_path = "compliance__group__lead_school"

    class Meta:
        ordering = ["compliance", "met", "kind", "id"]
        verbose_name = _("compliance item")
        verbose_name_plural = _("compliance items")

    def __str__(self):
        return self.text

    @property
    def text(self) -> str:
        return rules.gap_text(self.code, self.params) if self.code else str(self.get_kind_display())


class CourseNeed(models.Model):
    """A subject a small school's timetable needs (开足开齐), with its weekly lessons."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="course_needs", verbose_name=_("education group"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    subject = models.CharField(_("subject"), max_length=32)
    weekly_lessons = models.PositiveSmallIntegerField(_("lessons a week"), default=1)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["school__code", "subject"]
        verbose_name = _("course need")
        verbose_name_plural = _("course needs")
        constraints = [models.UniqueConstraint(fields=["group", "school", "subject"], name="course_need_once",
                                               violation_error_message=_("This school already has a course need for this subject in this group."))]

    def __str__(self):
        return f"{self.school} · {self.subject}"


class ItinerantSlot(models.Model):
    """A weekly 走教 lesson: a teacher of the central school teaches a subject at a small school."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="itinerant_slots", verbose_name=_("education group"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school taught at"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="itinerant_slots", verbose_name=_("teacher"))
    subject = models.CharField(_("subject"), max_length=32)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("走教 assignment"))
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["school__code", "weekday", "starts_at"]
        verbose_name = _("itinerant lesson")
        verbose_name_plural = _("itinerant lessons")
        indexes = [models.Index(fields=["staff", "weekday"], name="slot_staff_weekday")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start",
                                   violation_error_message=_("The end time must be after the start time.")),
            models.CheckConstraint(condition=Q(weekday__gte=1, weekday__lte=7), name="slot_weekday_1_7",
                                   violation_error_message=_("The weekday must be between 1 (Monday) and 7 (Sunday).")),
        ]

    def __str__(self):
        return f"{self.staff} · {self.school} · {self.get_weekday_display()} {self.starts_at:%H:%M}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": MSG_SLOT_TIMES})
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": MSG_END_BEFORE_START})


class Activity(models.Model):
    """A joint activity of a group: 联合教研, 联考, 质量分析会, 论坛, 科学日/艺术节, 跟岗研修."""

    class Kind(models.TextChoices):
        JOINT_RESEARCH = "joint_research", _("Joint teaching research (联合教研)")
        JOINT_EXAM = "joint_exam", _("Joint examination (联考)")
        QUALITY_REVIEW = "quality_review", _("Quality analysis meeting (质量分析会)")
        FORUM = "forum", _("Forum (论坛)")
        FESTIVAL = "festival", _("Science day / arts festival (科学日/艺术节)")
        SHADOWING = "shadowing", _("Shadow training (跟岗研修)")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="activities", verbose_name=_("education group"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    schools = models.ManyToManyField(School, related_name="+", verbose_name=_("schools"))
    participants = models.ManyToManyField(Staff, related_name="alliance_activities", blank=True, verbose_name=_("participants"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    history = HistoricalRecords(m2m_fields=[])
    scope_school_path = "group__lead_school"

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")
        indexes = [models.Index(fields=["group", "held_on"], name="activity_group_date")]

    def __str__(self):
        return self.title


def private_storage() -> FileSystemStorage:
    """Files outside MEDIA_ROOT's public URL: only the scoped download view serves them.

    A callable, so that migrations refer to it by name instead of freezing one machine's MEDIA_ROOT.
    """
    return FileSystemStorage(location=settings.MEDIA_ROOT / "private", base_url=None)


def attachment_path(attachment, filename: str) -> str:
    import uuid
    from pathlib import Path

    return f"alliances/activities/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("joint activity"))
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()
    scope_school_path = "activity__group__lead_school"

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("alliances:attachment-download", args=[self.pk])


class CoverageFigure(models.Model):
    """How many of a region's schools of a stage are in an active group on a date (lead, member only, either), as the
    coverage page counts them live (alliances.selectors.coverage_of). Stored by the periodic job
    (alliances.tasks.compute_coverage_figures) for the home page: reading every school of a province on each visit is
    too slow (issue 14, item 8). Keyed by the schools' own region, so a user who sees schools by region reads exactly
    the rows of the regions whose schools they see (alliances.scopes); rebuilt whole by each run."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    stage = models.CharField(_("stage"), max_length=16, choices=School.Stage.choices)
    schools = models.PositiveIntegerField(_("schools"))
    in_groups = models.PositiveIntegerField(_("in a group"))
    lead = models.PositiveIntegerField(_("lead schools"))
    member = models.PositiveIntegerField(_("member schools"))
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("coverage figure")
        verbose_name_plural = _("coverage figures")
        constraints = [models.UniqueConstraint(fields=["region", "stage"], name="coverage_figure_once",
                                               violation_error_message=_("The coverage figure of this region and stage is already stored."))]

    def __str__(self):
        return f"{self.region_id} · {self.stage}: {self.in_groups}/{self.schools}"
