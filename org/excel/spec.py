"""Declarative sheet specs: one list of columns drives the parser, the template and the exports."""

from collections.abc import Callable
from dataclasses import dataclass, field

from org.excel import cells

REQUIRED_MARK = "*"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its Chinese header, the typed field it fills and how to parse it."""

    header: str
    field: str
    parser: Callable[[object], object] = field(default_factory=lambda: cells.text())
    required: bool = False
    # Required for rows that create a record; an update may leave it blank when the record has none
    # (the importer enforces it; the template marks it *). Export-then-import must change nothing.
    required_for_new: bool = False
    help: str = ""  # shown in the template's explanation sheet (a lazy gettext string)
    example: object = ""
    aliases: tuple[str, ...] = ()  # other headers bureaus use for the same column
    allowed: tuple[str, ...] = ()  # allowed values; taken from a choice parser when not given
    text_format: bool = False  # format the template column as Text (ID numbers, codes)

    @property
    def allowed_values(self) -> tuple[str, ...]:
        return self.allowed or getattr(self.parser, "allowed", ())

    def display(self, value):
        """The cell an export writes for a typed value: choice labels, 是/否, dates; "" for None."""
        labels = getattr(self.parser, "labels", None)
        if value is None:
            return ""
        if labels is not None:
            return labels.get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return value

    @property
    def template_header(self) -> str:
        return f"{self.header}{REQUIRED_MARK}" if self.required or self.required_for_new else self.header


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: its name (also matched leniently), its columns, and a line of explanation."""

    name: str
    columns: tuple[Column, ...]
    help: str = ""
    aliases: tuple[str, ...] = ()
    # The field that other sheets refer to (学校代码, 身份证号): a row rejected for its own problems is
    # remembered by it, so a reference to it says "see row N" instead of "unknown".
    key: str = ""
    # A row whose fields here are all blank is not a record (a template row prefilled with defaults, a
    # note or signature line); empty: any filled cell makes a record.
    record_fields: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def column(self, field_name: str) -> Column:
        return next(column for column in self.columns if column.field == field_name)


@dataclass(frozen=True)
class WorkbookSpec:
    """A workbook: its sheets in import order (a file may hold them in any order, or omit some)."""

    title: str
    sheets: tuple[SheetSpec, ...]

    def sheet(self, name: str) -> SheetSpec:
        return next(sheet for sheet in self.sheets if sheet.name == name)
