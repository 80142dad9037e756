"""Sheet parsing: rows of cells in, typed rows and problems (sheet, Excel row, column, message) out."""

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

from org.excel import cells, headers
from org.excel.spec import SheetSpec

MSG_REQUIRED = _("This column is required.")
MSG_NO_HEADER = _("No header row found in the first %(rows)s rows; the template's first row holds the column names.")
MSG_MISSING_COLUMN = _("The required column “%(column)s” is missing.")
MSG_TOO_MANY = _("More than %(limit)s problems; fix these first, the rest are not listed.")

MAX_PROBLEMS = 2000


@contextmanager
def paused_gc():
    """Pause the cyclic garbage collector while building many long-lived rows.

    Typed rows hold no reference cycles, yet every collection re-walks all of them: with 100,000
    rows the collector took 45 % of the parse (measured by bench_import). Reference counting still
    frees everything; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, located as a user finds it in Excel (row None: the whole sheet or file)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class Problems:
    """Every problem of an import, kept up to MAX_PROBLEMS (the total is still counted)."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[Problem] = []
        self.total = 0
        self.limit = limit

    def add(self, sheet: str, row: int | None, column: str, message) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            self.items.append(Problem(sheet, row, column, str(message)))

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.items)

    def sort(self, sheet_order: list[str]) -> None:
        """Order problems as a user reads the workbook: by sheet, then row (whole-sheet problems first)."""
        rank = {name: index for index, name in enumerate(sheet_order)}
        self.items.sort(key=lambda p: (rank.get(p.sheet, -1), p.row or 0))

    @property
    def truncated(self) -> bool:
        return self.total > len(self.items)

    def as_list(self) -> list[dict]:
        rows = [problem.as_dict() for problem in self.items]
        if self.truncated:
            rows.append({"sheet": "", "row": None, "column": "", "message": str(MSG_TOO_MANY % {"limit": self.limit})})
        return rows

    def rows_with_problems(self, sheet: str) -> set[int]:
        return {problem.row for problem in self.items if problem.sheet == sheet and problem.row}


@dataclass(slots=True)
class ParsedRow:
    """A row whose every cell parsed: `values` maps the spec's fields to typed values (None if blank)."""

    row: int
    values: dict


def parse_sheet(spec: SheetSpec, rows: Iterable[tuple[int, list]], problems: Problems, *, sheet_name: str | None = None
                ) -> Iterator[ParsedRow]:
    """Yield the sheet's valid rows; every bad cell and missing column is added to `problems`."""
    sheet = sheet_name or spec.name
    iterator = iter(rows)
    mapping = _find_header(spec, iterator, problems, sheet)
    if mapping is None:
        return
    positions = [(column.header, column.field, column.parser, column.required, position)
                 for position, column in mapping.items()]
    example = _example_values(mapping.values())
    for number, row in iterator:
        values, failed, filled, width = {}, [], False, len(row)
        for header, name, parser, required, position in positions:
            value = row[position] if position < width else None
            # cells.is_blank, inlined: this runs for every cell of the sheet
            if value is None or value == "" or (value.__class__ is str and value.isspace()):
                values[name] = None
                if required:
                    failed.append((header, MSG_REQUIRED))
                continue
            filled = True
            try:
                values[name] = parser(value)
            except cells.CellError as error:
                failed.append((header, error.message))
        if not filled:
            continue  # a blank row (cells outside the sheet's columns do not count)
        if failed:
            for header, message in failed:
                problems.add(sheet, number, header, message)
            continue
        if values == example:
            continue  # the template's example row, left in place: never imported
        yield ParsedRow(number, values)


def _example_values(columns) -> dict | None:
    """The template's example row as typed values, to recognise it in an upload (None if it cannot be)."""
    values = {}
    for column in columns:
        try:
            values[column.field] = None if cells.is_blank(column.example) else column.parser(column.example)
        except cells.CellError:
            return None
    return values


def _find_header(spec: SheetSpec, iterator: Iterator, problems: Problems, sheet: str) -> dict | None:
    for _index in range(headers.HEADER_SEARCH_ROWS):
        try:
            _number, row = next(iterator)
        except StopIteration:
            break
        mapping = headers.header_map(spec, row)
        if headers.looks_like_header(spec, mapping):
            found = {column.field for column in mapping.values()}
            missing = [column for column in spec.columns if column.required and column.field not in found]
            for column in missing:
                problems.add(sheet, None, column.header, MSG_MISSING_COLUMN % {"column": column.header})
            return None if missing else mapping
    problems.add(sheet, None, "", MSG_NO_HEADER % {"rows": headers.HEADER_SEARCH_ROWS})
    return None


def parse_workbook(path, spec, problems: Problems, progress=None) -> dict[str, list[ParsedRow]]:
    """Parse every sheet of `spec` (a WorkbookSpec) found in the file, in the spec's order, one sheet in
    memory at a time: {sheet name: valid rows}. Raises reader.ExcelFileError for unreadable files.
    `progress(done, total)` is called every 5,000 rows (the total grows sheet by sheet)."""
    from org.excel.headers import match_sheet_name
    from org.excel.reader import open_workbook

    parsed: dict[str, list[ParsedRow]] = {}
    with paused_gc(), open_workbook(path) as book:
        done = total = 0
        for sheet_spec in spec.sheets:
            name = match_sheet_name(sheet_spec, book.sheet_names)
            if name is None:
                continue
            total += book.row_count(name)
            rows = []
            for row in parse_sheet(sheet_spec, book.rows(name), problems, sheet_name=sheet_spec.name):
                rows.append(row)
                if progress is not None and len(rows) % 5000 == 0:
                    progress(done + len(rows), total)
            done += len(rows)
            parsed[sheet_spec.name] = rows
    return parsed
