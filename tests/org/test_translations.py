"""Translations stay per request: nothing one request does changes another's language (issue 8, point 9)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_schema_needs_a_login(client, world):
    assert client.get("/api/v1/schema/").status_code in {401, 403}
    assert client.get("/api/v1/docs/").status_code in {302, 401, 403}


def test_an_english_schema_leaves_the_filter_labels_chinese(client, world, county_user):
    client.force_login(county_user)
    assert client.get("/api/v1/schema/", {"lang": "en"}).status_code == 200
    body = client.get(reverse("org:staff-list")).content.decode()
    assert "岗位" in body and ">Post<" not in body
    body = client.get(reverse("rotation:assignment-list")).content.decode()
    assert ">State<" not in body and ">Form<" not in body


def test_english_labels_for_a_user_who_chose_english(client, world, county_user):
    from django.conf import settings

    client.force_login(county_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Post" in client.get(reverse("org:staff-list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "岗位" in client.get(reverse("org:staff-list")).content.decode()
