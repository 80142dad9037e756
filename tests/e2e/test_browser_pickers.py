"""A searchable picker (org.pickers, static/js/picker.js) in the browser: it asks the scoped endpoint as the
user types, offers only the user's county, filters the list, and raises no CSP violation."""

import pytest

from org import pickers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_filter_searches_as_you_type_within_scope(world, county_user, login, live_server, monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 0)  # every school select is a picker
    page = login("county_a")
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/org/staff/")
    assert page.locator("select[name=school] option").count() == 1  # only the empty option is rendered
    page.locator(".ts-wrapper .ts-control input").first.fill("实验")
    option = page.locator(".ts-dropdown .option", has_text="咸安实验小学")
    option.wait_for()
    assert page.locator(".ts-dropdown .option", has_text="嘉鱼实验小学").count() == 0
    option.click()
    page.keyboard.press("Escape")  # close the dropdown, which may cover the button
    assert page.locator("select[name=school]").input_value() == str(world.school_a.pk)
    with page.expect_navigation():
        page.locator("form.filter-form").evaluate("form => form.requestSubmit()")
    assert f"school={world.school_a.pk}" in page.url
    assert page.locator("select[name=school] option:checked").inner_text() == "咸安实验小学"
    assert violations == []
