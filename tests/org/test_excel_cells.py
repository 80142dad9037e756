"""The engine's cell parsers and header matching: every real-world cell form, no database."""

from datetime import date, datetime

import pytest

from org import idcard
from org.excel import Column, Problems, SheetSpec, cells, match_sheet_name, normalise_header, parse_sheet
from org.excel.cells import CellError

ID = idcard.make("421202", date(1985, 5, 20), 7, "M")


@pytest.mark.parametrize("value", [
    date(2019, 9, 1), datetime(2019, 9, 1, 0, 0), "2019-09-01", "2019/9/1", "2019.9.1", "2019.09", "2019年9月1日",
    "2019年9月", "2019年09月01日", " 2019-09-01 ", "２０１９－０９－０１", "2019-09-01 00:00:00", "20190901", "201909",
    20190901, 201909.0, 2019.09, 43709, 43709.0, "2019-9", "2019/09", "2019 年 9 月",
])
def test_every_date_form_reads_as_the_first_of_september(value):
    assert cells.date_value(value) == date(2019, 9, 1)


def test_month_only_dates_are_the_first_of_the_month():
    assert cells.date_value("2019.12") == date(2019, 12, 1)
    assert cells.date_value(2019.11) == date(2019, 11, 1)


@pytest.mark.parametrize("value", ["2019-13-01", "2019-02-30", "abc", "19-09-01", "1850-01-01", 2019.1, 2019.0])
def test_bad_dates_are_refused_with_a_message(value):
    with pytest.raises(CellError) as error:
        cells.date_value(value)
    assert error.value.message


def test_ambiguous_numeric_month_says_why():
    with pytest.raises(CellError) as error:
        cells.date_value(2019.1)
    assert "2019.10" in error.value.message


def test_numbers_stored_as_text_and_full_width_digits():
    assert cells.integer()("１２") == 12
    assert cells.integer()(" 12 ") == 12
    assert cells.integer()(12.0) == 12
    assert cells.code()(1001.0) == "1001"
    assert cells.code(digits=6)("４２１２０２") == "421202"
    assert cells.code()(" a 001 ") == "A001"
    with pytest.raises(CellError):
        cells.integer(0, 10)("11")
    with pytest.raises(CellError):
        cells.integer()("1.5")
    with pytest.raises(CellError):
        cells.code(digits=6)("42120")


def test_text_trims_stray_spaces_and_undoes_export_neutralisation():
    assert cells.text()("  张\u3000三  ") == "张三"  # a full-width space inside a Chinese name is padding
    assert cells.text()("'=1+1") == "=1+1"
    with pytest.raises(CellError):
        cells.text(max_length=2)("张三丰")


@pytest.mark.parametrize(("value", "expected"), [("是", True), ("否", False), (" 是 ", True), ("Y", True), ("n", False),
                                                 (True, True), (1.0, True), (0, False), ("√", True)])
def test_booleans(value, expected):
    assert cells.boolean(value) is expected


def test_boolean_refuses_other_words():
    with pytest.raises(CellError) as error:
        cells.boolean("也许")
    assert "也许" in error.value.message


def test_choice_maps_labels_to_values_and_lists_allowed_values():
    parse = cells.choice({"城区": "urban", "乡村": "rural"})
    assert parse(" 城区 ") == "urban"
    assert parse("rural") == "rural"
    assert parse.allowed == ("城区", "乡村")
    with pytest.raises(CellError) as error:
        parse("郊区")
    assert "城区、乡村" in error.value.message


def test_id_numbers_lowercase_x_spaces_and_full_width():
    number = next(idcard.make("421202", date(1985, 5, 20), n, "F") for n in range(100)
                  if idcard.make("421202", date(1985, 5, 20), n, "F").endswith("X"))
    assert cells.id_number(number.lower()).number == number
    assert cells.id_number(" " + number[:6] + " " + number[6:]).number == number
    assert cells.id_number(number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))).number == number
    info = cells.id_number(ID)
    assert (info.birth_date, info.gender) == (date(1985, 5, 20), "M")


@pytest.mark.parametrize("value", [float(ID[:17] + "0"), int(ID[:17] + "0")])
def test_id_number_stored_as_a_number_is_refused_with_the_reason(value):
    with pytest.raises(CellError) as error:
        cells.id_number(value)
    assert error.value.message == str(cells.MSG_ID_AS_NUMBER)


@pytest.mark.parametrize("value", [ID[:-1], ID[:-1] + ("0" if ID[-1] != "0" else "1"), "42120219851320123X"])
def test_invalid_id_numbers_are_refused(value):
    with pytest.raises(CellError):
        cells.id_number(value)


@pytest.mark.parametrize("header", ["身份证号", " 身份证号 ", "身份证号*", "*身份证号", "身份证号（必填）", "身份证号(18位)", "身 份 证 号", "身份证号：", "【身份证号】"])
def test_header_leniency(header):
    assert normalise_header(header) == "身份证号"


SPEC = SheetSpec("教职工", (
    Column("姓名", "name", cells.text(64), required=True),
    Column("身份证号", "id", cells.id_number, required=True, aliases=("身份证号码",)),
    Column("出生日期", "birth", cells.date_value),
    Column("是否班主任", "head", cells.boolean),
))


def _parse(rows):
    problems = Problems()
    parsed = list(parse_sheet(SPEC, list(enumerate(rows, start=1)), problems))
    return parsed, problems


def test_column_order_extra_columns_title_row_and_blank_rows():
    parsed, problems = _parse([
        ["2024年教职工名册", "", ""],
        ["备注", "是否班主任", "身份证号码 *", " 姓 名 "],
        ["x", "是", ID, "张三"],
        ["", "", "", ""],
        ["y", "", ID.lower(), "李四"],
    ])
    assert not problems
    assert [(row.row, row.values["name"], row.values["head"]) for row in parsed] == [(3, "张三", True), (5, "李四", None)]
    assert "birth" not in parsed[0].values  # an absent column is absent, so updates leave it alone


def test_every_cell_problem_is_reported_with_row_and_column():
    parsed, problems = _parse([
        ["姓名", "身份证号", "出生日期", "是否班主任"],
        ["", ID, "2019-13-01", "也许"],
        ["王五", float(ID[:17] + "0"), "", ""],
        ["赵六", ID, "1985-05-20", "否"],
    ])
    assert [row.row for row in parsed] == [4]
    located = [(p.sheet, p.row, p.column) for p in problems]
    assert located == [("教职工", 2, "姓名"), ("教职工", 2, "出生日期"), ("教职工", 2, "是否班主任"), ("教职工", 3, "身份证号")]


def test_missing_required_column_and_missing_header_are_sheet_problems():
    _parsed, problems = _parse([["姓名", "出生日期"], ["张三", "2019-01-01"]])
    assert [(p.row, p.column) for p in problems] == [(None, "身份证号")]
    _parsed, problems = _parse([["a", "b"], ["c", "d"]])
    assert len(problems) == 1 and problems.items[0].row is None


def test_problem_list_is_capped_but_counted():
    problems = Problems(limit=3)
    for row in range(10):
        problems.add("s", row, "c", "m")
    assert len(problems) == 10 and problems.truncated and len(problems.as_list()) == 4


def test_sheet_names_match_leniently():
    assert match_sheet_name(SPEC, ["学校", " 教职工 ", "x"]) == " 教职工 "
    assert match_sheet_name(SPEC, ["学校"]) is None
