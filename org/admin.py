from django.contrib import admin

from org.admin_bases import SuperuserOnlyMixin
from org.models import Region, School, Staff, UserRole, WorkHistory
from org.scope import ScopedAdmin, ScopedInline


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(School)
class SchoolAdmin(ScopedAdmin):
    list_display = ["code", "name", "region", "stage", "location", "is_weak"]
    list_filter = ["stage", "location", "is_weak"]
    search_fields = ["code", "name"]
    list_select_related = ["region"]


class WorkHistoryInline(ScopedInline):
    model = WorkHistory
    autocomplete_fields = ["school"]


@admin.register(Staff)
class StaffAdmin(ScopedAdmin):
    list_display = ["name", "masked_id_number", "school", "post", "status"]
    list_filter = ["post", "status", "gender", "honour_level"]
    search_fields = ["name", "=id_number"]
    list_select_related = ["school"]
    autocomplete_fields = ["school"]
    inlines = [WorkHistoryInline]


@admin.register(UserRole)
class UserRoleAdmin(SuperuserOnlyMixin, ScopedAdmin):
    """Roles decide scope, so only superusers grant them (org.services.user_role_assign checks levels)."""

    list_display = ["user", "role", "region", "school"]
    list_filter = ["role"]
    list_select_related = ["user", "region", "school"]
    autocomplete_fields = ["school"]
