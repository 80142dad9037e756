"""Excel exports of alliances through the shared engine (org.excel): Chinese headers, formula-safe cells.

Groups, requirements and activities are written in the layout their importers read (alliances.sheets:
export, edit, import back); 达标情况 is the compliance report of a term, one row per gap. `WRITERS` is the
registry of kinds the export page serves.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import translation
from django.views import View

from alliances import rules, selectors
from alliances.models import Activity, Membership
from alliances.sheets import (
    ACTIVITY_KINDS,
    ACTIVITY_SHEET,
    ACTIVITY_SPEC,
    COMPLIANCE_HEADERS,
    COMPLIANCE_SHEET,
    GROUP_SHEET,
    GROUP_SPEC,
    HONOURS,
    KINDS,
    MEMBER_SHEET,
    MEMBER_SPEC,
    REQUIREMENT_SHEET,
    REQUIREMENT_SPEC,
    ROLES,
    TIERS,
    TYPES,
    labels,
)
from org import scope
from org.excel import SheetData, write_workbook
from org.exporting import export_response


def groups_export(target, *, user, queryset=None) -> None:
    """集团 and 成员 of the groups the user sees, or of `queryset` (the group list's filtered rows), in the import
    layout."""
    groups = selectors.group_list(user=user) if queryset is None else queryset
    memberships = scope.visible_to(user, Membership).select_related("group", "school").order_by("group__name", "role", "school__code")
    if queryset is not None:
        memberships = memberships.filter(group__in=queryset.values("pk"))
    type_label, tier_label, role_label = labels(TYPES), labels(TIERS), labels(ROLES)
    write_workbook(target, [
        SheetData(GROUP_SHEET, GROUP_SPEC.headers, (
            [g.name, type_label[g.type], tier_label.get(g.tier, ""), g.region.code, g.lead_school.code, g.founded_on]
            for g in groups.iterator(chunk_size=500)), widths=[28, 22, 10, 12, 14, 12]),
        SheetData(MEMBER_SHEET, MEMBER_SPEC.headers, (
            [m.group.name, m.school.code, role_label[m.role], m.joined_on, m.left_on or ""]
            for m in memberships.iterator(chunk_size=500)), widths=[28, 14, 10, 12, 12]),
    ])


def requirements_export(target, *, user) -> None:
    """The dispatch requirements the user sees (defaults and regions' own rows), in the import layout."""
    type_label, kind_label, honour_label = labels(TYPES), labels(KINDS), labels(HONOURS)
    rows = selectors.requirement_list(user=user)
    write_workbook(target, [SheetData(REQUIREMENT_SHEET, REQUIREMENT_SPEC.headers, (
        [type_label[r.group_type], kind_label[r.kind], r.region.code if r.region else "", r.minimum, r.maximum if r.maximum is not None else "",
         r.subjects, honour_label[r.key_honour], "是" if r.active else "否"] for r in rows), widths=[22, 40, 10, 8, 8, 30, 12, 6])])


def activities_export(target, *, user) -> None:
    """The joint activities the user sees, newest first, in the import layout."""
    kind_label = labels(ACTIVITY_KINDS)
    rows = scope.visible_to(user, Activity).select_related("group").prefetch_related("schools").order_by("-held_on", "id")
    write_workbook(target, [SheetData(ACTIVITY_SHEET, ACTIVITY_SPEC.headers, (
        [a.group.name, kind_label[a.kind], a.held_on, a.title, "、".join(s.code for s in a.schools.all()), a.summary]
        for a in rows.iterator(chunk_size=500)), widths=[28, 14, 12, 30, 30, 60])])


def _date(value):
    return value.isoformat() if value else ""


def compliance_sheets(user, term: rules.Term):
    rows = selectors.term_compliance_rows(user=user, term=term)
    return [SheetData(COMPLIANCE_SHEET, COMPLIANCE_HEADERS, (
        (term.code, group.name, group.get_type_display(), group.lead_school.name, item.school.name if item.school else "",
         item.get_kind_display(), item.count, item.needed, item.text, _date(item.compliance.computed_on))
        for group, item in rows), widths=[12, 28, 24, 24, 24, 36, 8, 8, 50, 12])]


def compliance_export(target, *, user, term: rules.Term) -> None:
    """The compliance report of a term: one row per gap of the groups the user sees."""
    write_workbook(target, compliance_sheets(user, term))


WRITERS = {"groups": groups_export, "requirements": requirements_export, "activities": activities_export}


def write(target, kind: str, user, term: rules.Term, groups=None) -> None:
    """Groups and requirements in their import layout (export, edit, import back); activities; the compliance report.
    `groups`: the group list's filtered rows (the groups export then holds only those)."""
    with translation.override("zh-hans"):
        if kind == "groups" and groups is not None:
            groups_export(target, user=user, queryset=groups)
        elif kind in WRITERS:
            WRITERS[kind](target, user=user)
        else:
            compliance_export(target, user=user, term=term)


class ExportView(LoginRequiredMixin, View):
    """GET /alliances/exports/<kind>.xlsx: groups, requirements, activities or compliance (?term=)."""

    KINDS = ("groups", "requirements", "activities", "compliance")

    def get(self, request, kind):
        if kind not in self.KINDS:
            raise Http404
        return export_response(request, "alliances.export", {"kind": kind})  # a job above EXPORT_INLINE_MAX_ROWS
