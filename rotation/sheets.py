"""Rotation's workbook layouts: the roster sheet (交流名册) and its codes, read by the importer and
written by the exports alike (one definition, no import cycle between them)."""

from django.utils.translation import gettext_lazy as _

from org.excel import Column, SheetSpec, WorkbookSpec, cells

ROSTER_SHEET = "交流名册"
FORMS = {"交流轮岗": "exchange", "支教": "support", "走教": "itinerant", "挂职": "secondment", "跟岗学习": "shadowing",
         "上挂学习": "shadowing"}
STATES = {"计划中": "planned", "已批准": "approved", "已到位": "in_place", "已期满": "completed", "提前结束": "ended_early",
          "转为调动": "converted"}

ROSTER_SPEC = SheetSpec(ROSTER_SHEET, (
    Column("身份证号", "id_number", cells.id_number, required=True, text_format=True, example="42120219850520001X"),
    Column("姓名", "name", cells.text(64), example="张三", help=_("For reading only; the ID number identifies the person.")),
    Column("派出学校代码", "from_school", cells.code(max_length=32), text_format=True, example="4212020001",
           help=_("For reading only: the person's current school is the sending school.")),
    Column("接收学校代码", "to_school", cells.code(max_length=32), required=True, text_format=True, example="4212020009"),
    Column("交流形式", "form", cells.choice(FORMS), required=True, example="支教"),
    Column("起始时间", "start", cells.date_value, required=True, example="2026-08-25"),
    Column("计划结束时间", "planned_end", cells.date_value, required=True, example="2027-08-24"),
    Column("交流岗位", "post_at_destination", cells.text(64), example="数学教师"),
    Column("人事关系随转", "relation_moves", cells.boolean, example="否", allowed=("是", "否")),
    Column("补贴（元/年）", "subsidy_yuan", cells.integer(0), example=10000, aliases=("补贴",)),
    Column("补贴说明", "subsidy_note", cells.text(200), example="交通补贴、乡镇工作补贴"),
    Column("报备日期", "filed_on", cells.date_value, example="2026-07-28", help=_("Blank means the day of the import.")),
    Column("交流计划", "plan", cells.text(128), example="2026年秋季城乡交流", help=_("The name of a rotation plan, or blank.")),
    Column("仍予交流理由", "exemption_override", cells.text(300),
           help=_("Only for a person exempt from rotation (暂不交流) who rotates all the same.")),
    Column("状态", "state", cells.choice(STATES), example="计划中", help=_("Written by exports; ignored by imports.")),
), help=_("The rotation roster: one row per assignment, matched on ID number, receiving school and start."))
ROSTER_BOOK = WorkbookSpec(ROSTER_SHEET, (ROSTER_SPEC,))
