"""Alliances' workbooks through the shared Excel engine (org.excel): template, import with preview, export.

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

from alliances import rules, services
from alliances.models import Activity, DispatchRequirement, Group, GroupType, Membership
from alliances.selectors import group_list, requirement_list
from org import scope
from org.excel import (
    Column,
    ExcelFileError,
    ImportResult,
    SheetData,
    SheetResult,
    SheetSpec,
    WorkbookSpec,
    cells,
    match_sheet_name,
    open_workbook,
    parse_sheet,
    write_workbook,
)
from org.models import Region, School

MSG_UNKNOWN_REGION = _("Region %(code)s does not exist or is outside your scope.")
MSG_UNKNOWN_SCHOOL = _("School %(code)s does not exist or is outside your scope.")
MSG_UNKNOWN_GROUP = _("Group %(name)s is neither in the 集团 sheet nor on record.")
MSG_MEMBER_OF_NEW = _("A new group's members join on its founding date; leave 退出日期 blank.")

TYPES = {str(label).split("(")[-1].rstrip(")") if "(" in str(label) else str(label): value for value, label in GroupType.choices}
TIERS = {"第一梯次": 1, "第二梯次": 2}
ROLES = {"牵头学校": "lead", "成员学校": "member"}
GROUP_SHEET, MEMBER_SHEET, REQUIREMENT_SHEET = "集团", "成员", "派出要求"

GROUP_SPEC = SheetSpec(GROUP_SHEET, (
    Column("集团名称", "name", cells.text(128), required=True, example="咸安实验小学教育集团"),
    Column("类型", "type", cells.choice(TYPES), required=True, example="紧密型教育集团"),
    Column("梯次", "tier", cells.choice(TIERS), help=_("Preschool lead-building only.")),
    Column("所属区域代码", "region", cells.code(digits=6), required=True, example="421202", text_format=True),
    Column("牵头学校代码", "lead", cells.code(), required=True, example="4212020001", text_format=True),
    Column("成立日期", "founded_on", cells.date_value, required=True, example="2026-09-01"),
), help=_("One row per education group; an existing group (same name) is left as it is."))
MEMBER_SPEC = SheetSpec(MEMBER_SHEET, (
    Column("集团名称", "group", cells.text(128), required=True, example="咸安实验小学教育集团"),
    Column("学校代码", "school", cells.code(), required=True, example="4212020005", text_format=True),
    Column("角色", "role", cells.choice(ROLES), example="成员学校", help=_("Written by exports; the lead comes from 集团.")),
    Column("加入日期", "joined_on", cells.date_value, required=True, example="2026-09-01"),
    Column("退出日期", "left_on", cells.date_value, help=_("The last day in the group; blank while a member.")),
), help=_("One row per member school of a group."))
GROUPS_BOOK = WorkbookSpec("集团及成员", (GROUP_SPEC, MEMBER_SPEC))

# The bureau's words, whatever the interface language (like every sheet's headers).
KINDS = {
    "管理团队": rules.MANAGEMENT_TEAM, "初中学科骨干教师": rules.KEY_TEACHERS_JUNIOR,
    "小学各学段骨干教师": rules.KEY_TEACHERS_PRIMARY_BAND, "成员校对等回派": rules.PEER_RETURN,
    "每学期城区派出人数": rules.STAFF_PER_TERM, "高中文化课学科教师": rules.SUBJECT_TEACHERS,
    "干部最短期限（年）": rules.MIN_YEARS_LEADERS, "教师最短期限（年）": rules.MIN_YEARS_TEACHERS,
}
HONOURS = {"无": 0, "校级": 1, "县级": 2, "市级": 3, "省级": 4, "国家级": 5}
REQUIREMENT_SPEC = SheetSpec(REQUIREMENT_SHEET, (
    Column("集团类型", "group_type", cells.choice(TYPES), required=True, example="紧密型教育集团"),
    Column("派出要求", "kind", cells.choice(KINDS), required=True, example="初中学科骨干教师"),
    Column("区域代码", "region", cells.code(digits=6), example="421202", text_format=True,
           help=_("Blank: the default row (only superusers change defaults).")),
    Column("数量", "minimum", cells.integer(0, 1000), required=True, example=6),
    Column("不多于", "maximum", cells.integer(0, 1000)),
    Column("必须覆盖的学科", "subjects", cells.text(200), example="语文,数学,英语"),
    Column("骨干教师最低荣誉等级", "key_honour", cells.choice(HONOURS), example="县级"),
    Column("适用", "active", cells.boolean, example="是"),
), help=_("A region's own numbers; they override the group-schooling implementation opinions' defaults for that region's groups."))
REQUIREMENTS_BOOK = WorkbookSpec("派出要求", (REQUIREMENT_SPEC,))


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
        existing = {g.name: g for g in scope.visible_to(user, Group).filter(name__in=names)}
        by_group = {}
        for row in member_rows:
            by_group.setdefault(row.values["group"], []).append(row)
        for row in group_rows:
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

    def export(self, target, *, user, queryset=None) -> None:
        """The groups of the user's scope, or of `queryset` (the group list's filtered rows), with their members."""
        groups = group_list(user=user) if queryset is None else queryset
        memberships = scope.visible_to(user, Membership).select_related("group", "school").order_by("group__name", "role", "school__code")
        if queryset is not None:
            memberships = memberships.filter(group__in=queryset.values("pk"))
        type_label = {value: label for label, value in TYPES.items()}
        tier_label = {value: label for label, value in TIERS.items()}
        role_label = {value: label for label, value in ROLES.items()}
        write_workbook(target, [
            SheetData(GROUP_SHEET, GROUP_SPEC.headers, (
                [g.name, type_label[g.type], tier_label.get(g.tier, ""), g.region.code, g.lead_school.code, g.founded_on]
                for g in groups.iterator(chunk_size=500)), widths=[28, 22, 10, 12, 14, 12]),
            SheetData(MEMBER_SHEET, MEMBER_SPEC.headers, (
                [m.group.name, m.school.code, role_label[m.role], m.joined_on, m.left_on or ""]
                for m in memberships.iterator(chunk_size=500)), widths=[28, 14, 10, 12, 12]),
        ])


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

    def export(self, target, *, user) -> None:
        type_label = {value: label for label, value in TYPES.items()}
        kind_label = {value: label for label, value in KINDS.items()}
        honour_label = {value: label for label, value in HONOURS.items()}
        rows = requirement_list(user=user)
        write_workbook(target, [SheetData(REQUIREMENT_SHEET, REQUIREMENT_SPEC.headers, (
            [type_label[r.group_type], kind_label[r.kind], r.region.code if r.region else "", r.minimum, r.maximum if r.maximum is not None else "",
             r.subjects, honour_label[r.key_honour], "是" if r.active else "否"] for r in rows), widths=[22, 40, 10, 8, 8, 30, 12, 6])])


ACTIVITY_KINDS = {"联合教研": "joint_research", "联考": "joint_exam", "质量分析会": "quality_review", "论坛": "forum",
                  "科学日/艺术节": "festival", "跟岗研修": "shadowing"}
ACTIVITY_SHEET = "联合活动"
ACTIVITY_SPEC = SheetSpec(ACTIVITY_SHEET, (
    Column("集团名称", "group", cells.text(128), required=True, example="咸安实验小学教育集团"),
    Column("活动类型", "kind", cells.choice(ACTIVITY_KINDS), required=True, example="联合教研"),
    Column("日期", "held_on", cells.date_value, required=True, example="2026-10-15"),
    Column("标题", "title", cells.text(200), required=True, example="数学联合教研"),
    Column("学校代码", "schools", cells.text(2000), example="4212020001、4212020005",
           help=_("The schools of the group that took part, separated by 、 or commas; blank: the lead school.")),
    Column("内容摘要", "summary", cells.text(5000)),
), help=_("One row per joint activity; an activity of the same group, date and title is left as it is. "
          "Attachments are added on the activity's page."))
ACTIVITIES_BOOK = WorkbookSpec("联合活动", (ACTIVITY_SPEC,))
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
        groups = {g.name: g for g in scope.visible_to(user, Group).filter(name__in={r.values["group"] for r in rows})}
        existing = set(scope.visible_to(user, Activity).filter(group__in=groups.values()).values_list("group__name", "held_on", "title"))
        codes = {m.school.code: m.school for m in Membership.objects.filter(group__in=groups.values()).select_related("school")}
        with transaction.atomic():
            for row in rows:
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

    def export(self, target, *, user) -> None:
        kind_label = {value: label for label, value in ACTIVITY_KINDS.items()}
        rows = scope.visible_to(user, Activity).select_related("group").prefetch_related("schools").order_by("-held_on", "id")
        write_workbook(target, [SheetData(ACTIVITY_SHEET, ACTIVITY_SPEC.headers, (
            [a.group.name, kind_label[a.kind], a.held_on, a.title, "、".join(s.code for s in a.schools.all()), a.summary]
            for a in rows.iterator(chunk_size=500)), widths=[28, 14, 12, 30, 30, 60])])


groups_importer = GroupsImporter()
activities_importer = ActivitiesImporter()
requirements_importer = RequirementsImporter()
