"""Lenient header matching: spaces (full-width ones too), full-width brackets, the * required mark,
notes in brackets, column order and extra columns do not matter; title rows above the headers are
skipped and two stacked header rows under a merged cell are read as one."""

import re
from dataclasses import dataclass, field

from org.excel import cells
from org.excel.spec import SheetSpec

_NOTE = re.compile(r"[(\[【<《].*?[)\]】>》]")
_NOISE = re.compile(r"[\s*:：_\-]+")
HEADER_SEARCH_ROWS = 10


def normalise_header(value) -> str:
    """身份证号（必填）*  ->  身份证号 ; “ 学校 代码 ” -> 学校代码 ; 姓　　名 -> 姓名."""
    text = cells.fold(str(value)) if value is not None else ""
    stripped = _NOISE.sub("", _NOTE.sub("", text))
    if not stripped:  # the whole header is bracketed: 【身份证号】
        stripped = _NOISE.sub("", re.sub(r"[()\[\]【】<>《》]", "", text))
    return stripped.lower()


def _wanted(spec: SheetSpec) -> dict:
    wanted = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            wanted.setdefault(normalise_header(name), column)
    return wanted


@dataclass
class HeaderMatch:
    """Where a sheet's columns are: `mapping` position -> Column for the columns used; `duplicates`
    field -> every position that claims it (two or more); `unrecognised` the headers nothing matched."""

    mapping: dict[int, object] = field(default_factory=dict)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    unrecognised: list[str] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # position -> header as written

    @property
    def fields(self) -> set[str]:
        return {column.field for column in self.mapping.values()}


def match_headers(spec: SheetSpec, row: list, sub_row: list | None = None) -> HeaderMatch:
    """Map a header row (and the row under it, when it holds sub-headers) to the spec's columns."""
    wanted = _wanted(spec)
    width = max(len(row), len(sub_row or ()))
    match, positions = HeaderMatch(), {}
    for position in range(width):
        upper = row[position] if position < len(row) else None
        lower = sub_row[position] if sub_row is not None and position < len(sub_row) else None
        column = wanted.get(normalise_header(lower)) if not cells.is_blank(lower) else None
        text = lower
        if column is None:
            column = wanted.get(normalise_header(upper)) if not cells.is_blank(upper) else None
            text = upper
        if column is None:
            shown = lower if not cells.is_blank(lower) else upper
            if not cells.is_blank(shown) and str(shown) not in match.unrecognised:
                match.unrecognised.append(str(shown))
            continue
        positions.setdefault(column.field, []).append((position, column))
        match.texts[position] = str(text)
    for field_name, found in positions.items():
        match.mapping[found[0][0]] = found[0][1]
        if len(found) > 1:
            match.duplicates[field_name] = [position for position, _column in found]
    match.mapping = dict(sorted(match.mapping.items()))  # sheet order: a row's problems in column order
    return match


def header_map(spec: SheetSpec, row: list) -> dict[int, object]:
    """Map cell positions of a header row to the spec's columns (first occurrence wins)."""
    return match_headers(spec, row).mapping


def looks_like_header(spec: SheetSpec, mapping: dict) -> bool:
    needed = min(2, len(spec.columns))
    return len(mapping) >= needed


def sheet_name_matches(spec: SheetSpec, name: str) -> bool:
    """"教职工 " and "教职工(2024)" match 教职工."""
    wanted = {normalise_header(item) for item in (spec.name, *spec.aliases)}
    return normalise_header(name) in wanted


def match_sheet_name(spec: SheetSpec, names: list[str]) -> str | None:
    """The workbook's sheet that holds this spec ("教职工 " and "教职工(2024)" match 教职工)."""
    return next((name for name in names if sheet_name_matches(spec, name)), None)
