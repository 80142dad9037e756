"""The API's one error shape, for every app (settings: REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Every refusal answers a JSON object:

    {"detail": "<the refusal, in the request's language>"}          a refusal not about one field
    {"<field>": ["<message>", ...], ...}                              refusals of named fields
    (both may appear together: "detail" then holds what concerns the request as a whole)

with 400 for invalid input and a service's ValidationError, 403 for a permission refusal (a
service's PermissionDenied keeps its message), 404 for missing and out-of-scope alike, 409 for a
write from a stale copy (org.versioning: a stale `version` in the body) and 412 for a failed
`If-Match`, both with "detail" naming what changed. Services raise
Django's exceptions; no viewset translates them itself. The schema documents the shape as
`ErrorResponse` on every operation (`add_error_responses`).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from org.scope import MSG_NOT_FOUND
from org.versioning import VersionConflict

NON_FIELD_KEYS = {NON_FIELD_ERRORS, api_settings.NON_FIELD_ERRORS_KEY}
DRF_CSRF_PREFIX = "CSRF Failed:"  # rest_framework.authentication.SessionAuthentication.enforce_csrf, in English
MSG_CSRF = _("The request was refused because its CSRF check failed (a session's POST without the page's token). "
             "Reload the page and try again; programs without a browser use a token (Authorization: Token …).")


class _Stale(exceptions.APIException):
    def __init__(self, conflict: VersionConflict):
        super().__init__({"detail": " ".join(conflict.messages)})
        self.status_code = conflict.status


def _as_drf(exc):
    if isinstance(exc, VersionConflict):
        return _Stale(exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(dict(exc.message_dict))
        return exceptions.ValidationError({"detail": " ".join(exc.messages)})
    if isinstance(exc, Http404):  # never Django's English "No Staff matches the given query."
        return exceptions.NotFound(MSG_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(DRF_CSRF_PREFIX):
        return exceptions.PermissionDenied(MSG_CSRF)  # never DRF's English "CSRF Failed: ..."
    return exc


def _one_shape(data):
    if isinstance(data, list):
        return {"detail": " ".join(str(message) for message in data)}
    if isinstance(data, dict):
        general = [str(message) for key in NON_FIELD_KEYS & set(data) for message in _listed(data.pop(key))]
        if general:
            data = {"detail": " ".join([*([str(data.pop("detail"))] if "detail" in data else []), *general]), **data}
    return data


def _listed(value):
    return value if isinstance(value, list) else [value]


def exception_handler(exc, context):
    """DRF's handler, after turning Django's refusals into DRF's, with the answer in the one shape."""
    response = drf_exception_handler(_as_drf(exc), context)
    if response is not None:
        response.data = _one_shape(response.data)
    return response


ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: `detail` for the request as a whole, a list of messages per refused field.",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the ErrorResponse component and 400/403/404 on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["403", "404"] if method == "get" else ["400", "403", "404"]
            for code in codes:
                operation["responses"].setdefault(code, {"content": reference, "description": "ErrorResponse"})
    return result
