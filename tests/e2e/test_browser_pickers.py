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


def _type_and_wait(page, text, option_text):
    page.locator(".ts-wrapper .ts-control input").first.fill(text)
    option = page.locator(".ts-dropdown .option", has_text=option_text)
    option.wait_for()
    return option


def test_one_click_on_the_filter_button_after_choosing(world, county_user, login, live_server, monkeypatch):
    """Review r3: the picker box changed width on blur, so the first click on 筛选 missed the moved button."""
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 0)
    page = login("county_a")
    page.goto(f"{live_server.url}/org/staff/")
    _type_and_wait(page, "实验", "咸安实验小学").click()
    button = page.locator("form.filter-form button[type=submit]")
    with page.expect_navigation(timeout=5000):
        button.click()  # one real click: mousedown blurs the picker, the button must stay under the pointer
    assert f"school={world.school_a.pk}" in page.url


def test_enter_selects_the_highlighted_option_not_an_empty_value(world, county_user, login, live_server, monkeypatch):
    """Review r3: Enter in the picker chose the selected empty option and submitted the form unfiltered."""
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 0)
    page = login("county_a")
    page.goto(f"{live_server.url}/org/staff/")
    _type_and_wait(page, "实验", "咸安实验小学")
    start = page.url
    page.keyboard.press("Enter")  # selects the highlighted option, does not submit
    assert page.locator("select[name=school]").input_value() == str(world.school_a.pk)
    assert page.url == start
    with page.expect_navigation(timeout=5000):
        page.keyboard.press("Enter")  # the next Enter submits the form with the chosen school
    assert f"school={world.school_a.pk}" in page.url
