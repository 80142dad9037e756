"""Sheet parsing: rows of cells in, typed rows and problems (sheet, Excel row, column, message) out."""

import gc
import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

from org.excel import cells, headers
from org.excel.reader import SheetStats, column_letter
from org.excel.spec import SheetSpec

MSG_REQUIRED = _("This column is required.")
MSG_NO_HEADER = _("No header row found in the first %(rows)s rows; the template's first row holds the column names.")
MSG_MISSING_COLUMN = _("The required column “%(column)s” is missing.")
MSG_MISSING_COLUMNS = _(
    "The required columns %(columns)s are missing, so no row of this sheet was read. Headers that were not "
    "recognised: %(unrecognised)s."
)
MSG_TOO_MANY = _("More than %(limit)s problems; fix these first, the rest are not listed.")
MSG_TWO_COLUMNS = _(
    "Two columns hold %(column)s: %(headers)s; keep one (delete the other, or rename it if it means something else)."
)
MSG_HIDDEN_COLUMN_IGNORED = _("Sheet “%(sheet)s”: the hidden column %(letter)s (“%(header)s”) was ignored; the visible "
                              "column %(used)s was read.")
MSG_HIDDEN_ROWS = _("Sheet “%(sheet)s”: %(count)s rows hidden by a filter or by hand were imported too.")
MSG_NO_SHEET = _(
    "No sheet of this workbook was recognised. Sheets found: %(found)s. Expected sheets named %(expected)s, "
    "or sheets whose first row holds their column headers."
)
MSG_TWO_SHEETS = _(
    "The sheets %(sheets)s all look like the %(kind)s sheet; keep one (delete the others or rename them)."
)
MSG_HIDDEN_SHEET_IGNORED = _("The hidden sheet(s) %(hidden)s were ignored; the visible sheet “%(sheet)s” was read as %(kind)s.")
MSG_HIDDEN_SHEET_USED = _("The sheet “%(sheet)s” is hidden; it was read as %(kind)s.")
MSG_SEE_ROW = _("%(value)s is in row %(row)s of sheet “%(sheet)s”, which has problems of its own; see that row.")

# A row whose first filled cell starts like this is a total, a signature or a note, not a record.
_SUMMARY_ROW = re.compile(
    r"^(合计|总计|小计|共计|制表人?|审核人?|填表人?|填报人|负责人|单位负责人|校长签字|签字|签名|盖章|单位盖章|"
    r"填表日期|制表日期|填报日期|备注|说明|注)\s*(?:[:：]|$|\s)"
)
IGNORED_SHEETS = frozenset({"说明", "填写说明", "instructions", "问题清单", "problemlist"})

MAX_PROBLEMS = 2000
PARSED_KEPT = 2000  # distinct cell values of a column whose parsed value is kept (see parse_sheet)
REJECTED_KEPT = 100_000  # rejected keys remembered for "see row N" messages


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
        self._rejected: dict[tuple[str, str, object], int] = {}
        self.names: dict[str, str] = {}  # spec sheet name -> the sheet's name in the file

    def reject(self, sheet: str, field_name: str, value, row: int) -> None:
        """Remember that the row holding `value` in `field_name` was rejected for its own problems (the first
        REJECTED_KEPT of them: memory stays bounded on a file of bad rows; later ones read as unknown)."""
        if len(self._rejected) < REJECTED_KEPT:
            self._rejected.setdefault((sheet, field_name, value), row)

    def rejected_row(self, sheet: str, field_name: str, value) -> int | None:
        """The row of `sheet` that held `value` and was rejected, so a reference can say "see row N"."""
        return self._rejected.get((sheet, field_name, value))

    def see_row(self, sheet: str, field_name: str, value) -> str | None:
        """MSG_SEE_ROW for a value whose own row was rejected, or None (then it is truly unknown)."""
        row = self.rejected_row(sheet, field_name, value)
        if row is None:
            return None
        return str(MSG_SEE_ROW % {"value": value, "row": row, "sheet": self.names.get(sheet, sheet)})

    def rename(self, names: dict[str, str]) -> None:
        """Report problems under each sheet's name as it is in the file (names: spec name -> file name)."""
        self.names = dict(names)
        self.items = [Problem(names.get(p.sheet, p.sheet), p.row, p.column, p.message) for p in self.items]

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


