"""The school quality workbook through the shared import engine, and the results export."""

import io
from decimal import Decimal as D

import openpyxl
import pytest

from evaluation import exports
from evaluation.importers import QualityImporter
from evaluation.models import SchoolQuality
from evaluation.sheets import QUALITY_SPEC
from org.excel import get_importer

pytestmark = pytest.mark.django_db


def _book(tmp_path, rows, headers=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学校质量数据"
    sheet.append(headers or QUALITY_SPEC.headers)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "quality.xlsx"
    book.save(path)
    return path


def test_quality_importer_is_registered():
    assert isinstance(get_importer("evaluation_quality"), QualityImporter)


def test_quality_rows_import_once_and_twice_changes_nothing(tmp_path, world, county_user):
    path = _book(tmp_path, [["A001", "咸安实验小学", 2025, "86.5", 35, 4], ["A001", "", "２０２６", 88, -3, ""]])
    result = QualityImporter().run(path, user=county_user, commit=True)
    assert result.ok and result.committed
    assert SchoolQuality.objects.get(school=world.school_a, year=2025).quality_score == D("86.5")
    assert SchoolQuality.objects.get(school=world.school_a, year=2026).student_increase == -3
    again = QualityImporter().run(path, user=county_user, commit=True)
    assert again.sheets[0].unchanged == 2 and SchoolQuality.objects.count() == 2


def test_every_bad_cell_is_named_and_nothing_saved(tmp_path, world, county_user):
    path = _book(tmp_path, [["A001", "", 2025, "八十", 1, 1], ["B001", "", 2025, 80, 1, 1], ["A001", "", 1999, 80, 1, -1]])
    result = QualityImporter().run(path, user=county_user, commit=True)
    problems = {(p.row, p.column) for p in result.problems}
    assert problems == {(2, "教育教学质量"), (3, "学校代码"), (4, "年度"), (4, "交流人数")}
    assert not SchoolQuality.objects.exists()


def test_quality_export_reads_back(tmp_path, world, county_user):
    SchoolQuality.objects.create(school=world.school_a, year=2025, quality_score=D("81.00"), student_increase=5, staff_exchanged=2)
    SchoolQuality.objects.create(school=world.school_b, year=2025, quality_score=D("70.00"))
    target = tmp_path / "export.xlsx"
    exports.quality_export(target, user=county_user)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(min_row=2, values_only=True))
    assert rows == [("A001", "咸安实验小学", 2025, 81, 5, 2)]
    assert QualityImporter().run(target, user=county_user, commit=True).sheets[0].unchanged == 1


def test_results_export_has_each_group_part(assigned, city_user, reviewer_user, reviewer2):
    from tests.evaluation.test_pages import _closed

    _closed(assigned, city_user, reviewer_user, reviewer2)
    stream = io.BytesIO()
    exports.results_export(stream, user=city_user, cycle=assigned)
    sheet = openpyxl.load_workbook(io.BytesIO(stream.getvalue())).active
    headers = [c.value for c in sheet[1]]
    first = dict(zip(headers, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert first["专家组贡献"] == 64.4 and first["学校互评贡献"] == 24.6 and first["总分"] == 89
    assert first["原始等次"] == first["最终等次"] and first["原始等次"]


def test_a_year_not_yet_come_and_a_negative_score_are_refused_by_cell(tmp_path, world, county_user):
    """Found on a new city's form: 2099 and -50 were stored; a quality row is of a year that has come."""
    path = _book(tmp_path, [["A001", "", 2099, 80, 1, 1], ["A001", "", 2025, "-50", 1, 1], ["A001", "", 2024, 80, -30, 0]])
    result = QualityImporter().run(path, user=county_user, commit=True)
    problems = {(p.row, p.column) for p in result.problems}
    assert problems == {(2, "年度"), (3, "教育教学质量")}
    assert "2099" in " ".join(p.message for p in result.problems)
    assert not SchoolQuality.objects.exists()


def test_the_quality_form_and_service_refuse_the_same(client, world, county_user):
    from django.core.exceptions import ValidationError
    from django.urls import reverse

    from evaluation import services

    client.force_login(county_user)
    response = client.post(reverse("evaluation:quality-create"), {
        "school": world.school_a.pk, "year": 2099, "quality_score": "-50", "student_increase": "-3", "staff_exchanged": "1"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "quality_score"}
    with pytest.raises(ValidationError):
        services.quality_save(actor=county_user, school=world.school_a, year=2099, data={"quality_score": D(80)})
    assert not SchoolQuality.objects.exists()
