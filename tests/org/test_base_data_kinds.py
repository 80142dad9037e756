"""Each kind of fault real rosters show (issue 10), from small workbooks built here: the engine handles
the kind, not one file. The handed files themselves are in test_field_cases.py."""

import time
from datetime import date

import openpyxl
import pytest

from org import idcard, importers, sheets
from org.excel import Column, Problems, SheetSpec, cells, open_workbook, parse_sheet
from org.excel import parse as parse_module
from org.excel import reader as reader_module
from org.importers import base_data_importer
from org.models import Region, School, Staff, WorkHistory
from tests.factories import UserFactory, make_id_number
from tests.org.conftest import HEADERS, staff_row

pytestmark = pytest.mark.django_db


def run(path, user=None, commit=True):
    return base_data_importer.run(path, user=user, commit=commit)


def located(result):
    return [(p.sheet, p.row, p.column) for p in result.problems]


def messages(result):
    return [p.message for p in result.problems]


def save(book, path):
    book.save(path)
    return path


def sheet_with(tmp_path, rows, *, title="教职工", name="a.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    return book, sheet, tmp_path / name


# --- 1. a first import on an empty system ------------------------------------------------------

def test_an_empty_system_takes_city_counties_schools_staff_history_and_exemptions_in_one_go(tmp_path):
    from rotation.models import Exemption

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    teacher, principal = make_id_number(date(1985, 5, 20), "F"), make_id_number(date(1975, 1, 2), "M")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in {
        "区县": [["421202", "咸安区", "421200"], ["421200", "咸宁市", ""], ["421221", "嘉鱼县", "421200"]],
        "学校": [["4212020001", "咸安实验小学", "421202", "小学", "城区", "否"],
                 ["4212210001", "嘉鱼乡村小学", "421221", "小学", "乡村", "是"]],
        "教职工": [staff_row("林晓燕", teacher, "4212020001"),
                   staff_row("周建国", principal, "4212210001", post="校长", 现岗位起始时间="2018.09")],
        "任职经历": [[teacher, "4212210001", "专任教师", "2010.09", "2016.08"]],
        "暂不交流": [[teacher, "孕期哺乳期", "2025-03-01", "2026.02", "咸教发〔2025〕1号"]],
    }.items():
        sheet = book.create_sheet(title)
        sheet.append(HEADERS[title])
        for row in rows:
            sheet.append(row)
    result = run(save(book, tmp_path / "new.xlsx"), admin)
    assert result.ok and result.committed, result.problems.as_list()
    city = Region.objects.get(code="421200")
    assert (city.level, city.parent) == (Region.Level.CITY, None)
    assert set(Region.objects.filter(parent=city).values_list("code", "level")) == {
        ("421202", Region.Level.COUNTY), ("421221", Region.Level.COUNTY)}
    assert School.objects.count() == 2 and Staff.objects.count() == 2
    assert WorkHistory.objects.get().end == date(2016, 8, 31)
    assert Exemption.objects.get().end == date(2026, 2, 28)


def test_a_province_heads_its_cities_by_their_codes(tmp_path):
    admin = UserFactory(is_superuser=True)
    book, sheet, path = sheet_with(tmp_path, [HEADERS["区县"], ["421200", "咸宁市", "420000"], ["420000", "湖北省", ""]],
                                   title="区县")
    assert run(save(book, path), admin).ok
    assert Region.objects.get(code="420000").level == Region.Level.PROVINCE
    assert Region.objects.get(code="421200").parent.code == "420000"


def test_a_county_user_cannot_create_a_top_region(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["区县"], ["430000", "湖南省", ""]], title="区县")
    result = run(save(book, path), county_user)
    assert messages(result) == [str(importers.MSG_REGION_SCOPE % {"code": "430000"})]


