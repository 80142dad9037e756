"""Issue 15: the import's memory does not grow with the file. calamine reads a dense sheet in parts of
FAST_CHUNK_XML bytes (a temporary workbook each, deleted after use), and the ID numbers seen across the
file are kept compactly (org.idcard.NumberRows)."""

import tempfile
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest

from org import idcard, importers
from org.excel import open_workbook
from org.excel import reader as reader_module
from org.importers import base_data_importer
from org.models import Staff
from tests.factories import make_id_number
from tests.org.conftest import staff_row


def _trimmed(rows):
    """Rows without their trailing empty cells (calamine pads a row to the sheet's width, the streaming
    reader stops at its last value; both read the same as far as the parser is concerned)."""
    out = []
    for number, row in rows:
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append((number, row))
    return out


@pytest.fixture
def tiny_parts(monkeypatch, tmp_path):
    """Parts of a few hundred bytes (a row or two each), written in a temporary directory of their own;
    `.opened` lists the part workbooks calamine opened."""
    monkeypatch.setattr(reader_module, "FAST_CHUNK_XML", 300)
    parts = SimpleNamespace(dir=tmp_path / "parts", opened=[])
    parts.dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(parts.dir))
    real = reader_module._calamine_open

    def counting(path):
        parts.opened.append(path)
        return real(path)

    monkeypatch.setattr(reader_module, "_calamine_open", counting)
    return parts


