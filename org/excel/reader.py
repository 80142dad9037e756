"""Reading uploaded workbooks safely, by rows, whatever their declared extent.

`check_upload(path)` refuses what must not be parsed, naming the real cause: files over
settings.UPLOAD_MAX_BYTES, password-protected workbooks (an encrypted OLE container), malformed
zips, decompression bombs (the zip directory's uncompressed sizes are checked before any XML is
inflated) and files that are neither xlsx, xls nor CSV. `open_workbook(path)` then returns a reader:

    book.sheets                      # [SheetInfo(name, visible)] in workbook order
    book.sheet_names                 # the names alone
    for number, cells in book.rows(name): ...   # (Excel row number, [values]); blank rows skipped
    book.stats(name)                 # SheetStats after (or during) reading: hidden rows and columns

Readers, by format:

- xlsx: `XlsxReader` first scans the sheet's bytes (1 MB at a time: declared extent, merged ranges,
  last row against row count, hidden rows or columns, formulas without values, formula errors, cells
  beyond column GZ). A dense, plain sheet, whatever its size, is then read by python-calamine (~8x faster
  than streaming) in parts of FAST_CHUNK_XML (8 MB of XML, ~10,000 staff rows), each copied uncompressed
  into a small temporary workbook, read and deleted before the next (calamine holds what it reads whole);
  every other sheet is streamed with lxml (`iterparse`), one row at a time. A sheet that is dense but for
  cells showing nothing (a space or a format at XFD1048576: a careless Ctrl+End) is copied once, in a
  streamed pass, to a temporary workbook without those cells (sheets of up to FAST_READER_MAX_XML), which
  calamine reads the same way (measured by `bench_import --stray-cell`). Cells are
  placed by their own reference, so a stray cell with a value at XFD1048576 costs the streaming reader
  one row, not a billion empty cells (python-calamine allocates the whole used range and aborts the
  process on such a sheet, which is why it never sees one). Cells merged over a range read as the value
  shown (the top-left one) in every row of the range that holds data of its own. A formula without a
  cached value and a formula error come back as `cells.Unreadable` values, which the sheet parser
  reports with their real cause.

  Memory bound of the reader (issues 15, 16), whatever the file: streamed, one 1 MB chunk, one row and
  the shared-string table (at most 16 MB of XML, else spilled to disk); fast path, one part of 8 MB of
  XML held natively by calamine with the shared strings (measured: +~45 MB, the same at 50,000 and 200,000
  staff rows; read whole, 100,000 rows took +~140 MB). The importer adds a bounded batch and small per-key
  state (org.importers' docstring states the whole bound).
- xls (BIFF8): python-calamine; the format itself caps a sheet at 65,536 x 256 cells.
- CSV (UTF-8 with or without BOM, or GB18030): one sheet named "CSV", recognised by its headers.
"""

import codecs
import csv
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from org.excel import cells

MSG_TOO_LARGE = _("The file is %(size)s MB; files up to %(limit)s MB are accepted.")
MSG_NOT_XLSX = _("The file is not an Excel workbook (.xlsx or .xls) nor a CSV file; save it from Excel or WPS as .xlsx.")
MSG_MALFORMED = _("The workbook is damaged and cannot be read; open it in Excel, save it again and retry.")
MSG_BOMB = _("The workbook expands to far more data than its size suggests and was refused for safety.")
MSG_EMPTY = _("The file is empty.")
MSG_PASSWORD = _(
    "The workbook is protected by a password, so it cannot be read; open it in Excel or WPS, remove the "
    "password (File > Info > Protect Workbook) and upload it again."
)
MSG_CSV_ENCODING = _(
    "The file looks like a CSV file but its text is neither UTF-8 nor GB18030; open it in Excel or WPS and "
    "save it as an Excel workbook (.xlsx)."
)

# An xlsx inflates ~5-15x (sheet XML compresses well); a bomb inflates thousands of times.
MAX_RATIO = 200
MAX_UNCOMPRESSED_FACTOR = 40  # times settings.UPLOAD_MAX_BYTES, in total
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
MAX_MERGE_COLUMNS = 256  # a merge wider than this (a title over the whole row) fills only its first columns
CSV_SHEET = "CSV"

XLSX, XLS, CSV = "xlsx", "xls", "csv"