def parse_sheet(spec: SheetSpec, rows: Iterable[tuple[int, list]], problems: Problems, *, sheet_name: str | None = None,
                stats: SheetStats | None = None, notes: list[str] | None = None) -> Iterator[ParsedRow]:
    """Yield the sheet's valid rows; every bad cell and missing column is added to `problems`.

    The header row is found among the first rows (title and note rows above it are skipped; two stacked
    header rows are read as one). Not records, skipped: blank rows, rows whose `spec.record_fields` are
    all blank, totals, signature and note rows (合计, 制表人, 审核人, 注: ...) and a header block pasted
    again below. `stats` (the reader's) tells hidden columns; `notes` receives what the user should know
    (a hidden column ignored)."""
    sheet = sheet_name or spec.name
    iterator = iter(rows)
    found = _find_header(spec, iterator, problems, sheet, stats, notes)
    if found is None:
        return
    mapping, buffered = found
    # Each column's parsed cells, by value (its first PARSED_KEPT distinct values): most columns repeat a few
    # values (posts, subjects, dates, school codes), and a parser is a pure function of its cell.
    positions = [(column.header, column.field, column.parser, column.required, position, {})
                 for position, column in mapping.items()]
    example = _example_values(mapping.values())
    record_positions = [position for position, column in mapping.items() if column.field in spec.record_fields]
    header_texts = {}
    for position, column in mapping.items():
        names = {headers.normalise_header(name) for name in (column.header, *column.aliases)}
        header_texts[position] = (names, _end_characters(names, 0), _end_characters(names, -1))
    key = spec.key
    for number, row in itertools.chain(buffered, iterator):
        width = len(row)
        if record_positions and all(
                position >= width or cells.is_blank(row[position]) for position in record_positions):
            continue  # no name and no ID number: a template row, a note, a total; not a record
        if _not_a_record(row, header_texts):
            continue
        values, failed, filled = {}, [], False
        for header, name, parser, required, position, parsed in positions:
            value = row[position] if position < width else None
            # cells.is_blank, inlined: this runs for every cell of the sheet
            if value is None or value == "" or (value.__class__ is str and value.isspace()):
                values[name] = None
                if required:
                    failed.append((header, MSG_REQUIRED))
                continue
            filled = True
            if value.__class__ is cells.Unreadable:
                failed.append((header, value.message))
                continue
            known = parsed.get((value.__class__, value))  # the class too: 1, 1.0 and True are equal keys
            if known is None:
                try:
                    known = (parser(value), None)
                except cells.CellError as error:
                    known = (None, error.message)
                if len(parsed) < PARSED_KEPT:
                    parsed[(value.__class__, value)] = known
            if known[1] is None:
                values[name] = known[0]
            else:
                failed.append((header, known[1]))
        if not filled:
            continue  # a blank row (cells outside the sheet's columns do not count)
        if failed:
            for header, message in failed:
                problems.add(sheet, number, header, message)
            if key and values.get(key) is not None:
                problems.reject(spec.name, key, _key_value(values[key]), number)
            continue
        if values == example:
            continue  # the template's example row, left in place: never imported
        yield ParsedRow(number, values)


def _key_value(value):
    return getattr(value, "number", value)  # an ID number's IdInfo is referred to by its number


# The first character of every _SUMMARY_ROW word: a row whose first cell starts with another letter or
# digit (fold() leaves such a character as it is, or maps it to an ASCII one) is not a summary row.
_SUMMARY_INITIALS = frozenset("合总小共制审填负单校签盖备说注")
_NORMALISED: dict[str, str] = {}  # cell text -> normalise_header(text): cells repeat (posts, titles, dates)
_NORMALISED_MAX = 20000


def _normalised(text: str) -> str:
    value = _NORMALISED.get(text)
    if value is None:
        if len(_NORMALISED) >= _NORMALISED_MAX:
            _NORMALISED.clear()
        value = _NORMALISED[text] = headers.normalise_header(text)
    return value


def _not_a_record(row: list, header_texts: dict) -> bool:
    """A total, signature or note row, or the header row of a block pasted below the first."""
    first = next((value for value in row if not cells.is_blank(value)), None)
    if first.__class__ is str and not (first[0].isalnum() and first[0] not in _SUMMARY_INITIALS) \
            and _SUMMARY_ROW.match(cells.fold(first)):
        return True
    repeated = 0
    width = len(row)
    for position, (names, firsts, lasts) in header_texts.items():
        if position >= width:
            continue
        text = row[position]
        # A cell holding none of the characters its header's normalised text can begin (or end) with is no
        # header: a few substring searches instead of normalising every cell (20 % of the check).
        if text.__class__ is str and (firsts is None or (firsts(text) and lasts(text))) \
                and _normalised(text) in names:
            repeated += 1
            if repeated >= 2:
                return True
    return False


_SOURCES: dict[str, set[str]] = {}  # a character -> the characters that fold to text holding it