def test_a_reference_to_a_row_with_its_own_problems_says_see_that_row(tmp_path):
    admin = UserFactory(is_superuser=True)
    book = openpyxl.Workbook()
    book.remove(book.active)
    regions = book.create_sheet("区县")
    regions.append(HEADERS["区县"])
    regions.append(["421200", "咸宁市", ""])
    regions.append(["421202", "", "421200"])  # no name: this row has a problem of its own
    schools = book.create_sheet("学校")
    schools.append(HEADERS["学校"])
    for index in range(3):
        schools.append([f"S00{index}", f"学校{index}", "421202", "小学", "城区", ""])
    staff = book.create_sheet("教职工")
    staff.append(HEADERS["教职工"])
    staff.append(staff_row(school="S000"))
    result = run(save(book, tmp_path / "a.xlsx"), admin)
    assert located(result)[0] == ("区县", 3, "区县名称")
    school_messages = [p.message for p in result.problems if p.sheet == "学校"]
    assert len(school_messages) == 3
    assert all("区县" in m and "3" in m and "421202" in m for m in school_messages)
    staff_messages = [p.message for p in result.problems if p.sheet == "教职工"]
    assert staff_messages == [str(parse_module.MSG_SEE_ROW % {"value": "S000", "row": 2, "sheet": "学校"})]


def test_a_region_level_follows_from_its_code():
    assert importers.region_level("420000") == Region.Level.PROVINCE
    assert importers.region_level("421200") == Region.Level.CITY
    assert importers.region_level("421202") == Region.Level.COUNTY


# --- 2. dates as periods -----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("2016.08", date(2016, 8, 31)), ("2016年2月", date(2016, 2, 29)), ("2015-02", date(2015, 2, 28)),
    (2016.08, date(2016, 8, 31)), (2019.9, date(2019, 9, 30)), ("2016-08-15", date(2016, 8, 15)),
    ("至今", None), ("今", None), ("现在", None), (" 至 今 ", None),
])
def test_an_end_date_given_to_the_month_is_the_months_last_day(value, expected):
    assert cells.end_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (2019.9, date(2019, 9, 1)), (2019.09, date(2019, 9, 1)), (2019.12, date(2019, 12, 1)),
    ("43709", date(2019, 9, 1)), ("2019年9月1号", date(2019, 9, 1)), ("2019年9月", date(2019, 9, 1)),
])
def test_every_date_form_clerks_type_is_read(value, expected):
    assert cells.start_date(value) == expected
    assert type(cells.start_date(value)) is date


def test_only_truly_ambiguous_dates_are_refused_with_the_reason():
    with pytest.raises(cells.CellError) as error:
        cells.date_value(2019.1)  # January, or October typed as 2019.10
    assert error.value.message == str(cells.MSG_DATE_AMBIGUOUS % {"value": "2019.1"})


def test_a_birth_month_agrees_with_the_id_when_the_month_agrees(world, book, county_user):
    number = make_id_number(date(1989, 3, 15), "M")
    other = make_id_number(date(1989, 4, 15), "M")
    path = book({"教职工": [staff_row("甲", number, birth="1989.03"), staff_row("乙", other, birth="1989.03")]})
    result = run(path, county_user, commit=False)
    assert located(result) == [("教职工", 3, "出生日期")]


def test_a_stint_ending_the_day_before_a_start_counts_full_years_inclusively():
    from rotation.rules import served_years

    assert served_years(date(2013, 9, 1), cells.end_date("2016.08")) == 3


# --- 3. never crash, never run away ------------------------------------------------------------

def test_a_stray_cell_at_the_last_row_and_column_costs_one_row(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("甲", school="A001")])
    sheet["XFD1048576"] = " "
    sheet["XFD1048575"].number_format = "@"
    started = time.monotonic()
    result = run(save(book, path), county_user)
    assert time.monotonic() - started < 3
    assert result.ok and Staff.objects.filter(name="甲").exists()


def test_a_formula_filled_down_to_the_last_row_is_not_data(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("甲", school="A001")])
    for row in range(3, 3000):
        sheet.cell(row=row, column=20).value = ""  # what =IF(A3="","",...) filled down leaves: empty text
    result = run(save(book, path), county_user)
    assert result.ok and result.rows == 1


def test_a_value_in_the_very_last_cell_is_read_without_allocating_the_used_range(tmp_path):
    book, sheet, path = sheet_with(tmp_path, [["学校代码", "名称"]])
    sheet["XFD1048576"] = "x"
    with open_workbook(save(book, path)) as opened:
        rows = list(opened.rows("教职工"))
    assert [number for number, _row in rows] == [1, 1048576] and rows[1][1][16383] == "x"


# --- 4. no silent choices ----------------------------------------------------------------------