class ExcelFileError(Exception):
    """The upload as a whole cannot be read; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class SheetInfo:
    name: str
    visible: bool = True


@dataclass
class SheetStats:
    """What reading a sheet found besides its cells."""

    hidden_rows: int = 0  # rows with data hidden by a filter or by hand
    hidden_columns: set[int] = field(default_factory=set)  # 0-based positions
    declared_rows: int = 0  # rows to expect, for progress: the declared used range, capped by the rows present


def detect_format(path) -> str:
    """xlsx, xls or csv, from the file's content (never from its name); ExcelFileError otherwise."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise ExcelFileError(MSG_EMPTY)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(ZIP_MAGIC):
        return XLSX
    if head == OLE_MAGIC:
        return XLS if not _encrypted(path) else _refuse(MSG_PASSWORD)
    if _looks_like_text(path):
        return CSV
    raise ExcelFileError(MSG_NOT_XLSX)


def _refuse(message):
    raise ExcelFileError(message)


def _encrypted(path: Path) -> bool:
    """An OLE container holding EncryptedPackage is an encrypted (password-protected) xlsx/xls."""
    data = path.read_bytes()
    return any(marker in data for marker in ENCRYPTED_MARKERS)


def _looks_like_text(path: Path) -> bool:
    with path.open("rb") as handle:
        sample = handle.read(65536)
    if b"\x00" in sample or not any(separator in sample for separator in (b",", b"\t", b"\n")):
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_upload(path, *, max_bytes: int | None = None) -> str:
    """Refuse oversize, encrypted, malformed, bomb and unknown files before parsing; return the format."""
    path = Path(path)
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        raise ExcelFileError(MSG_TOO_LARGE % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"})
    kind = detect_format(path)
    if kind == XLSX:
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ExcelFileError(MSG_NOT_XLSX)
        _check_sizes(members, limit)
    return kind


def check_xlsx(path, *, max_bytes: int | None = None) -> None:
    """Kept for callers that accept only the formats the engine reads; same checks as check_upload."""
    check_upload(path, max_bytes=max_bytes)


def _check_sizes(members: list[zipfile.ZipInfo], limit: int) -> None:
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1_000_000 and ratio > MAX_RATIO:
            raise ExcelFileError(MSG_BOMB)
    if total > limit * MAX_UNCOMPRESSED_FACTOR:
        raise ExcelFileError(MSG_BOMB)


class _Reader:
    sheets: list[SheetInfo]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        pass

    @property
    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.sheets]

    def stats(self, sheet_name: str) -> SheetStats:
        return self._stats.setdefault(sheet_name, SheetStats())

    def row_count(self, sheet_name: str) -> int:
        """An estimate for progress bars: the declared used range (0 when unknown)."""
        return self.stats(sheet_name).declared_rows


# --- xlsx, streamed ----------------------------------------------------------------------------

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DIGITS = "0123456789"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]*)(\d*)(?::([A-Z]+)(\d+))?\"")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_LEADING_DIGITS = re.compile(rb"\d+")
# What only the streaming reader reads right: hidden rows or columns, formula errors, formulas without a cached
# value, cells beyond column GZ (a stray cell far right makes calamine allocate the whole used range). Literal
# byte searches first: a regex alternation over 100 MB of XML costs seconds.
_STREAM_LITERALS = (b'hidden="1"', b'hidden="true"', b't="e"', b"</f></c>", b"<v></v>", b"<v/>")
_WIDE_CELL = re.compile(rb'<c r="(?:[A-Z]{3}|[H-Z][A-Z])\d')
_SELF_CLOSED_FORMULA = re.compile(rb"<f\b[^>]*/>\s*</c>")


def _needs_stream(data: bytes) -> bool:
    return _needs_stream_always(data) or _WIDE_CELL.search(data) is not None


def _needs_stream_always(data: bytes) -> bool:
    """What only the streaming reader reads right whatever the sheet's extent (hidden rows or columns,
    formulas without value, formula errors)."""
    if any(literal in data for literal in _STREAM_LITERALS):
        return True
    return b"/></c>" in data and _SELF_CLOSED_FORMULA.search(data) is not None


# A cell that shows nothing: formatted but empty (<c r="XFD1048576" s="1"/>), an empty value, or an inline
# string of spaces only. Such a cell far away (a careless Ctrl+End, a format painted down a column) makes
# the used range run to Excel's last row or column; without them a sheet is often plainly dense.
_BLANK_CELL = re.compile(
    rb'<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="(?:n|str|inlineStr)")?'
    rb'(?:\s*/>|></c>|><v></v></c>|><v/></c>|><is><t(?: xml:space="preserve")?>[ \t\r\n]*</t></is></c>)')
