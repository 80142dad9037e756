"""Alliances in the browser: a county clerk creates a tight group, sees its gaps, accepts a suggestion that
files a roster entry, and the gap closes once the receiving principal confirms the arrival."""

import datetime as dt

import pytest

from alliances import rules
from alliances.models import DispatchRequirement, Group, GroupType
from org.models import Staff, UserRole
from rotation.models import Assignment, Quota
from tests.conftest import _user_with_role
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
GAP = "咸安马桥村小学：管理团队派出 0 人，少于 1 人"
TODAY = dt.date.today()
YEAR = TODAY.year if TODAY >= dt.date(TODAY.year, 9, 1) else TODAY.year - 1  # the autumn term running now
TERM = f"{YEAR}-autumn"  # the stint starts on its first day, so the arrival (today) can be confirmed
PLAN = f"{YEAR}年秋季交流"


def test_clerk_closes_a_gap_through_a_suggestion(world, county_user, login, live_server, browser):
    # County A asks one team member per member school and switches off peers and bands (its own requirement rows).
    DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=rules.MANAGEMENT_TEAM, region=world.county_a, minimum=1)
    for kind in (rules.PEER_RETURN, rules.KEY_TEACHERS_PRIMARY_BAND):
        DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=kind, region=world.county_a, minimum=1, active=False)
    rural = SchoolFactory(code="A009", name="咸安马桥村小学", region=world.county_a, location="rural")
    _user_with_role("principal_rural", UserRole.Role.PRINCIPAL, school=rural)
    StaffFactory(school=world.school_a, honour_level=Staff.Honour.CITY, name="骨干甲")
    plan = PlanFactory(region=world.city, name=PLAN, term_start=dt.date(YEAR, 9, 1), opens_on=dt.date(YEAR, 3, 1),
                       deadline=dt.date(YEAR, 8, 31))
    Quota.objects.create(plan=plan, county=world.county_a, base=5, share=5)
    page = login("county_a")

    page.goto(f"{live_server.url}/alliances/groups/new/")
    page.fill("input[name=name]", "咸安实验小学教育集团")
    page.select_option("select[name=type]", value="tight")
    page.select_option("select[name=region]", label="咸安区")
    page.select_option("select[name=lead_school]", label="咸安实验小学")
    page.select_option("select[name=members]", label="咸安马桥村小学")
    page.fill("input[name=founded_on]", f"{YEAR}-06-01")
    with page.expect_navigation():
        page.click("main [data-testid=submit]")
    group = Group.objects.get(name="咸安实验小学教育集团")

    page.goto(f"{live_server.url}{group.get_absolute_url()}?term={TERM}")
    with page.expect_navigation():
        page.click("[data-testid=recompute]")
    assert GAP in page.inner_text("[data-testid=compliance-table]")

    page.click("[data-testid=suggest-link]")
    assert "骨干甲" in page.inner_text("[data-testid=gap-candidates]")
    page.select_option("select[name=plan]", label=PLAN)
    with page.expect_navigation():
        page.click("[data-testid=suggest]")
    row = page.locator("[data-testid=suggestion-table] tr", has_text="骨干甲")
    assert "伙伴学校" in row.inner_text()
    with page.expect_navigation():
        row.locator("button[value=accept]").click()
    assignment = Assignment.objects.get(staff__name="骨干甲")
    assert assignment.to_school == rural and assignment.state == "planned"
    page.goto(f"{live_server.url}{group.get_absolute_url()}?term={TERM}")
    assert GAP in page.inner_text("[data-testid=compliance-table]")  # planned rows do not count

    page.goto(f"{live_server.url}/rotation/assignments/{assignment.pk}/")
    with page.expect_navigation():
        page.click("button[value=approve]")

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
    assert assignment.state == "in_place"

    page.goto(f"{live_server.url}{group.get_absolute_url()}?term={TERM}")
    assert GAP not in page.inner_text("[data-testid=compliance-table]")
    assert page.locator("[data-testid=compliance-summary] .bg-success").count() == 1
