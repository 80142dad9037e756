"""Django admin for platform operators (superusers only, config.admin).

Even a superuser cannot bypass a workflow here (issue 9, point 4): roster entries, exemptions,
suggestions and inspections are created and moved by their services (pages, API, imports), so
the admin adds none of them and shows their workflow fields read-only; computed rows (progress,
warnings, notifications) are written by their jobs alone and are view-only.
"""

from django.contrib import admin

from org.admin_bases import ReadOnlyAdmin
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


class WorkflowOnlyAdmin(ScopedAdmin):
    """Rows created and moved only by their services: no adds, no deletes, the workflow fields read-only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComputedAdmin(ReadOnlyAdmin):
    """Rows written by a service or job alone: view only."""


@admin.register(Policy)
class PolicyAdmin(ScopedAdmin):
    list_display = ["region", "eligible_years", "must_rotate_years", "age_limit_men", "age_limit_women"]
    list_select_related = ["region"]


@admin.register(Exemption)
class ExemptionAdmin(WorkflowOnlyAdmin):
    list_display = ["staff", "kind", "start", "end", "state"]
    list_filter = ["kind", "state"]
    list_select_related = ["staff"]
    readonly_fields = ["staff", "kind", "start", "end", "state", "applied_by", "decided_by", "decided_at", "decision_reason",
                       "document_no", "attachment"]


class QuotaInline(ScopedInline):
    model = Quota
    readonly_fields = ["county", "base", "share"]  # the target split writes them (rotation.services.plans)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = ["name", "region", "term_start", "opens_on", "deadline", "target"]
    list_select_related = ["region"]
    readonly_fields = ["region", "target", "created_by"]
    inlines = [QuotaInline]


@admin.register(Assignment)
class AssignmentAdmin(WorkflowOnlyAdmin):
    list_display = ["staff", "from_school", "to_school", "form", "start", "planned_end", "state"]
    list_filter = ["form", "state"]
    list_select_related = ["staff", "from_school", "to_school"]
    readonly_fields = ["plan", "staff", "from_school", "to_school", "form", "start", "planned_end", "filed_on", "state",
                       "exemption_override", "confirmed_by", "arrived_on", "ended_on", "end_reason", "rating",
                       "is_key_teacher"]


@admin.register(Inspection)
class InspectionAdmin(ComputedAdmin):
    list_display = ["assignment", "visited_on", "rating", "inspector"]


@admin.register(Progress)
class ProgressAdmin(ComputedAdmin):
    list_display = ["plan", "county", "computed_on", "share", "approved", "in_place", "expected"]


@admin.register(ProgressWarning)
class ProgressWarningAdmin(ComputedAdmin):
    list_display = ["plan", "county", "level", "raised_on", "cleared_on"]
    list_filter = ["level"]


@admin.register(Notification)
class NotificationAdmin(ComputedAdmin):
    list_display = ["user", "text", "created_at", "read_at"]


@admin.register(Suggestion)
class SuggestionAdmin(WorkflowOnlyAdmin):
    list_display = ["plan", "staff", "from_school", "to_school", "score", "state"]
    readonly_fields = ["plan", "staff", "from_school", "to_school", "score", "explanation", "state", "assignment"]
