"""The engine's file handling: refusing unsafe uploads, templates, error workbooks, neutralised exports."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from org.excel import (
    Column,
    ExcelFileError,
    Problem,
    SheetData,
    SheetSpec,
    WorkbookSpec,
    cells,
    check_xlsx,
    neutralise,
    open_workbook,
    write_error_workbook,
    write_template,
    write_workbook,
)
from org.excel import reader as reader_module
from org.excel.writer import InertText

SPEC = WorkbookSpec("测试", (SheetSpec("学校", (
    Column("学校代码", "code", cells.code(), required=True, help="Unique code", example="A001", text_format=True),
    Column("城乡类型", "location", cells.choice({"城区": "urban", "乡村": "rural"}), required=True, example="城区"),
    Column("开办日期", "opened", cells.date_value, example=date(2001, 9, 1)),
)),))


def _xlsx(path, rows, title="学校"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_size_limit_is_refused_with_the_sizes(tmp_path):
    path = _xlsx(tmp_path / "a.xlsx", [["学校代码"]])
    with pytest.raises(ExcelFileError) as error:
        check_xlsx(path, max_bytes=100)
    assert "MB" in error.value.message


def test_size_limit_comes_from_settings(tmp_path, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ExcelFileError):
        check_xlsx(_xlsx(tmp_path / "a.xlsx", [["学校代码"]]))


@pytest.mark.parametrize(("content", "message"), [
    (b"%PDF-1.4 not a workbook", reader_module.MSG_NOT_XLSX),
    (b"PK\x03\x04 truncated zip", reader_module.MSG_MALFORMED),
    (b"", reader_module.MSG_EMPTY),
])
def test_non_xlsx_and_malformed_files_are_refused(tmp_path, content, message):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    with pytest.raises(ExcelFileError) as error:
        check_xlsx(path)
    assert error.value.message == str(message)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "upload.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ExcelFileError) as error:
        check_xlsx(path)
    assert error.value.message == str(reader_module.MSG_NOT_XLSX)


def test_a_decompression_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 3_000_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(ExcelFileError) as error:
        check_xlsx(path)
    assert error.value.message == str(reader_module.MSG_BOMB)


def test_total_uncompressed_size_is_bounded(tmp_path, monkeypatch):
    path = _xlsx(tmp_path / "a.xlsx", [["学校代码"]] * 10)
    monkeypatch.setattr(reader_module, "MAX_UNCOMPRESSED_FACTOR", 0.0001)
    with pytest.raises(ExcelFileError) as error:
        check_xlsx(path)
    assert error.value.message == str(reader_module.MSG_BOMB)


def test_an_ole_container_is_read_as_xls_and_a_damaged_one_is_refused_as_damaged(tmp_path):
    path = tmp_path / "upload.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old xls")
    assert reader_module.check_upload(path) == reader_module.XLS
    with pytest.raises(ExcelFileError) as error:
        open_workbook(path)
    assert error.value.message == str(reader_module.MSG_MALFORMED)


@pytest.mark.parametrize("reader", ["stream", "calamine", "openpyxl"])
def test_both_readers_give_excel_row_numbers(tmp_path, reader):
    book = openpyxl.Workbook()
    book.active["B3"] = "学校代码"
    book.active["B5"] = "A001"
    book.save(tmp_path / "a.xlsx")
    with open_workbook(tmp_path / "a.xlsx", reader=reader) as opened:
        rows = {number: [v for v in row if v not in (None, "")] for number, row in opened.rows(opened.sheet_names[0])}
    assert rows[3] == ["学校代码"] and rows[5] == ["A001"]


@pytest.mark.parametrize(("value", "inert"), [
    ("=HYPERLINK(\"http://x\")", True), ("+1", True), ("-2", True), ("@SUM(A1)", True), ("\t=1", True),
    ("张三", False), (-2, False), (None, False),
])
def test_neutralise_marks_formula_like_text_and_keeps_its_value(value, inert):
    assert neutralise(value) == value
    assert (neutralise(value).__class__ is InertText) is inert


def test_exports_write_formulas_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    write_workbook(path, [SheetData("学校", ["学校代码", "名称"], iter([["=1+1", "@cmd"], ["A001", date(2020, 1, 2)]]))])
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == ["学校代码", "名称"]
    # text cells with Excel's quote prefix: shown as typed, no visible apostrophe, never evaluated
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1" and sheet["A2"].quotePrefix
    assert sheet["B2"].value == "@cmd" and sheet["B2"].data_type == "s"
    assert sheet["B3"].value.date() == date(2020, 1, 2)


def test_template_has_headers_example_row_and_instructions():
    target = io.BytesIO()
    write_template(target, SPEC)
    book = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    sheet = book["学校"]
    assert [c.value for c in sheet[1]] == ["学校代码*", "城乡类型*", "开办日期"]
    assert [c.value for c in sheet[2]][:2] == ["A001", "城区"]
    assert sheet["A3"].number_format == "@"
    assert sheet.data_validations.dataValidation[0].formula1 == '"城区,乡村"'
    explanation = book.worksheets[-1]
    rows = [[c.value for c in row] for row in explanation.iter_rows(min_row=2)]
    assert rows[1][:5] == ["学校", "城乡类型", "是", None, "城区、乡村"]


def test_the_templates_example_row_is_recognised_and_never_imported(tmp_path):
    from org.excel import Problems, parse_sheet

    path = tmp_path / "t.xlsx"
    write_template(path, SPEC)
    book = openpyxl.load_workbook(path)
    for column, value in zip("ABC", ["A002", "乡村", "2001-09-01"], strict=True):
        book["学校"][f"{column}3"] = value
    book.save(path)
    problems = Problems()
    with open_workbook(path) as opened:
        rows = list(parse_sheet(SPEC.sheets[0], opened.rows("学校"), problems))
    assert not problems and [row.row for row in rows] == [3]
    assert rows[0].values == {"code": "A002", "location": "rural", "opened": date(2001, 9, 1)}


def test_error_workbook_holds_the_uploaded_rows_and_an_error_column(tmp_path):
    source = _xlsx(tmp_path / "in.xlsx", [["学校代码", "城乡类型"], ["A001", "郊区"], ["A002", "城区"], ["@1", "乡村"]])
    problems = [Problem("学校", 2, "城乡类型", "不在可选值中"), Problem("学校", None, "", "整表问题")]
    target = tmp_path / "errors.xlsx"
    with open_workbook(source) as opened:
        write_error_workbook(target, opened, SPEC, problems)
    book = openpyxl.load_workbook(target)
    listing, sheet = book.worksheets
    assert [c.value for c in listing[2]] == ["学校", 2, "城乡类型", "不在可选值中"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][-1] and rows[1] == ["A001", "郊区", "城乡类型：不在可选值中"]
    assert rows[2][:2] == ["A002", "城区"] and rows[2][2] is None
    assert rows[3][0] == "@1" and sheet.cell(row=4, column=1).data_type == "s"


def test_exports_write_every_value_class_as_openpyxl_read_it(tmp_path, settings):
    """XlsxWriter behind write_workbook (issue 15): numbers, decimals, booleans, dates, local times, blanks."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    path = tmp_path / "out.xlsx"
    aware = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)
    write_workbook(path, [SheetData("值", ["a", "b", "c", "d", "e", "f", "g"], iter([
        [1, 2.5, Decimal("3.25"), True, dt.datetime(2026, 1, 2, 8, 0), aware, ""],
        [None, "-", "http://x", "0012", date(2026, 9, 1), "=A1", "  "],
    ]))])
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[2]][:4] == [1, 2.5, 3.25, True]
    assert sheet["E2"].value == dt.datetime(2026, 1, 2, 8, 0)
    assert sheet["F2"].value == aware.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
    assert sheet["G2"].value is None and sheet["A3"].value is None
    assert [sheet["B3"].value, sheet["C3"].value, sheet["D3"].value] == ["-", "http://x", "0012"]
    assert sheet["B3"].quotePrefix and sheet["F3"].quotePrefix and sheet["F3"].data_type == "s"
    assert sheet["E3"].value == dt.datetime(2026, 9, 1) and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"
