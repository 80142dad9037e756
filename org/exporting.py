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
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from org.downloads import file_download

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


_KINDS: dict[str, ExportKind] = {}


def register_export(kind: str, label, plan: Callable[[object, QueryDict, dict], ExportPlan]) -> ExportKind:
    """Register an export kind (at most 48 characters, e.g. "rotation.eligibility"); returns it."""
    if len(kind) > 48:
        raise ValueError(kind)
    _KINDS[kind] = ExportKind(kind, label, plan)
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
    with `api`, 202 and the job). Raises what the kind's plan raises (ExportRefused, Http404, PermissionDenied)."""
    from org import services

    args = args or {}
    export = get_export(kind)
    plan = export.plan(request.user, request.GET, args)
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


def request_for(user, query: QueryDict):
    """What a FilterSet's `request` needs (its choice querysets read `request.user`) in a worker, outside a request."""
    from types import SimpleNamespace

    return SimpleNamespace(user=user, GET=query, query_params=query)
