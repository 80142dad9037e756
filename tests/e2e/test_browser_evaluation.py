"""Done-when of issue 12 in the browser: the city clerk builds a small scheme, opens a cycle for a
county's primary schools, two reviewers score (one on the web, one by uploading the score sheet),
the cycle closes, and the result page shows each rater group's contribution."""

import io

import openpyxl
import pytest

from evaluation.models import Assignment, Cycle, Scheme, Subject
from tests.evaluation.conftest import _county_reviewer
from tests.factories import SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username):
    page = browser.new_context(locale="en-US").new_page()
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    with page.expect_navigation():
        page.click("button[type=submit]")
    return page


def _submit(page):
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _add_indicator(page, base, code, name, points, parent="", method="points"):
    page.goto(base)
    if parent:
        page.select_option("select[name=parent]", label=parent)
    page.fill("input[name=code]", code)
    page.fill("input[name=name]", name)
    page.fill("input[name=points]", points)
    page.select_option("select[name=method]", method)
    _submit(page)


def test_clerk_builds_scheme_runs_cycle_and_two_reviewers_score(world, city_user, live_server, browser, tmp_path):
    SchoolFactory(code="A002", name="咸安二小", region=world.county_a)
    SchoolFactory(code="A003", name="咸安一中", region=world.county_a, stage="junior")
    expert = _county_reviewer("expert", world.county_a)  # reviewers the city's bureau manages (offered as raters)
    peer = _county_reviewer("peer", world.county_a)

    clerk = _login(browser, live_server, "city")
    clerk.goto(f"{live_server.url}/evaluation/schemes/new/")
    clerk.select_option("select[name=region]", label="咸宁市")
    clerk.fill("input[name=name]", "小学简明考核")
    clerk.select_option("select[name=person_kind]", "school")
    clerk.select_option("select[name=category]", "primary")
    for name, value in (("total", "10"), ("excellent_min", "9"), ("qualified_min", "7"), ("basic_min", "6")):
        clerk.fill(f"input[name={name}]", value)
    _submit(clerk)
    scheme = Scheme.objects.get(name="小学简明考核")
    new_indicator = f"{live_server.url}/evaluation/schemes/{scheme.pk}/indicators/new/"
    _add_indicator(clerk, new_indicator, "A", "办学质量", "10")
    _add_indicator(clerk, new_indicator, "A1", "课堂教学", "6", parent="A 办学质量")
    _add_indicator(clerk, new_indicator, "A1a", "听课评价", "6", parent="A1 课堂教学")
    _add_indicator(clerk, new_indicator, "A2", "安全达标", "4", parent="A 办学质量", method="threshold")
    assert clerk.locator("[data-testid=scheme-ok]").is_visible()

    clerk.goto(f"{live_server.url}/evaluation/cycles/new/")
    clerk.select_option("select[name=region]", label="咸宁市")
    clerk.fill("input[name=name]", "2026年度小学考核")
    clerk.fill("input[name=year]", "2026")
    clerk.select_option("select[name=kind]", "year_end")
    clerk.select_option("select[name=scheme]", label=str(scheme))
    clerk.fill("input[name=as_of]", "2026-12-01")
    clerk.fill("input[name=groups-0-name]", "专家组")
    clerk.fill("input[name=groups-0-weight]", "60")
    clerk.fill("input[name=groups-1-name]", "学校互评")
    clerk.fill("input[name=groups-1-weight]", "40")
    _submit(clerk)
    cycle = Cycle.objects.get(name="2026年度小学考核")

    clerk.select_option("[data-testid=generate-form] select[name=region]", label="咸安区")
    clerk.select_option("[data-testid=generate-form] select[name=stage]", "primary")
    with clerk.expect_navigation():
        clerk.click("[data-testid=generate-form] button")
    assert set(cycle.subjects.values_list("school__code", flat=True)) == {"A001", "A002"}
    for rater, group in (("expert", "专家组"), ("peer", "学校互评")):
        clerk.select_option("[data-testid=assign-form] select[name=raters]", label=rater)
        clerk.select_option("[data-testid=assign-form] select[name=group]", label=group)
        with clerk.expect_navigation():
            clerk.click("[data-testid=assign-form] button")
    with clerk.expect_navigation():
        clerk.click("form[action$='/open/'] button")
    assert clerk.locator("[data-testid=cycle-status]").inner_text() in ("Open for scoring", "评分中", "开放评分")
    assert Assignment.objects.filter(cycle=cycle).count() == 4

    web = _login(browser, live_server, "expert")
    for subject in ("咸安实验小学", "咸安二小"):
        web.goto(f"{live_server.url}/evaluation/my/")
        with web.expect_navigation():
            web.click(f"[data-testid=assignment-table] a:has-text('{subject}')")
        web.fill("input[name=A1a]", "5")
        web.fill("input[name=A2]", "1")
        with web.expect_navigation():
            web.click("button[name=submit]")
    assert Assignment.objects.filter(rater=expert, submitted_at__isnull=False).count() == 2

    sheet_user = _login(browser, live_server, "peer")
    sheet_user.goto(f"{live_server.url}/evaluation/my/")
    with sheet_user.expect_download() as download:
        sheet_user.click(f"[data-testid=download-sheet-{cycle.pk}]")
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=headers.index(next(h for h in headers if h.startswith("A1a"))) + 1, value=3)
        sheet.cell(row=row, column=headers.index(next(h for h in headers if h.startswith("A2"))) + 1, value=1)
    filled = tmp_path / "peer.xlsx"
    book.save(filled)
    form = f"[data-testid=upload-sheet-{cycle.pk}]"
    sheet_user.set_input_files(f"{form} input[type=file]", str(filled))
    sheet_user.check(f"{form} input[name=submit]")
    with sheet_user.expect_navigation():
        sheet_user.click(f"{form} button")
    assert Assignment.objects.filter(rater=peer, submitted_at__isnull=False).count() == 2

    clerk.goto(f"{live_server.url}/evaluation/cycles/{cycle.pk}/")
    with clerk.expect_navigation():
        clerk.click("form[action$='/close/'] button")
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.CLOSED
    subject = Subject.objects.get(cycle=cycle, school=world.school_a)
    clerk.goto(f"{live_server.url}/evaluation/subjects/{subject.pk}/")
    # experts 5 + 4 = 9 at 60 %, peers 3 + 4 = 7 at 40 %: 5.40 + 2.80 = 8.20
    assert clerk.locator("[data-testid=subject-total]").inner_text() == "8.20"
    contributions = clerk.locator("[data-testid=contributions]").inner_text()
    assert "专家组" in contributions and "5.40" in contributions and "学校互评" in contributions and "2.80" in contributions
