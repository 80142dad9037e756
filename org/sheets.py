"""The base-data workbook's sheets (基础数据: 区县, 学校, 教职工, 任职经历, 暂不交流; DESIGN.md, Excel): the
column specs, the label maps, and the registry of handlers through which other apps store a sheet.

Imported alike by the importer's planners (org.importers), the export (org.exports) and the apps that
store a sheet (rotation: 暂不交流), so none of them imports another's internals (issue 9, 7).
"""

from typing import TYPE_CHECKING, Protocol

from django.utils.translation import gettext_lazy as _

from org.excel import Column, ParsedRow, Problems, SheetResult, SheetSpec, WorkbookSpec, cells

if TYPE_CHECKING:
    from org.importers import ImportContext

__all__ = [
    "REGION_SHEET", "SCHOOL_SHEET", "STAFF_SHEET", "HISTORY_SHEET", "EXEMPTION_SHEET", "GENDERS", "STAGES",
    "LOCATIONS", "POSTS", "HONOURS", "STATUSES", "EXEMPTION_KINDS", "EXAMPLE_ID", "ID_ALIASES",
    "SCHOOL_CODE_ALIASES", "START_ALIASES", "END_ALIASES", "REGION_SPEC", "SCHOOL_SPEC", "STAFF_SPEC",
    "HISTORY_SPEC", "EXEMPTION_SPEC", "BASE_DATA_SPEC", "SheetHandler", "register_sheet_handler", "sheet_handler",
]

REGION_SHEET, SCHOOL_SHEET, STAFF_SHEET, HISTORY_SHEET, EXEMPTION_SHEET = "区县", "学校", "教职工", "任职经历", "暂不交流"

GENDERS = {"男": "M", "女": "F"}
STAGES = {"幼儿园": "kindergarten", "小学": "primary", "初中": "junior", "高中": "senior", "九年一贯制": "nine_year",
          "完全中学": "complete"}
LOCATIONS = {"城区": "urban", "镇区": "town", "乡村": "rural"}
POSTS = {"校长": "principal", "副校长": "vice_principal", "中层干部": "middle_cadre", "专任教师": "teacher"}
HONOURS = {"无": 0, "校级": 1, "县级": 2, "市级": 3, "省级": 4, "国家级": 5}
STATUSES = {"在职": "active", "离职": "left", "退休": "retired"}
EXEMPTION_KINDS = {"重点项目": "key_project", "孕期哺乳期": "pregnancy_nursing", "患病": "illness"}

# Template examples use the code 9999xx, which no real region has: a row equal to its sheet's example is
# the template's own example row, skipped on import (org.excel.parse), and real data can never equal it.
EXAMPLE_ID = "99990119850520149X"
_ID = dict(parser=cells.id_number, required=True, text_format=True, example=EXAMPLE_ID,
           help=_("18 characters; type it as text (format the column as Text), a lowercase x is fine."))
_DATE_HELP = _("A date: 2019-09-01, 2019/9/1, 2019年9月1日; a month alone (2019.09, 2019年9月) means its 1st day.")
_END_HELP = _("The last day, included: a month alone (2016.08) means its last day; blank, 至今 or 现在 mean "
              "still there.")
ID_ALIASES = ("身份证号码", "公民身份号码", "公民身份证号码", "身份证件号码", "证件号码", "身份证")
SCHOOL_CODE_ALIASES = ("学校编码", "学校标识码", "单位代码")
START_ALIASES = ("开始时间", "起始日期", "开始日期", "任职起始时间", "任职开始时间")
END_ALIASES = ("终止时间", "结束日期", "截止时间", "截止日期", "任职结束时间")

REGION_SPEC = SheetSpec(REGION_SHEET, (
    Column("区县代码", "code", cells.code(digits=6), required=True, text_format=True, example="999901",
           aliases=("行政区划代码", "区划代码", "地区代码"),
           help=_("The 6-digit administrative code (GB/T 2260): xx0000 a province, xxxx00 a city, otherwise a "
                  "county or district.")),
    Column("区县名称", "name", cells.text(64), required=True, example="示例区", aliases=("行政区划名称", "区划名称")),
    Column("上级代码", "parent", cells.code(digits=6), text_format=True, example="999900",
           aliases=("上级区划代码", "上级行政区划代码"),
           help=_("The code of the region above it; blank only for the top region (the bureau's own city, or "
                  "its province).")),
), help=_("The bureau's own city (or province) and its counties and districts."), key="code")

SCHOOL_SPEC = SheetSpec(SCHOOL_SHEET, (
    Column("学校代码", "code", cells.code(max_length=32), required=True, text_format=True, example="999901001",
           aliases=SCHOOL_CODE_ALIASES, help=_("The school's unique code; rows are matched on it.")),
    Column("学校名称", "name", cells.text(128), required=True, example="示例小学", aliases=("单位名称",)),
    Column("区县代码", "region", cells.code(digits=6), required=True, text_format=True, example="999901",
           aliases=("所属区县代码", "行政区划代码"),
           help=_("The county the school belongs to (in the 区县 sheet or already in the system).")),
    Column("学段", "stage", cells.choice(STAGES), required=True, example="小学"),
    Column("城乡类型", "location", cells.choice(LOCATIONS), required=True, example="城区"),
    Column("是否薄弱学校", "is_weak", cells.boolean, example="否", allowed=("是", "否"), help=_("Blank means 否."),
           aliases=("薄弱学校",)),
), help=_("Schools."), key="code")

