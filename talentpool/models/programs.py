"""Programs, tracks, eligibility rows, scoring forms and the holiday table (with the level and pool-type choices)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import Region, School, Staff
from org.versioning import Versioned

MSG_LEVEL_REGION = _("A %(level)s program cannot be owned by %(region)s: city-level programs belong to a city, "
                     "county-level ones to a county.")


class Level(models.TextChoices):
    CITY = "city", _("City level")
    COUNTY = "county", _("County level")


class PoolType(models.TextChoices):
    PRINCIPAL_RESERVE = "principal_reserve", _("Principal reserve")
    HEAD_TEACHER = "head_teacher", _("Head teacher")
    MIDDLE_CADRE = "middle_cadre", _("Middle cadre")
    RESEARCHER_RESERVE = "researcher_reserve", _("Researcher reserve")


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
            models.CheckConstraint(condition=Q(weight__gt=0), name="scoring_item_weight_positive",
                                   violation_error_message=_("The weight must be greater than zero.")),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="scoring_item_max_positive",
                                   violation_error_message=_("The maximum score must be greater than zero.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


NOTICE_MIN_WORKING_DAYS = 5  # seed 002: the public notice runs at least 5 working days
MSG_NOTICE_DAYS_MIN = _("The public notice must run at least %(limit_value)s working days.")


class Program(Versioned, models.Model):
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
            models.CheckConstraint(condition=Q(years__gte=1), name="program_years_positive",
                                   violation_error_message=_("The program must last at least one year.")),
            models.CheckConstraint(
                condition=Q(notice_working_days__gte=NOTICE_MIN_WORKING_DAYS), name="program_notice_days_min",
                                                                               violation_error_message=_("The public notice must last at least 5 working days."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talentpool:program-detail", args=[self.pk])

    def clean(self):
        """The level is the pool's tier (市级/县级): a city-level program is owned by a city (or a province), a
        county-level one by a county; a county's "city-level" pool would make its members city-tier."""
        super().clean()
        if self.region_id is None or not self.level:
            return
        county = self.region.level == Region.Level.COUNTY
        if county != (self.level == Level.COUNTY):
            raise ValidationError({"level": MSG_LEVEL_REGION % {"level": Level(self.level).label, "region": self.region.name}})

    @property
    def end_year(self) -> int:
        return self.start_year + self.years - 1


class Track(Versioned, models.Model):
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
        constraints = [models.UniqueConstraint(fields=["program", "name"], name="track_name_unique",
                                               violation_error_message=_("This program already has a track with this name."))]

    def __str__(self):
        return f"{self.program} · {self.name}"

    @property
    def total_quota(self) -> int:
        return self.annual_quota * self.program.years


class EligibilityRule(Versioned, models.Model):
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
        constraints = [models.UniqueConstraint(fields=["track", "kind"], name="eligibility_rule_once_per_kind",
                                               violation_error_message=_("This track already has a rule of this kind."))]

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
        constraints = [models.UniqueConstraint(fields=["date"], name="holiday_date_unique",
                                               violation_error_message=_("This date is already recorded as a holiday."))]

    def __str__(self):
        return f"{self.date} {self.name}"