_ODD_ROW = re.compile(rb'<row r="(?!\d)')  # a row number that is no number: the streaming reader refuses it
_EMPTY_ROW = re.compile(rb'<row\b[^>]*?(?:/>|>\s*</row>)')


# Bytes of sheet XML copied to disk without its blank cells (`_without_blank_cells`) for calamine; a larger sheet
# stretched by a stray blank cell is streamed. (calamine's memory no longer depends on it: it reads by parts.)
FAST_READER_MAX_XML = 256 << 20
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+):([A-Z]+)(\d+)\"")
# Built-in number formats that show dates (ECMA-376 18.8.30).
DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46,
                             47, 50, 51, 52, 53, 54, 55, 56, 57, 58})
_FORMAT_NOISE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_EPOCH_1904 = datetime(1904, 1, 1)  # workbookPr date1904="1" (ECMA-376 Part 1, 18.17.4.1)


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26, XFD -> 16383."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _is_date_format(code: str) -> bool:
    cleaned = _FORMAT_NOISE.sub("", code).lower()
    return any(letter in cleaned for letter in "ymdhs") and "general" not in cleaned


class XlsxReader(_Reader):
    """Streams sheets of an xlsx row by row (see the module docstring)."""

    def __init__(self, path):
        from lxml import etree

        self._etree = etree
        try:
            self._zip = zipfile.ZipFile(path)
            self._paths = {}
            self.sheets = self._read_workbook()
            self._strings = self._read_shared_strings()
            self._date_styles = self._read_styles()
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, etree.XMLSyntaxError):
            raise ExcelFileError(MSG_MALFORMED) from None
        self._stats: dict[str, SheetStats] = {}
        self._path, self._calamine = str(path), None
        self.last_reader = ""
        self._cleaned: list[Path] = []

    stream_only = False  # True: never the fast reader (the benchmark's comparison, tests)

    def close(self) -> None:
        self._zip.close()
        if isinstance(self._strings, _SpilledStrings):
            self._strings.close()
        if self._calamine is not None:
            self._calamine.close()
        for path in self._cleaned:
            path.unlink(missing_ok=True)
        self._drop_part()

    def _parse(self, member: str):
        with self._zip.open(member) as handle:
            return self._etree.parse(handle, self._etree.XMLParser(resolve_entities=False, huge_tree=True)).getroot()

    def _read_workbook(self) -> list[SheetInfo]:
        root = self._parse("xl/workbook.xml")
        targets = {}
        if "xl/_rels/workbook.xml.rels" in self._zip.namelist():
            for rel in self._parse("xl/_rels/workbook.xml.rels").iter(f"{PKG_REL_NS}Relationship"):
                target = rel.get("Target", "")
                member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                targets[rel.get("Id")] = member
        properties = root.find(f"{NS}workbookPr")
        self._date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        self._epoch = EXCEL_EPOCH_1904 if self._date1904 else EXCEL_EPOCH  # a Mac workbook counts days from 1904
        sheets = []
        for index, sheet in enumerate(root.iter(f"{NS}sheet"), start=1):
            name = sheet.get("name", "")
            self._paths[name] = targets.get(sheet.get(f"{REL_NS}id"), f"xl/worksheets/sheet{index}.xml")
            sheets.append(SheetInfo(name, sheet.get("state", "visible") == "visible"))
        return sheets

    def _read_shared_strings(self):
        """The shared-string table: a list, or above SHARED_STRINGS_IN_MEMORY bytes of XML a `_SpilledStrings`
        (the texts in a temporary file, 8 bytes of memory a string), so a workbook of unique texts does not
        take its expanded size in memory."""
        if "xl/sharedStrings.xml" not in self._zip.namelist():
            return []
        large = self._zip.getinfo("xl/sharedStrings.xml").file_size > SHARED_STRINGS_IN_MEMORY
        strings = _SpilledStrings() if large else []
        with self._zip.open("xl/sharedStrings.xml") as handle:
            for _event, item in self._etree.iterparse(handle, tag=f"{NS}si", huge_tree=True, resolve_entities=False):
                strings.append(_inline_text(item))
                item.clear()
                while item.getprevious() is not None:
                    del item.getparent()[0]
        if large:
            strings.finish()
            self.large_strings = True
        return strings

    large_strings = False  # True: the shared strings are spilled, and calamine (which holds them all) is not used

    def _read_styles(self) -> list[bool]:
        """For each cell style (the `s` attribute): does its number format show a date?"""
        if "xl/styles.xml" not in self._zip.namelist():
            return []
        root = self._parse("xl/styles.xml")
        custom = {int(fmt.get("numFmtId")): _is_date_format(fmt.get("formatCode", ""))
                  for fmt in root.iter(f"{NS}numFmt")}
        xfs = root.find(f"{NS}cellXfs")
        if xfs is None:
            return []
        flags = []
        for xf in xfs.iter(f"{NS}xf"):
            number = int(xf.get("numFmtId", "0"))
            flags.append(custom.get(number, number in DATE_FORMAT_IDS))
        return flags

    def _scan(self, member: str, stats: SheetStats) -> tuple[list[tuple[int, int, int, int]], bool, bool]:
        """Before reading, one pass over the sheet's bytes keeping only a 1 MB chunk, its head and its tail:
        the declared extent, the merged ranges (they follow the cells in the XML) and whether the fast
        reader may load it (see `rows`)."""
        head, pending, after, found, merges = b"", b"", [], False, []
        rows_seen, last_row, special, always = 0, 0, False, False
        with self._zip.open(member) as handle:
            while chunk := handle.read(1 << 20):
                if len(head) < 4096:
                    head += chunk[:4096 - len(head)]
                if found:
                    after.append(chunk)
                    continue
                data = pending + chunk
                rows_seen += chunk.count(b"<row")
                last = data.rfind(b'<row r="')
                if last >= 0:
                    digits = _LEADING_DIGITS.match(data, last + 8)
                    last_row = int(digits.group()) if digits else last_row
                always = always or _needs_stream_always(data)
                special = special or always or _WIDE_CELL.search(data) is not None
                end = _SHEET_DATA_END.search(data)
                if end:
                    found = True
                    after.append(data[end.start():])
                else:
                    pending = data[-64:]
        match = _DIMENSION.search(head)
        if match:
            stats.declared_rows = int(match.group(4) or match.group(2) or 0)
        for first_col, first_row, last_col, last_row_text in _MERGE.findall(b"".join(after)):
            merges.append((int(first_row), column_index(first_col.decode()), int(last_row_text),
                           column_index(last_col.decode())))
        if rows_seen:  # progress counts the rows present, not a used range that runs to row 1,048,576
            stats.declared_rows = min(stats.declared_rows or rows_seen, rows_seen)
        dense = rows_seen > 0 and last_row <= 2 * rows_seen + 1000
        return merges, dense and not special, always

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        """The sheet's rows. A dense, plain sheet (its last row near its row count, no cell beyond column
        GZ, no hidden rows or columns, no formula without value or formula error) is read by python-calamine,
        ~8x faster, part by part (`_fast_rows`); every other sheet by the streaming reader, whose memory does
        not depend on the sheet. So calamine never meets a sparse used range (it would allocate all of it),
        and its native memory stays that of one part of FAST_CHUNK_XML."""
        member = self._paths[sheet_name]
        stats = self.stats(sheet_name)
        stats.hidden_rows, stats.hidden_columns = 0, set()
        try:
            merges, fast, always = self._scan(member, stats)
            fast = fast and not self.large_strings
            cleaned = None
            if not fast and not always and not self.stream_only and not merges and not self.large_strings \
                    and self._zip.getinfo(member).file_size <= FAST_READER_MAX_XML:
                cleaned = self._without_blank_cells(member, sheet_name)
            self.last_reader = "calamine" if (fast or cleaned) and not self.stream_only else "stream"
            if cleaned is not None:
                self.last_reader = "calamine, blank cells dropped"
                yield from self._fast_rows(sheet_name, merges, path=cleaned)
            elif self.last_reader == "calamine":
                yield from self._fast_rows(sheet_name, merges)
            else:
                yield from self._rows(member, stats, merges)
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, EOFError, IndexError, TypeError,
                self._etree.XMLSyntaxError):
            raise ExcelFileError(MSG_MALFORMED) from None  # e.g. a shared-string index beyond the table

    def _without_blank_cells(self, member: str, sheet_name: str) -> Path | None:
        """A sheet that is not dense only because of cells showing nothing (a formatted cell at XFD1048576):
        copy the workbook to a temporary file with those cells (and the rows left empty) dropped from this
        sheet, in one streamed pass, and return its path when the copy is dense and plain (calamine may then
        read it; ~10x faster than streaming). None when it still is not (then the sheet is streamed)."""
        import tempfile

        handle = tempfile.NamedTemporaryFile(prefix="sheet-", suffix=".xlsx", delete=False)
        target = Path(handle.name)
        handle.close()
        rows_seen, last_row, special = 0, 0, False
        try:
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                for info in self._zip.infolist():
                    if info.filename == member:
                        continue
                    out.writestr(info, self._zip.read(info.filename))
                stored = zipfile.ZipInfo(member, date_time=(2000, 1, 1, 0, 0, 0))
                stored.compress_type = zipfile.ZIP_STORED
                with self._zip.open(member) as reading, out.open(stored, "w", force_zip64=True) as writing:
                    carry = b""
                    while True:
                        chunk = reading.read(1 << 20)
                        data = carry + chunk
                        cut = data.rfind(b"</row>") + len(b"</row>") if chunk else len(data)
                        if chunk and cut < len(b"</row>"):
                            carry = data
                            continue
                        cleaned = _EMPTY_ROW.sub(b"", _BLANK_CELL.sub(b"", data[:cut]))
                        carry = data[cut:]
                        rows_seen += cleaned.count(b"<row")
                        last = cleaned.rfind(b'<row r="')
                        if last >= 0:
                            digits = _LEADING_DIGITS.match(cleaned, last + 8)
                            last_row = int(digits.group()) if digits else last_row
                        special = (special or _WIDE_CELL.search(cleaned) is not None
                                   or _ODD_ROW.search(cleaned) is not None)
                        writing.write(cleaned)
                        if not chunk:
                            break
        except BaseException:  # whatever stops the copy (a bad file, memory, an interrupt): never leave it
            target.unlink(missing_ok=True)
            raise
        if special or rows_seen == 0 or last_row > 2 * rows_seen + 1000:
            target.unlink(missing_ok=True)
            return None
        self._cleaned.append(target)
        return target

    def _fast_rows(self, sheet_name: str, merges, *, path: Path | None = None) -> Iterator[tuple[int, list]]:
        """The sheet read by python-calamine, FAST_CHUNK_XML bytes of its rows at a time: each part of the sheet
        is copied (uncompressed) into a small temporary workbook with the file's styles and shared strings,
        which calamine loads, the rows are yielded and the part is dropped before the next. calamine holds a
        whole sheet in memory (~1.7x its XML), so read whole its memory grew with the file; by parts it is
        bounded by the part, whatever the sheet (issue 15). `path`: a cleaned copy of the workbook to read
        the sheet from instead (`_without_blank_cells`)."""
        import python_calamine

        merge_fill = _MergeFill(merges)
        archive = zipfile.ZipFile(path) if path is not None else self._zip
        # Every part carries the shared strings (calamine reads them again each time): a large table makes
        # parts as large as itself, so copying and reading it costs at most the sheet once more.
        strings = self._zip.getinfo("xl/sharedStrings.xml").file_size if self._strings else 0
        limit = max(FAST_CHUNK_XML, strings) if strings > 1 << 20 else FAST_CHUNK_XML
        try:
            for part in _sheet_parts(archive, self._paths[sheet_name], limit):
                book = None
                try:
                    book = _calamine_open(self._part_workbook(archive, part))
                    sheet = book.get_sheet_by_name(_PART_SHEET)
                    first_row, first_column = sheet.start or (0, 0)
                    pad = [None] * first_column  # calamine leaves out the empty columns left of the part's cells
                    rows = itertools.islice(sheet.iter_rows(), first_row, None)  # it pads rows from row 1
                    for number, row in enumerate(rows, start=first_row + 1):
                        if not merge_fill.active:
                            out = [None if value == "" or (value.__class__ is str and value.isspace()) else value
                                   for value in row]
                            if out.count(None) != len(out):
                                yield number, pad + out if first_column else out
                            continue
                        values = {position + first_column: value for position, value in enumerate(row)
                                  if not (value is None or value == ""
                                          or (value.__class__ is str and value.isspace()))}
                        merge_fill.fill(number, values)
                        if not values:
                            continue
                        out = [None] * (max(values) + 1)
                        for position, value in values.items():
                            out[position] = value
                        yield number, out
                finally:
                    if book is not None:
                        book.close()
                    self._drop_part()
        except (python_calamine.CalamineError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        finally:
            if path is not None:
                archive.close()

    _part_path: Path | None = None

    def _part_workbook(self, archive: zipfile.ZipFile, part: "_SheetPart") -> Path:
        """A temporary workbook (stored, not compressed) holding one part of a sheet as its only sheet, with
        the file's styles (date formats), shared strings and date system."""
        import shutil
        import tempfile

        handle = tempfile.NamedTemporaryFile(prefix="sheet-part-", suffix=".xlsx", delete=False)
        self._part_path = Path(handle.name)
        handle.close()
        names = set(archive.namelist())
        with zipfile.ZipFile(self._part_path, "w", zipfile.ZIP_STORED) as out:
            out.writestr("[Content_Types].xml", _PART_CONTENT_TYPES)
            out.writestr("_rels/.rels", _PART_RELS)
            out.writestr("xl/workbook.xml", _PART_WORKBOOK.replace(
                b"{properties}", b'<workbookPr date1904="1"/>' if self._date1904 else b""))
            out.writestr("xl/_rels/workbook.xml.rels", _PART_WORKBOOK_RELS)
            for member in ("xl/styles.xml", "xl/sharedStrings.xml"):
                if member in names:
                    with archive.open(member) as reading, out.open(member, "w", force_zip64=True) as writing:
                        shutil.copyfileobj(reading, writing, 1 << 20)
            with out.open(_PART_MEMBER, "w", force_zip64=True) as writing:
                writing.write(part.head)
                for data in part.rows:
                    writing.write(data)
                writing.write(part.tail)
        part.rows.clear()  # the part is on disk now: its bytes are not kept while calamine reads it
        return self._part_path

    def _drop_part(self) -> None:
        if self._part_path is not None:
            self._part_path.unlink(missing_ok=True)
            self._part_path = None

    def _rows(self, member: str, stats: SheetStats, merges) -> Iterator[tuple[int, list]]:
        strings, date_styles = self._strings, self._date_styles
        merges_by_row = _MergeFill(merges)
        row_tag, col_tag, value_tag, formula_tag, text_tag = (f"{NS}row", f"{NS}col", f"{NS}v", f"{NS}f", f"{NS}t")
        columns: dict[str, int] = {}
        expected = 1
        with self._zip.open(member) as handle:
            for _event, element in self._etree.iterparse(handle, tag=(row_tag, col_tag), huge_tree=True,
                                                         resolve_entities=False):
                if element.tag == col_tag:
                    if element.get("hidden") in ("1", "true"):
                        first, last = int(element.get("min", "1")), int(element.get("max", "1"))
                        stats.hidden_columns.update(range(first - 1, min(last, first + 16384)))
                    continue
                number = int(element.get("r") or expected)
                expected = number + 1
                values: dict[int, object] = {}
                position = -1
                for cell in element:
                    ref = cell.get("r")
                    if ref is not None:
                        position = columns.get(ref.rstrip(DIGITS))
                        if position is None:
                            position = columns[ref.rstrip(DIGITS)] = column_index(ref.rstrip(DIGITS))
                    else:
                        position += 1
                    kind = cell.get("t")
                    if kind == "s":
                        text = cell.findtext(value_tag)
                        value = strings[int(text)] if text is not None else None
                    elif kind == "inlineStr":
                        value = "".join(cell.itertext(text_tag))
                    elif kind is None and cell.get("s") is None:
                        text = cell.findtext(value_tag)  # a plain number: the common case after text
                        value = float(text) if text else _cell_value(cell, strings, date_styles,
                                                                     value_tag, formula_tag, self._epoch)
                    else:
                        value = _cell_value(cell, strings, date_styles, value_tag, formula_tag, self._epoch)
                    if value is not None and value != "" and not (value.__class__ is str and value.isspace()):
                        values[position] = value
                hidden = element.get("hidden") in ("1", "true")
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if merges_by_row.active:
                    merges_by_row.fill(number, values)
                if not values:
                    continue
                if hidden:
                    stats.hidden_rows += 1
                row = [None] * (max(values) + 1)
                for position, value in values.items():
                    row[position] = value
                yield number, row


SHARED_STRINGS_IN_MEMORY = 16 << 20  # bytes of sharedStrings.xml; a larger table is spilled to a temporary file


class _SpilledStrings:
    """A shared-string table kept in a temporary file: the texts' UTF-8 bytes one after another, and their
    offsets in an array (8 bytes a string); `strings[i]` reads one back through mmap. An index beyond the
    table raises IndexError, as a list does."""

    def __init__(self):
        import tempfile
        from array import array

        self._file = tempfile.TemporaryFile(prefix="strings-")
        self._offsets = array("Q", [0])
        self._map = None

    def append(self, text: str) -> None:
        data = text.encode()
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))

    def finish(self) -> None:
        import mmap

        self._file.flush()
        if self._offsets[-1]:
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = self._offsets[index], self._offsets[index + 1]
        return self._map[start:end].decode() if end > start else ""

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        self._file.close()


