"""The evaluation app's workbook layouts, read by the importers (evaluation.importers) and written by the
exports (evaluation.exports) alike, so neither imports the other (issue 9, point 7).

1. The rater's score sheet (评分表): one row per assignment (subject and rater group), one column per
   indicator of the cycle's scheme with its allowed range in the header; the spec is built per cycle
   (`score_sheet_spec`).
2. The school quality workbook (学校质量数据): 学校代码, 学校名称, 年度, 教育教学质量, 学生增量, 交流人数.
"""

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from evaluation import rules, selectors
from evaluation.models import Cycle
from org.excel import CellError, Column, SheetSpec, WorkbookSpec, cells

__all__ = [
    "SCORE_SHEET", "NOT_COVERED", "MSG_NUMBER", "decimal_cell", "leaf_cell", "leaf_header", "score_sheet_spec",
    "QUALITY_SHEET", "QUALITY_SPEC", "QUALITY_WORKBOOK", "QUALITY_FIELDS",
]

SCORE_SHEET = "评分表"
NOT_COVERED = "—"  # a cell outside the rater's indicator group
MSG_NUMBER = _("“%(value)s” is not a number.")


def decimal_cell(value) -> Decimal:
    """A number typed as a number or as text (full-width digits and commas accepted); CellError otherwise."""
    if isinstance(value, bool):
        raise CellError(MSG_NUMBER % {"value": value})
    if isinstance(value, int | float):
        return Decimal(str(value))
    folded = cells.fold(str(value)).replace(",", "").replace(" ", "")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", folded):
        raise CellError(MSG_NUMBER % {"value": value})
    try:
        return Decimal(folded)
    except InvalidOperation:
        raise CellError(MSG_NUMBER % {"value": value}) from None


def leaf_cell(leaf: rules.Node):
    """The parser of one indicator column: a number within the leaf's range; “—” (outside the
    rater's indicator group) reads as blank. Checked in the parser, so every bad cell is named."""

    def parse(value):
        if isinstance(value, str) and value.strip() in (NOT_COVERED, "-"):
            return None
        number = decimal_cell(value)
        problem = rules.entry_problem(leaf, number)
        if problem:
            raise CellError(problem)
        return number

    return parse


def leaf_header(leaf: rules.Node) -> str:
    """An indicator column's header: its code, name and allowed range (“∞” when unbounded)."""
    low, high = rules.allowed_range(leaf)
    return f"{leaf.key} {leaf.name}（{low}–{high if high is not None else '∞'}）"


def score_sheet_spec(cycle: Cycle) -> tuple[SheetSpec, list[rules.Node]]:
    """The cycle's score-sheet columns: 任务编号, 评价对象, 评价组, 指标范围, then one column per leaf."""
    all_leaves = rules.leaves(selectors.scheme_tree(cycle.scheme))
    columns = [
        Column("任务编号", "task", cells.integer(1), required=True),
        Column("评价对象", "subject", cells.text()),
        Column("评价组", "group", cells.text()),
        Column("评价指标组", "section", cells.text()),
    ]
    for leaf in all_leaves:
        columns.append(Column(leaf_header(leaf), f"leaf:{leaf.key}", leaf_cell(leaf), aliases=(leaf.key,)))
    return SheetSpec(SCORE_SHEET, tuple(columns)), all_leaves


QUALITY_SHEET = "学校质量数据"
QUALITY_SPEC = SheetSpec(QUALITY_SHEET, (
    Column("学校代码", "school", cells.code(), required=True, text_format=True, example="A001"),
    Column("学校名称", "name", cells.text(128), example="咸安实验小学"),
    Column("年度", "year", cells.integer(2000, 2100), required=True, example=2026),
    Column("教育教学质量", "quality_score", decimal_cell, example="86.5",
           help=_("The school's yearly teaching-quality score (教育教学质量).")),
    Column("学生增量", "student_increase", cells.integer(-100000, 100000), example=35),
    Column("交流人数", "staff_exchanged", cells.integer(0, 100000), example=4,
           help=_("Staff exchanged with other schools this year.")),
), help=_("One row per school and year."))
QUALITY_WORKBOOK = WorkbookSpec("学校质量数据", (QUALITY_SPEC,))
QUALITY_FIELDS = ("quality_score", "student_increase", "staff_exchanged")
