"""Alliances' workbook layouts (DESIGN.md, alliances: Excel), read by the importers (alliances.importers)
and written by the exports (alliances.exports) alike, so neither imports the other (issue 9, point 7).

- 集团及成员: sheet 集团 (one row per group) and sheet 成员 (one row per membership).
- 派出要求: one row per requirement and region (seed 003's kinds, in the bureau's words).
- 联合活动: one row per joint activity.
- 达标情况: the compliance report of a term (export only), one row per gap.

Each code map is `{label in the sheet: stored value}`; `labels(map)` turns one round for writing.
"""

from django.utils.translation import gettext_lazy as _

from alliances import rules
from alliances.models import GroupType
from org.excel import Column, SheetSpec, WorkbookSpec, cells
from org.sheets import HONOURS

__all__ = [
    "TYPES", "TIERS", "ROLES", "KINDS", "HONOURS", "ACTIVITY_KINDS", "labels",
    "GROUP_SHEET", "MEMBER_SHEET", "REQUIREMENT_SHEET", "ACTIVITY_SHEET", "COMPLIANCE_SHEET",
    "GROUP_SPEC", "MEMBER_SPEC", "GROUPS_BOOK", "REQUIREMENT_SPEC", "REQUIREMENTS_BOOK", "ACTIVITY_SPEC",
    "ACTIVITIES_BOOK", "COMPLIANCE_HEADERS",
]

# A type's label in a sheet is the Chinese name in its choice label's parentheses (e.g. 紧密型教育集团).
TYPES = {str(label).split("(")[-1].rstrip(")") if "(" in str(label) else str(label): value for value, label in GroupType.choices}
TIERS = {"第一梯次": 1, "第二梯次": 2}
ROLES = {"牵头学校": "lead", "成员学校": "member"}
# The bureau's words, whatever the interface language (like every sheet's headers).
KINDS = {
    "管理团队": rules.MANAGEMENT_TEAM, "初中学科骨干教师": rules.KEY_TEACHERS_JUNIOR,
    "小学各学段骨干教师": rules.KEY_TEACHERS_PRIMARY_BAND, "成员校对等回派": rules.PEER_RETURN,
    "每学期城区派出人数": rules.STAFF_PER_TERM, "高中文化课学科教师": rules.SUBJECT_TEACHERS,
    "干部最短期限（年）": rules.MIN_YEARS_LEADERS, "教师最短期限（年）": rules.MIN_YEARS_TEACHERS,
}
ACTIVITY_KINDS = {"联合教研": "joint_research", "联考": "joint_exam", "质量分析会": "quality_review", "论坛": "forum",
                  "科学日/艺术节": "festival", "跟岗研修": "shadowing"}


def labels(codes: dict) -> dict:
    """`{stored value: label in the sheet}` for one of the code maps above (for writing)."""
    return {value: label for label, value in codes.items()}


GROUP_SHEET, MEMBER_SHEET, REQUIREMENT_SHEET, ACTIVITY_SHEET, COMPLIANCE_SHEET = "集团", "成员", "派出要求", "联合活动", "达标情况"

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

COMPLIANCE_HEADERS = ["学期", "集团名称", "类型", "牵头学校", "学校", "派出要求", "实际人数", "要求人数", "差距", "计算日期"]
