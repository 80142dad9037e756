"""集团及成员 and 派出要求 workbooks: template, import with preview (nothing stored), commit, refusals by row, round trip."""

import datetime as dt

import pytest
from openpyxl import Workbook

from alliances import rules
from alliances.importers import groups_importer, requirements_importer
from alliances.models import DispatchRequirement, Group, Membership
from org.excel import write_template
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _book(path, sheets: dict):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


GROUP_HEAD = ["集团名称", "类型", "梯次", "所属区域代码", "牵头学校代码", "成立日期"]
MEMBER_HEAD = ["集团名称", "学校代码", "加入日期", "退出日期"]


def test_preview_then_commit_then_same_file_changes_nothing(world, county_user, tmp_path):
    SchoolFactory(code="A002", name="咸安二小", region=world.county_a)
    path = _book(tmp_path / "g.xlsx", {
        "集团": [GROUP_HEAD, ["咸安一集团", "紧密型教育集团", "", "421202", "A001", "2026-09-01"]],
        "成员": [MEMBER_HEAD, ["咸安一集团", "A002", "2026/9/1", ""]],
    })
    preview = groups_importer.run(path, user=county_user, commit=False)
    assert preview.ok and preview.sheets[0].created == 1 and not Group.objects.exists()
    result = groups_importer.run(path, user=county_user, commit=True)
    assert result.committed and Membership.objects.filter(group__name="咸安一集团").count() == 2
    again = groups_importer.run(path, user=county_user, commit=True)
    assert (again.sheets[0].unchanged, again.sheets[1].unchanged) == (1, 1)
    assert Membership.objects.count() == 2


def test_constraint_refusal_is_reported_by_row_and_nothing_is_stored(world, county_user, tmp_path):
    path = _book(tmp_path / "g.xlsx", {
        "集团": [GROUP_HEAD, ["跨县集团", "紧密型教育集团", "", "421202", "A001", "2026-09-01"]],
        "成员": [MEMBER_HEAD, ["跨县集团", "B001", "2026-09-01", ""], ["无名集团", "A001", "2026-09-01", ""]],
    })
    result = groups_importer.run(path, user=county_user, commit=True)
    messages = [(p.sheet, p.row, p.message) for p in result.problems]
    assert ("成员", 2, "学校 B001 不存在或不在您的管理范围内。") in messages
    assert any(sheet == "成员" and row == 3 and "无名集团" in message for sheet, row, message in messages)
    assert not result.committed and not Group.objects.exists()


def test_leave_date_ends_a_membership(world, county_user, tmp_path):
    for code in ("A002", "A003"):
        SchoolFactory(code=code, region=world.county_a)
    rows = {"集团": [GROUP_HEAD, ["咸安一集团", "紧密型教育集团", "", "421202", "A001", "2026-09-01"]],
            "成员": [MEMBER_HEAD, ["咸安一集团", "A002", "2026-09-01", ""], ["咸安一集团", "A003", "2026-09-01", ""]]}
    groups_importer.run(_book(tmp_path / "a.xlsx", rows), user=county_user, commit=True)
    rows["成员"][2][3] = "2027-01-31"
    result = groups_importer.run(_book(tmp_path / "b.xlsx", rows), user=county_user, commit=True)
    assert result.committed and result.sheets[1].updated == 1
    assert Membership.objects.get(school__code="A003").left_on == dt.date(2027, 1, 31)


def test_export_then_import_changes_nothing(world, county_user, tmp_path):
    SchoolFactory(code="A002", region=world.county_a)
    groups_importer.run(_book(tmp_path / "a.xlsx", {
        "集团": [GROUP_HEAD, ["咸安一集团", "紧密型教育集团", "", "421202", "A001", "2026-09-01"]],
        "成员": [MEMBER_HEAD, ["咸安一集团", "A002", "2026-09-01", ""]]}), user=county_user, commit=True)
    groups_importer.export(tmp_path / "out.xlsx", user=county_user)
    result = groups_importer.run(tmp_path / "out.xlsx", user=county_user, commit=True)
    assert result.ok and result.sheets[0].unchanged == 1 and result.sheets[1].created == 0
    write_template(tmp_path / "t.xlsx", groups_importer.spec)


def test_requirements_import_sets_own_region_and_refuses_defaults(world, county_user, tmp_path):
    head = ["集团类型", "派出要求", "区域代码", "数量", "不多于", "必须覆盖的学科", "骨干教师最低荣誉等级", "适用"]
    path = _book(tmp_path / "r.xlsx", {"派出要求": [head, ["紧密型教育集团", "初中学科骨干教师", "421202", 5, "", "", "县级", "是"]]})
    assert requirements_importer.run(path, user=county_user, commit=True).committed
    row = DispatchRequirement.objects.get(region=world.county_a, kind=rules.KEY_TEACHERS_JUNIOR)
    assert row.minimum == 5
    path = _book(tmp_path / "d.xlsx", {"派出要求": [head, ["紧密型教育集团", "初中学科骨干教师", "", 4, "", "", "县级", "是"]]})
    result = requirements_importer.run(path, user=county_user, commit=True)
    assert not result.committed and "只有教育局工作人员" in " ".join(p.message for p in result.problems)
    requirements_importer.export(tmp_path / "out.xlsx", user=county_user)
    again = requirements_importer.run(tmp_path / "out.xlsx", user=county_user, commit=True)
    assert again.ok and again.sheets[0].created == 0 and again.sheets[0].updated == 0


