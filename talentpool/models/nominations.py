"""Intakes and nominations: the workflow rows (transitions, reviewer assignments, scores, objections, attachments)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.attachments import validate_attachment
from org.models import Staff
from org.versioning import Versioned
from talentpool.models.programs import ScoringItem, Track

MSG_CLOSES_BEFORE_OPENS = _("The intake cannot close before it opens.")


class Intake(Versioned, models.Model):
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
            models.UniqueConstraint(fields=["track", "year"], name="intake_once_per_track_year",
                                    violation_error_message=_("This track already has an intake for this year.")),
            models.CheckConstraint(condition=Q(closes__gte=models.F("opens")), name="intake_closes_after_opens",
                                   violation_error_message=MSG_CLOSES_BEFORE_OPENS),
        ]

    def __str__(self):
        return f"{self.track} {self.year}"

    def get_absolute_url(self):
        return reverse("talentpool:intake-detail", args=[self.pk])


class Nomination(Versioned, models.Model):
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
                violation_error_message=_("This person already has an open nomination in this intake."),
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
        constraints = [models.UniqueConstraint(fields=["nomination", "reviewer"], name="assignment_once_per_reviewer",
                                               violation_error_message=_("This reviewer is already assigned to this nomination."))]

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
            models.UniqueConstraint(fields=["assignment", "item"], name="score_once_per_item",
                                    violation_error_message=_("This item has already been scored in this review.")),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative",
                                   violation_error_message=_("A score cannot be negative.")),
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