def test_a_sheet_read_in_parts_reads_as_the_streaming_reader(tmp_path, tiny_parts):
    """Shared strings, dates, numbers, a sparse column and an empty column A, over many parts: the same rows,
    numbered as in Excel, and no temporary part left behind."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "教职工"
    sheet.append([None, "姓名", "日期", "数", None, "备注"])
    for number in range(2, 120):
        sheet.append([None, f"教师{number}", date(2000, 1, 1 + number % 28), number * 1.5, None,
                      "稀疏" if number % 7 == 0 else None])
    sheet.append([])
    sheet.append([None, "最后", None, 1])
    path = tmp_path / "parts.xlsx"
    book.save(path)
    with open_workbook(path) as fast, open_workbook(path, reader="stream") as streamed:
        rows = list(fast.rows("教职工"))
        assert fast.last_reader == "calamine"
        assert _trimmed(rows) == _trimmed(streamed.rows("教职工"))
    assert rows[0] == (1, [None, "姓名", "日期", "数", None, "备注"])
    assert rows[-1][0] == 121 and rows[-1][1][:4] == [None, "最后", None, 1.0]
    assert len(tiny_parts.opened) > 20  # many parts
    assert not list(tiny_parts.dir.iterdir())  # each deleted once read


def test_parts_keep_the_workbooks_1904_date_system(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "教职工"
    for number in range(1, 60):
        sheet.append([f"教师{number}", date(2001, 2, 3)])
    path = tmp_path / "mac.xlsx"
    book.save(path)
    with open_workbook(path) as whole:
        expected = list(whole.rows("教职工"))
    monkeypatch.setattr(reader_module, "FAST_CHUNK_XML", 200)
    with open_workbook(path) as parted:
        assert list(parted.rows("教职工")) == expected
    assert expected[0] == (1, ["教师1", date(2001, 2, 3)])
    with open_workbook(path, reader="stream") as streamed:  # the streaming reader counts from 1904 too
        assert _trimmed(streamed.rows("教职工")) == _trimmed(expected)


@pytest.mark.django_db
def test_a_duplicate_in_a_later_part_names_the_first_row(world, book, city_user, tiny_parts):
    twice = make_id_number(date(1991, 1, 1), "F")
    rows = [staff_row(f"教师{i}", make_id_number(date(1970 + i % 30, 1 + i % 12, 1 + i % 27), "MF"[i % 2]))
            for i in range(40)]
    rows[3] = staff_row("第一次", twice)
    rows[35] = staff_row("第二次", twice)
    path = book({"教职工": rows})
    result = base_data_importer.run(path, user=city_user, commit=True)
    assert [(p.sheet, p.row, p.column, p.message) for p in result.problems] == [
        ("教职工", 37, "身份证号", str(importers.MSG_DUPLICATE % {"row": 5}))]
    assert not result.committed and not Staff.objects.filter(name="第一次").exists()  # all or nothing
    assert len(tiny_parts.opened) > 10


def test_number_rows_hold_what_a_dict_holds():
    numbers = [make_id_number(date(1960, 1, 1 + i % 28), "MF"[i % 2], area="421202") for i in range(3000)]
    numbers = list(dict.fromkeys(numbers)) + ["12345678901234567X", "not a number", "１２３"]
    held, plain = idcard.NumberRows(), {}
    for row, number in enumerate(numbers + numbers, start=2):  # every number twice: the first row stays
        assert held.setdefault(number, row) == plain.setdefault(number, row)
    assert len(held) == len(plain) == len(numbers)
    assert all(held[number] == plain[number] and number in held for number in numbers)
    assert held.get("421202196001010000") is None and "421202196001010000" not in held
    held[numbers[0]] = 99
    assert held[numbers[0]] == 99 and len(held) == len(numbers)
    with pytest.raises(KeyError):
        held["421202196001010000"]


def test_a_header_block_pasted_below_is_still_skipped_however_it_is_written():
    """The repeated-header check looks at a cell only if it holds a character its header's text can begin
    with; full-width, upper-case and annotated headers still count."""
    from org.excel import Column, Problems, SheetSpec, cells, parse_sheet

    spec = SheetSpec("教职工", (
        Column("姓名", "name", cells.text(64), required=True),
        Column("ID", "code", cells.text(64), required=True, aliases=("编号",)),
        Column("备注", "note", cells.text(64)),
    ))
    rows = [["姓名", "ID", "备注"], ["张三", "a1", "x"],
            ["姓　名（必填）", "ＩＤ", ""],  # the header block pasted again, as typed in another workbook
            ["*姓名", "id", "备注"], ["李四", "a2", "ID"], ["王五", "编号", "姓名"]]
    problems = Problems()
    parsed = list(parse_sheet(spec, list(enumerate(rows, start=1)), problems))
    assert not problems
    assert [(row.row, row.values["name"]) for row in parsed] == [(2, "张三"), (5, "李四"), (6, "王五")]


@pytest.mark.django_db
def test_duplicate_history_and_exemption_rows_name_the_first(world, book, city_user):
    """The same person, school (or kind) and start twice is a duplicate; another school, kind or start is not."""
    number = world.staff_a.id_number
    path = book({
        "任职经历": [[number, "A001", "", "2001-09-01", "2002-08-31"], [number, "B001", "", "2001-09-01", ""],
                     [number, "A001", "", "2003-09-01", ""], [number, "A001", "", "2001-09-01", ""]],
        "暂不交流": [[number, "患病", "2024-09-01", "", ""], [number, "重点项目", "2024-09-01", "", ""],
                     [number, "患病", "2024-09-01", "", ""]],
    })
    result = base_data_importer.run(path, user=city_user, commit=False)
    assert [(p.sheet, p.row, p.column, p.message) for p in result.problems] == [
        ("任职经历", 5, "起始时间", str(importers.MSG_DUPLICATE % {"row": 2})),
        ("暂不交流", 4, "起始时间", str(importers.MSG_DUPLICATE % {"row": 2}))]


def test_person_day_keys_tell_apart_code_and_day():
    keys = importers.PersonDayKeys()
    number = make_id_number(date(1980, 5, 6), "M")
    assert keys.setdefault((number, "A001", date(2001, 9, 1)), 2) == 2
    assert keys.setdefault((number, "A002", date(2001, 9, 1)), 3) == 3
    assert keys.setdefault((number, "A001", date(2001, 9, 2)), 4) == 4
    assert keys.setdefault((number, "A001", date(2001, 9, 1)), 5) == 2
    assert len(keys.rows) == 3


def test_a_columns_parsed_values_are_reused_by_value_and_type_and_errors_still_reach_every_row():
    from org.excel import CellError, Column, Problems, SheetSpec, cells, parse_sheet

    calls = []

    def shown(value):
        calls.append(value)
        if value == "坏":
            raise CellError("坏值")
        return f"{type(value).__name__}:{value}"

    spec = SheetSpec("表", (Column("姓名", "name", cells.text(64), required=True), Column("值", "value", shown)))
    rows = [["姓名", "值"], ["甲", 1], ["乙", 1.0], ["丙", True], ["丁", 1], ["戊", "坏"], ["己", "坏"]]
    problems = Problems()
    parsed = list(parse_sheet(spec, list(enumerate(rows, start=1)), problems))
    assert [row.values["value"] for row in parsed] == ["int:1", "float:1.0", "bool:True", "int:1"]
    assert [(p.row, p.column, p.message) for p in problems] == [(6, "值", "坏值"), (7, "值", "坏值")]
    assert calls == [1, 1.0, True, "坏"]  # each distinct (type, value) parsed once
