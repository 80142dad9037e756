"""Races answer 4xx, never 500 (issue 16): a unique constraint hit under concurrency becomes the message
the service's own check gives.

Two requests can both pass a service's "already exists?" check and both insert; the database's
unique constraint then refuses the second with IntegrityError, which used to surface as a 500.
`IntegrityErrorMiddleware` answers it instead: 409 with {"detail": message} for the API, a 409
page with the message (and a link back) for the web pages. The message is the one an app
registered for the constraint (`register(name, message)`, next to the service check it stands
for), else the constraint's own violation_error_message (every constraint has one: tests/test_constraint_messages.py),
else Django's own "… with this … already exists." built from the constraint's fields.
Nothing is half-written: the service's atomic block has already rolled back.
"""

import re
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import UniqueConstraint
from django.db.models.constraints import BaseConstraint
from django.http import JsonResponse
from django.shortcuts import render

_MESSAGES: dict[str, object] = {}


def register(constraint_name: str, message) -> None:
    """Use `message` (usually the service's MSG_...) when `constraint_name` refuses a row."""
    _MESSAGES[constraint_name] = message


@lru_cache(maxsize=1)
def unique_constraints() -> dict[str, tuple[type, UniqueConstraint]]:
    """{constraint name: (model, constraint)} for every UniqueConstraint of the installed models."""
    found = {}
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and constraint.fields:
                found[constraint.name] = (model, constraint)
    return found


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def constraint_name(error: IntegrityError) -> str | None:
    """The unique constraint behind an IntegrityError: PostgreSQL names it; SQLite names its columns."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:
        return diag.constraint_name if getattr(diag, "sqlstate", None) == "23505" else None
    match = _SQLITE_UNIQUE.search(str(error))
    if not match:
        return None
    columns = [part.strip() for part in match.group(1).split(",")]
    if len(columns) == 1 and columns[0].startswith("index "):
        return columns[0][len("index "):].strip("'\"")
    table = columns[0].split(".")[0]
    names = {column.split(".", 1)[1] for column in columns}
    for name, (model, constraint) in unique_constraints().items():
        if model._meta.db_table == table and {model._meta.get_field(f).column for f in constraint.fields} == names:
            return name
    return None


def message_for(name: str) -> str:
    """The Chinese (active language) message for a unique constraint's refusal."""
    if name in _MESSAGES:
        return str(_MESSAGES[name])
    model, constraint = unique_constraints()[name]
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return str(constraint.get_violation_error_message())
    error = model().unique_error_message(model, list(constraint.fields))
    return str(error.message % error.params)


class IntegrityErrorMiddleware:
    """Turn a unique-constraint IntegrityError from a view into 409 with the constraint's message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        name = constraint_name(exception)
        if name is None or name not in unique_constraints():
            return None  # not a known unique constraint: a bug, let it be a 500
        message = message_for(name)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=409, json_dumps_params={"ensure_ascii": False})
        return render(request, "conflict.html", {"message": message}, status=409)


def with_service_messages(error: ValidationError) -> ValidationError:
    """Replace Django's generic "Constraint “name” is violated." (model validation of a conditional
    unique constraint, met when a concurrent request committed first) by the registered message."""
    if not _MESSAGES:
        return error
    generic = {str(BaseConstraint.default_violation_error_message % {"name": name}): message
               for name, message in _MESSAGES.items()}
    if not any(str(message) in generic for message in error.messages):
        return error
    return ValidationError([str(generic.get(str(message), message)) for message in error.messages])
