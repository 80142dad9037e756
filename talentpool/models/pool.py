"""The pool and its members (tier moves)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Staff
from org.versioning import Versioned
from talentpool.models.nominations import Nomination
from talentpool.models.programs import Level, PoolType


class PoolMember(Versioned, models.Model):
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
                                                                             violation_error_message=_("This person is already an active member of this pool."),
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
