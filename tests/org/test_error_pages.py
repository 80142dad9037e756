"""Error pages speak Chinese inside the site layout, and never tell missing from out of scope (issue 8, point 8)."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_layout_page(response, status: int, text: str):
    body = response.content.decode()
    assert response.status_code == status
    assert f'data-status="{status}"' in body and text in body
    assert 'href="/org/schools/"' in body  # the navigation is there


def without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_missing_and_out_of_scope_records_give_the_same_page(client, world, county_user):
    client.force_login(county_user)
    other = client.get(reverse("org:staff-detail", args=[world.staff_b.pk]))
    missing = client.get(reverse("org:staff-detail", args=[999999]))
    assert_layout_page(other, 404, "记录不存在，或不在您的权限范围内")
    assert without_tokens(other).replace(f"/{world.staff_b.pk}/", "/N/") == without_tokens(missing).replace("/999999/", "/N/")
    assert "乙老师" not in other.content.decode()


def test_a_refused_edit_is_a_chinese_403_page(client, world, supervisor_user):
    client.force_login(supervisor_user)
    assert_layout_page(client.get(reverse("org:staff-edit", args=[world.staff_a.pk])), 403, "您无权执行此操作")


def test_a_wrong_method_is_a_chinese_405_page(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("logout"))
    assert_layout_page(response, 405, "不能以这种方式使用")
    assert "POST" in response["Allow"]


def test_the_api_keeps_its_json_405(client, world, county_user):
    client.force_login(county_user)
    response = client.delete("/api/v1/staff/")
    assert response.status_code == 405 and response["Content-Type"].startswith("application/json")


def test_a_bad_request_is_a_chinese_400_page(client, world, county_user):
    from django.core.exceptions import SuspiciousOperation

    from config import errors

    client.force_login(county_user)
    request = client.get("/").wsgi_request
    assert_layout_page(errors.bad_request(request, SuspiciousOperation()), 400, "无法理解该请求")


@override_settings(DEBUG=False)
def test_a_server_error_is_a_chinese_500_page(world, county_user, monkeypatch):
    from django.test import Client

    from org import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.SchoolListView, "get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(county_user)
    assert_layout_page(client.get(reverse("org:school-list")), 500, "服务器")


def test_an_expired_form_says_refresh_and_try_again_not_no_permission(world, county_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(county_user)
    response = client.post(reverse("logout"))
    body = response.content.decode()
    assert response.status_code == 403 and 'data-status="403"' in body
    assert "页面已过期" in body and "刷新" in body and "您无权执行此操作" not in body


def test_an_api_404_is_the_projects_chinese_message(client, world, county_user):
    client.force_login(county_user)
    for pk in (world.staff_b.pk, 999999):
        response = client.get(f"/api/v1/staff/{pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 404
        assert response.json() == {"detail": "记录不存在，或不在您的权限范围内。"}
