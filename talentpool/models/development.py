"""Development of pool members: mentoring, training, studios, stage summaries, annual reviews, final evaluations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Region, School, Staff
from talentpool.models.pool import PoolMember

MSG_END_BEFORE_START = _("The end date cannot be before the start date.")


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
            models.UniqueConstraint(fields=["mentor", "mentee", "start"], name="mentoring_pair_unique",
                                    violation_error_message=_("This mentor and mentee already have a pairing starting on this date.")),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="mentoring_end_after_start",
                                   violation_error_message=MSG_END_BEFORE_START),
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
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="training_end_after_start",
                                             violation_error_message=MSG_END_BEFORE_START)]

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
        constraints = [models.UniqueConstraint(fields=["batch", "member"], name="attendance_once_per_batch",
                                               violation_error_message=_("This member is already recorded in this training batch."))]

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
        constraints = [models.UniqueConstraint(fields=["studio", "staff"], name="studio_member_once",
                                               violation_error_message=_("This person is already a member of this studio."))]

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
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="stage_summary_once_per_year",
                                               violation_error_message=_("This member already has a stage summary for this year."))]

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
        constraints = [models.UniqueConstraint(fields=["member", "year", "expert"], name="annual_review_once",
                                               violation_error_message=_("This expert has already reviewed this member for this year."))]

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
