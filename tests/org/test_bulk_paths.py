"""Every bulk path writes exactly what the row-by-row path writes (issue 10, 12): a province-size file
takes the COPY path on PostgreSQL for 2,000 or more new rows; the thresholds are lowered here so that
a small workbook crosses every one of them (COPY, batches, lookup chunks)."""

from datetime import date

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from org import importers
from org.importers import base_data_importer
from org.models import School, Staff, WorkHistory
from org.services import basedata
from tests.factories import make_id_number
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db

SKIP = ("id", "code", "name", "id_number", "school", "staff", "region")


def workbook(book, prefix: str, count: int):
    people = [make_id_number(date(1970 + i, 1 + i % 12, 1 + i % 27), "MF"[i % 2], area="421202") for i in range(count)]
    return book({
        "学校": [[f"{prefix}{i:03d}", f"{prefix}学校{i}", "421202", "小学", "乡村", "是" if i % 2 else ""]
                 for i in range(count)],
        "教职工": [staff_row(f"{prefix}{i}", number, f"{prefix}{i:03d}", school_start="2016.09", 荣誉等级="县级")
                   for i, number in enumerate(people)],
        "任职经历": [[number, f"{prefix}{(i + 1) % count:03d}", "专任教师", "2010.09", "2016.08"]
                     for i, number in enumerate(people)],
    }), people


def rows(prefix: str):
    schools = [model_to_dict(s, exclude=SKIP) for s in School.objects.filter(code__startswith=prefix).order_by("code")]
    staff = [model_to_dict(s, exclude=SKIP) for s in Staff.objects.filter(name__startswith=prefix).order_by("name")]
    history = [model_to_dict(h, exclude=SKIP) for h in WorkHistory.objects.filter(
        school__code__startswith=prefix).order_by("school__code")]
    return schools, staff, history


def test_the_bulk_path_writes_what_the_row_path_writes(world, book, city_user, monkeypatch):
    slow, _people = workbook(book, "ROW", 6)
    assert base_data_importer.run(slow, user=city_user, commit=True).committed
    monkeypatch.setattr(basedata, "COPY_THRESHOLD", 2)
    monkeypatch.setattr(basedata, "IMPORT_BATCH", 4)
    monkeypatch.setattr(importers, "LOOKUP_CHUNK", 3)
    fast, people = workbook(book, "BLK", 6)
    result = base_data_importer.run(fast, user=city_user, commit=True)
    assert result.committed, result.problems.as_list()
    assert rows("BLK") == rows("ROW")
    assert Staff.history.filter(id_number__in=people, history_type="+").count() == 6
    assert School.history.filter(code__startswith="BLK", history_user=city_user).count() == 6
    if connection.vendor == "postgresql":  # the COPY path itself ran
        assert School.objects.filter(code__startswith="BLK").values_list("enrolment", flat=True).distinct().get() == 0
