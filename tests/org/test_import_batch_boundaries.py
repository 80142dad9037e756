"""Rows that reference rows in a later batch or sheet give the same result and the same messages, at the same
sheets and rows, as the all-in-memory import did (one batch holding the whole file): issue 16, 6."""

from datetime import date

import pytest

from org import importers
from org.importers import base_data_importer
from org.models import Staff, WorkHistory
from org.services import basedata
from tests.factories import make_id_number
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db


def _people(count):
    return [make_id_number(date(1975 + i, 1 + i % 12, 1 + i % 27), "MF"[i % 2], area="421202") for i in range(count)]


def workbook(book, world):
    p = _people(8)
    bad = p[7][:-1] + ("0" if p[7][-1] != "0" else "1")
    schools = [[f"BB{i:03d}", f"边界学校{i}", "421202", "小学", "乡村", ""] for i in range(6)]
    schools.insert(4, ["BB001", "重复学校", "421202", "小学", "城区", ""])  # the same code, a later batch
    schools.append(["BB009", "坏区县学校", "429999", "小学", "乡村", ""])  # rejected: unknown county
    staff = [
        staff_row("甲", p[0], "BB005"),  # its school is the 学校 sheet's last good row
        staff_row("乙", p[1], "BB000"),
        staff_row("丙", p[2], "BB009"),  # the rejected school
        staff_row("丁", p[3], "BB001"),
        staff_row("戊", p[1], "BB002"),  # the same ID number as row 3, two batches later
        staff_row("己", p[4], "A001"),
        staff_row("庚", world.staff_b.id_number, "A001"),  # another county's person: a transfer
        staff_row("辛", bad, "A001"),  # a bad check digit
        staff_row("壬", p[5], "NOPE"),
    ]
    history = [
        [p[0], "BB003", "专任教师", "2010.09", "2016.08"],
        [p[4], "BB004", "专任教师", "2008.09", "2010.08"],
        [p[2], "BB000", "专任教师", "2008.09", "2010.08"],  # staff row rejected
        [world.staff_b.id_number, "A001", "", "2001.09", "2002.08"],  # the transfer's person
        [p[6], "A001", "", "2001.09", "2002.08"],  # nobody
        [p[0], "BB003", "专任教师", "2010.09", "2016.08"],  # duplicate of row 2, a later batch
        [world.staff_b.id_number, "A001", "", "2003.09", "2004.08"],
    ]
    exemptions = [[p[4], "重点项目", "2024.09", "2026.08", "X1"], [p[0], "重点项目", "2024.09", "", ""],
                  [p[6], "重点项目", "2024.09", "", ""], [p[4], "重点项目", "2024.09", "2026.08", "X1"]]
    return book({"学校": schools, "教职工": staff, "任职经历": history, "暂不交流": exemptions}), p


def outcome(result):
    return ([(p.sheet, p.row, p.column, p.message) for p in result.problems],
            [s.as_dict() for s in result.sheets])


@pytest.mark.parametrize("batch", [1, 2])
def test_later_batches_give_the_same_messages_as_one_batch(world, book, county_user, monkeypatch, batch):
    path, _p = workbook(book, world)
    whole = outcome(base_data_importer.run(path, user=county_user, commit=False))
    monkeypatch.setattr(importers, "BATCH_ROWS", batch)
    monkeypatch.setattr(basedata, "IMPORT_BATCH", batch)
    assert outcome(base_data_importer.run(path, user=county_user, commit=False)) == whole
    rows = {(sheet, row) for sheet, row, _c, _m in whole[0]}
    assert ("学校", 6) in rows and ("教职工", 6) in rows and ("任职经历", 7) in rows  # the later duplicates
    assert ("教职工", 4) in rows, whole[0]  # the rejected school
    assert not any(world.school_b.code in message or "嘉鱼" in message for *_x, message in whole[0])


def workbook_clean(book, world):
    p = _people(6)
    schools = [[f"CC{i:03d}", f"干净学校{i}", "421202", "小学", "乡村", ""] for i in range(5)]
    staff = [staff_row(f"人{i}", p[i], f"CC{4 - i:03d}") for i in range(5)]
    history = [[p[4 - i], f"CC{i:03d}", "专任教师", "2010.09", "2016.08"] for i in range(5)]
    exemptions = [[p[4 - i], "重点项目", "2024.09", "", ""] for i in range(5)]
    return book({"学校": schools, "教职工": staff, "任职经历": history, "暂不交流": exemptions}), p


def test_a_commit_in_batches_of_two_links_rows_across_batches_and_sheets(world, book, county_user, monkeypatch):
    from rotation.models import Exemption

    path, p = workbook_clean(book, world)
    monkeypatch.setattr(importers, "BATCH_ROWS", 2)
    monkeypatch.setattr(basedata, "IMPORT_BATCH", 2)
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert result.committed, result.problems.as_list()
    for i in range(5):
        staff = Staff.objects.get(id_number=p[i])
        assert staff.school.code == f"CC{4 - i:03d}"
        assert WorkHistory.objects.get(staff=staff).school.code == f"CC{4 - i:03d}"
    assert Exemption.objects.filter(staff__id_number__in=p).count() == 5
