"""Commands: export_eligibility writes DESIGN.md's roster; split_target prints exact shares."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from rotation import exports
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_export_eligibility_writes_the_roster(world, tmp_path):
    StaffFactory(name="=HYPERLINK(1)", school=world.school_b, school_start=None)
    output = tmp_path / "roster.xlsx"
    call_command("export_eligibility", "--as-of", "2026-09-01", "--output", str(output), stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(output).active.iter_rows(values_only=True))
    assert rows[0] == exports.ELIGIBILITY_HEADERS
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"甲老师", "乙老师", "=HYPERLINK(1)"}  # a text cell, never a formula
    assert by_name["=HYPERLINK(1)"][4:8] == ("UNKNOWN", "信息不全", "DATA_MISSING", "缺少现校起始时间")
    assert by_name["甲老师"][7] == "在现校任教 11 年，满 6 年应交流；在现校任教 11 年，满 3 年可交流"


def test_export_eligibility_for_one_region(world, tmp_path):
    output = tmp_path / "roster.xlsx"
    call_command("export_eligibility", "--as-of", "2026-09-01", "--output", str(output), "--region", "421221", stdout=io.StringIO())
    rows = list(openpyxl.load_workbook(output).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["乙老师"]


def test_export_query_count_is_bounded(world, tmp_path, django_assert_num_queries):
    StaffFactory.create_batch(30, school=world.school_a)
    with django_assert_num_queries(5):
        call_command("export_eligibility", "--as-of", "2026-09-01", "--output", str(tmp_path / "r.xlsx"), stdout=io.StringIO())


def test_split_target_prints_one_line_per_county(world):
    StaffFactory(school=world.school_a, school_start=dt.date(2022, 9, 1))
    out = io.StringIO()
    call_command("split_target", "--target", "1530", "--as-of", "2026-09-01", stdout=out)
    assert out.getvalue().splitlines() == ["421202\t咸安区\t2\t1020", "421221\t嘉鱼县\t1\t510"]


def test_split_target_rejects_bad_arguments(world):
    with pytest.raises(CommandError):
        call_command("split_target", "--target", "10", "--as-of", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("split_target", "--target", "10", "--as-of", "2026-09-01", "--region", "999999")
