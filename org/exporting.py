"""Exports that leave the request when they are large (issue 15, item 4).

Each app registers its Excel exports by kind: `register_export(kind, label, plan)`, where
`plan(user, query, args) -> ExportPlan` reads the rows through `user`'s scope from the query string
(`query`, a QueryDict) and the URL's arguments (`args`, a dict of JSON values). A view answers with
`export_response(request, kind, args)`: when `plan.count()` (a cheap COUNT) is at most
EXPORT_INLINE_MAX_ROWS the workbook is written inline exactly as before (org.downloads.file_download);
above it an `ExportJob` is stored (the user, the kind, the query string and the arguments, never a
list of rows) and the answer is a redirect to its progress page (the API: 202 with the job). The
Celery task calls the same `plan` with the job's user, so the worker applies the user's scope again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from org.downloads import file_download

MSG_BAD_PARAMETERS = _("Check the parameters: %(errors)s")
MSG_EXPORT_QUEUED = _("The export has more than %(limit)s rows: it is being written in the background. This page "
                      "shows its progress; the file is kept for you under “My exports”.")


class ExportRefused(Exception):
    """The query cannot be exported (bad filters): `errors` is a form's ErrorDict or a message."""

    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


@dataclass(frozen=True)
class ExportPlan:
    """One export, ready to write: its file name, a cheap row count, the writer and the audit to record.

    `count(limit)`: min(the rows the workbook will hold, limit), which chooses inline or job, so it must count the
    rows written, not the rows scanned (a roster filtered after evaluation counts its matches); it may stop
    counting at `limit` (`bounded_count`: COUNT over a LIMIT subquery, cheap on 500,000 rows). `count()` without
    a limit only sizes a job's progress bar: an upper bound is fine there (the finished job records the rows written);
    `write(stream)`: writes the workbook; `audit()`: records what the export disclosed (unmasked ID
    numbers), called once the file is written."""

    filename: str
    count: Callable[..., int]
    write: Callable[[BinaryIO], object]
    audit: Callable[[], object] | None = None


@dataclass(frozen=True)
class ExportKind:
    kind: str
    label: str
    plan: Callable[[object, QueryDict, dict], ExportPlan]
    page: str | None = None  # the URL name of the list whose filters the export reads (shown again when refused)


_KINDS: dict[str, ExportKind] = {}


def register_export(kind: str, label, plan: Callable[[object, QueryDict, dict], ExportPlan], *,
                    page: str | None = None) -> ExportKind:
    """Register an export kind (at most 48 characters, e.g. "rotation.eligibility"); returns it.

    `page`: the URL name (no arguments) of the list page whose filters the plan reads; a refused export
    (ExportRefused: bad or out-of-scope filters) answers that page with its form errors (status 400)."""
    if len(kind) > 48:
        raise ValueError(kind)
    _KINDS[kind] = ExportKind(kind, label, plan, page)
    return _KINDS[kind]


def get_export(kind: str) -> ExportKind:
    """The registered kind; KeyError when unknown."""
    return _KINDS[kind]


def export_kinds() -> dict[str, ExportKind]:
    return dict(_KINDS)


def bounded_count(queryset, limit: int | None = None) -> int:
    """`queryset.count()`, or with `limit` min(count, limit) read through `COUNT(*)` over `LIMIT limit` (one query
    that stops at `limit` rows instead of counting a city's 500,000)."""
    if limit is None:
        return queryset.count()
    return queryset.order_by()[:limit].count()


def counter(*querysets):
    """A plan's `count(limit=None)` over the sum of some querysets' rows (each bounded by `limit`)."""

    def count(limit: int | None = None) -> int:
        return sum(bounded_count(queryset, limit) for queryset in querysets)

    return count


def query_from(data: dict) -> QueryDict:
    """The stored {name: [values]} as the QueryDict the filters read."""
    query = QueryDict(mutable=True)
    for name, values in (data or {}).items():
        query.setlist(name, [str(value) for value in values])
    return query


def export_response(request, kind: str, args: dict | None = None, *, api: bool = False):
    """Answer an export request: the file inline when small, else a queued ExportJob (a redirect to its page;
    with `api`, 202 and the job). Filters the plan refuses (ExportRefused) answer 400 before any job, the same
    way for every kind: with `api` the API's error shape (a ValidationError, by field), else the kind's list page
    with the filter form's errors and MSG_BAD_PARAMETERS (`refused_response`). Raises what else the plan raises
    (Http404, PermissionDenied)."""
    from org import services

    args = args or {}
    export = get_export(kind)
    try:
        plan = export.plan(request.user, request.GET, args)
    except ExportRefused as refused:
        if api:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(refused.errors) from None
        return refused_response(request, export, refused)
    total = plan.count(settings.EXPORT_INLINE_MAX_ROWS + 1)
    if total <= settings.EXPORT_INLINE_MAX_ROWS:
        response = file_download(plan.write, plan.filename)
        if plan.audit is not None:
            plan.audit()
        return response
    job = services.export_job_create(actor=request.user, kind=kind, query=request.GET, args=args,
                                     filename=plan.filename, rows_total=0)  # the worker counts them exactly
    if api:
        from rest_framework import status
        from rest_framework.response import Response

        from org.api import ExportJobSerializer

        data = ExportJobSerializer(job, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})
    messages.info(request, MSG_EXPORT_QUEUED % {"limit": settings.EXPORT_INLINE_MAX_ROWS})
    return redirect(job.get_absolute_url())


def refused_response(request, export: ExportKind, refused: ExportRefused):
    """A 400 for refused filters: the kind's list page (`export.page`) rendered for the same query string, so its
    filter form shows the Chinese field errors, with MSG_BAD_PARAMETERS on top; a kind without a page answers
    the message as text."""
    errors = refused.errors
    text = errors.as_text().replace("\n", " ") if hasattr(errors, "as_text") else str(errors)
    if export.page is None:
        return HttpResponseBadRequest(MSG_BAD_PARAMETERS % {"errors": text}, content_type="text/plain; charset=utf-8")
    messages.error(request, MSG_BAD_PARAMETERS % {"errors": text})
    response = resolve(reverse(export.page)).func(request)
    if hasattr(response, "render"):
        response.render()
    response.status_code = 400
    return response


def request_for(user, query: QueryDict):
    """What a FilterSet's `request` needs (its choice querysets read `request.user`) in a worker, outside a request."""
    from types import SimpleNamespace

    return SimpleNamespace(user=user, GET=query, query_params=query)
