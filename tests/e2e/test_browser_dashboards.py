"""The home page of each role in the browser, on the demo city: the page loads with its charts, one figure is
followed to the list behind it, and that list's export downloads. Each role's home page is saved as a screenshot
under docs/screenshots/ (the README shows two).

The demo is loaded once for all five roles (it is the slowest setup of the suite): the roles are visited one after
another, each in its own browser context, over the same live server. A role's failure does not hide the others':
every role is visited and the test fails naming each role that failed."""

from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "demo-2026"
# (demo user, the figure followed from the home page, the list's export link)
ROLES = [
    ("city", "[data-testid=counted-421202]", "[data-testid=roster-export]"),
    ("xianan", "[data-testid=members-total]", "a[href*='/talentpool/members/export.xlsx']"),
    ("principal", "[data-testid=eligibility-by-stage] tbody a >> nth=0", "a[href*='/rotation/eligibility/export/']"),
    ("supervisor", "[data-testid=counted-421224]", "[data-testid=roster-export]"),
]
SECTIONS = ("dashboard-rotation", "dashboard-talentpool", "dashboard-alliances", "dashboard-evaluation")


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _home(page, live_server, username: str, sections=SECTIONS):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.rstrip("/") == live_server.url
    # Each section arrives after the page (static/js/dashboard.js) and takes its placeholder's place.
    holders = page.locator("[data-dashboard-fragment]")
    while holders.count():
        holders.first.wait_for(state="detached")
    for section in ("inbox", *sections):
        assert page.locator(f"[data-testid={section}]").count() == 1, section


def _drill_down_and_export(browser, live_server, username, figure, export):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        errors = []
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error} {error.stack}"))
        _home(page, live_server, username)
        charts = page.locator(".chart")
        for index in range(charts.count()):  # ECharts drew every chart (SVG renderer)
            charts.nth(index).locator("svg").first.wait_for()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"home-{username}.png"), full_page=True)
        # A window squeezed to nothing and back: the charts (the county map above all) skip the empty box
        # instead of throwing inside ECharts (a singular transform), then draw at the restored size.
        page.set_viewport_size({"width": 1, "height": 1000})
        page.wait_for_timeout(400)
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.wait_for_timeout(400)
        assert errors == [], "\n".join(errors)

        link = page.locator(figure).first
        shown = link.inner_text().strip()
        with page.expect_navigation():
            link.click()
        if shown.replace(",", "").isdigit() and page.locator(".pagination, [data-testid=count]").count() == 0:
            assert page.locator("main table tbody tr").count() >= min(int(shown.replace(",", "")), 1)
        with page.expect_download() as download:
            page.locator(export).first.click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert errors == [], "\n".join(errors)  # whole stacks: ECharts' frames name the failing piece
    finally:
        context.close()


def _reviewer_inbox(browser, live_server):
    """A reviewer scores what is assigned to them and has no scope of schools: the inbox, no dashboards of zeros."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.set_default_timeout(20000)
        _home(page, live_server, "reviewer", sections=())
        for section in SECTIONS:
            assert page.locator(f"[data-testid={section}]").count() == 0, section
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "home-reviewer.png"), full_page=True)
        link = page.locator("[data-testid=inbox] a").first
        with page.expect_navigation():
            link.click()
        assert page.locator("main").count() == 1
    finally:
        context.close()


def test_home_page_drill_down_and_export_of_every_role(demo, browser, live_server):
    failures = {}
    for username, figure, export in ROLES:
        try:
            _drill_down_and_export(browser, live_server, username, figure, export)
        except Exception as error:  # reported below with the role's name
            failures[username] = f"{type(error).__name__}: {error}"
    try:
        _reviewer_inbox(browser, live_server)
    except Exception as error:  # reported with the others
        failures["reviewer"] = f"{type(error).__name__}: {error}"
    assert failures == {}, "\n".join(f"{role}: {failure}" for role, failure in failures.items())
