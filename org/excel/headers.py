"""Lenient header matching: spaces, full-width brackets, the * required mark, notes in brackets,
column order and extra columns do not matter; a title row above the headers is skipped."""

import re

from org.excel import cells
from org.excel.spec import SheetSpec

_NOTE = re.compile(r"[(\[【<《].*?[)\]】>》]")
_NOISE = re.compile(r"[\s*:：_\-]+")
HEADER_SEARCH_ROWS = 10


def normalise_header(value) -> str:
    """身份证号（必填）*  ->  身份证号 ; “ 学校 代码 ” -> 学校代码."""
    text = cells.fold(str(value)) if value is not None else ""
    stripped = _NOISE.sub("", _NOTE.sub("", text))
    if not stripped:  # the whole header is bracketed: 【身份证号】
        stripped = _NOISE.sub("", re.sub(r"[()\[\]【】<>《》]", "", text))
    return stripped.lower()


def header_map(spec: SheetSpec, row: list) -> dict[int, object]:
    """Map cell positions of a header row to the spec's columns (first occurrence wins)."""
    wanted = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            wanted.setdefault(normalise_header(name), column)
    found: dict[int, object] = {}  # kept in sheet order, so a row's problems come in column order
    seen = set()
    for position, value in enumerate(row):
        column = wanted.get(normalise_header(value))
        if column is not None and column.field not in seen:
            found[position] = column
            seen.add(column.field)
    return found


def looks_like_header(spec: SheetSpec, mapping: dict) -> bool:
    needed = min(2, len(spec.columns))
    return len(mapping) >= needed


def match_sheet_name(spec: SheetSpec, names: list[str]) -> str | None:
    """The workbook's sheet that holds this spec ("教职工 " and "教职工(2024)" match 教职工)."""
    wanted = {normalise_header(name) for name in (spec.name, *spec.aliases)}
    for name in names:
        if normalise_header(name) in wanted:
            return name
    return None