class _MergeFill:
    """Fills the cells of merged ranges with the range's top-left value, row by row."""

    def __init__(self, merges):
        self.merges = sorted(merges)
        self.active = bool(self.merges)
        self.shown: dict[tuple[int, int, int, int], object] = {}

    def fill(self, number: int, values: dict) -> None:
        own_data = bool(values)
        for merge in self.merges:
            first_row, first_col, last_row, last_col = merge
            if first_row > number:
                break
            if last_row < number:
                continue
            if number == first_row:
                self.shown[merge] = values.get(first_col)
                if last_col > first_col and first_col in values:
                    for position in range(first_col + 1, min(last_col, first_col + MAX_MERGE_COLUMNS) + 1):
                        values.setdefault(position, values[first_col])
                continue
            shown = self.shown.get(merge)
            if shown is None or not own_data:
                continue  # only rows that hold data of their own take a merged value
            for position in range(first_col, min(last_col, first_col + MAX_MERGE_COLUMNS) + 1):
                values.setdefault(position, shown)


def _inline_text(element) -> str:
    """The text of a shared string or inline string: its runs joined, phonetic guides left out."""
    parts = []
    for node in element.iter(f"{NS}t"):
        parent = node.getparent()
        if parent is not None and parent.tag == f"{NS}rPh":
            continue
        parts.append(node.text or "")
    return "".join(parts)