def test_two_visible_candidate_sheets_are_refused_by_name(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("甲", school="A001")])
    other = book.create_sheet("教职工花名册")
    other.append(HEADERS["教职工"])
    other.append(staff_row("乙", school="A001"))
    result = run(save(book, path), county_user)
    assert not result.ok and "“教职工”" in messages(result)[0] and "“教职工花名册”" in messages(result)[0]
    assert not Staff.objects.filter(name__in=["甲", "乙"]).exists()


def test_a_hidden_candidate_sheet_loses_and_the_result_says_so(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("旧", school="A001")], title="教职工")
    sheet.sheet_state = "hidden"
    fresh = book.create_sheet("Sheet2")
    fresh.append(HEADERS["教职工"])
    fresh.append(staff_row("新", school="A001"))
    result = run(save(book, path), county_user)
    assert result.ok and Staff.objects.filter(name="新").exists() and not Staff.objects.filter(name="旧").exists()
    assert "Sheet2" in result.sheets[0].note and "教职工" in result.sheets[0].note


def test_two_columns_for_one_field_are_refused_unless_one_is_hidden(world, tmp_path, county_user):
    headers = [*HEADERS["教职工"], "公民身份号码"]
    row = [*staff_row("甲", school="A001"), make_id_number(date(1970, 1, 1), "M")]
    book, sheet, path = sheet_with(tmp_path, [headers, row])
    result = run(save(book, path), county_user, commit=False)
    assert located(result) == [("教职工", None, "身份证号")] and "O（公民身份号码）" in messages(result)[0]
    sheet.column_dimensions["O"].hidden = True
    result = run(save(book, path), county_user)
    assert result.ok and "O" in result.sheets[0].note
    assert Staff.objects.filter(name="甲", id_number=row[1]).exists()


def test_a_workbook_with_no_recognised_sheet_is_refused_naming_what_it_found(tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [["名称", "地址"], ["x", "y"]], title="通讯录")
    result = run(save(book, path), county_user)
    assert not result.ok and result.rows == 0
    assert "“通讯录”" in messages(result)[0] and "教职工" in messages(result)[0]


def test_rows_hidden_by_a_filter_are_imported_with_a_warning_that_counts_them(world, tmp_path, county_user):
    rows = [HEADERS["教职工"]] + [staff_row(f"师{i}", make_id_number(date(1980, 1, i + 1), "M"), "A001")
                                  for i in range(4)]
    book, sheet, path = sheet_with(tmp_path, rows)
    sheet.row_dimensions[3].hidden = sheet.row_dimensions[4].hidden = True
    result = run(save(book, path), county_user)
    assert result.ok and result.sheets[0].created == 4
    assert "2" in result.sheets[0].note


# --- 5. the layouts clerks use -----------------------------------------------------------------

def test_title_rows_totals_signatures_template_rows_and_a_second_header_block(world, tmp_path, county_user):
    header = ["序号", *HEADERS["教职工"]]
    first, second = make_id_number(date(1980, 1, 1), "M"), make_id_number(date(1981, 1, 1), "F")
    template_row = [3, *["" if h not in ("在职状态", "是否班主任") else ("在职" if h == "在职状态" else "否")
                         for h in HEADERS["教职工"]]]
    book, sheet, path = sheet_with(tmp_path, [
        ["咸安区教职工花名册（2026年）"], ["填报单位：咸安实验小学"], header,
        [1, *staff_row("甲", first, "A001")], template_row, ["合计", "1人"],
        ["咸安区教职工花名册（续）"], header, [2, *staff_row("乙", second, "A001")],
        ["制表人：王五", "", "审核人：赵六"], ["注：本表由学校填报"],
    ])
    result = run(save(book, path), county_user)
    assert result.ok, result.problems.as_list()
    assert set(Staff.objects.filter(id_number__in=[first, second]).values_list("name", flat=True)) == {"甲", "乙"}


def test_a_missing_required_column_is_one_sheet_message_naming_the_unrecognised_headers(world, tmp_path,
                                                                                        county_user):
    headers = [h if h != "学校代码" else "所在学校" for h in HEADERS["教职工"]]
    rows = [headers] + [staff_row(f"师{i}", school="A001") for i in range(5)]
    book, sheet, path = sheet_with(tmp_path, rows)
    result = run(save(book, path), county_user)
    assert located(result) == [("教职工", None, "学校代码")]
    assert "所在学校" in messages(result)[0]


