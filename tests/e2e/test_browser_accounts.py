"""A real browser: a county clerk cannot open /admin/, manages a principal's account on its own page,
and the principal logs in with the initial password and has to change it (issue 8, done-when)."""

import pytest

from org.models import Account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_manages_a_principals_account_and_the_principal_changes_the_password(world, county_user, login,
                                                                                       live_server, browser):
    page = login("county_a")
    response = page.goto(f"{live_server.url}/admin/")
    assert response.status == 404 and "记录不存在" in page.content()
    assert page.get_by_test_id("nav-users").is_visible()  # the error page keeps the site's navigation

    page.get_by_test_id("nav-users").click()
    page.get_by_test_id("user-create").click()
    page.fill("#id_username", "xz-a001")
    page.fill("#id_full_name", "甲校长")
    page.select_option("#id_role", "principal")
    page.select_option("#id_school", str(world.school_a.pk))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    password = page.get_by_test_id("initial-password").inner_text()
    assert len(password) == 12

    principal = browser.new_context(locale="zh-CN").new_page()
    principal.goto(f"{live_server.url}/accounts/login/")
    principal.fill("#id_username", "xz-a001")
    principal.fill("#id_password", password)
    with principal.expect_navigation():
        principal.click("button[type=submit]")
    principal.goto(f"{live_server.url}/org/staff/")
    assert principal.url.endswith("/accounts/password/")
    assert principal.get_by_test_id("must-change").is_visible()
    principal.fill("#id_old_password", password)
    principal.fill("#id_new_password1", "123")
    principal.fill("#id_new_password2", "123")
    with principal.expect_navigation():
        principal.click("main button[type=submit]")
    assert "10" in principal.content()  # refused: too short, in Chinese
    principal.fill("#id_old_password", password)
    principal.fill("#id_new_password1", "Xianan-Shiyan-2026")
    principal.fill("#id_new_password2", "Xianan-Shiyan-2026")
    with principal.expect_navigation():
        principal.click("main button[type=submit]")
    assert "密码已修改" in principal.content()
    principal.goto(f"{live_server.url}/org/staff/")
    assert "甲老师" in principal.content() and "乙老师" not in principal.content()
    assert not Account.objects.get(user__username="xz-a001").must_change_password

    page.goto(f"{live_server.url}/org/users/")
    assert "xz-a001" in page.get_by_test_id("users").inner_text()
    page.click("text=xz-a001")
    with page.expect_navigation():
        page.get_by_test_id("deactivate").click()
    assert page.get_by_test_id("state").inner_text() == "已停用"
    principal.goto(f"{live_server.url}/org/staff/")
    assert "/accounts/login/" in principal.url  # a deactivated account is signed out
    principal.context.close()
