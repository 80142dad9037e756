"""Account security: expiring, revocable API tokens; lockouts per address and username that a bureau lifts."""

from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org.models import UserRole
from tests.factories import UserFactory, UserRoleFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456"


def _token(client, username: str) -> dict:
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


def _get_staff(client, key: str):
    return client.__class__().get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {key}")


def test_token_carries_its_expiry_and_is_refused_after_it(client, county_user, settings):
    body = _token(client, "county_a")
    token = Token.objects.get(key=body["token"])
    assert datetime.fromisoformat(body["expires_at"]) == token.created + settings.API_TOKEN_TTL
    assert _get_staff(client, token.key).status_code == 200

    Token.objects.filter(pk=token.pk).update(created=token.created - settings.API_TOKEN_TTL + timedelta(seconds=5))
    assert _get_staff(client, token.key).status_code == 200  # 5 s before the end
    Token.objects.filter(pk=token.pk).update(created=token.created - settings.API_TOKEN_TTL)
    refused = _get_staff(client, token.key)
    assert refused.status_code in (401, 403)  # 403 while SessionAuthentication comes first
    assert "过期" in refused.json()["detail"]

    renewed = _token(client, "county_a")
    assert renewed["token"] != token.key
    assert list(Token.objects.filter(user=county_user).values_list("key", flat=True)) == [renewed["token"]]


def test_a_live_token_is_returned_again_not_replaced(client, county_user):
    assert _token(client, "county_a")["token"] == _token(client, "county_a")["token"]


def test_owner_revokes_own_token(client, county_user):
    key = _token(client, "county_a")["token"]
    response = client.__class__().delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 204
    assert not Token.objects.filter(user=county_user).exists()
    assert _get_staff(client, key).status_code in (401, 403)


def test_revoking_needs_authentication(client):
    assert client.delete("/api/v1/auth/token/").status_code in (401, 403)


def test_bureau_revokes_a_managed_users_token_and_not_others(client, world, county_user, principal_user):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    mine, theirs = Token.objects.create(user=principal_user), Token.objects.create(user=other)
    client.force_login(county_user)
    assert client.delete(f"/api/v1/auth/token/{principal_user.pk}/").status_code == 204
    assert client.delete(f"/api/v1/auth/token/{other.pk}/").status_code == 404
    assert not Token.objects.filter(pk=mine.pk).exists()
    assert Token.objects.filter(pk=theirs.pk).exists()

    client.force_login(principal_user)
    assert client.delete(f"/api/v1/auth/token/{county_user.pk}/").status_code == 403


def _login(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _lock(client, username, address, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username, "wrong", address)


def test_lockout_holds_one_address_and_username_not_the_user_everywhere(client, principal_user, settings):
    _lock(client, "principal_a", "10.0.0.1", settings)
    refused = _login(client, "principal_a", PASSWORD, "10.0.0.1")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session

    elsewhere = client.__class__()
    assert _login(elsewhere, "principal_a", PASSWORD, "10.0.0.2").status_code == 302
    assert int(elsewhere.session["_auth_user_id"]) == principal_user.pk


def test_bureau_lifts_a_lockout_of_a_managed_user(client, world, county_user, principal_user, settings):
    _lock(client, "principal_a", "10.0.0.1", settings)
    bureau = client.__class__()
    bureau.force_login(county_user)
    page = bureau.get(reverse("org:account-list"))
    assert "10.0.0.1" in page.content.decode()

    response = bureau.post(reverse("org:account-unlock", args=[principal_user.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="principal_a").exists()
    assert _login(client.__class__(), "principal_a", PASSWORD, "10.0.0.1").status_code == 302


def test_lockout_lifting_is_scoped(client, world, county_user, principal_user, supervisor_user, settings):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    _lock(client, "principal_b", "10.0.0.1", settings)
    client.force_login(county_user)
    assert client.post(reverse("org:account-unlock", args=[other.pk])).status_code == 404
    assert AccessAttempt.objects.filter(username="principal_b").exists()
    client.force_login(supervisor_user)
    assert client.get(reverse("org:account-list")).status_code == 403
    assert client.post(reverse("org:account-unlock", args=[other.pk])).status_code == 403


def test_accounts_page_lists_only_managed_users_in_fixed_queries(client, world, county_user, principal_user,
                                                                 django_assert_num_queries):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    Token.objects.create(user=principal_user)
    client.force_login(county_user)
    # session, user, roles, regions seen and managed (scope), count, page of users with tokens, lockouts
    with django_assert_num_queries(8):
        body = client.get(reverse("org:account-list")).content.decode()
    assert 'data-username="principal_a"' in body and 'data-username="county_a"' in body
    assert "principal_b" not in body