def test_header_synonyms_are_recognised():
    spec = sheets.STAFF_SPEC
    rows = [(1, ["教师姓名", "公民身份号码", "出生年月", "学校编码", "岗位类别", "调入本校时间"]),
            (2, ["甲", make_id_number(date(1980, 5, 1), "M"), "1980.05", "A001", "专任教师", "2015.09"])]
    problems = Problems()
    parsed = list(parse_sheet(spec, rows, problems))
    assert not problems and parsed[0].values["school_start"] == date(2015, 9, 1)


def test_cells_merged_down_read_as_the_value_shown(tmp_path):
    book, sheet, path = sheet_with(tmp_path, [["学校代码", "名称"], ["A001", "甲"], [None, "乙"], [None, "丙"]])
    sheet.merge_cells("A2:A4")
    with open_workbook(save(book, path)) as opened:
        assert [row[0] for _n, row in opened.rows("教职工")] == ["学校代码", "A001", "A001", "A001"]


# --- 6. ID numbers damaged by Excel or by copying ----------------------------------------------

ID = idcard.make("421202", date(1985, 5, 20), 7, "M")


@pytest.mark.parametrize("typed", [f"'{ID}", f"\u200b{ID}", f"\ufeff{ID}", f"\xa0{ID}\xa0", f"{ID}\u3000", f"{ID}\t"])
def test_apostrophes_and_invisible_characters_are_stripped_from_ids(typed):
    assert cells.id_number(typed).number == ID


def test_codes_lose_apostrophes_and_invisible_characters():
    assert cells.code()("'4212020001\u200b") == "4212020001"


@pytest.mark.parametrize(("typed", "message"), [
    ("4.21202E+17", cells.MSG_ID_SCIENTIFIC), ("4.21202198505201E+17", cells.MSG_ID_SCIENTIFIC),
    ("421202850520071", cells.MSG_ID_OLD),
])
def test_scientific_notation_and_old_ids_are_refused_saying_why(typed, message):
    with pytest.raises(cells.CellError) as error:
        cells.id_number(typed)
    assert error.value.message == str(message % {"value": typed})


def test_an_id_whose_end_excel_zeroed_is_refused_even_when_the_check_digit_passes():
    first17 = "42120219780312700"
    zeroed = first17 + idcard.check_char(first17)
    assert zeroed.endswith("000")
    with pytest.raises(cells.CellError) as error:
        cells.id_number(zeroed)
    assert "Excel" in error.value.message


def test_generated_ids_never_end_in_000():
    assert not any(idcard.make("421202", date(1980, 1, 1), n, g).endswith("000") for n in range(200) for g in "MF")


# --- 7. messages that name the real cause ------------------------------------------------------

def test_formula_errors_and_uncalculated_formulas_name_their_cause(world, tmp_path, county_user):
    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("甲", school="A001"),
                                              staff_row("乙", school="A001")])
    sheet["E2"] = "=VLOOKUP(A2,学校!A:B,2,0)"  # written by a program: no cached value
    sheet["E3"] = "#N/A"
    result = run(save(book, path), county_user)
    assert located(result) == [("教职工", 2, "学校代码"), ("教职工", 3, "学校代码")]
    assert messages(result) == [str(cells.MSG_FORMULA_WITHOUT_VALUE), str(cells.MSG_FORMULA_ERROR % {"error": "#N/A"})]


def test_problems_carry_the_sheets_name_as_in_the_file_and_the_error_workbook_marks_them(world, tmp_path,
                                                                                        county_user):
    from org.excel import write_error_workbook

    book, sheet, path = sheet_with(tmp_path, [HEADERS["教职工"], staff_row("甲", school="Z999")], title="教职工(2026)")
    result = run(save(book, path), county_user)
    assert located(result) == [("教职工(2026)", 2, "学校代码")]
    target = tmp_path / "errors.xlsx"
    with open_workbook(path) as opened:
        write_error_workbook(target, opened, base_data_importer.spec, result.problems)
    marked = openpyxl.load_workbook(target)["教职工(2026)"]
    assert "学校代码" in marked.cell(row=2, column=marked.max_column).value


