"""Excel exports of alliances through the shared engine (org.excel): Chinese headers, formula-safe cells.

Groups, requirements and activities are written by their importers (alliances.importers) in the layout
they import; 达标情况 is the compliance report of a term, one row per gap.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseBadRequest
from django.utils import translation
from django.views import View

from alliances import rules, selectors
from org.downloads import file_download
from org.excel import SheetData, write_workbook

COMPLIANCE_HEADERS = ["学期", "集团名称", "类型", "牵头学校", "学校", "派出要求", "实际人数", "要求人数", "差距", "计算日期"]


def _date(value):
    return value.isoformat() if value else ""


def compliance_sheets(user, term: rules.Term):
    rows = selectors.term_compliance_rows(user=user, term=term)
    return [SheetData("达标情况", COMPLIANCE_HEADERS, (
        (term.code, group.name, group.get_type_display(), group.lead_school.name, item.school.name if item.school else "",
         item.get_kind_display(), item.count, item.needed, item.text, _date(item.compliance.computed_on))
        for group, item in rows), widths=[12, 28, 24, 24, 24, 36, 8, 8, 50, 12])]


def write(target, kind: str, user, term: rules.Term, groups=None) -> None:
    """Groups and requirements in their import layout (export, edit, import back); activities; the compliance report.
    `groups`: the group list's filtered rows (the groups export then holds only those)."""
    from alliances.importers import activities_importer, groups_importer, requirements_importer

    importers = {"groups": groups_importer, "requirements": requirements_importer, "activities": activities_importer}
    with translation.override("zh-hans"):
        if kind == "groups" and groups is not None:
            groups_importer.export(target, user=user, queryset=groups)
        elif kind in importers:
            importers[kind].export(target, user=user)
        else:
            write_workbook(target, compliance_sheets(user, term))


class ExportView(LoginRequiredMixin, View):
    """GET /alliances/exports/<kind>.xlsx: groups, requirements, activities or compliance (?term=)."""

    KINDS = ("groups", "requirements", "activities", "compliance")

    def get(self, request, kind):
        if kind not in self.KINDS:
            raise Http404
        from alliances.views import current_term

        term = current_term(request)
        groups = None
        if kind == "groups":  # the group list's filters (?type=&region=&active=&gaps=&idle=)
            from alliances.filters import GroupFilter

            filterset = GroupFilter(request.GET, queryset=selectors.group_list(user=request.user), request=request)
            if not filterset.is_valid():
                return HttpResponseBadRequest(filterset.errors.as_text(), content_type="text/plain; charset=utf-8")
            groups = filterset.qs
        return file_download(lambda stream: write(stream, kind, request.user, term, groups),
                             f"alliances-{kind}-{term.code}.xlsx")