def _cell_value(cell, strings, date_styles, value_tag, formula_tag, epoch=EXCEL_EPOCH):
    kind = cell.get("t")
    value_node = cell.find(value_tag)
    text = value_node.text if value_node is not None else None
    if kind == "s":
        return strings[int(text)] if text is not None else None
    if kind == "inlineStr":
        node = cell.find(f"{NS}is")
        return _inline_text(node) if node is not None else None
    if text is None:
        return cells.FORMULA_WITHOUT_VALUE if cell.find(formula_tag) is not None else None
    if kind == "str":
        return text
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return cells.Unreadable(cells.MSG_FORMULA_ERROR % {"error": text})
    if kind == "d":
        try:
            return datetime.fromisoformat(text.strip()).date()
        except ValueError:
            return text
    number = float(text)
    style = cell.get("s")
    if style is not None and date_styles:
        index = int(style)
        if index < len(date_styles) and date_styles[index] and 0 <= number < 2958466:
            moment = epoch + timedelta(days=number)
            return moment.date() if number.is_integer() else moment
    return number


FAST_CHUNK_XML = 8 << 20  # bytes of sheet XML calamine reads at once (~10,000 staff rows; ~45 MB in memory)
_PART_SHEET = "S"
_PART_MEMBER = "xl/worksheets/sheet1.xml"
_PART_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/styles.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_PART_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
_PART_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{properties}'
    b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
