"""Site-wide: assets served locally (no CDN), API schema and docs, the home page per role."""

import pytest
from django.urls import reverse

from org import services

pytestmark = pytest.mark.django_db


def test_vendor_assets_are_served_by_the_app(client):
    response = client.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200


def test_pages_reference_no_cdn(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("home")).content.decode()
    assert "/static/vendor/bootstrap/" in body
    assert "cdn" not in body.lower() and "https://" not in body


def test_api_schema_and_local_docs(client, world, county_user):
    client.force_login(county_user)
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert "cdn.jsdelivr" not in docs and "/static/drf_spectacular_sidecar/" in docs


def test_home_counts_only_the_users_scope(client, world, county_user, city_user):
    services.staff_figures_compute()  # the staff figure is the periodic job's (tests/dashboards/test_home_figures.py)
    client.force_login(county_user)
    response = client.get(reverse("home"))
    assert (response.context["school_count"], response.context["staff_count"]) == (1, 1)
    assert "县局工作人员 · 咸安区" in response.content.decode()
    client.force_login(city_user)
    response = client.get(reverse("home"))
    assert (response.context["school_count"], response.context["staff_count"]) == (2, 2)


@pytest.mark.parametrize("app", ["talentpool", "rotation", "alliances", "evaluation"])
def test_each_app_has_a_landing_page(client, world, county_user, app):
    client.force_login(county_user)
    assert client.get(reverse(f"{app}:index")).status_code == 200


def test_english_is_available(client, world, county_user):
    client.force_login(county_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("home")).content.decode()


def test_chinese_even_when_the_browser_asks_for_english(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "退出登录" in body and "Log out" not in body
