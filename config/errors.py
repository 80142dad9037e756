"""Error pages in the user's language, inside the site layout with its navigation (issue 8, point 8).

The 404 text is the one the scoped views raise for a missing and an out-of-scope record alike
(org.scope.MSG_NOT_FOUND): the page shows only that fixed sentence, never the exception's text,
so no page can tell the two apart. 405 answers are rendered by ErrorPageMiddleware, since Django
returns them without a handler.
"""

from django.db import DatabaseError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from org.scope import MSG_NOT_FOUND

PAGES = {
    400: (_("Bad request"), _("The request could not be understood. Check the address or the form and try again.")),
    403: (_("Not allowed"), _("You are not allowed to do this.")),
    404: (_("Not found"), MSG_NOT_FOUND),
    405: (_("Not allowed"), _("This page cannot be used this way. Go back and use the page's own buttons.")),
    "csrf": (_("Page expired"), _("This page has expired (it was open too long, or you signed in again "
                                  "elsewhere). Refresh the page and try again.")),
    500: (_("Server error"), _("Something went wrong on our side. The error has been logged; please try again later.")),
}


def error_page(request, status: int, page=None, reason: str = ""):
    """The layout's error page for `status`, with the texts of PAGES[page or status] (and a 403's reason)."""
    title, explanation = PAGES[page or status]
    context = {"title": title, "explanation": explanation, "status": status, "reason": reason}
    try:
        return render(request, "errors/error.html", context, status=status)
    except DatabaseError:  # the layout reads the user's roles; with the database down, show the page bare
        return render(request, "errors/bare.html", context, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    """A 403 says why when the refusal gave a reason (a page's or a service's Chinese message: e.g. only bureau
    staff may create programs); a 403 never concerns a row out of scope (that is the 404), so it tells nothing
    about what exists."""
    return error_page(request, 403, reason=str(exception) if exception is not None and exception.args else "")


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    return error_page(request, 500)


def csrf_failure(request, reason=""):
    """A refused form (CSRF): the page had expired, not a missing permission; refresh and try again."""
    return error_page(request, 403, "csrf")


class ErrorPageMiddleware:
    """Give a page's bare 405 (Django's HttpResponseNotAllowed) the layout; API answers stay JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not request.path.startswith("/api/"):
            page = error_page(request, 405)
            page["Allow"] = response["Allow"]
            return page
        return response


__all__ = ["bad_request", "permission_denied", "page_not_found", "server_error", "csrf_failure", "ErrorPageMiddleware"]
