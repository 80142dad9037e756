"""The 暂不交流 sheet of the base-data workbook is stored as approved exemptions; re-importing changes nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from org.excel import get_importer
from org.importers import base_data_importer
from org.models import School
from rotation import rules, selectors
from rotation.importers import ROSTER_SPEC, roster_importer
from rotation.models import Assignment, Exemption
from tests.factories import SchoolFactory, StaffFactory, make_id_number
from tests.org.conftest import staff_row, write_book
from tests.rotation.conftest import AS_OF
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(tmp_path):
    counter = iter(range(100))
    return lambda sheets: write_book(tmp_path / f"b{next(counter)}.xlsx", sheets)


def counts(result):
    return {sheet.name: (sheet.created, sheet.updated, sheet.unchanged) for sheet in result.sheets}


def test_exemption_sheet_is_stored_as_approved_and_feeds_the_engine(world, book, county_user):
    woman = StaffFactory(name="甲老师", school=world.school_a, sex="F")  # 孕期哺乳期 is for women
    path = book({"暂不交流": [[woman.id_number, "孕期哺乳期", "2026-03-01", "2027-02-28", "咸教〔2026〕1号"]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert result.ok and result.committed and counts(result) == {"暂不交流": (1, 0, 0)}
    exemption = Exemption.objects.get()
    assert (exemption.kind, exemption.state, exemption.document_no, exemption.end) == (
        "EX_PREGNANCY_NURSING", "approved", "咸教〔2026〕1号", dt.date(2027, 2, 28))
    assert exemption.history.latest().history_user == county_user and exemption.decided_by == county_user
    decision = selectors.staff_decision(woman, AS_OF)
    assert decision.status == rules.EXEMPT and decision.codes[0] == rules.EX_PREGNANCY_NURSING
    again = base_data_importer.run(path, user=county_user, commit=True)
    assert counts(again) == {"暂不交流": (0, 0, 1)} and Exemption.objects.count() == 1


def test_changed_end_date_updates_the_row(world, book, county_user):
    base_data_importer.run(book({"暂不交流": [[world.staff_a.id_number, "患病", "2026-03-01", "", ""]]}),
                           user=county_user, commit=True)
    result = base_data_importer.run(book({"暂不交流": [[world.staff_a.id_number, "患病", "2026-03-01", "2026-12-31", ""]]}),
                                    user=county_user, commit=True)
    assert counts(result) == {"暂不交流": (0, 1, 0)}
    assert Exemption.objects.get().end == dt.date(2026, 12, 31)


def test_new_staff_and_their_exemption_in_one_file(world, book, county_user):
    number = make_id_number()
    path = book({"教职工": [staff_row(id_number=number)], "暂不交流": [[number, "重点项目", "2026-01-01", "", ""]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert result.ok and Exemption.objects.get().staff.id_number == number


def test_out_of_scope_staff_is_refused_and_nothing_stored(world, book, county_user):
    path = book({"暂不交流": [[world.staff_b.id_number, "患病", "2026-03-01", "", ""]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert not result.ok and not Exemption.objects.exists()


def test_preview_stores_nothing(world, book, county_user):
    path = book({"暂不交流": [[world.staff_a.id_number, "患病", "2026-03-01", "", ""]]})
    result = base_data_importer.run(path, user=county_user, commit=False)
    assert counts(result) == {"暂不交流": (1, 0, 0)} and not Exemption.objects.exists()


# --- the rotation roster workbook ---------------------------------------------------------------



@pytest.fixture
def roster_book(tmp_path):
    counter = iter(range(100))

    def make(rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "交流名册"
        sheet.append(ROSTER_SPEC.headers)
        for row in rows:
            values = {"计划结束时间": "2027-08-24", "起始时间": "2026/8/25", "交流形式": "支教", **row}
            sheet.append([values.get(header, "") for header in ROSTER_SPEC.headers])
        path = tmp_path / f"r{next(counter)}.xlsx"
        book.save(path)
        return path

    return make


@pytest.fixture
def rural(world):
    return SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)


def test_roster_importer_is_registered():
    assert get_importer("rotation_roster") is roster_importer


def test_roster_import_creates_planned_assignments_once(world, county_user, roster_book, rural):
    plan = PlanFactory(region=world.city, name="2026年秋季城乡交流")
    path = roster_book([{"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "交流计划": "2026年秋季城乡交流",
                         "补贴（元/年）": "10000", "人事关系随转": "否", "报备日期": "2026年7月1日"}])
    result = roster_importer.run(path, user=county_user, commit=True)
    assert result.ok and result.committed and counts(result) == {"交流名册": (1, 0, 0)}
    assignment = Assignment.objects.get()
    assert (assignment.state, assignment.plan, assignment.to_school, assignment.start) == (
        "planned", plan, rural, dt.date(2026, 8, 25))
    assert assignment.history.latest().history_user == county_user
    again = roster_importer.run(path, user=county_user, commit=True)
    assert counts(again) == {"交流名册": (0, 0, 1)} and Assignment.objects.count() == 1


def test_roster_import_reports_every_refusal_by_row_and_column_and_stores_nothing(world, county_user, roster_book, rural):
    path = roster_book([
        {"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "报备日期": "2026-07-01"},  # fine
        {"身份证号": world.staff_b.id_number, "接收学校代码": "A900"},  # outside scope
        {"身份证号": world.staff_a.id_number, "接收学校代码": "B001"},  # school outside scope
        {"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "起始时间": "2026-10-01", "计划结束时间": "2027-01-01"},
    ])
    result = roster_importer.run(path, user=county_user, commit=True)
    located = {(p.row, p.column) for p in result.problems}
    assert (3, "身份证号") in located and (4, "接收学校代码") in located
    assert (5, "起始时间") in located and (5, "计划结束时间") in located
    messages = " ".join(str(p.message) for p in result.problems)
    assert "暑期" in messages and "交流时间过短" in messages
    assert not result.committed and not Assignment.objects.exists()


def test_roster_preview_stores_nothing(world, county_user, roster_book, rural):
    path = roster_book([{"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "报备日期": "2026-07-01"}])
    result = roster_importer.run(path, user=county_user, commit=False)
    assert counts(result) == {"交流名册": (1, 0, 0)} and not Assignment.objects.exists()


def test_roster_export_is_scoped_and_round_trips(world, county_user, rural, django_assert_num_queries):
    AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place", subsidy_yuan=8000)
    AssignmentFactory(staff=world.staff_b, to_school=SchoolFactory(region=world.county_b))
    for _ in range(5):
        AssignmentFactory(staff__school=world.school_a, to_school=rural)
    buffer = io.BytesIO()
    with django_assert_num_queries(3):
        roster_importer.export(buffer, user=county_user)
    rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    assert list(rows[0]) == ROSTER_SPEC.headers and len(rows) == 7
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["状态"] in {"计划中", "已到位"} and "乙老师" not in {row[1] for row in rows}


def test_roster_template_and_export_pages(client, world, county_user):
    client.force_login(county_user)
    template = client.get(reverse("org:import-template", args=["rotation_roster"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    assert "交流名册" in book.sheetnames
    assert client.get(reverse("org:import-export", args=["rotation_roster"])).status_code == 200


def test_base_data_export_writes_the_exemption_sheet(world, county_user):
    from org.exports import base_data_export
    from tests.rotation.factories import ExemptionFactory

    ExemptionFactory(staff=world.staff_a, kind="EX_ILLNESS", document_no="咸教〔2026〕3号")
    ExemptionFactory(staff=world.staff_b)
    buffer = io.BytesIO()
    base_data_export(buffer, user=county_user)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["暂不交流"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1:] == [(world.staff_a.id_number, "患病", rows[1][2], rows[1][3], "咸教〔2026〕3号")]


# --- review 16: the 暂不交流 sheet never overturns a rejection; approving a pending one records the decision -----


def test_import_refuses_to_overturn_a_rejected_exemption(world, book, county_user):
    from tests.rotation.factories import ExemptionFactory

    rejected = ExemptionFactory(staff=world.staff_a, kind="EX_ILLNESS", start=dt.date(2026, 3, 1), end=None,
                                state="rejected", decision_reason="证明材料不全")
    path = book({"暂不交流": [[world.staff_a.id_number, "患病", "2026-03-01", "", "咸教〔2026〕9号"]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert not result.ok and not result.committed
    problem, = [p for p in result.problems if p.sheet == "暂不交流"]
    assert problem.row == 2 and "第 2 行" in problem.message and "已驳回" in problem.message
    rejected.refresh_from_db()
    assert (rejected.state, rejected.decision_reason, rejected.document_no) == ("rejected", "证明材料不全", "")


def test_import_approving_a_pending_exemption_records_the_decision(world, book, county_user, principal_user):
    from tests.rotation.factories import ExemptionFactory

    pending = ExemptionFactory(staff=world.staff_a, kind="EX_ILLNESS", start=dt.date(2026, 3, 1), end=None,
                               state="applied", applied_by=principal_user, decided_by=principal_user)
    path = book({"暂不交流": [[world.staff_a.id_number, "患病", "2026-03-01", "", "咸教〔2026〕9号"]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert result.ok and result.committed and counts(result) == {"暂不交流": (0, 1, 0)}
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by, pending.decision_reason, pending.document_no) == (
        "approved", county_user, "由基础数据导入批准。", "咸教〔2026〕9号")
    assert pending.decided_at is not None and pending.history.latest().history_user == county_user


def test_a_plan_name_two_visible_plans_bear_is_refused_not_guessed(world, county_user, roster_book, rural):
    """Each year's plan may be called 秋季城乡交流: a roster row naming it was filed under one of them at random."""
    PlanFactory(region=world.city, name="秋季城乡交流", term_start=dt.date(2026, 9, 1))
    PlanFactory(region=world.city, name="秋季城乡交流", term_start=dt.date(2027, 9, 1))
    path = roster_book([{"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "交流计划": "秋季城乡交流"}])
    result = roster_importer.run(path, user=county_user, commit=True)
    assert not result.committed and not Assignment.objects.exists()
    problem = next(p for p in result.problems if p.column == "交流计划")
    assert "2026-09-01" in str(problem.message) and "2027-09-01" in str(problem.message)


def test_a_pregnancy_exemption_for_a_man_is_refused_by_row(world, book, county_user):
    """Found on a new city: 孕期哺乳期 was approved for a man, by the form and by the workbook."""
    path = book({"暂不交流": [[world.staff_a.id_number, "孕期哺乳期", "2026-03-01", "2027-02-28", ""]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert not result.committed and not Exemption.objects.exists()
    assert [(p.row, p.column) for p in result.problems] == [(2, "类别")]


def test_the_exemption_service_refuses_pregnancy_for_a_man(world, county_user):
    from django.core.exceptions import ValidationError

    from rotation.services import exemption_apply

    with pytest.raises(ValidationError) as error:
        exemption_apply(actor=county_user, staff=world.staff_a, kind="EX_PREGNANCY_NURSING", start=dt.date(2026, 9, 1))
    assert world.staff_a.name in " ".join(error.value.messages)
    woman = StaffFactory(school=world.school_a, sex="F")
    assert exemption_apply(actor=county_user, staff=woman, kind="EX_PREGNANCY_NURSING", start=dt.date(2026, 9, 1)).pk


def test_the_exemption_page_shows_the_refusal_on_the_form(client, world, county_user):
    from django.urls import reverse

    client.force_login(county_user)
    response = client.post(reverse("rotation:exemption-create"), {
        "staff": world.staff_a.pk, "kind": "EX_PREGNANCY_NURSING", "start": "2026-09-01", "end": "", "grounds": "哺乳期"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Exemption.objects.exists()
