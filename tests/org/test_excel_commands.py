"""import_base_data, export_base_data and bench_import on the command line."""

from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from org.models import School, Staff
from tests.factories import StaffFactory
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db

SCHOOL_ROW = ["A002", "咸安区第二小学", "421202", "小学", "乡村", "否"]


def call(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_per_sheet_counts(world, book):
    out, _err = call("import_base_data", str(book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002")]})))
    assert School.objects.filter(code="A002").exists()
    assert out.splitlines()[:2] == ["学校：新增 1，更新 0，未变 0", "教职工：新增 1，更新 0，未变 0"]


def test_dry_run_writes_nothing(world, book):
    out, _err = call("import_base_data", str(book({"学校": [SCHOOL_ROW]})), "--dry-run")
    assert not School.objects.filter(code="A002").exists()
    assert out.strip().splitlines() == ["学校：新增 1，更新 0，未变 0", "试运行：未写入任何数据。"]


def test_a_problem_exits_1_after_printing_every_problem_and_writes_nothing(world, book):
    path = book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="Z1"), staff_row(school="Z2", 岗位="厨师")]})
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_base_data", str(path), stderr=err)
    lines = err.getvalue().strip().splitlines()
    # Row 3's post is refused cell by cell, so its school is not looked up; rows come in order.
    assert len(lines) == 2 and all("教职工" in line for line in lines)
    assert "2" in lines[0] and "Z1" in lines[0] and "厨师" in lines[1]
    assert not School.objects.filter(code="A002").exists()


def test_run_from_argv_exits_with_status_1(world, book):
    from django.core.management import ManagementUtility

    path = book({"教职工": [staff_row(school="Z1")]})
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_base_data", str(path)]).execute()
    assert exit_info.value.code == 1


def test_user_option_applies_scope_and_refuses_non_bureau_users(world, book, county_user, principal_user):
    path = book({"学校": [["B002", "嘉鱼新学校", "421221", "小学", "城区", ""]]})
    with pytest.raises(CommandError):
        call("import_base_data", str(path), "--user", "county_a")
    with pytest.raises(CommandError):
        call("import_base_data", str(path), "--user", "principal_a")
    assert not School.objects.filter(code="B002").exists()


def test_export_command_writes_the_users_scope(world, tmp_path, county_user):
    StaffFactory.create_batch(3, school=world.school_a)
    path = tmp_path / "out.xlsx"
    call("export_base_data", "--output", str(path), "--user", "county_a")
    sheet = openpyxl.load_workbook(path)["教职工"]
    numbers = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert world.staff_a.id_number in numbers and world.staff_b.id_number not in numbers and len(numbers) == 4


def test_bench_import_prints_rates_and_cleans_up(world):
    before = Staff.objects.count()
    out, _err = call("bench_import", "--rows", "300", "--in-process")
    for phase in ("raw read, python-calamine", "check (dry run", "import (check + commit", "COPY",
                  "ratio import / (read + COPY)", "peak memory of the import"):
        assert phase in out
    assert "rows/s" in out and "MB" in out
    assert Staff.objects.count() == before
