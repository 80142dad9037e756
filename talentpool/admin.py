from django.contrib import admin

from org.scope import ScopedAdmin, ScopedInline
from talentpool.models import (
    Appointment,
    EligibilityRule,
    Holiday,
    Intake,
    Nomination,
    PoolMember,
    Program,
    PromotionTarget,
    ScoringForm,
    ScoringItem,
    Studio,
    Track,
    TrainingBatch,
)


class TrackInline(ScopedInline):
    model = Track


class RuleInline(ScopedInline):
    model = EligibilityRule


class ItemInline(ScopedInline):
    model = ScoringItem


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


class WorkflowOnlyAdmin(ScopedAdmin):
    """Rows created and moved only by the workflow services: no adds here, and the workflow fields read-only."""

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(WorkflowOnlyAdmin):
    """Read-mostly: the workflow moves through the services (pages and API), never by editing status here."""

    list_display = ["staff", "intake", "status", "final_score", "submitted_at"]
    list_filter = ["status", "source"]
    list_select_related = ["staff", "intake", "intake__track"]
    readonly_fields = ["intake", "staff", "source", "nominated_by", "status", "eligibility", "final_score", "notice_start",
                       "notice_end", "meeting_date", "minutes_ref"]


@admin.register(PoolMember)
class PoolMemberAdmin(WorkflowOnlyAdmin):
    list_display = ["staff", "pool_type", "tier", "status", "joined", "review_due", "review_flagged"]
    list_filter = ["pool_type", "tier", "status", "review_flagged"]
    list_select_related = ["staff"]
    readonly_fields = ["staff", "pool_type", "tier", "joined", "source", "status", "review_interval_years", "review_due",
                       "review_flagged"]


admin.site.register([TrainingBatch, Studio, Appointment, PromotionTarget], ScopedAdmin)
