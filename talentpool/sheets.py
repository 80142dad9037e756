"""The talent pool's workbook layouts: the nominations sheet (推荐人选) and its codes, read by the
importer and written by the exports alike (one definition, no import cycle between them)."""

from django.utils.translation import gettext_lazy as _

from org.excel import Column, SheetSpec, WorkbookSpec, cells
from talentpool.models import Nomination

SHEET = "推荐人选"
SOURCES = {"学校推荐": Nomination.Source.NOMINATION, "个人报名": Nomination.Source.APPLICATION}
SOURCES_BY_CODE = {code: label for label, code in SOURCES.items()}
POSTS_BY_CODE = {"principal": "校长", "vice_principal": "副校长", "middle_cadre": "中层干部", "teacher": "专任教师"}

NOMINATION_SPEC = SheetSpec(SHEET, (
    Column("身份证号", "id_number", cells.id_number, required=True, text_format=True, example="42120219850520123X"),
    Column("姓名", "name", cells.text(64), example="王伟"),
    Column("培养计划", "program", cells.text(128), example="校长班主任双培养计划",
           help=_("Needed only when two programs have a track of the same name.")),
    Column("培养类别", "track", cells.text(64), required=True, example="校长培养对象"),
    Column("年度", "year", cells.integer(2000, 2100), required=True, example=2026),
    Column("来源", "source", cells.choice(SOURCES), example="学校推荐"),
    Column("推荐理由", "reasons", cells.text(), required=True, example="政治过硬，办学实绩突出"),
    Column("主要业绩", "achievements", cells.text(), example="市级优质课一等奖"),
    Column("担任班主任起始时间", "head_teacher_since", cells.date_value, example="2018-09-01",
           help=_("Stated by the nominating school; the staff record holds no head-teacher start date.")),
), help=_("One row per nominee."))
WORKBOOK_SPEC = WorkbookSpec("推荐人选导入", (NOMINATION_SPEC,))
