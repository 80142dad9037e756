"""The roster in the browser: the county clerk files and approves, the receiving principal confirms."""

import pytest

from org.models import UserRole
from rotation.models import Assignment
from tests.conftest import _user_with_role
from tests.factories import SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_assignment(page, live_server, to_school, end):
    page.goto(f"{live_server.url}/rotation/assignments/new/")
    page.select_option("select[name=staff]", label=page.locator("select[name=staff] option", has_text="甲老师").inner_text())
    page.select_option("select[name=to_school]", label="咸安马桥村小学")
    page.select_option("select[name=form]", value="support")
    page.fill("input[name=start]", "2026-08-28")  # a stint already started: its arrival can be confirmed
    page.fill("input[name=planned_end]", end)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_file_refuse_approve_and_confirm_arrival(world, county_user, login, live_server, browser):
    rural = SchoolFactory(code="A009", name="咸安马桥村小学", region=world.county_a, location="rural")
    _user_with_role("principal_rural", UserRole.Role.PRINCIPAL, school=rural)
    page = login("county_a")

    fill_assignment(page, live_server, rural, end="2027-03-01")  # shorter than a teacher's 1 year
    assert "交流时间过短：专任教师至少交流 1 年" in page.content()
    assert not Assignment.objects.exists()

    fill_assignment(page, live_server, rural, end="2027-08-27")
    assignment = Assignment.objects.get()
    assert assignment.state == "planned" and assignment.to_school == rural
    with page.expect_navigation():
        page.click("button[value=approve]")
    assignment.refresh_from_db()
    assert assignment.state == "approved"

    principal = browser.new_context(locale="en-US").new_page()
    principal.goto(f"{live_server.url}/accounts/login/")
    principal.fill("#id_username", "principal_rural")
    principal.fill("#id_password", "pw-123456")
    with principal.expect_navigation():
        principal.click("button[type=submit]")
    principal.goto(f"{live_server.url}/rotation/assignments/{assignment.pk}/")
    with principal.expect_navigation():
        principal.click("button[value=confirm]")
    assignment.refresh_from_db()
    assert assignment.state == "in_place" and assignment.confirmed_by.username == "principal_rural"
