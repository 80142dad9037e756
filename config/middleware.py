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