STAFF_SPEC = SheetSpec(STAFF_SHEET, (
    Column("姓名", "name", cells.text(64), required=True, example="张三", aliases=("教师姓名", "教职工姓名")),
    Column("身份证号", "id_number", aliases=ID_ALIASES, **_ID),
    Column("性别", "gender", cells.choice(GENDERS), example="男", help=_("When given, it must match the ID number.")),
    Column("出生日期", "birth_date", cells.date_value, example="1985-05-20", aliases=("出生年月", "出生年月日", "出生时间"),
           help=_("When given, it must match the ID number (a month alone agrees when the month does).")),
    Column("学校代码", "school", cells.code(max_length=32), required=True, text_format=True, example="999901001",
           aliases=SCHOOL_CODE_ALIASES, help=_("The current school (in the 学校 sheet or already in the system).")),
    Column("岗位", "post", cells.choice(POSTS), required=True, example="专任教师", aliases=("岗位类别", "岗位类型", "现任岗位")),
    Column("是否班主任", "is_head_teacher", cells.boolean, example="否", allowed=("是", "否"), help=_("Blank means 否."),
           aliases=("班主任",)),
    Column("任教学科", "subject", cells.text(32), example="数学", aliases=("学科", "主教学科", "任教科目")),
    Column("职称", "title", cells.text(32), example="一级教师", aliases=("专业技术职务", "现职称")),
    Column("荣誉等级", "honour_level", cells.choice(HONOURS), example="县级", help=_("Blank means 无."),
           aliases=("荣誉级别", "最高荣誉")),
    Column("参加工作时间", "work_start", cells.start_date, example="2008-09-01", help=_DATE_HELP,
           aliases=("参加工作日期", "参加工作年月", "参加工作年份")),
    Column("现校起始时间", "school_start", cells.start_date, required_for_new=True, example="2015-09-01",
           aliases=("调入本校时间", "调入本校日期", "进入本校时间", "到校时间", "来校时间", "本校起始时间",
                    "现校工作起始时间"),
           help=_("When the person started at the current school; required for new staff, and it cannot be "
                  "cleared once known.")),
    Column("现岗位起始时间", "post_start", cells.start_date, example="2015-09",
           aliases=("任现岗位时间", "任现职时间", "现岗位任职时间", "现岗位任职起始时间"),
           help=_("For school leaders: when continuous service in leader posts at the current school began.")),
    Column("在职状态", "status", cells.choice(STATUSES), example="在职", help=_("Blank means 在职."),
           aliases=("人员状态", "在岗状态")),
), help=_("Staff; rows are matched on the ID number."), key="id_number", record_fields=("name", "id_number"))

HISTORY_SPEC = SheetSpec(HISTORY_SHEET, (
    Column("身份证号", "id_number", **_ID),
    Column("学校代码", "school", cells.code(max_length=32), required=True, text_format=True, example="999901002",
           aliases=SCHOOL_CODE_ALIASES),
    Column("岗位", "post", cells.choice(POSTS), example="专任教师"),
    Column("起始时间", "start", cells.start_date, required=True, example="2008-09-01", help=_DATE_HELP,
           aliases=START_ALIASES),
    Column("结束时间", "end", cells.end_date, example="2015-08-31", help=_END_HELP, aliases=END_ALIASES),
), help=_("Earlier schools; rows are matched on ID number, school and start."))

EXEMPTION_SPEC = SheetSpec(EXEMPTION_SHEET, (
    Column("身份证号", "id_number", **_ID),
    Column("类别", "kind", cells.choice(EXEMPTION_KINDS), required=True, example="重点项目"),
    Column("起始时间", "start", cells.start_date, required=True, example="2024-09-01", help=_DATE_HELP,
           aliases=START_ALIASES),
    Column("结束时间", "end", cells.end_date, example="2026-08-31", help=_END_HELP, aliases=END_ALIASES),
    Column("批准文号", "approval", cells.text(64), example="咸教发〔2024〕12号"),
), help=_("Approved exemptions from rotation."))

BASE_DATA_SPEC = WorkbookSpec("基础数据", (REGION_SPEC, SCHOOL_SPEC, STAFF_SPEC, HISTORY_SPEC, EXEMPTION_SPEC))


class SheetHandler(Protocol):
    """Stores a sheet whose model lives in another app (the rotation app registers 暂不交流).

    `plan` checks the rows against the database (one query per table) and records created/updated/
    unchanged rows on `result` and problems on `problems`; staff are looked up with
    `context.staff_known(id_number)`. `persist` runs inside the commit's transaction after staff are
    written, with `context.plan.staff_ids` complete; it writes with history (actor = context.user).
    """

    def plan(self, rows: list[ParsedRow], context: "ImportContext", result: SheetResult, problems: Problems) -> object:
        ...

    def persist(self, planned: object, context: "ImportContext") -> None:
        ...


_SHEET_HANDLERS: dict[str, SheetHandler] = {}


def register_sheet_handler(sheet_name: str, handler: SheetHandler) -> None:
    """Let another app store a sheet of the base-data workbook (e.g. rotation: 暂不交流)."""
    _SHEET_HANDLERS[sheet_name] = handler


def sheet_handler(sheet_name: str) -> SheetHandler | None:
    """The handler another app registered for a sheet, or None (the sheet is then checked, not stored)."""
    return _SHEET_HANDLERS.get(sheet_name)
