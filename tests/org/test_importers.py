"""The base-data workbook: create, update, unchanged; every problem located; all or nothing; scope."""

from datetime import date

import pytest

from org import idcard, importers, scope, sheets
from org.excel import cells
from org.excel.parse import MSG_REQUIRED
from org.importers import base_data_importer
from org.models import Region, School, Staff, WorkHistory
from tests.factories import StaffFactory, WorkHistoryFactory, make_id_number
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db

SCHOOL_ROW = ["A002", "咸安区第二小学", "421202", "小学", "乡村", "是"]


def run(path, user=None, commit=True):
    return base_data_importer.run(path, user=user, commit=commit)


def counts(result):
    return {sheet.name: (sheet.created, sheet.updated, sheet.unchanged) for sheet in result.sheets}


def located(result):
    return [(p.sheet, p.row, p.column) for p in result.problems]


def test_a_full_workbook_creates_everything_with_history(world, book, city_user):
    number = make_id_number(date(1980, 1, 2), "M")
    path = book({
        "区县": [["421299", "新区", "421200"]],
        "学校": [SCHOOL_ROW, ["N001", "新区小学", "421299", "初中", "城区", ""]],
        "教职工": [staff_row("丙老师", number, "A002", gender="男", birth="1980-01-02", post="校长",
                          现岗位起始时间="2019年9月", 是否班主任="是", 荣誉等级="市级")],
        "任职经历": [[number, "N001", "专任教师", "2005/9/1", "2019.08"]],
    })
    result = run(path, user=city_user)
    assert result.ok, result.problems.as_list()
    assert counts(result) == {"区县": (1, 0, 0), "学校": (2, 0, 0), "教职工": (1, 0, 0), "任职经历": (1, 0, 0)}
    staff = Staff.objects.get(id_number=number)
    assert (staff.school.code, staff.post, staff.is_head_teacher, staff.honour_level) == ("A002", "principal", True, 3)
    assert (staff.post_start, staff.work_start, staff.gender) == (date(2019, 9, 1), date(2009, 9, 1), "M")
    assert School.objects.get(code="N001").region.parent == world.city
    entry = WorkHistory.objects.get(staff=staff)
    assert (entry.school.code, entry.start, entry.end) == ("N001", date(2005, 9, 1), date(2019, 8, 31))  # month end
    assert staff.history.get().history_user == city_user
    assert School.objects.get(code="A002").history.get().history_type == "+"


def test_importing_the_same_file_twice_changes_nothing(world, book, county_user):
    path = book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002")]})
    assert counts(run(path, county_user)) == {"学校": (1, 0, 0), "教职工": (1, 0, 0)}
    history_rows = Staff.history.count() + School.history.count()
    second = run(path, county_user)
    assert counts(second) == {"学校": (0, 0, 1), "教职工": (0, 0, 1)}
    assert Staff.history.count() + School.history.count() == history_rows


def test_changed_rows_are_updated_with_a_preview_of_the_changes(world, book, county_user):
    staff = world.staff_a
    path = book({"教职工": [staff_row("甲老师改", staff.id_number, "A001", school_start="2015-09-01",
                                  任教学科="数学", 参加工作时间="2008-09-01")]})
    result = run(path, county_user)
    assert counts(result) == {"教职工": (0, 1, 0)}
    changes = result.sheets[0].preview["updated"][0]["changes"]
    assert ["姓名", "甲老师", "甲老师改"] in changes
    staff.refresh_from_db()
    assert staff.name == "甲老师改" and staff.history.first().history_user == county_user


def test_absent_columns_leave_fields_alone(world, book, county_user):
    staff = world.staff_a
    path = book({"教职工": [["姓名", "身份证号", "学校代码", "岗位"], ["甲老师", staff.id_number, "A001", "专任教师"]]},
                headers=False)
    assert counts(run(path, county_user)) == {"教职工": (0, 0, 1)}
    staff.refresh_from_db()
    assert staff.subject == "数学" and staff.school_start == date(2015, 9, 1)