_PART_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b'<Relationship Id="rId2" Target="styles.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
    b'<Relationship Id="rId3" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')
_SHEET_DATA_OPEN = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_ROOT_OPEN = re.compile(rb"<((?:\w+:)?)worksheet\b")
_DIMENSION_ELEMENT = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")


@dataclass
class _SheetPart:
    """Part of a sheet's XML that is a worksheet of its own: the sheet's head (without its declared extent,
    which calamine would allocate), whole rows, and the closing tags."""

    head: bytes
    rows: list[bytes]
    tail: bytes


def _sheet_parts(archive: zipfile.ZipFile, member: str, limit: int) -> Iterator[_SheetPart]:
    """The rows of sheet `member`, cut between rows into parts of about `limit` bytes of XML, read at most 1 MB
    at a time (one part in memory)."""
    step = min(1 << 20, limit)
    with archive.open(member) as handle:
        data = b""
        while (opening := _SHEET_DATA_OPEN.search(data)) is None:
            chunk = handle.read(step)
            if not chunk:
                return  # no sheetData: no rows
            data += chunk
        if opening.group(2):
            return  # <sheetData/>
        root = _ROOT_OPEN.search(data)
        root_prefix = root.group(1) if root else b""
        prefix = opening.group(1)
        head = _DIMENSION_ELEMENT.sub(b"", data[:opening.end()], count=1)
        tail = b"</" + prefix + b"sheetData></" + root_prefix + b"worksheet>"
        row_end, data_end = b"</" + prefix + b"row>", re.compile(rb"</" + re.escape(prefix) + rb"sheetData>")
        pending, rows, size, done = data[opening.end():], [], 0, False
        while not done:
            chunk = handle.read(step)
            pending += chunk
            end = data_end.search(pending)
            if end is not None or not chunk:
                rows.append(pending[:end.start()] if end is not None else pending)
                done = True
            else:
                cut = pending.rfind(row_end)
                if cut < 0:
                    continue
                cut += len(row_end)
                rows.append(pending[:cut])
                pending = pending[cut:]
            size += len(rows[-1])
            if size >= limit or done:
                yield _SheetPart(head, rows, tail)
                rows, size = [], 0


