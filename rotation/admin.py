"""Django admin for bureau super-users; scoped like everything else (org.scope.ScopedAdmin)."""

from django.contrib import admin

from org.scope import ScopedAdmin, ScopedInline
from rotation.models import (
    Assignment,
    Exemption,
    Inspection,
    Notification,
    Plan,
    Policy,
    Progress,
    ProgressWarning,
    Quota,
    Suggestion,
)


@admin.register(Policy)
class PolicyAdmin(ScopedAdmin):
    list_display = ["region", "eligible_years", "must_rotate_years", "age_limit_men", "age_limit_women"]
    list_select_related = ["region"]


@admin.register(Exemption)
class ExemptionAdmin(ScopedAdmin):
    list_display = ["staff", "kind", "start", "end", "state"]
    list_filter = ["kind", "state"]
    list_select_related = ["staff"]
    raw_id_fields = ["staff"]


class QuotaInline(ScopedInline):
    model = Quota


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = ["name", "region", "term_start", "opens_on", "deadline", "target"]
    list_select_related = ["region"]
    inlines = [QuotaInline]


@admin.register(Assignment)
class AssignmentAdmin(ScopedAdmin):
    list_display = ["staff", "from_school", "to_school", "form", "start", "planned_end", "state"]
    list_filter = ["form", "state"]
    list_select_related = ["staff", "from_school", "to_school"]
    raw_id_fields = ["staff", "from_school", "to_school", "plan"]


@admin.register(Inspection)
class InspectionAdmin(ScopedAdmin):
    list_display = ["assignment", "visited_on", "rating", "inspector"]
    raw_id_fields = ["assignment"]


@admin.register(Progress)
class ProgressAdmin(ScopedAdmin):
    list_display = ["plan", "county", "computed_on", "share", "approved", "in_place", "expected"]


@admin.register(ProgressWarning)
class ProgressWarningAdmin(ScopedAdmin):
    list_display = ["plan", "county", "level", "raised_on", "cleared_on"]
    list_filter = ["level"]


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["user", "text", "created_at", "read_at"]


@admin.register(Suggestion)
class SuggestionAdmin(ScopedAdmin):
    list_display = ["plan", "staff", "from_school", "to_school", "score", "state"]
    raw_id_fields = ["staff", "from_school", "to_school", "assignment"]