def _end_characters(names: set[str], end: int):
    """A test (a compiled character class's `search`) for the characters a cell must hold (at least one
    of) to normalise to one of `names`: the names' first (end=0) or last (end=-1) characters and whatever
    normalise_header folds to them (full-width forms, upper case). None: no such test (a name that
    normalises to nothing)."""
    if not all(names):
        return None
    if not _SOURCES:
        for code in range(0x10000):
            character = chr(code)
            if 0xD800 <= code <= 0xDFFF:
                continue
            for folded in cells.fold(character).lower():
                if folded != character:
                    _SOURCES.setdefault(folded, set()).add(character)
    out = set()
    for name in names:
        out.add(name[end])
        out.update(_SOURCES.get(name[end], ()))
    return re.compile("[" + "".join(re.escape(character) for character in sorted(out)) + "]").search


def _example_values(columns) -> dict | None:
    """The template's example row as typed values, to recognise it in an upload (None if it cannot be)."""
    values = {}
    for column in columns:
        try:
            values[column.field] = None if cells.is_blank(column.example) else column.parser(column.example)
        except cells.CellError:
            return None
    return values


def find_header(spec: SheetSpec, rows: list[tuple[int, list]]) -> tuple[int, headers.HeaderMatch, bool] | None:
    """Among the first rows: (index of the header row, its match, whether the next row holds sub-headers)."""
    for index, (_number, row) in enumerate(rows[:headers.HEADER_SEARCH_ROWS]):
        match = headers.match_headers(spec, row)
        if not headers.looks_like_header(spec, match.mapping):
            continue
        if index + 1 < len(rows):
            stacked = headers.match_headers(spec, row, rows[index + 1][1])
            if len(stacked.fields - match.fields) > 0:
                return index, stacked, True
        return index, match, False
    return None


def _find_header(spec: SheetSpec, iterator: Iterator, problems: Problems, sheet: str, stats: SheetStats | None,
                 notes: list | None) -> tuple[dict, list] | None:
    head = list(itertools.islice(iterator, headers.HEADER_SEARCH_ROWS + 1))
    found = find_header(spec, head)
    if found is None:
        problems.add(sheet, None, "", MSG_NO_HEADER % {"rows": headers.HEADER_SEARCH_ROWS})
        return None
    index, match, stacked = found
    buffered = head[index + (2 if stacked else 1):]
    hidden = stats.hidden_columns if stats is not None else set()
    ok = True
    for field_name, places in match.duplicates.items():
        visible = [position for position in places if position not in hidden]
        column = spec.column(field_name)
        if len(visible) == 1:
            match.mapping = {p: c for p, c in match.mapping.items() if c.field != field_name}
            match.mapping[visible[0]] = column
            match.mapping = dict(sorted(match.mapping.items()))
            if notes is not None:
                for position in places:
                    if position != visible[0]:
                        notes.append(str(MSG_HIDDEN_COLUMN_IGNORED % {
                            "sheet": sheet, "letter": column_letter(position), "header": match.texts[position],
                            "used": column_letter(visible[0])}))
            continue
        ok = False
        shown = "、".join(f"{column_letter(p)}（{match.texts[p]}）" for p in places)
        problems.add(sheet, None, column.header, MSG_TWO_COLUMNS % {"column": column.header, "headers": shown})
    missing = [column.header for column in spec.columns if column.required and column.field not in match.fields]
    if missing:
        problems.add(sheet, None, "、".join(missing), MSG_MISSING_COLUMNS % {
            "columns": "、".join(missing), "unrecognised": "、".join(match.unrecognised) or "-"})
        return None
    return (match.mapping, buffered) if ok else None


@dataclass
class FoundSheet:
    """A sheet of the file read as one of the spec's sheets, and what the user should be told about it."""

    name: str
    notes: list[str]


