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


WORKBOOK = register_export("org.workbook", _("Workbook export"), workbook_plan)
