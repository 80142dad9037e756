"""Under the strict Content-Security-Policy the pages work and the browser reports no violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_raise_no_csp_violation_and_the_language_switch_still_works(world, county_user, principal_user, login,
                                                                          live_server):
    page = login("county_a")
    violations = []
    current = {"path": ""}
    page.on("console", lambda message: violations.append(f"{current['path']}: {message.text}")
            if "Content Security Policy" in message.text else None)
    paths = ("/", "/org/staff/", "/org/imports/", "/org/users/", "/org/users/new/", f"/org/users/{principal_user.pk}/",
             "/accounts/password/", "/api/v1/docs/")
    for path in paths:
        current["path"] = path
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.locator("#swagger-ui .opblock").count() > 0  # the API docs render (their styles allowed there)

    page.goto(f"{live_server.url}/org/staff/")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")  # static/js/app.js submits the form
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations == []


def test_cancel_on_a_form_goes_back_without_inline_script(world, county_user, login, live_server):
    page = login("county_a")
    page.goto(f"{live_server.url}/org/users/")
    page.goto(f"{live_server.url}/org/users/new/")
    with page.expect_navigation():
        page.click("a[data-action=back]")  # static/js/app.js: history.back()
    assert page.url == f"{live_server.url}/org/users/"