def recognise_sheets(spec, book, problems: Problems) -> dict[str, FoundSheet]:
    """Which sheet of the file holds which of the spec's sheets: {spec sheet name: FoundSheet}.

    By name first (教职工, 教职工(2026)); a sheet whose name matches none (Sheet1, 教职工花名册, a CSV) by
    its headers (every required column found). Two candidates for one kind are refused, naming them,
    unless exactly one is visible (then it is used and a note says so); a hidden sheet never wins
    silently. A workbook where nothing is recognised is refused, naming the sheets found and expected."""
    candidates: dict[str, list] = {sheet_spec.name: [] for sheet_spec in spec.sheets}
    for info in book.sheets:
        named = [s for s in spec.sheets if headers.sheet_name_matches(s, info.name)]
        if named:
            candidates[named[0].name].append(info)
            continue
        if headers.normalise_header(info.name) in IGNORED_SHEETS:
            continue
        head = list(itertools.islice(book.rows(info.name), headers.HEADER_SEARCH_ROWS + 1))
        for sheet_spec in spec.sheets:
            located = find_header(sheet_spec, head)
            required = {c.field for c in sheet_spec.columns if c.required}
            if located is not None and required <= located[1].fields:
                candidates[sheet_spec.name].append(info)
                break
    found: dict[str, FoundSheet] = {}
    for sheet_spec in spec.sheets:
        infos = candidates[sheet_spec.name]
        if not infos:
            continue
        visible = [info for info in infos if info.visible]
        if len(infos) == 1:
            notes = [] if infos[0].visible else [str(MSG_HIDDEN_SHEET_USED % {"sheet": infos[0].name,
                                                                              "kind": sheet_spec.name})]
            found[sheet_spec.name] = FoundSheet(infos[0].name, notes)
        elif len(visible) == 1:
            hidden = "、".join(f"“{info.name}”" for info in infos if not info.visible)
            found[sheet_spec.name] = FoundSheet(visible[0].name, [str(MSG_HIDDEN_SHEET_IGNORED % {
                "hidden": hidden, "sheet": visible[0].name, "kind": sheet_spec.name})])
        else:
            problems.add("", None, sheet_spec.name, MSG_TWO_SHEETS % {
                "sheets": "、".join(f"“{info.name}”" for info in infos), "kind": sheet_spec.name})
    if not found and not problems:
        problems.add("", None, "", MSG_NO_SHEET % {
            "found": "、".join(f"“{name}”" for name in book.sheet_names) or "-",
            "expected": "、".join(sheet_spec.name for sheet_spec in spec.sheets)})
    return found


def iter_workbook(path, spec, problems: Problems, progress=None, *, found: dict | None = None,
                  counted: list | None = None) -> Iterator[tuple[str, Iterator[ParsedRow]]]:
    """Stream every sheet of `spec` (a WorkbookSpec) found in the file, in the spec's order: yields
    (spec sheet name, iterator of its valid rows), one sheet open at a time and no row kept here, so
    memory does not grow with the file (issue 16, 6). A sheet's iterator must be used before the next
    sheet is asked for; whatever is left of it is read then (its problems and notes still count).

    Raises reader.ExcelFileError for unreadable files. `found`, when given, receives recognise_sheets'
    answer plus each sheet's notes (hidden rows, hidden columns; a sheet's notes are complete once its
    rows are read). Problems carry each sheet's name as in the file. `progress(done, total)` is called
    every 5,000 rows (the total grows sheet by sheet); `counted` (a one-item list) receives the number
    of valid rows read."""
    from org.excel.reader import open_workbook

    with paused_gc(), open_workbook(path) as book:
        recognised = recognise_sheets(spec, book, problems)
        if found is not None:
            found.update(recognised)
        state = {"done": 0, "total": 0}
        for sheet_spec in spec.sheets:
            if sheet_spec.name not in recognised:
                continue
            rows = _sheet_rows(book, sheet_spec, recognised[sheet_spec.name], problems, progress, state, counted)
            try:
                yield sheet_spec.name, rows
                for _row in rows:
                    pass
            finally:
                rows.close()


def _sheet_rows(book, sheet_spec, sheet: FoundSheet, problems: Problems, progress, state: dict,
                counted: list | None) -> Iterator[ParsedRow]:
    stats = book.stats(sheet.name)
    count = 0
    for row in parse_sheet(sheet_spec, book.rows(sheet.name), problems, sheet_name=sheet.name, stats=stats,
                           notes=sheet.notes):
        count += 1
        if counted is not None:
            counted[0] += 1
        if progress is not None and count % 5000 == 0:
            state["total"] = max(state["total"], state["done"] + stats.declared_rows)
            progress(state["done"] + count, state["total"])
        yield row
    if stats.hidden_rows:
        sheet.notes.append(str(MSG_HIDDEN_ROWS % {"sheet": sheet.name, "count": stats.hidden_rows}))
    state["done"] += count


def parse_workbook(path, spec, problems: Problems, progress=None, *, found: dict | None = None
                   ) -> dict[str, list[ParsedRow]]:
    """Every sheet's valid rows at once ({spec sheet name: rows}), for small workbooks (an account
    list, a roster); large imports stream with `iter_workbook` instead. Same arguments and errors."""
    return {name: list(rows) for name, rows in iter_workbook(path, spec, problems, progress, found=found)}
