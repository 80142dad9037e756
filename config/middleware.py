class ChineseByDefaultMiddleware:
    """Serve Simplified Chinese unless the user picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a bureau PC with an
    English browser would get English pages. Dropping the header leaves the choice to the
    language cookie (set by the switch at the foot of each page) and LANGUAGE_CODE otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body exceeds REQUEST_BODY_MAX_BYTES, before it is read.

    Django reads an upload to the end before a view can check its size (a 500 MB body was received
    whole before the 50 MB check refused it). The reverse proxy enforces the same limit in
    production (client_max_body_size); this is the second line for a server reached directly.
    A body without Content-Length is read by Django as empty, so only the declared length matters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse
        from django.utils.translation import gettext

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.REQUEST_BODY_MAX_BYTES
        if length > limit:
            message = gettext("The request is too large; uploads up to %(limit)s MB are accepted.") % {
                "limit": settings.UPLOAD_MAX_BYTES // 1048576}
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
