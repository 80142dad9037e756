"""Alliances' workbooks through the shared Excel engine (org.excel): template, import with preview, export
(layouts in alliances.sheets, writers in alliances.exports).

- 集团及成员 ("alliances_groups"): sheet 集团 (one row per group) and sheet 成员 (one row per membership).
  A new group is founded through `group_create` with the members of its 成员 rows joining on its founding
  date; for an existing group, a new member joins (`membership_add`) and a 退出日期 ends a membership
  (`membership_end`). Every per-type constraint applies; all or nothing; importing the same file twice
  changes nothing (groups matched on name, memberships on group and school).
- 派出要求 ("alliances_requirements"): one row per requirement and region, through `requirement_save`.
- 联合活动 ("alliances_activities"): one row per activity, through `activity_create` (attachments on the page).
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances import exports, services
from alliances.models import Activity, DispatchRequirement, Group, Membership
from alliances.selectors import group_list, requirement_list
from alliances.sheets import (
    ACTIVITIES_BOOK,
    ACTIVITY_SHEET,
    GROUP_SHEET,
    GROUPS_BOOK,
    MEMBER_SHEET,
    REQUIREMENT_SHEET,
    REQUIREMENTS_BOOK,
)
from org import scope
from org.excel import ExcelFileError, ImportResult, SheetResult, match_sheet_name, open_workbook, parse_sheet
from org.models import Region, School

MSG_UNKNOWN_REGION = _("Region %(code)s does not exist or is outside your scope.")
MSG_UNKNOWN_SCHOOL = _("School %(code)s does not exist or is outside your scope.")
MSG_UNKNOWN_GROUP = _("Group %(name)s is neither in the 集团 sheet nor on record.")
MSG_AMBIGUOUS_GROUP = _("%(count)s groups you see are named %(name)s (%(regions)s): a row cannot tell which one it means; "
                        "record it on that group's page.")
MSG_MEMBER_OF_NEW = _("A new group's members join on its founding date; leave 退出日期 blank.")


def _groups_by_name(user, names) -> tuple[dict, dict]:
    """The visible groups the rows name: (name -> group) for the names one group bears, and (name -> groups) for
    the names several bear. A name is not a key: two counties may each found a 实验小学教育集团, and a city clerk
    sees both; a row naming it must not be filed under either at random."""
    found = {}
    for group in scope.visible_to(user, Group).filter(name__in=names).select_related("region").order_by("region__code", "pk"):
        found.setdefault(group.name, []).append(group)
    unique = {name: groups[0] for name, groups in found.items() if len(groups) == 1}
    return unique, {name: groups for name, groups in found.items() if len(groups) > 1}


def _ambiguous(problems, sheet, row, name, groups) -> None:
    problems.add(sheet, row, "集团名称", MSG_AMBIGUOUS_GROUP % {
        "count": len(groups), "name": name, "regions": "、".join(g.region.name for g in groups)})


def _read(path, book_spec, result) -> dict[str, list]:
    rows = {}
    try:
        with open_workbook(path) as book:
            for sheet in book_spec.sheets:
                name = match_sheet_name(sheet, book.sheet_names)
                rows[sheet.name] = list(parse_sheet(sheet, book.rows(name), result.problems, sheet_name=sheet.name)) if name else []
    except ExcelFileError as error:
        result.problems.add("", None, "", error.message)
    return rows


def _refusal(problems, sheet, row, column, error) -> None:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    for message in messages:
        problems.add(sheet, row, column, message)


class GroupsImporter:
    kind = "alliances_groups"
    label = _("Education groups and members (集团及成员)")
    spec = GROUPS_BOOK

    def run(self, path, *, user, commit: bool, progress=None) -> ImportResult:
        result = ImportResult()
        rows = _read(path, GROUPS_BOOK, result)
        if not rows:
            return result
        result.rows = sum(len(r) for r in rows.values())
        groups_sheet, members_sheet = SheetResult(GROUP_SHEET), SheetResult(MEMBER_SHEET)
        result.sheets += [groups_sheet, members_sheet]
        with transaction.atomic():
            self._apply(rows[GROUP_SHEET], rows[MEMBER_SHEET], user, groups_sheet, members_sheet, result.problems)
            if result.problems or not commit:
                transaction.set_rollback(True)
        result.committed = commit and result.ok
        return result

    def _apply(self, group_rows, member_rows, user, groups_sheet, members_sheet, problems) -> None:
        codes = {r.values["lead"] for r in group_rows} | {r.values["school"] for r in member_rows}
        schools = {s.code: s for s in scope.visible_to(user, School).filter(code__in=codes)}
        regions = {r.code: r for r in scope.manageable_regions(user).filter(code__in={r.values["region"] for r in group_rows})}
        names = {r.values["name"] for r in group_rows} | {r.values["group"] for r in member_rows}
        existing, ambiguous = _groups_by_name(user, names)
        by_group = {}
        for row in member_rows:
            if row.values["group"] in ambiguous:
                _ambiguous(problems, MEMBER_SHEET, row.row, row.values["group"], ambiguous[row.values["group"]])
                continue
            by_group.setdefault(row.values["group"], []).append(row)
        for row in group_rows:
            if row.values["name"] in ambiguous:
                _ambiguous(problems, GROUP_SHEET, row.row, row.values["name"], ambiguous[row.values["name"]])
                continue
            self._group(row, by_group.pop(row.values["name"], []), user, schools, regions, existing, groups_sheet, members_sheet,
                        problems)
        for name, rows in by_group.items():
            if name not in existing:
                for row in rows:
                    problems.add(MEMBER_SHEET, row.row, "集团名称", MSG_UNKNOWN_GROUP % {"name": name})
                continue
            for row in rows:
                self._member(row, existing[name], user, schools, members_sheet, problems)

    def _group(self, row, member_rows, user, schools, regions, existing, groups_sheet, members_sheet, problems) -> None:
        values = row.values
        label = {"row": row.row, "label": values["name"], "changes": []}
        if values["name"] in existing:
            groups_sheet.record("unchanged", label)
            for member in member_rows:
                self._member(member, existing[values["name"]], user, schools, members_sheet, problems)
            return
        ok = True
        if values["region"] not in regions:
            problems.add(GROUP_SHEET, row.row, "所属区域代码", MSG_UNKNOWN_REGION % {"code": values["region"]})
            ok = False
        if values["lead"] not in schools:
            problems.add(GROUP_SHEET, row.row, "牵头学校代码", MSG_UNKNOWN_SCHOOL % {"code": values["lead"]})
            ok = False
        members = []
        for member in member_rows:
            if member.values["school"] == values["lead"]:
                continue
            if member.values["school"] not in schools:
                problems.add(MEMBER_SHEET, member.row, "学校代码", MSG_UNKNOWN_SCHOOL % {"code": member.values["school"]})
                ok = False
            elif member.values.get("left_on"):
                problems.add(MEMBER_SHEET, member.row, "退出日期", MSG_MEMBER_OF_NEW)
                ok = False
            else:
                members.append(schools[member.values["school"]])
        if not ok:
            return
        try:
            with transaction.atomic():
                services.group_create(actor=user, name=values["name"], type=values["type"], region=regions[values["region"]],
                                      lead_school=schools[values["lead"]], members=members, founded_on=values["founded_on"],
                                      tier=values.get("tier"))
        except (ValidationError, PermissionDenied) as error:
            _refusal(problems, GROUP_SHEET, row.row, "类型", error)
            return
        groups_sheet.record("created", label)
        for member in member_rows:
            members_sheet.record("created", {"row": member.row, "label": f"{values['name']} · {member.values['school']}", "changes": []})

    def _member(self, row, group, user, schools, sheet, problems) -> None:
        values = row.values
        label = {"row": row.row, "label": f"{group.name} · {values['school']}", "changes": []}
        school = schools.get(values["school"])
        if school is None:
            problems.add(MEMBER_SHEET, row.row, "学校代码", MSG_UNKNOWN_SCHOOL % {"code": values["school"]})
            return
        current = group.memberships.filter(school=school).order_by("-joined_on").first()
        try:
            with transaction.atomic():
                if current is None or (current.left_on and not values.get("left_on")):
                    services.membership_add(actor=user, group=group, school=school, joined_on=values["joined_on"])
                    sheet.record("created", label)
                elif values.get("left_on") and current.left_on != values["left_on"] and current.left_on is None:
                    services.membership_end(actor=user, membership=current, left_on=values["left_on"])
                    sheet.record("updated", {**label, "changes": [["left_on", "", str(values["left_on"])]]})
                else:
                    sheet.record("unchanged", label)
        except (ValidationError, PermissionDenied) as error:
            _refusal(problems, MEMBER_SHEET, row.row, "学校代码", error)

    def export_count(self, user, limit: int | None = None, queryset=None) -> int:
        from org.exporting import counter

        groups = group_list(user=user) if queryset is None else queryset
        members = scope.visible_to(user, Membership)
        if queryset is not None:
            members = members.filter(group__in=queryset.values("pk"))
        return counter(groups, members)(limit)

    def export(self, target, *, user, queryset=None) -> None:
        """The groups of the user's scope, or of `queryset` (the group list's filtered rows), with their members."""
        exports.groups_export(target, user=user, queryset=queryset)


class RequirementsImporter:
    kind = "alliances_requirements"
    label = _("Dispatch requirements (派出要求)")
    spec = REQUIREMENTS_BOOK

    def run(self, path, *, user, commit: bool, progress=None) -> ImportResult:
        result = ImportResult()
        rows = _read(path, REQUIREMENTS_BOOK, result).get(REQUIREMENT_SHEET, [])
        result.rows = len(rows)
        sheet = SheetResult(REQUIREMENT_SHEET)
        result.sheets.append(sheet)
        regions = {r.code: r for r in scope.visible_to(user, Region).filter(code__in={row.values["region"] for row in rows})}
        existing = {(r.group_type, r.kind, r.region_id): r
                    for r in DispatchRequirement.objects.filter(Q(region__in=regions.values()) | Q(region__isnull=True))}
        with transaction.atomic():
            for row in rows:
                self._row(row, user, regions, existing, sheet, result.problems)
            if result.problems or not commit:
                transaction.set_rollback(True)
        result.committed = commit and result.ok
        return result

    def _row(self, row, user, regions, existing, sheet, problems) -> None:
        values = row.values
        region = regions.get(values["region"]) if values.get("region") else None
        if values.get("region") and region is None:
            problems.add(REQUIREMENT_SHEET, row.row, "区域代码", MSG_UNKNOWN_REGION % {"code": values["region"]})
            return
        wanted = {"minimum": values["minimum"], "maximum": values.get("maximum"), "subjects": values.get("subjects") or "",
                  "key_honour": values.get("key_honour") if values.get("key_honour") is not None else 2,
                  "active": values.get("active") if values.get("active") is not None else True}
        current = existing.get((values["group_type"], values["kind"], region.pk if region else None))
        label = {"row": row.row, "label": f"{values.get('region') or '默认'} · {values['kind']}", "changes": []}
        if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
            sheet.record("unchanged", label)
            return
        try:
            with transaction.atomic():
                services.requirement_save(actor=user, group_type=values["group_type"], kind=values["kind"], region=region, **wanted)
        except (ValidationError, PermissionDenied) as error:
            _refusal(problems, REQUIREMENT_SHEET, row.row, "区域代码", error)
            return
        sheet.record("created" if current is None else "updated", label)

    def export_count(self, user, limit: int | None = None) -> int:
        from org.exporting import bounded_count

        return bounded_count(requirement_list(user=user), limit)

    def export(self, target, *, user) -> None:
        exports.requirements_export(target, user=user)


MSG_UNKNOWN_SCHOOLS = _("School code(s) %(codes)s are not schools of this group.")


class ActivitiesImporter:
    kind = "alliances_activities"
    label = _("Joint activities (联合活动)")
    spec = ACTIVITIES_BOOK

    def run(self, path, *, user, commit: bool, progress=None) -> ImportResult:
        result = ImportResult()
        rows = _read(path, ACTIVITIES_BOOK, result).get(ACTIVITY_SHEET, [])
        result.rows = len(rows)
        sheet = SheetResult(ACTIVITY_SHEET)
        result.sheets.append(sheet)
        groups, ambiguous = _groups_by_name(user, {r.values["group"] for r in rows})
        existing = set(scope.visible_to(user, Activity).filter(group__in=groups.values()).values_list("group__name", "held_on", "title"))
        codes = {m.school.code: m.school for m in Membership.objects.filter(group__in=groups.values()).select_related("school")}
        with transaction.atomic():
            for row in rows:
                if row.values["group"] in ambiguous:
                    _ambiguous(result.problems, ACTIVITY_SHEET, row.row, row.values["group"], ambiguous[row.values["group"]])
                    continue
                self._row(row, user, groups, existing, codes, sheet, result.problems)
            if result.problems or not commit:
                transaction.set_rollback(True)
        result.committed = commit and result.ok
        return result

    def _row(self, row, user, groups, existing, codes, sheet, problems) -> None:
        values = row.values
        label = {"row": row.row, "label": f"{values['group']} · {values['held_on']} · {values['title']}", "changes": []}
        if (values["group"], values["held_on"], values["title"]) in existing:
            sheet.record("unchanged", label)
            return
        group = groups.get(values["group"])
        if group is None:
            problems.add(ACTIVITY_SHEET, row.row, "集团名称", MSG_UNKNOWN_GROUP % {"name": values["group"]})
            return
        wanted = [c for c in re.split(r"[、,，;；\s]+", values.get("schools") or "") if c]
        unknown = [c for c in wanted if c not in codes]
        if unknown:
            problems.add(ACTIVITY_SHEET, row.row, "学校代码", MSG_UNKNOWN_SCHOOLS % {"codes": "、".join(unknown)})
            return
        try:
            with transaction.atomic():
                services.activity_create(actor=user, group=group, kind=values["kind"], held_on=values["held_on"], title=values["title"],
                                         summary=values.get("summary") or "", schools=[codes[c] for c in wanted])
        except (ValidationError, PermissionDenied) as error:
            _refusal(problems, ACTIVITY_SHEET, row.row, "集团名称", error)
            return
        sheet.record("created", label)

    def export_count(self, user, limit: int | None = None) -> int:
        from org.exporting import bounded_count

        return bounded_count(scope.visible_to(user, Activity), limit)

    def export(self, target, *, user) -> None:
        exports.activities_export(target, user=user)


groups_importer = GroupsImporter()
activities_importer = ActivitiesImporter()
requirements_importer = RequirementsImporter()
