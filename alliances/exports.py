"""Excel exports of alliances through the shared engine (org.excel): Chinese headers, formula-safe cells.

Workbooks: 集团及成员 (groups and their memberships), 派出要求 (requirements), 联合活动 (activities) and
达标情况 (the compliance report of a term: one row per gap).
"""

import tempfile

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.utils import translation
from django.views import View

from alliances import rules, selectors
from alliances.models import Membership
from org import scope
from org.excel import SheetData, write_workbook

GROUP_HEADERS = ["集团名称", "类型", "梯次", "所属区域代码", "牵头学校代码", "牵头学校", "成立日期", "撤销日期"]
MEMBER_HEADERS = ["集团名称", "学校代码", "学校名称", "角色", "加入日期", "退出日期"]
REQUIREMENT_HEADERS = ["集团类型", "派出要求", "区域代码", "数量（不少于）", "不多于", "必须覆盖的学科", "骨干教师最低荣誉等级", "适用"]
ACTIVITY_HEADERS = ["日期", "集团名称", "活动类型", "标题", "学校", "参加人数", "附件数", "内容摘要"]
COMPLIANCE_HEADERS = ["学期", "集团名称", "类型", "牵头学校", "学校", "派出要求", "实际人数", "要求人数", "差距", "计算日期"]


def _date(value):
    return value.isoformat() if value else ""


def group_sheets(user):
    groups = selectors.group_list(user=user)
    memberships = (scope.visible_to(user, Membership).select_related("group", "school").order_by("group__name", "role", "school__code"))
    return [
        SheetData("集团", GROUP_HEADERS, (
            (g.name, g.get_type_display(), g.tier or "", g.region.code, g.lead_school.code, g.lead_school.name,
             _date(g.founded_on), _date(g.dissolved_on)) for g in groups.iterator(chunk_size=500)), widths=[28, 24, 6, 12, 14, 24, 12, 12]),
        SheetData("成员", MEMBER_HEADERS, (
            (m.group.name, m.school.code, m.school.name, m.get_role_display(), _date(m.joined_on), _date(m.left_on))
            for m in memberships.iterator(chunk_size=500)), widths=[28, 14, 24, 10, 12, 12]),
    ]


def requirement_sheets(user):
    rows = selectors.requirement_list(user=user)
    return [SheetData("派出要求", REQUIREMENT_HEADERS, (
        (r.get_group_type_display(), r.get_kind_display(), r.region.code if r.region else "默认", r.minimum, r.maximum or "",
         r.subjects, r.get_key_honour_display(), "是" if r.active else "否") for r in rows), widths=[24, 40, 10, 10, 8, 30, 12, 6])]


def activity_sheets(user):
    rows = selectors.activity_list(user=user)
    return [SheetData("联合活动", ACTIVITY_HEADERS, (
        (_date(a.held_on), a.group.name, a.get_kind_display(), a.title, a.school_count, a.participant_count,
         a.attachment_count, a.summary) for a in rows.iterator(chunk_size=500)), widths=[12, 28, 16, 30, 8, 8, 8, 60])]


def compliance_sheets(user, term: rules.Term):
    rows = selectors.term_compliance_rows(user=user, term=term)
    return [SheetData("达标情况", COMPLIANCE_HEADERS, (
        (term.code, group.name, group.get_type_display(), group.lead_school.name, item.school.name if item.school else "",
         item.get_kind_display(), item.count, item.needed, item.text, _date(item.compliance.computed_on))
        for group, item in rows), widths=[12, 28, 24, 24, 24, 36, 8, 8, 50, 12])]


def write(target, kind: str, user, term: rules.Term) -> None:
    builders = {"groups": group_sheets, "requirements": requirement_sheets, "activities": activity_sheets}
    with translation.override("zh-hans"):
        sheets = compliance_sheets(user, term) if kind == "compliance" else builders[kind](user)
        write_workbook(target, sheets)


class ExportView(LoginRequiredMixin, View):
    """GET /alliances/exports/<kind>.xlsx: groups, requirements, activities or compliance (?term=)."""

    KINDS = ("groups", "requirements", "activities", "compliance")

    def get(self, request, kind):
        if kind not in self.KINDS:
            raise Http404
        from alliances.views import current_term

        term = current_term(request)
        spooled = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        write(spooled, kind, request.user, term)
        spooled.seek(0)
        return FileResponse(spooled, as_attachment=True, filename=f"alliances-{kind}-{term.code}.xlsx")
