"""Session rules: idle sessions end; accounts whose password someone else set change it first."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

SESSION_FLAG = "org_must_change_password"
MSG_CHANGE_FIRST = _("Change your initial password before you continue.")


class PasswordChangeRequiredMiddleware:
    """While the session carries the flag (set at login, org.account_views.LoginView), only the password
    change page, logging out and the language switch are open; API calls answer 403 with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.session.get(SESSION_FLAG) and request.user.is_authenticated and not self._open(request.path):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(MSG_CHANGE_FIRST)}, status=403)
            return redirect("password-change")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in {reverse("password-change"), reverse("logout")} or path.startswith(("/static/", "/i18n/"))


LAST_SEEN = "org_last_seen"
REFRESH_SECONDS = 60  # the session is written at most once a minute, not on every request


class IdleSessionMiddleware:
    """Log a user out after settings.SESSION_IDLE_MINUTES without a request (issue 8, point 10).

    The time of the last request is kept in the session, set at login (mark_login_time) and
    refreshed at most once a minute, so ordinary requests cost no session write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


@receiver(user_logged_in)
def mark_login_time(sender, request, user, **kwargs):
    """Start the idle clock at login (also for the test client's force_login, which saves the session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
