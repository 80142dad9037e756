"""Admin bases every app's admin.py shares (issue 9: one of each, no copies per app), beside org.scope's
ScopedAdmin and ScopedInline which scope every admin queryset.

`ReadOnlyAdmin`       scoped, view only: rows written by services or jobs alone (computed rows, frozen ledgers).
`SuperuserOnlyMixin`  an admin only superusers open, view or change (roles, policy rows without a bureau form).
"""

from org.scope import ScopedAdmin

__all__ = ["ReadOnlyAdmin", "SuperuserOnlyMixin"]


class ReadOnlyAdmin(ScopedAdmin):
    """Scoped and view only: no add, change or delete here; the services (pages and API) write these rows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserOnlyMixin:
    """Before a ModelAdmin: only superusers see the module or view, add, change or delete its rows."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