def test_a_password_protected_file_is_refused_as_such(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(reader_module.OLE_MAGIC + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le"))
    result = run(path)
    assert messages(result) == [str(reader_module.MSG_PASSWORD)]


# --- 8. Chinese text kept right ----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "kept"), [
    ("董\u3000明", "董明"), ("董 明", "董明"), ("咸安区\n实验小学", "咸安区实验小学"), ("Li\nMing", "Li Ming"),
    ("Anna \u3000 Li", "Anna Li"), ("王\r\n小明", "王小明"), ("  张三  ", "张三"),
])
def test_chinese_text_loses_padding_and_line_breaks(typed, kept):
    assert cells.text()(typed) == kept


# --- 9. more formats ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_is_read_as_one_sheet_recognised_by_its_headers(world, tmp_path, county_user, encoding):
    number = make_id_number(date(1982, 2, 2), "F")
    lines = [",".join(HEADERS["教职工"]), ",".join(str(v) for v in staff_row("欧阳", number, "A001"))]
    path = tmp_path / "roster.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    result = run(path, county_user)
    assert result.ok, result.problems.as_list()
    assert Staff.objects.get(id_number=number).name == "欧阳"


def test_a_file_that_is_no_workbook_names_the_formats_read(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4\x00\x01\x02")
    assert messages(run(path)) == [str(reader_module.MSG_NOT_XLSX)]


def test_the_engine_parses_a_generic_spec_through_csv(tmp_path):
    spec = SheetSpec("名册", (Column("代码", "code", cells.code(), required=True), Column("名称", "name")))
    path = tmp_path / "a.csv"
    path.write_text("代码\t名称\n'A1\t甲\n", encoding="gb18030")
    with open_workbook(path) as opened:
        rows = list(parse_sheet(spec, opened.rows(opened.sheet_names[0]), Problems()))
    assert [row.values for row in rows] == [{"code": "A1", "name": "甲"}]


def test_the_fast_and_the_streaming_reader_give_the_same_rows(tmp_path):
    book, sheet, path = sheet_with(tmp_path, [["标题"], ["学校代码", "日期", "数"], ["A001", date(2020, 1, 2), 3],
                                              [None, None, None], ["  ", "B", True]])
    sheet.merge_cells("A3:A4")
    save(book, path)
    with open_workbook(path) as fast, open_workbook(path, reader="stream") as streamed:
        fast_rows = list(fast.rows("教职工"))
        assert fast.last_reader == "calamine"
        assert fast_rows == list(streamed.rows("教职工"))


def test_a_sparse_sheet_never_reaches_the_fast_reader(tmp_path):
    book, sheet, path = sheet_with(tmp_path, [["学校代码"], ["A001"]])
    sheet["A900000"] = "x"
    with open_workbook(save(book, path)) as opened:
        assert [n for n, _row in opened.rows("教职工")] == [1, 2, 900000] and opened.last_reader == "stream"


@pytest.mark.parametrize("damage", [
    (b'<c r="A2" t="inlineStr"><is><t>A001</t></is></c>', b'<c r="A2" t="s"><v>999</v></c>'),  # no such string
    (b"</sheetData>", b""),  # XML cut short
    (b'<row r="2"', b'<row r="x2"'),  # a row number that is no number
])
def test_a_damaged_sheet_is_refused_as_damaged_never_a_crash(tmp_path, damage):
    import zipfile

    book, sheet, path = sheet_with(tmp_path, [["学校代码", "名称"], ["A001", "甲"]])
    sheet["D900000"] = " "  # sparse: the streaming reader reads it
    save(book, path)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert damage[0] in data
                data = data.replace(*damage)
            target.writestr(info, data)
    with pytest.raises(reader_module.ExcelFileError) as error, open_workbook(damaged) as opened:
        list(opened.rows("教职工"))
    assert error.value.message == str(reader_module.MSG_MALFORMED)


def test_a_csv_uploaded_through_the_page_is_checked_like_a_workbook(world, county_user, client,
                                                                      django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from org.models import ImportJob

    lines = [",".join(HEADERS["教职工"]), ",".join(str(v) for v in staff_row("欧阳", school="A001"))]
    client.force_login(county_user)
    upload = SimpleUploadedFile("名册.csv", "\r\n".join(lines).encode("gb18030"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org:import-index"), {"kind": "base_data", "file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.VALIDATED and job.error_count == 0, job.errors
