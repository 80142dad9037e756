"""Rotation: per-region policies, exemptions (暂不交流), plans and quotas, assignments (名册),
progress warnings, notifications and inspections (督导)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org import scope
from org.models import Region, Staff
from rotation import rules

MSG_WINDOW_ORDER = _("The window must not end before it starts.")
MSG_END_BEFORE_START = _("The end date must not be before the start date.")


class Policy(models.Model):
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
    yellow_percent = models.PositiveSmallIntegerField(_("yellow warning below (% of expected)"), default=80)
    red_percent = models.PositiveSmallIntegerField(_("red warning below (% of expected)"), default=50)
    title_rural_years = models.PositiveSmallIntegerField(_("rural/weak-school years for a senior title"), default=1)
    grade_rotation_years = models.PositiveSmallIntegerField(_("rotation years for principal grades 1-2"), default=2)
    preferred_rotation_years = models.PositiveSmallIntegerField(_("rotation years that make a principal candidate preferred"), default=3)
    history = HistoricalRecords()
    NUMBER_FIELDS = (
        "eligible_years", "must_rotate_years", "term_years", "age_limit_men", "age_limit_women", "experience_schools",
        "experience_years_per_school", "rural_years", "min_years_leader", "min_years_teacher", "window_start_month",
        "window_start_day", "window_end_month", "window_end_day", "filing_start_month", "filing_start_day",
        "filing_end_month", "filing_end_day", "guidance_rate_percent", "key_teacher_percent", "key_teacher_honour",
        "yellow_percent", "red_percent", "title_rural_years", "grade_rotation_years", "preferred_rotation_years",
    )
    # scoped by a registered scoper below: the row belongs to a region, not a school

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("rotation policy")
        verbose_name_plural = _("rotation policies")

    def __str__(self):
        return str(self.region) if self.region_id else str(_("default policy"))

    def clean(self):
        for prefix in ("window", "filing"):
            start = (getattr(self, f"{prefix}_start_month"), getattr(self, f"{prefix}_start_day"))
            end = (getattr(self, f"{prefix}_end_month"), getattr(self, f"{prefix}_end_day"))
            for month, day in (start, end):
                try:
                    date(2024, month, day)
                except ValueError:
                    raise ValidationError({f"{prefix}_start_month": MSG_WINDOW_ORDER}) from None
            if end < start:
                raise ValidationError({f"{prefix}_end_month": MSG_WINDOW_ORDER})

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


class Exemption(models.Model):
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
    attachment = models.FileField(_("attachment"), upload_to="rotation/exemptions/%Y/", blank=True)
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
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="exemption_end_after_start"),
        ]

    def __str__(self):
        return f"{self.staff} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("rotation:exemption-detail", args=[self.pk])

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": MSG_END_BEFORE_START})


@scope.register(Policy)
def _policies(user, queryset, scope_):
    """A policy is visible with its region, and so is every policy above a visible region."""
    visible = set(scope.visible_to(user, Region).values_list("id", "parent_id", "parent__parent_id").distinct())
    ids = {region for row in visible for region in row if region}
    return queryset.filter(region_id__in=ids)
