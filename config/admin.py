"""The Django admin is for platform operators (superusers) only (issue 8, point 1).

Bureau users work in the product's own pages, which are scoped like everything else. Every admin
path (index, change lists, history pages, the admin login) answers an authenticated non-superuser
with the product's 404, so the admin neither leaks nor invites; anonymous users get the login.
"""

from functools import update_wrapper

from django.contrib import admin
from django.http import Http404

from org.scope import MSG_NOT_FOUND


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            _refuse_bureau_users(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request, extra_context=None):
        _refuse_bureau_users(request)
        return super().login(request, extra_context)


def _refuse_bureau_users(request) -> None:
    user = request.user
    if user.is_authenticated and not user.is_superuser:
        raise Http404(MSG_NOT_FOUND)
