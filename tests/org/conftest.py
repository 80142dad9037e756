"""Fixtures for the Excel tests: build workbooks the way bureaus fill them."""

from datetime import date

import openpyxl
import pytest

from org.sheets import HISTORY_SPEC, REGION_SPEC, SCHOOL_SPEC, STAFF_SPEC
from tests.factories import make_id_number

HEADERS = {spec.name: spec.headers for spec in (REGION_SPEC, SCHOOL_SPEC, STAFF_SPEC, HISTORY_SPEC)}
HEADERS["暂不交流"] = ["身份证号", "类别", "起始时间", "结束时间", "批准文号"]


def write_book(path, sheets: dict[str, list[list]], *, headers: bool = True):
    """Write {sheet: rows} (with the standard header row first unless headers=False); ID cells stay text."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        if headers:
            sheet.append(HEADERS[name])
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def staff_row(name="丙老师", id_number=None, school="A001", *, gender="", birth="", post="专任教师",
              school_start="2016-09-01", **extra):
    row = {"姓名": name, "身份证号": id_number or make_id_number(date(1986, 3, 4), "F"), "性别": gender,
           "出生日期": birth, "学校代码": school, "岗位": post, "是否班主任": "否", "任教学科": "语文", "职称": "",
           "荣誉等级": "无", "参加工作时间": "2009.09", "现校起始时间": school_start, "现岗位起始时间": "",
           "在职状态": "在职"}
    row.update(extra)
    return [row[header] for header in HEADERS["教职工"]]


@pytest.fixture
def book(tmp_path):
    """book({sheet: rows}) -> path of a fresh workbook."""
    counter = iter(range(1000))

    def make(sheets, **kwargs):
        return write_book(tmp_path / f"book{next(counter)}.xlsx", sheets, **kwargs)

    return make
