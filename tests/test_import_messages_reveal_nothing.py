"""Every importer answers a reference to another county's EXISTING school, person or region exactly as it
answers a value that does not exist: the same message, in the same cell (DESIGN.md: which codes and ID numbers
exist outside the user's region is never told). One pair per reference lookup, per importer."""

import datetime as dt

import openpyxl
import pytest

from alliances.importers import groups_importer, requirements_importer
from evaluation.importers import QUALITY_SPEC, QualityImporter
from org import idcard
from org.importers import base_data_importer
from rotation.importers import ROSTER_SPEC, roster_importer
from talentpool.importers import NominationImporter
from talentpool.sheets import NOMINATION_SPEC, SHEET
from tests.factories import make_id_number
from tests.org.conftest import staff_row, write_book

pytestmark = pytest.mark.django_db

MISSING_SCHOOL, MISSING_REGION = "Z999", "421288"


def write(path, sheets: dict):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def answers(result, cell_value: str) -> list:
    """(sheet, column, message) of each problem, the asked value (or its masked form) replaced: comparable
    across the two runs."""
    def plain(message: str) -> str:
        return message.replace(cell_value, "<value>").replace(idcard.mask(cell_value), "<value>")

    return sorted((p.sheet, p.column, plain(str(p.message))) for p in result.problems)


def same_answer(run, existing: str, missing: str):
    out, absent = answers(run(existing), existing), answers(run(missing), missing)
    assert out, "the out-of-scope value must be refused"
    assert out == absent


# --- org: the base-data workbook ---------------------------------------------------------------

@pytest.mark.parametrize("case", ["staff school", "history school", "school region", "school region elsewhere",
                                  "region parent",
                                  "region without parent", "school code in a foreign region", "history ID"])
def test_base_data_workbook(world, tmp_path, county_user, case):
    counter = iter(range(100))
    existing, missing = {
        "staff school": ("B001", MISSING_SCHOOL), "history school": ("B001", MISSING_SCHOOL),
        "school region": ("421221", MISSING_REGION), "school region elsewhere": ("420102", "420199"),
        "region parent": ("420100", "429900"),
        "region without parent": ("421221", MISSING_REGION), "school code in a foreign region": ("B001", "B777"),
        "history ID": (world.staff_b.id_number, make_id_number(dt.date(1970, 1, 1))),
    }[case]
    if case in ("region parent", "school region elsewhere"):  # another city, registered in the system
        from tests.factories import RegionFactory

        wuhan = RegionFactory(code="420100", name="武汉市", level="city")
        RegionFactory(code="420102", name="江岸区", parent=wuhan)

    def sheets(value):
        return {
            "staff school": {"教职工": [staff_row(school=value)]},
            "history school": {"任职经历": [[world.staff_a.id_number, value, "", "2001-09-01", ""]]},
            "school region": {"学校": [["A777", "咸安新学校", value, "小学", "城区", ""]]},
            "school region elsewhere": {"学校": [["A777", "咸安新学校", value, "小学", "城区", ""]]},
            "region parent": {"区县": [["421299", "新区", value]]},
            "region without parent": {"区县": [[value, "某县", ""]]},
            "school code in a foreign region": {"学校": [[value, "某学校", "421221", "小学", "城区", ""]]},
            "history ID": {"任职经历": [[value, "A001", "", "2001-09-01", ""]]},
        }[case]

    def run(value):
        return base_data_importer.run(write_book(tmp_path / f"b{next(counter)}.xlsx", sheets(value)),
                                      user=county_user, commit=False)

    if case == "history school":
        pytest.xfail("work history may name a past school anywhere (a transfer's earlier schools): see the report")
    same_answer(run, existing, missing)


# --- rotation: the roster ------------------------------------------------------------------------