def _calamine_open(path):
    """python-calamine picks the format by the file's name, and uploads are stored under a name of our
    own (always .xlsx): a name that does not say what the content is goes through from_filelike, which
    looks at the content."""
    import python_calamine

    expected = ".xlsx" if zipfile.is_zipfile(path) else ".xls"
    if Path(path).suffix.lower() == expected:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    with open(path, "rb") as handle:
        return python_calamine.CalamineWorkbook.from_filelike(handle)


# --- xls and CSV -------------------------------------------------------------------------------

class XlsReader(_Reader):
    """Excel 97-2003 (BIFF8) workbooks, through python-calamine."""

    def __init__(self, path):
        import python_calamine

        try:
            self._book = _calamine_open(path)
            self.sheets = [SheetInfo(meta.name, str(meta.visible).endswith("Visible"))
                           for meta in self._book.sheets_metadata]
        except python_calamine.PasswordError:
            raise ExcelFileError(MSG_PASSWORD) from None  # an .xls with a FILEPASS record
        except (python_calamine.CalamineError, OSError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        self._stats = {}

    def close(self) -> None:
        self._book.close()

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        import python_calamine

        try:
            sheet = self._book.get_sheet_by_name(sheet_name)
            start = (sheet.start or (0, 0))[0]
            self.stats(sheet_name).declared_rows = sheet.height + start
            for number, row in enumerate(sheet.iter_rows(), start=1):  # padded from row 1
                if any(not cells.is_blank(value) for value in row):
                    yield number, [None if value == "" else value for value in row]
        except (python_calamine.CalamineError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None


class CsvReader(_Reader):
    """A CSV file as one sheet; UTF-8 (with or without BOM) or GB18030, comma or tab separated."""

    def __init__(self, path):
        self._path = Path(path)
        self._encoding = self._detect_encoding()
        self.sheets = [SheetInfo(CSV_SHEET)]
        self._stats = {}

    def _detect_encoding(self) -> str:
        for encoding in ("utf-8-sig", "gb18030"):
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                with self._path.open("rb") as handle:
                    while chunk := handle.read(1 << 20):
                        decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
        raise ExcelFileError(MSG_CSV_ENCODING)

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        with self._path.open(encoding=self._encoding, newline="") as handle:
            sample = handle.read(65536)
            handle.seek(0)
            delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
            for number, row in enumerate(csv.reader(handle, delimiter=delimiter), start=1):
                if any(not cells.is_blank(value) for value in row):
                    yield number, row


class OpenpyxlReader(_Reader):
    """openpyxl read-only: kept for the benchmark's comparison (pads every row to the used range)."""

    def __init__(self, path):
        import openpyxl

        try:
            self._book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        self.sheets = [SheetInfo(name) for name in self._book.sheetnames]
        self._stats = {}

    def close(self) -> None:
        self._book.close()

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        sheet = self._book[sheet_name]
        expected = 1
        for row in sheet.iter_rows():
            number = next((cell.row for cell in row if getattr(cell, "row", None)), expected)
            expected = number + 1
            yield number, [cell.value for cell in row]


class CalamineXlsxReader(XlsReader):
    """python-calamine on an xlsx, unguarded: kept for the benchmark's comparison only. It allocates the
    whole used range, so a sheet with one stray cell at XFD1048576 aborts the process; never used for uploads."""


class StreamingXlsxReader(XlsxReader):
    """XlsxReader that never takes the fast path (the benchmark's comparison, tests)."""

    stream_only = True


READERS = {"auto": XlsxReader, "stream": StreamingXlsxReader, "calamine": CalamineXlsxReader,
           "openpyxl": OpenpyxlReader}


def open_workbook(path, *, reader: str = "auto", max_bytes: int | None = None):
    """Check the file, then open it with the reader its format needs (close it, or use it as a context).

    `reader` chooses among xlsx readers for the benchmark; uploads always use the streaming one."""
    kind = check_upload(path, max_bytes=max_bytes)
    if kind == XLS:
        return XlsReader(path)
    if kind == CSV:
        return CsvReader(path)
    return READERS[reader](path)



def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (how Excel names a column)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
