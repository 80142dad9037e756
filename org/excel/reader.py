"""Reading uploaded workbooks safely and fast.

`check_xlsx(path)` refuses what must not be parsed: files over settings.UPLOAD_MAX_BYTES,
anything that is not an xlsx zip (an old .xls, a renamed PDF), malformed zips, and
decompression bombs (the zip directory's uncompressed sizes are checked before any XML is
inflated). `open_workbook(path)` then returns a reader whose `rows(sheet)` yields
`(excel_row_number, [cell values])`.

Reader choice, measured by `manage.py bench_import` (figures in the issue-3 report): python-calamine
reads ~10x faster than openpyxl's read-only mode. calamine holds one sheet's cells in native
memory while it is read (not Python objects; measured in the benchmark), openpyxl read-only is
flat but slow; calamine is the default and `OpenpyxlReader` is kept for comparison.
"""

import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

MSG_TOO_LARGE = _("The file is %(size)s MB; files up to %(limit)s MB are accepted.")
MSG_NOT_XLSX = _("The file is not an Excel workbook (.xlsx). Old .xls files: open them in Excel and save as .xlsx.")
MSG_MALFORMED = _("The workbook is damaged and cannot be read; open it in Excel, save it again and retry.")
MSG_BOMB = _("The workbook expands to far more data than its size suggests and was refused for safety.")
MSG_EMPTY = _("The file is empty.")

# An xlsx inflates ~5-15x (sheet XML compresses well); a bomb inflates thousands of times.
MAX_RATIO = 200
MAX_UNCOMPRESSED_FACTOR = 40  # times settings.UPLOAD_MAX_BYTES, in total
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class ExcelFileError(Exception):
    """The upload as a whole cannot be read; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def check_xlsx(path, *, max_bytes: int | None = None) -> None:
    """Refuse oversize, non-xlsx, malformed and bomb files before any parsing happens."""
    path = Path(path)
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    size = path.stat().st_size
    if size == 0:
        raise ExcelFileError(MSG_EMPTY)
    if size > limit:
        raise ExcelFileError(MSG_TOO_LARGE % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"})
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != ZIP_MAGIC:
        raise ExcelFileError(MSG_NOT_XLSX)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExcelFileError(MSG_MALFORMED) from None
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ExcelFileError(MSG_NOT_XLSX)
    _check_sizes(members, limit)


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
    sheet_names: list[str]

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._book.close()


class CalamineReader(_Reader):
    """python-calamine (Rust): the default reader."""

    def __init__(self, path):
        import python_calamine

        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(path))
        except (python_calamine.CalamineError, OSError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        self.sheet_names = list(self._book.sheet_names)
        self._loaded = {}

    def _sheet(self, sheet_name: str):
        import python_calamine

        if sheet_name not in self._loaded:
            try:
                self._loaded[sheet_name] = self._book.get_sheet_by_name(sheet_name)
            except (python_calamine.CalamineError, ValueError):
                raise ExcelFileError(MSG_MALFORMED) from None
        return self._loaded[sheet_name]

    def row_count(self, sheet_name: str) -> int:
        """Rows up to the sheet's last used row (loads the sheet; rows() then reuses it)."""
        end = self._sheet(sheet_name).end
        return end[0] + 1 if end else 0

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        import python_calamine

        sheet = self._sheet(sheet_name)
        self._loaded.pop(sheet_name, None)  # released once iterated
        try:
            # iter_rows starts at the sheet's first row, so the count is the row number Excel shows.
            yield from enumerate(sheet.iter_rows(), start=1)
        except (python_calamine.CalamineError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None


class OpenpyxlReader(_Reader):
    """openpyxl read-only: flat memory, ~10x slower; kept for the benchmark's comparison."""

    def __init__(self, path):
        import openpyxl

        try:
            self._book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ExcelFileError(MSG_MALFORMED) from None
        self.sheet_names = list(self._book.sheetnames)

    def row_count(self, sheet_name: str) -> int:
        return self._book[sheet_name].max_row or 0

    def rows(self, sheet_name: str) -> Iterator[tuple[int, list]]:
        sheet = self._book[sheet_name]
        expected = 1
        for row in sheet.iter_rows():
            number = next((cell.row for cell in row if getattr(cell, "row", None)), expected)
            expected = number + 1
            yield number, [cell.value for cell in row]


READERS = {"calamine": CalamineReader, "openpyxl": OpenpyxlReader}


def open_workbook(path, *, reader: str = "calamine", max_bytes: int | None = None):
    """Check the file, then open it with the chosen reader (close it, or use it as a context)."""
    check_xlsx(path, max_bytes=max_bytes)
    return READERS[reader](path)
