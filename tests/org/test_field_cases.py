"""The field cases of ../shared/field-cases (README there): each workbook gives the value it states.

CI checks out shared/ beside the clone; the files are read from there, never copied into the repo.
They refer to the demo city (Xianning 421200, 咸安区 421202, schools 4212020001 and up) and are
imported as the county user of 咸安区; the fixture builds just those regions and schools.
"""

import os
import time
from datetime import date
from pathlib import Path

import pytest

from org import idcard
from org.excel import cells
from org.importers import base_data_importer
from org.models import Region, School, Staff, UserRole, WorkHistory
from tests.factories import RegionFactory, SchoolFactory, UserFactory, UserRoleFactory

# FIELD_CASES_DIR: for a checkout that does not have shared/ beside it (a worktree elsewhere).
FIELD_CASES = Path(os.environ.get("FIELD_CASES_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared"
                   / "field-cases")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FIELD_CASES.is_dir(), reason="../shared/field-cases is not beside the clone"),
]

URBAN = ("4212020001", "4212020005", "4212020007")
RURAL = ("4212020013", "4212020016", "4212020019")


@pytest.fixture
def xianan(db):
    """The demo's 咸安区 with the schools the cases name, and its county user."""
    city = RegionFactory(code="421200", name="咸宁市", level=Region.Level.CITY)
    county = RegionFactory(code="421202", name="咸安区", parent=city)
    for code in URBAN + RURAL:
        SchoolFactory(code=code, name=f"学校{code[-4:]}", region=county, stage=School.Stage.PRIMARY,
                      location=School.Location.URBAN if code in URBAN else School.Location.RURAL)
    user = UserFactory(username="xianan")
    UserRoleFactory(user=user, role=UserRole.Role.COUNTY_STAFF, region=county)
    return user


def run(name, user, commit=True):
    return base_data_importer.run(FIELD_CASES / name, user=user, commit=commit)


def messages(result):
    return " ".join(problem.message for problem in result.problems)


def test_03_two_row_header_under_a_merged_cell(xianan):
    result = run("03-two-row-header.xlsx", xianan)
    assert result.ok and result.committed, messages(result)
    assert Staff.objects.count() == 3
    assert set(Staff.objects.values_list("school_start", flat=True)) == {date(2018, 9, 1)}


def test_04_school_code_and_post_merged_down(xianan):
    result = run("04-merged-school-code.xlsx", xianan)
    assert result.ok, messages(result)
    assert Staff.objects.count() == 4
    assert set(Staff.objects.values_list("school__code", "post")) == {("4212020005", Staff.Post.TEACHER)}


def test_05_xls_biff8_is_read_like_xlsx(xianan):
    result = run("05-xls-biff8.xls", xianan)
    assert result.ok, messages(result)
    assert Staff.objects.count() == 3


def test_08_apostrophes_and_invisible_characters_are_stripped(xianan):
    result = run("08-id-apostrophe-invisible-chars.xlsx", xianan)
    assert result.ok, messages(result)
    numbers = list(Staff.objects.values_list("id_number", flat=True))
    assert len(numbers) == 6 and all(len(n) == 18 and n.isalnum() for n in numbers)
    assert set(Staff.objects.values_list("school__code", flat=True)) == {"4212020001"}


def _decision(user, on=date(2026, 9, 1)):
    from rotation.selectors import staff_decision

    return staff_decision(Staff.objects.get(), on)


@pytest.mark.parametrize("name", ["11-history-month-end.xlsx", "11b-history-day-precision-control.xlsx"])
def test_11_month_end_stints_count_like_day_precision_ones(xianan, name):
    result = run(name, xianan)
    assert result.ok, messages(result)
    assert sorted(WorkHistory.objects.values_list("start", "end")) == [
        (date(2010, 9, 1), date(2013, 8, 31)), (date(2013, 9, 1), date(2016, 8, 31))]
    decision = _decision(xianan)
    assert decision.status == "EXEMPT" and "EX_EXPERIENCED" in [r.code for r in decision.reasons]


def test_12_zhijin_means_an_open_stint(xianan):
    result = run("12-history-zhijin.xlsx", xianan)
    assert result.ok, messages(result)
    assert WorkHistory.objects.get(school__code="4212020005").end is None
    assert WorkHistory.objects.get(school__code="4212020019").end == date(2018, 8, 31)


def test_15_a_hidden_stale_sheet_never_wins_silently(xianan):
    result = run("15-hidden-stale-sheet.xlsx", xianan)
    assert result.ok, messages(result)
    assert Staff.objects.count() == 2
    assert set(Staff.objects.values_list("school__code", flat=True)) == {"4212020001"}
    note = result.sheets[0].note
    assert "教职工(2026)" in note and "“教职工”" in note


def test_17a_a_sheet_named_sheet1_is_recognised_by_its_headers(xianan):
    result = run("17a-sheet-named-Sheet1.xlsx", xianan, commit=False)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Sheet1", 3, "身份证号")]
    assert messages(result) == str(idcard.MSG_CHECK_DIGIT)
    assert result.rows == 1 and not result.committed


def test_18b_formulas_without_calculated_values_are_refused_with_the_cause(xianan):
    result = run("18b-formulas-not-calculated.xlsx", xianan)
    assert not result.ok and not Staff.objects.exists()
    assert {p.column for p in result.problems} >= {"学校代码"}
    assert all(p.message == str(cells.MSG_FORMULA_WITHOUT_VALUE) for p in result.problems)


def test_20_ideographic_spaces_in_names_headers_and_ids(xianan):
    result = run("20-ideographic-space-names.xlsx", xianan)
    assert result.ok, messages(result)
    assert {"董明", "萧宁"} <= set(Staff.objects.values_list("name", flat=True))


def test_21c_a_stray_space_in_the_last_cell_costs_nothing(xianan):
    started = time.monotonic()
    result = run("21c-stray-space-XFD1048576.xlsx", xianan)
    assert time.monotonic() - started < 5
    assert result.ok, messages(result)
    assert Staff.objects.count() == 3


def test_24_header_synonyms_for_start_and_birth(xianan):
    result = run("24-header-synonym-start-date.xlsx", xianan)
    assert result.ok, messages(result)
    assert Staff.objects.count() == 3 and not Staff.objects.filter(school_start=None).exists()


def test_37b_an_id_zeroed_by_excel_is_refused_even_when_its_check_digit_passes(xianan):
    result = run("37b-id-zeroed-passes-check.xlsx", xianan)
    assert [(p.row, p.column) for p in result.problems] == [(2, "身份证号")]
    assert "Excel" in messages(result) and not Staff.objects.exists()


def test_38_a_password_protected_workbook_is_refused_as_such(xianan):
    result = run("38-password-protected-xlsx.xlsx", xianan)
    assert not result.ok
    assert "password" in messages(result).lower() or "密码" in messages(result)


@pytest.mark.parametrize("name", ["21c-stray-space-XFD1048576.xlsx", "05-xls-biff8.xls", "38-password-protected-xlsx.xlsx"])
def test_a_web_upload_of_a_field_case_ends_checked_or_refused_never_running(xianan, client, name,
                                                                             django_capture_on_commit_callbacks):
    """Through the upload page: checked (or refused at once with the reason), never left running."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from org.models import ImportJob

    client.force_login(xianan)
    upload = SimpleUploadedFile(name, (FIELD_CASES / name).read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("org:import-index"), {"kind": "base_data", "file": upload})
    job = ImportJob.objects.first()
    if name.startswith("38"):
        assert job is None and "密码" in response.content.decode()
        return
    assert job.status == ImportJob.Status.VALIDATED and job.error_count == 0
