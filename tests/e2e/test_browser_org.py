"""A real browser: the login page in Chinese, a county user's scoped lists, the staff record."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_login_page_speaks_chinese(page, live_server):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录"
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_county_user_sees_only_its_county(world, county_user, login, live_server):
    page = login("county_a")
    assert page.get_by_test_id("current-user").inner_text() == "county_a"
    page.click("text=教职工")
    table = page.get_by_test_id("staff-table").inner_text()
    assert "甲老师" in table and "乙老师" not in table
    assert world.staff_a.masked_id_number in table and world.staff_a.id_number not in table
    page.click("text=甲老师")
    assert page.get_by_test_id("id-number").inner_text() == world.staff_a.id_number
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff_detail.png"), full_page=True)
    response = page.goto(f"{live_server.url}/org/staff/{world.staff_b.pk}/")
    assert response.status == 404


def test_wrong_password_shows_chinese_error(world, county_user, login):
    page = login("county_a", "wrong-password")
    assert "用户名或密码不正确" in page.content()


def test_edit_staff_in_the_browser_records_history(world, county_user, login, live_server):
    page = login("county_a")
    page.goto(f"{live_server.url}/org/staff/{world.staff_a.pk}/edit/")
    page.fill("#id_subject", "物理")
    with page.expect_navigation():
        page.click("main button[type=submit]")  # not the navigation bar's logout button
    assert "已保存" in page.content()
    assert "county_a" in page.get_by_test_id("history").inner_text()
    world.staff_a.refresh_from_db()
    assert world.staff_a.subject == "物理"


def test_two_clerks_in_two_browsers_the_second_save_is_refused(world, county_user, browser, live_server):
    """No lost updates (issue 16.3): two browser sessions open one staff record and both save."""
    from org.models import UserRole
    from tests.conftest import _user_with_role

    _user_with_role("county_a2", UserRole.Role.COUNTY_STAFF, region=world.county_a)
    url = f"{live_server.url}/org/staff/{world.staff_a.pk}/edit/"
    pages = []
    for username in ("county_a", "county_a2"):
        page = browser.new_context(locale="zh-CN").new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pw-123456")
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(url)
        pages.append(page)
    first, second = pages
    first.fill("#id_subject", "物理")
    second.fill("#id_title", "一级教师")

    with first.expect_navigation():
        first.click("main button[type=submit]")
    with second.expect_navigation():
        second.click("main button[type=submit]")

    refusal = second.locator(".alert-danger").inner_text()
    assert "您打开此记录后，它已被修改" in refusal and "county_a" in refusal
    world.staff_a.refresh_from_db()
    assert (world.staff_a.subject, world.staff_a.title, world.staff_a.version) == ("物理", "", 2)
    for page in pages:
        page.context.close()
