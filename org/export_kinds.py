"""The export kinds of org (org.exporting): every registered workbook's export (数据导入导出 → 导出)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.exporting import ExportPlan, register_export


def workbook_plan(user, query, args: dict) -> ExportPlan:
    """args {"kind": an importer's kind}: everything of that workbook in the user's scope (bureau staff only).

    The count is the importer's `export_count(user, limit=None)` (org.exporting.bounded_count) when it has one (the large workbooks do), else 0 (inline)."""
    from org.excel import get_importer
    from org.import_views import _record_unmasking

    if not scope.is_bureau_staff(user):
        raise PermissionDenied
    try:
        importer = get_importer(str(args.get("kind", "")))
    except KeyError:
        raise Http404 from None
    count = getattr(importer, "export_count", None)
    return ExportPlan(
        filename=f"{importer.spec.title}-{timezone.localdate():%Y%m%d}.xlsx",
        count=(lambda limit=None: count(user, limit)) if count is not None else (lambda limit=None: 0),
        write=lambda stream: importer.export(stream, user=user),
        audit=lambda: _record_unmasking(user, importer),
    )


def _filtered(filter_class, rows, user, query):
    """The list page's FilterSet over the user's rows; ExportRefused with its errors when a filter is refused
    (a bad value, or a region or school outside the user's scope)."""
    from org.exporting import ExportRefused, request_for

    filterset = filter_class(query, queryset=rows, request=request_for(user, query))
    if not filterset.is_valid():
        raise ExportRefused(filterset.errors)
    return filterset.qs


def staff_plan(user, query, args: dict) -> ExportPlan:
    """The staff list (/org/staff/) with its filters (org.filters.StaffFilter) as one 教职工 sheet in the import
    layout (it imports back unchanged); one COUNT. Bureau staff get full ID numbers, recorded as an unmasking."""
    from org import exports, selectors
    from org.exporting import counter
    from org.filters import StaffFilter
    from org.models import Unmasking
    from org.services.privacy import unmaskings_record

    rows = _filtered(StaffFilter, selectors.staff_list(user=user), user, query)
    detail = "教职工名单 (API)" if args.get("via") == "api" else "教职工名单"

    def audit():
        if scope.is_bureau_staff(user):
            unmaskings_record(actor=user, staff=rows, kind=Unmasking.Kind.EXPORT, detail=detail)

    return ExportPlan(
        filename=f"staff-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.staff_sheet_export(stream, user=user, queryset=rows),
        audit=audit,
    )


def schools_plan(user, query, args: dict) -> ExportPlan:
    """The school list (/org/schools/) with its filters (org.filters.SchoolFilter) as one 学校 sheet in the import
    layout; one COUNT."""
    from org import exports, selectors
    from org.exporting import counter
    from org.filters import SchoolFilter

    rows = _filtered(SchoolFilter, selectors.school_list(user=user), user, query)
    return ExportPlan(
        filename=f"schools-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.school_sheet_export(stream, user=user, queryset=rows),
    )


WORKBOOK = register_export("org.workbook", _("Workbook export"), workbook_plan)
STAFF = register_export("org.staff", _("Staff list"), staff_plan, page="org:staff-list")
SCHOOLS = register_export("org.schools", _("School list"), schools_plan, page="org:school-list")