def test_dry_run_writes_nothing(world, book, county_user):
    before = (Staff.objects.count(), School.objects.count(), Staff.history.count())
    result = run(book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002")]}), county_user, commit=False)
    assert result.ok and not result.committed and counts(result)["教职工"] == (1, 0, 0)
    assert (Staff.objects.count(), School.objects.count(), Staff.history.count()) == before


def test_one_bad_row_means_nothing_is_written(world, book, county_user):
    path = book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002"), staff_row("丁老师", school="Z999")]})
    result = run(path, county_user)
    assert not result.ok and not result.committed
    assert located(result) == [("教职工", 3, "学校代码")]
    assert not School.objects.filter(code="A002").exists()


def test_every_problem_is_reported_with_its_row_and_column(world, book, county_user):
    male = make_id_number(date(1990, 6, 1), "M")
    twice = make_id_number(date(1991, 1, 1), "F")
    path = book({
        "区县": [["421203", "无上级区", ""], ["421200", "咸宁市", ""], ["421298", "某区", "999999"]],
        "学校": [["A003", "新学校", "888888", "小学", "城区", ""], ["A004", "新学校", "421202", "大学", "郊区", ""]],
        "教职工": [
            staff_row("性别错", male, gender="女"),
            staff_row("生日错", make_id_number(date(1990, 6, 2), "M"), birth="1990-06-03"),
            staff_row("重复", twice), staff_row("重复", twice),
            staff_row("数字身份证", float(make_id_number()[:17] + "1")),
            staff_row("早于出生", make_id_number(date(1995, 1, 1), "F"), school_start="1990-01-01"),
            staff_row("", make_id_number(), school="", 岗位=""),
            staff_row("日期错", make_id_number(), school_start="2019-13-01"),
            staff_row("缺起始", make_id_number(), school_start=""),
        ],
        "任职经历": [[make_id_number(), "A001", "", "2001-09-01", ""], [world.staff_a.id_number, "A001", "", "2010-09-01",
                                                                        "2009-01-01"]],
        "暂不交流": [[make_id_number(), "患病", "2024-09-01", "", ""], [world.staff_a.id_number, "出国", "2024-09-01", "", ""]],
    })
    result = run(path, county_user)
    messages = {(p.sheet, p.row, p.column): p.message for p in result.problems}
    assert messages[("区县", 2, "上级代码")] == str(importers.MSG_PARENT_REQUIRED)
    assert messages[("区县", 3, "区县代码")] == str(importers.MSG_REGION_SCOPE % {"code": "421200"})
    assert messages[("区县", 4, "上级代码")] == str(importers.MSG_UNKNOWN_REGION % {"code": "999999"})
    assert messages[("学校", 2, "区县代码")] == str(importers.MSG_UNKNOWN_REGION % {"code": "888888"})
    assert ("学校", 3, "学段") in messages and ("学校", 3, "城乡类型") in messages
    assert messages[("教职工", 2, "性别")] == str(importers.MSG_GENDER % {"given": "女", "expected": "男"})
    assert messages[("教职工", 3, "出生日期")].startswith(str(importers.MSG_BIRTH % {
        "given": date(1990, 6, 3), "expected": date(1990, 6, 2)}))
    assert messages[("教职工", 5, "身份证号")] == str(importers.MSG_DUPLICATE % {"row": 4})
    assert messages[("教职工", 6, "身份证号")] == str(cells.MSG_ID_AS_NUMBER)
    assert messages[("教职工", 7, "现校起始时间")] == str(importers.MSG_SCHOOL_START)
    assert messages[("教职工", 8, "姓名")] == str(MSG_REQUIRED)
    assert messages[("教职工", 8, "学校代码")] == str(MSG_REQUIRED)
    assert messages[("教职工", 8, "岗位")] == str(MSG_REQUIRED)
    assert "2019-13-01" in messages[("教职工", 9, "现校起始时间")]
    assert messages[("教职工", 10, "现校起始时间")] == str(MSG_REQUIRED)
    assert messages[("任职经历", 2, "身份证号")].startswith(str(importers.MSG_UNKNOWN_STAFF % {"id": ""})[:2])
    assert messages[("任职经历", 3, "结束时间")] == str(importers.MSG_END_BEFORE_START)
    assert ("暂不交流", 2, "身份证号") in messages and ("暂不交流", 3, "类别") in messages
    assert len(result.problems) == len(messages) == 20
    assert Staff.objects.count() == 2


def test_unknown_staff_message_masks_the_id_number(world, book, county_user):
    number = make_id_number()
    result = run(book({"任职经历": [[number, "A001", "", "2001-09-01", ""]]}), county_user)
    assert result.problems.items[0].message == str(importers.MSG_UNKNOWN_STAFF % {"id": idcard.mask(number)})
    assert number not in result.problems.items[0].message


def test_reference_sheets_do_not_reveal_staff_of_other_counties(world, book, county_user):
    unknown, elsewhere = make_id_number(), world.staff_b.id_number
    result = run(book({"任职经历": [[unknown, "A001", "", "2001-09-01", ""], [elsewhere, "A001", "", "2001-09-01", ""]]}),
                 county_user)
    messages = [p.message for p in result.problems]
    assert messages == [str(importers.MSG_UNKNOWN_STAFF % {"id": idcard.mask(unknown)}),
                        str(importers.MSG_UNKNOWN_STAFF % {"id": idcard.mask(elsewhere)})]


def test_id_number_forms_lowercase_x_and_spaces_match_the_same_person(world, book, county_user):
    number = next(n for n in (make_id_number() for _ in range(200)) if n.endswith("X"))
    run(book({"教职工": [staff_row(id_number=number)]}), county_user)
    again = run(book({"教职工": [staff_row(id_number=" " + number.lower() + " ")]}), county_user)
    assert counts(again) == {"教职工": (0, 0, 1)}


# --- scope ---------------------------------------------------------------------------------------

def test_county_user_cannot_write_another_countys_school_and_the_error_names_the_row(world, book, county_user):
    path = book({"学校": [SCHOOL_ROW, ["B001", "嘉鱼实验小学改", "421221", "小学", "城区", ""],
                        ["B002", "嘉鱼新学校", "421221", "小学", "城区", ""]]})
    result = run(path, county_user)
    assert located(result) == [("学校", 3, "学校代码"), ("学校", 4, "学校代码")]
    assert result.problems.items[0].message == str(importers.MSG_SCHOOL_SCOPE % {"code": "B001"})
    assert not School.objects.filter(code__in=["A002", "B002"]).exists()
    assert School.objects.get(code="B001").name == "嘉鱼实验小学"


def test_county_user_cannot_change_or_take_another_countys_staff(world, book, county_user):
    path = book({"教职工": [
        staff_row("乙老师", world.staff_b.id_number, "B001"),
        staff_row("新人", make_id_number(), "B001"),
        staff_row("乙老师", world.staff_b.id_number, "A001", 姓名="乙老师"),
    ]})
    result = run(path, county_user)
    messages = {(p.row, p.column): p.message for p in result.problems}
    # another county's school answers like an unknown code (DESIGN: no telling which codes exist elsewhere)
    assert messages[(2, "学校代码")] == str(importers.MSG_UNKNOWN_SCHOOL % {"code": "B001"})
    assert messages[(3, "学校代码")] == str(importers.MSG_UNKNOWN_SCHOOL % {"code": "B001"})
    assert (4, "身份证号") in messages  # the duplicate of row 2
    world.staff_b.refresh_from_db()
    assert world.staff_b.school == world.school_b


def test_county_user_cannot_create_counties_but_city_user_can(world, book, county_user, city_user):
    path = book({"区县": [["421299", "新区", "421200"]]})
    assert located(run(path, county_user)) == [("区县", 2, "区县代码")]
    assert run(path, city_user).ok and Region.objects.filter(code="421299").exists()


def test_city_user_writes_every_county(world, book, city_user):
    path = book({"教职工": [staff_row("乙老师", world.staff_b.id_number, "A001", school_start="2020-09-01")]})
    assert counts(run(path, city_user)) == {"教职工": (0, 1, 0)}
    world.staff_b.refresh_from_db()
    assert world.staff_b.school == world.school_a


# --- work history and exemptions -----------------------------------------------------------------

def test_work_history_upserts_on_staff_school_and_start(world, book, county_user):
    entry = WorkHistoryFactory(staff=world.staff_a, school=world.school_b, start=date(2008, 9, 1), end=date(2015, 8, 31))
    path = book({"任职经历": [[world.staff_a.id_number, "B001", "专任教师", "2008-09-01", "2015-08-31"],
                          [world.staff_a.id_number, "B001", "中层干部", "2005-09-01", "2008-08-31"]]})
    assert counts(run(path, county_user)) == {"任职经历": (1, 0, 1)}
    path = book({"任职经历": [[world.staff_a.id_number, "B001", "中层干部", "2008-09-01", "2015-07-31"]]})
    assert counts(run(path, county_user)) == {"任职经历": (0, 1, 0)}
    entry.refresh_from_db()
    assert (entry.post, entry.end) == ("middle_cadre", date(2015, 7, 31))


def test_exemptions_are_checked_but_reported_as_not_stored_until_a_handler_registers(world, book, county_user,
                                                                                      monkeypatch):
    monkeypatch.delitem(sheets._SHEET_HANDLERS, sheets.EXEMPTION_SHEET, raising=False)  # rotation registers one
    path = book({"暂不交流": [[world.staff_a.id_number, "孕期哺乳期", "2024-09-01", "2025-08-31", "咸教〔2024〕1号"]]})
    result = run(path, county_user)
    sheet = result.sheets[0]
    assert result.ok and not sheet.stored
    assert sheet.note == str(importers.MSG_NOT_STORED % {"rows": 1})


def test_a_registered_sheet_handler_plans_and_persists_exemptions(world, book, county_user, monkeypatch):
    stored = []

    class Handler:
        def plan(self, rows, context, result, problems):
            for row in rows:
                result.record("created", {"row": row.row, "label": row.values["kind"], "changes": []})
            return [(context.plan.staff_ids.get(row.values["id_number"].number), row.values) for row in rows]

        def persist(self, planned, context):
            stored.extend((context.plan.staff_ids[values["id_number"].number], values["kind"]) for _pk, values in planned)

    monkeypatch.setitem(sheets._SHEET_HANDLERS, sheets.EXEMPTION_SHEET, Handler())
    number = make_id_number()
    path = book({"教职工": [staff_row(id_number=number)], "暂不交流": [[number, "患病", "2024-09-01", "", ""]]})
    result = run(path, county_user)
    assert counts(result)["暂不交流"] == (1, 0, 0) and result.sheets[-1].stored
    assert stored == [(Staff.objects.get(id_number=number).pk, "illness")]


# --- round trip and query counts -----------------------------------------------------------------

def test_export_then_import_changes_nothing(world, book, city_user, tmp_path):
    StaffFactory(school=world.school_a, subject="=HYPERLINK(1)", school_start=None, post=Staff.Post.PRINCIPAL,
                 post_start=date(2019, 9, 1), status=Staff.Status.RETIRED, is_head_teacher=True)
    WorkHistoryFactory(staff=world.staff_a, school=world.school_b, post="")
    path = tmp_path / "export.xlsx"
    base_data_importer.export(path, user=city_user)
    result = run(path, city_user)
    assert result.ok, result.problems.as_list()
    assert counts(result) == {"区县": (0, 0, 2), "学校": (0, 0, 2), "教职工": (0, 0, 3), "任职经历": (0, 0, 1),
                              "暂不交流": (0, 0, 0)}


def test_import_queries_do_not_grow_with_rows(world, book, county_user, django_assert_max_num_queries):
    few = book({"教职工": [staff_row(id_number=make_id_number()) for _ in range(3)]})
    many = book({"教职工": [staff_row(id_number=make_id_number()) for _ in range(60)]})
    scope.scope_for(county_user)  # computed once per user object; not part of the import
    with django_assert_max_num_queries(8) as few_queries:
        run(few, county_user)
    with django_assert_max_num_queries(8) as many_queries:
        run(many, county_user)
    # One query per table, and bulk inserts (SQLite splits the history insert at its 999-parameter limit).
    assert len(many_queries.captured_queries) <= len(few_queries.captured_queries) + 1


def test_large_creates_write_rows_and_history_alike_on_every_database(world, book, county_user, monkeypatch):
    """On PostgreSQL, creates above services.basedata.COPY_THRESHOLD go through COPY; the result must be identical."""
    from org import services

    monkeypatch.setattr(services.basedata, "COPY_THRESHOLD", 1)
    numbers = [make_id_number() for _ in range(3)]
    result = run(book({"教职工": [staff_row(f"人{i}", number) for i, number in enumerate(numbers)]}), county_user)
    assert counts(result) == {"教职工": (3, 0, 0)}
    for number in numbers:
        staff = Staff.objects.get(id_number=number)
        record = staff.history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == ("+", county_user, "Excel import")
        assert (record.name, record.school_id, record.school_start) == (staff.name, world.school_a.pk, date(2016, 9, 1))
    again = run(book({"教职工": [staff_row(f"人{i}", number) for i, number in enumerate(numbers)]}), county_user)
    assert counts(again) == {"教职工": (0, 0, 3)}
    StaffFactory(school=world.school_a)  # the sequence moved past the COPY'd ids


def test_the_downloaded_template_imports_cleanly_and_changes_nothing(world, tmp_path, city_user):
    from org.excel import write_template

    path = tmp_path / "template.xlsx"
    write_template(path, sheets.BASE_DATA_SPEC)
    result = run(path, city_user)
    assert result.ok and all((s.created, s.updated, s.unchanged) == (0, 0, 0) for s in result.sheets)
