"""The 用户 workbook creates accounts with roles and scope codes, within the importing bureau's region (issue 10, point 10)."""

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from org.account_import import USER_SPEC, account_importer
from org.models import Account, UserRole

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def users_book(tmp_path):
    def make(rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "用户"
        sheet.append(USER_SPEC.headers)
        for row in rows:
            sheet.append(row)
        path = tmp_path / "users.xlsx"
        book.save(path)
        return path

    return make


def located(result):
    return [(p.row, p.column, p.message) for p in result.problems]


def test_a_county_creates_its_principals_and_reviewers_in_one_import(world, county_user, users_book):
    path = users_book([["xz-a001", "甲校长", "校长", "", "A001"], ["zj-1", "专家一", "评审专家", "", ""]])
    result = account_importer.run(path, user=county_user, commit=True)
    assert result.ok and result.committed
    principal = User.objects.get(username="xz-a001")
    assert list(principal.roles.values_list("role", "school")) == [(UserRole.Role.PRINCIPAL, world.school_a.pk)]
    assert not principal.has_usable_password() and principal.account.must_change_password
    assert User.objects.get(username="zj-1").account.region == world.county_a


def test_other_counties_and_unknown_codes_get_the_same_message(world, county_user, users_book):
    path = users_book([["p1", "乙校长", "校长", "", "B001"], ["p2", "丙校长", "校长", "", "ZZZ999"],
                       ["c1", "县局", "县局", "421202", ""], ["p1", "重复", "校长", "", "A001"],
                       ["bad name!", "坏", "校长", "", "A001"]])
    result = account_importer.run(path, user=county_user, commit=True)
    problems = located(result)
    assert problems[0][2].replace("B001", "X") == problems[1][2].replace("ZZZ999", "X")
    assert [(row, column) for row, column, _message in problems] == [(2, "学校代码"), (3, "学校代码"), (4, "角色"),
                                                                    (5, "用户名"), (6, "用户名")]
    assert not result.committed and not User.objects.filter(username__in=["p1", "p2", "c1"]).exists()


def test_the_city_creates_county_clerks_not_principals(world, city_user, users_book):
    path = users_book([["clerk-b", "嘉鱼县局", "县局", "421221", ""], ["p3", "校长", "校长", "", "A001"]])
    result = account_importer.run(path, user=city_user, commit=True)
    assert [(row, column) for row, column, _message in located(result)] == [(3, "角色")]


def test_imported_accounts_get_their_initial_passwords_once_on_the_page(client, world, county_user, users_book):
    account_importer.run(users_book([["xz-a001", "甲校长", "校长", "", "A001"]]), user=county_user, commit=True)
    client.force_login(county_user)
    response = client.post(reverse("org:user-initial-passwords"))
    ((user, password),) = response.context["issued"]
    assert user.username == "xz-a001" and password in response.content.decode()
    assert User.objects.get(username="xz-a001").check_password(password)
    assert client.post(reverse("org:user-initial-passwords")).context["issued"] == []
    assert Account.objects.get(user__username="xz-a001").must_change_password


def test_the_export_lists_the_accounts_the_bureau_manages(world, county_user, users_book, tmp_path):
    account_importer.run(users_book([["xz-a001", "甲校长", "校长", "", "A001"]]), user=county_user, commit=True)
    target = tmp_path / "out.xlsx"
    account_importer.export(target, user=county_user)
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1] == ("xz-a001", "甲校长", "校长", None, "A001")