@pytest.mark.parametrize("column", ["身份证号", "接收学校代码"])
def test_rotation_roster(world, tmp_path, county_user, column):
    from tests.factories import SchoolFactory

    SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location="rural")
    existing, missing = ((world.staff_b.id_number, make_id_number(dt.date(1970, 1, 1))) if column == "身份证号"
                         else ("B001", MISSING_SCHOOL))
    counter = iter(range(10))

    def run(value):
        values = {"身份证号": world.staff_a.id_number, "接收学校代码": "A900", "起始时间": "2026/8/25",
                  "计划结束时间": "2027-08-24", "交流形式": "支教", column: value}
        path = write(tmp_path / f"r{next(counter)}.xlsx",
                     {"交流名册": [list(ROSTER_SPEC.headers), [values.get(h, "") for h in ROSTER_SPEC.headers]]})
        return roster_importer.run(path, user=county_user, commit=False)

    same_answer(run, existing, missing)


# --- talent pool: nominations --------------------------------------------------------------------

def test_talentpool_nominations(world, tmp_path, county_user):
    from tests.talentpool.factories import IntakeFactory, ProgramFactory, TrackFactory

    intake = IntakeFactory(track=TrackFactory(program=ProgramFactory(region=world.city), name="校长培养对象"))
    counter = iter(range(10))

    def run(value):
        values = {"身份证号": value, "培养类别": intake.track.name, "年度": intake.year, "推荐理由": "理由"}
        path = write(tmp_path / f"n{next(counter)}.xlsx",
                     {SHEET: [list(NOMINATION_SPEC.headers), [values.get(h, "") for h in NOMINATION_SPEC.headers]]})
        return NominationImporter().run(path, user=county_user, commit=False)

    same_answer(run, world.staff_b.id_number, make_id_number(dt.date(1970, 1, 1)))


# --- alliances: groups and members, dispatch requirements ------------------------------------------

GROUP_HEAD = ["集团名称", "类型", "梯次", "所属区域代码", "牵头学校代码", "成立日期"]
MEMBER_HEAD = ["集团名称", "学校代码", "加入日期", "退出日期"]


@pytest.mark.parametrize("case", ["region", "lead school", "member school"])
def test_alliances_groups(world, tmp_path, county_user, case):
    existing, missing = ("421221", MISSING_REGION) if case == "region" else ("B001", MISSING_SCHOOL)
    counter = iter(range(10))

    def run(value):
        group = ["咸安一集团", "紧密型教育集团", "", value if case == "region" else "421202",
                 value if case == "lead school" else "A001", "2026-09-01"]
        member = ["咸安一集团", value if case == "member school" else "A001", "2026/9/1", ""]
        sheets = {"集团": [GROUP_HEAD, group], "成员": [MEMBER_HEAD, member] if case == "member school" else [MEMBER_HEAD]}
        return groups_importer.run(write(tmp_path / f"g{next(counter)}.xlsx", sheets), user=county_user, commit=False)

    same_answer(run, existing, missing)


def test_alliances_requirements(world, tmp_path, county_user):
    head = ["集团类型", "派出要求", "区域代码", "数量", "不多于", "必须覆盖的学科", "骨干教师最低荣誉等级", "适用"]
    counter = iter(range(10))

    def run(value):
        path = write(tmp_path / f"q{next(counter)}.xlsx",
                     {"派出要求": [head, ["紧密型教育集团", "初中学科骨干教师", value, 5, "", "", "县级", "是"]]})
        return requirements_importer.run(path, user=county_user, commit=False)

    same_answer(run, "421221", MISSING_REGION)


# --- evaluation: school quality data -------------------------------------------------------------

def test_evaluation_quality(world, tmp_path, county_user):
    counter = iter(range(10))

    def run(value):
        path = write(tmp_path / f"e{next(counter)}.xlsx",
                     {"学校质量数据": [list(QUALITY_SPEC.headers), [value, "", 2025, "86.5", 35, 4]]})
        return QualityImporter().run(path, user=county_user, commit=False)

    same_answer(run, "B001", MISSING_SCHOOL)
