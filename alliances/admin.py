"""Django admin for bureau super-users: read-only, scoped (org.scope.ScopedAdmin).

Groups, memberships, posts and requirements change only through the services (every per-type
constraint and the audit trail apply); the pages and the API are where bureau staff change them.
"""

from django.contrib import admin

from alliances.models import (
    Activity,
    Compliance,
    DispatchRequirement,
    Group,
    GroupPost,
    ItinerantSlot,
    Membership,
)
from org.admin_bases import ReadOnlyAdmin
from org.scope import ScopedInline


class MembershipInline(ScopedInline):
    model = Membership
    fields = ["school", "role", "joined_on", "left_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "type", "region", "lead_school", "founded_on", "dissolved_on"]
    list_filter = ["type"]
    list_select_related = ["region", "lead_school"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(GroupPost)
class GroupPostAdmin(ReadOnlyAdmin):
    list_display = ["group", "kind", "school", "staff", "start", "end"]
    list_select_related = ["group", "school", "staff"]


@admin.register(DispatchRequirement)
class DispatchRequirementAdmin(ReadOnlyAdmin):
    list_display = ["group_type", "kind", "region", "minimum", "maximum", "active"]
    list_select_related = ["region"]


@admin.register(Compliance)
class ComplianceAdmin(ReadOnlyAdmin):
    list_display = ["group", "term", "computed_on", "met", "gap_count"]
    list_select_related = ["group"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "group", "kind", "held_on"]
    list_select_related = ["group"]


@admin.register(ItinerantSlot)
class ItinerantSlotAdmin(ReadOnlyAdmin):
    list_display = ["staff", "school", "subject", "weekday", "starts_at", "ends_at"]
    list_select_related = ["staff", "school"]
