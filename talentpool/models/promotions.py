"""Promotions out of the pool (appointments)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import School, Staff
from talentpool.models.pool import PoolMember


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


class PromotionTarget(models.Model):
    """How many pool members a region means to promote to a post in a year (seed 000's first period: 4 vice
    principals to principal, 3 head teachers to vice principal, 15 to middle cadres); edited in the admin."""

    region = models.ForeignKey("org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("owning region"))
    year = models.PositiveSmallIntegerField(_("year"))
    to_post = models.CharField(_("appointed as"), max_length=16, choices=Appointment.ToPost.choices)
    number = models.PositiveIntegerField(_("target"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["region", "year", "to_post"]
        verbose_name = _("promotion target")
        verbose_name_plural = _("promotion targets")
        constraints = [models.UniqueConstraint(fields=["region", "year", "to_post"], name="promotion_target_once",
                                               violation_error_message=_("This region already has a target for this post and year."))]

    def __str__(self):
        return f"{self.year} {self.get_to_post_display()}: {self.number}"