def test_activities_import_and_round_trip(world, county_user, tmp_path):
    from alliances.importers import activities_importer
    from alliances.models import Activity
    from tests.alliances.factories import GroupFactory, MembershipFactory

    group = GroupFactory(name="咸安一集团", region=world.county_a, lead_school=world.school_a)
    MembershipFactory(group=group, school=SchoolFactory(code="A002", region=world.county_a))
    head = ["集团名称", "活动类型", "日期", "标题", "学校代码", "内容摘要"]
    path = _book(tmp_path / "a.xlsx", {"联合活动": [head, ["咸安一集团", "联考", "2026-11-05", "九年级联考", "A001、A002", "统一命题"],
                                                  ["咸安一集团", "论坛", "2026-11-06", "论坛", "B001", ""]]})
    result = activities_importer.run(path, user=county_user, commit=True)
    assert not result.committed and [p.row for p in result.problems] == [3] and not Activity.objects.exists()
    path = _book(tmp_path / "b.xlsx", {"联合活动": [head, ["咸安一集团", "联考", "2026-11-05", "九年级联考", "A001、A002", "统一命题"]]})
    assert activities_importer.run(path, user=county_user, commit=True).committed
    assert Activity.objects.get().schools.count() == 2
    activities_importer.export(tmp_path / "out.xlsx", user=county_user)
    again = activities_importer.run(tmp_path / "out.xlsx", user=county_user, commit=True)
    assert again.ok and again.sheets[0].unchanged == 1 and Activity.objects.count() == 1


def test_a_requirements_upper_limit_below_its_lower_is_named_in_chinese(world, county_user, tmp_path):
    """It reached the database's check constraint: the workbook's commit failed and the page said only
    “约束 requirement_max_not_below_min 是无效的”."""
    head = ["集团类型", "派出要求", "区域代码", "数量", "不多于", "必须覆盖的学科", "骨干教师最低荣誉等级", "适用"]
    path = _book(tmp_path / "r.xlsx", {"派出要求": [head, ["城乡手拉手帮扶联盟", "每学期城区派出人数", "421202", 9, 2, "", "县级", "是"]]})
    result = requirements_importer.run(path, user=county_user, commit=True)
    assert not result.committed
    assert any("2" in p.message and "9" in p.message and "不少于" in p.message for p in result.problems), [p.message for p in result.problems]
    assert not DispatchRequirement.objects.filter(region=world.county_a).exists()


def test_a_group_name_two_counties_share_is_refused_not_guessed(world, county_user, city_user, tmp_path):
    """Two counties each found a 实验小学教育集团; the city clerk sees both. A 成员 or 联合活动 row naming it
    was filed under one of them at random: it is refused now, naming the two regions."""
    from alliances import services
    from alliances.importers import activities_importer
    from alliances.models import Activity, GroupType
    from tests.conftest import _user_with_role

    county_b_user = _user_with_role("county_b", "county_staff", region=world.county_b)
    a = services.group_create(actor=county_user, name="实验小学教育集团", type=GroupType.TIGHT, region=world.county_a,
                              lead_school=world.school_a, members=[SchoolFactory(region=world.county_a)], founded_on=dt.date(2026, 9, 1))
    b = services.group_create(actor=county_b_user, name="实验小学教育集团", type=GroupType.TIGHT, region=world.county_b,
                              lead_school=world.school_b, members=[SchoolFactory(region=world.county_b)], founded_on=dt.date(2026, 9, 1))
    late = SchoolFactory(code="A777", region=world.county_a)
    path = _book(tmp_path / "g.xlsx", {"集团": [GROUP_HEAD], "成员": [MEMBER_HEAD, ["实验小学教育集团", "A777", "2026-10-01", ""]]})
    result = groups_importer.run(path, user=city_user, commit=True)
    assert not result.committed
    message = " ".join(p.message for p in result.problems)
    assert world.county_a.name in message and world.county_b.name in message
    assert not Membership.objects.filter(school=late).exists()
    head = ["集团名称", "活动类型", "日期", "标题", "学校代码", "内容摘要"]
    path = _book(tmp_path / "a.xlsx", {"联合活动": [head, ["实验小学教育集团", "联合教研", "2026-10-15", "数学联合教研", "", ""]]})
    result = activities_importer.run(path, user=city_user, commit=True)
    assert not result.committed and not Activity.objects.exists()
    # each county, seeing its own group only, still imports by the name
    path = _book(tmp_path / "m.xlsx", {"集团": [GROUP_HEAD], "成员": [MEMBER_HEAD, ["实验小学教育集团", "A777", "2026-10-01", ""]]})
    assert groups_importer.run(path, user=county_user, commit=True).committed
    assert Membership.objects.get(school=late).group == a and b.memberships.count() == 2
