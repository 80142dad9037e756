"""The reusable Excel engine: parse real-world workbooks, check them safely, write templates,
error workbooks and exports. No app knowledge lives here; apps describe their sheets.

Public API (everything else is internal)::

    from org.excel import cells, Column, SheetSpec, WorkbookSpec
    SPEC = SheetSpec("名册", (
        Column("身份证号", "id", cells.id_number, required=True, help=_("..."), text_format=True),
        Column("起始时间", "start", cells.date_value, required=True, example="2019-09-01"),
        Column("类别", "kind", cells.choice({"重点项目": "key"}), required=True),
    ))
    with paused_gc(), open_workbook(path) as book:   # checks size, xlsx-ness, zip bombs; ExcelFileError
        problems = Problems()
        name = match_sheet_name(SPEC, book.sheet_names)
        for row in parse_sheet(SPEC, book.rows(name), problems, sheet_name=name):
            row.row, row.values                # Excel row number, {field: typed value}
        problems.add(sheet, row, column, message)   # your own cross-row / DB checks
    rows_by_sheet = parse_workbook(path, WorkbookSpec("名册", (SPEC,)), problems)  # all sheets at once
    for name, rows in iter_workbook(path, workbook_spec, problems):   # streamed: one row at a time
        ...
    with Spool(batch=5000) as spool: spool.append(item); spool.batches()  # a plan kept on disk
    write_template(target, WorkbookSpec("...", (SPEC,)))   # headers, example row, instructions sheet
    write_error_workbook(target, book, workbook_spec, problems)  # uploaded rows + error column
    write_workbook(target, [SheetData(title, headers, rows)])    # streaming export, neutralised

Cell parsers (`org.excel.cells`): text, code, integer, boolean, choice({label: value}), date_value,
id_number (returns org.idcard.IdInfo; numeric cells refused). A parser raises CellError(message).

Upload machinery: an app implements the `Importer` protocol (kind, label, spec, run(path, *, user,
commit, progress) -> ImportResult, export(target, *, user)) and calls `register_importer(...)`;
org.ImportJob, the pages, the API and the Celery tasks then handle its uploads.
"""

from org.excel import cells
from org.excel.cells import CellError
from org.excel.headers import match_sheet_name, normalise_header
from org.excel.parse import (
    MSG_REQUIRED,
    FoundSheet,
    ParsedRow,
    Problem,
    Problems,
    iter_workbook,
    parse_sheet,
    parse_workbook,
    paused_gc,
    recognise_sheets,
)
from org.excel.reader import ExcelFileError, SheetInfo, SheetStats, check_upload, check_xlsx, open_workbook
from org.excel.result import (
    Importer,
    ImportResult,
    SheetResult,
    get_importer,
    importer_kinds,
    register_importer,
)
from org.excel.spec import Column, SheetSpec, WorkbookSpec
from org.excel.spool import Spool
from org.excel.writer import SheetData, neutralise, write_error_workbook, write_template, write_workbook

__all__ = [
    "cells", "CellError", "Column", "SheetSpec", "WorkbookSpec", "ParsedRow", "Problem", "Problems", "parse_sheet", "parse_workbook", "paused_gc",
    "iter_workbook", "Spool",
    "match_sheet_name", "normalise_header", "ExcelFileError", "check_xlsx", "check_upload", "open_workbook",
    "MSG_REQUIRED", "FoundSheet", "recognise_sheets", "SheetInfo", "SheetStats", "ImportResult",
    "Importer", "SheetResult", "register_importer", "get_importer", "importer_kinds", "SheetData", "neutralise",
    "write_error_workbook", "write_template", "write_workbook",
]
