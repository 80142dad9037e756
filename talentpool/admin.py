from django.contrib import admin

from org.scope import ScopedAdmin
from talentpool.models import (
    Appointment,
    EligibilityRule,
    Holiday,
    Intake,
    Nomination,
    PoolMember,
    Program,
    ScoringForm,
    ScoringItem,
    Studio,
    Track,
    TrainingBatch,
)


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


class ItemInline(admin.TabularInline):
    model = ScoringItem
    extra = 0


@admin.register(Program)
class ProgramAdmin(ScopedAdmin):
    list_display = ["name", "level", "region", "start_year", "years"]
    inlines = [TrackInline]


@admin.register(Track)
class TrackAdmin(ScopedAdmin):
    list_display = ["name", "program", "pool_type", "annual_quota"]
    inlines = [RuleInline]


@admin.register(ScoringForm)
class ScoringFormAdmin(ScopedAdmin):
    inlines = [ItemInline]


@admin.register(Holiday)
class HolidayAdmin(ScopedAdmin):
    list_display = ["date", "name"]


@admin.register(Intake)
class IntakeAdmin(ScopedAdmin):
    list_display = ["track", "year", "opens", "closes", "quota"]
    list_select_related = ["track", "track__program"]


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    """Read-mostly: the workflow moves through the services (pages and API), never by editing status here."""

    list_display = ["staff", "intake", "status", "final_score", "submitted_at"]
    list_filter = ["status", "source"]
    list_select_related = ["staff", "intake", "intake__track"]
    readonly_fields = ["status", "eligibility", "final_score"]


@admin.register(PoolMember)
class PoolMemberAdmin(ScopedAdmin):
    list_display = ["staff", "pool_type", "tier", "status", "joined", "review_due", "review_flagged"]
    list_filter = ["pool_type", "tier", "status", "review_flagged"]
    list_select_related = ["staff"]


admin.site.register([TrainingBatch, Studio, Appointment], ScopedAdmin)
