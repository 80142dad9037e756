"""Excel exports of alliances through the shared engine (org.excel): Chinese headers, formula-safe cells.

Groups, requirements and activities are written by their importers (alliances.importers) in the layout
they import; 达标情况 is the compliance report of a term, one row per gap.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import translation
from django.views import View

from alliances import rules, selectors
from org.excel import SheetData, write_workbook
from org.exporting import export_response

COMPLIANCE_HEADERS = ["学期", "集团名称", "类型", "牵头学校", "学校", "派出要求", "实际人数", "要求人数", "差距", "计算日期"]


def _date(value):
    return value.isoformat() if value else ""


def compliance_sheets(user, term: rules.Term):
    rows = selectors.term_compliance_rows(user=user, term=term)
    return [SheetData("达标情况", COMPLIANCE_HEADERS, (
        (term.code, group.name, group.get_type_display(), group.lead_school.name, item.school.name if item.school else "",
         item.get_kind_display(), item.count, item.needed, item.text, _date(item.compliance.computed_on))
        for group, item in rows), widths=[12, 28, 24, 24, 24, 36, 8, 8, 50, 12])]


def write(target, kind: str, user, term: rules.Term) -> None:
    """Groups and requirements in their import layout (export, edit, import back); activities; the compliance report."""
    from alliances.importers import activities_importer, groups_importer, requirements_importer

    importers = {"groups": groups_importer, "requirements": requirements_importer, "activities": activities_importer}
    with translation.override("zh-hans"):
        if kind in importers:
            importers[kind].export(target, user=user)
        else:
            write_workbook(target, compliance_sheets(user, term))


class ExportView(LoginRequiredMixin, View):
    """GET /alliances/exports/<kind>.xlsx: groups, requirements, activities or compliance (?term=)."""

    KINDS = ("groups", "requirements", "activities", "compliance")

    def get(self, request, kind):
        if kind not in self.KINDS:
            raise Http404
        return export_response(request, "alliances.export", {"kind": kind})  # a job above EXPORT_INLINE_MAX_ROWS
