"""The top navigation at 1280 px (a laptop): one line for the city user, who sees every entry; and the favicon."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_city_users_navigation_fits_one_line(world, city_user, page, login, width):
    """A city user with a real name who also administers the site (the most entries anyone has)."""
    city_user.first_name, city_user.last_name, city_user.is_superuser = "晓明（市教育局人事科）", "欧阳", True
    city_user.save()
    page.set_viewport_size({"width": width, "height": 800})
    login("city")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"nav_city_{width}.png"), clip={"x": 0, "y": 0, "width": width, "height": 160})
    tops = page.eval_on_selector_all(
        "nav.navbar .navbar-brand, #mainnav .nav-link, #mainnav .navbar-text, #mainnav .btn",
        "items => items.map(item => Math.round(item.getBoundingClientRect().top + item.getBoundingClientRect().height / 2))")
    assert len(tops) >= 11 and max(tops) - min(tops) <= 4, tops  # every entry on one line (centres within 4 px)
    assert page.eval_on_selector("nav.navbar", "nav => nav.getBoundingClientRect().height") < 70
    assert page.locator("#mainnav").is_visible()  # not collapsed behind the menu button
    page.get_by_test_id("nav-account").click()  # the user's own links: one menu under their name
    with page.expect_navigation():
        page.get_by_test_id("nav-exports").click()
    assert page.url.endswith("/org/exports/")


def test_the_favicon_is_served(page, live_server):
    response = page.request.get(f"{live_server.url}/favicon.ico")
    assert response.status == 200 and response.body()[:4] == b"\x00\x00\x01\x00"
    page.goto(f"{live_server.url}/accounts/login/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{live_server.url}{href}").status == 200
