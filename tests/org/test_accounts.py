"""Accounts on the product's pages: who manages whom, initial passwords, forced change, idle sessions (issue 8 points 1, 10;
issue 10 point 10); expiring, revocable API tokens; lockouts per address and username that the managing bureau lifts
(issue 16 item 7)."""

import time
from datetime import datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org.middleware import LAST_SEEN
from org.models import Account, Staff, UserRole
from org.services import accounts as services
from tests.factories import StaffFactory, UserFactory, UserRoleFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
R = UserRole.Role


def principal_of(school, username):
    user = UserFactory(username=username)
    UserRoleFactory(user=user, role=R.PRINCIPAL, school=school)
    return user


# --- passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["Short1xyz", "1234567890123", "password1234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="someone"))


def test_a_ten_character_password_is_enough():
    validate_password("Ruoxi-2026x", User(username="someone"))


def test_every_user_changes_their_own_password(client, world, principal_user):
    client.force_login(principal_user)
    response = client.post(reverse("password-change"), {
        "old_password": "pw-123456", "new_password1": "Xianning-2026", "new_password2": "Xianning-2026"})
    assert response.status_code == 302
    principal_user.refresh_from_db()
    assert principal_user.check_password("Xianning-2026")
    assert client.get(reverse("home")).status_code == 200  # still logged in


def test_a_short_new_password_is_refused_in_chinese(client, world, principal_user):
    client.force_login(principal_user)
    response = client.post(reverse("password-change"), {
        "old_password": "pw-123456", "new_password1": "Ab3-xyz", "new_password2": "Ab3-xyz"})
    assert response.status_code == 200 and "10" in response.content.decode()
    principal_user.refresh_from_db()
    assert principal_user.check_password("pw-123456")


# --- who manages whom -----------------------------------------------------------------------


def test_a_county_creates_a_principal_account_for_its_own_school(client, world, county_user):
    client.force_login(county_user)
    response = client.post(reverse("org:user-create"), {
        "username": "xz-a001", "full_name": "甲校长", "role": R.PRINCIPAL, "school": world.school_a.pk})
    assert response.status_code == 200
    user = User.objects.get(username="xz-a001")
    password = response.context["password"]
    assert password in response.content.decode() and user.check_password(password)
    assert list(user.roles.values_list("role", "school", "region")) == [(R.PRINCIPAL, world.school_a.pk, None)]
    account = Account.objects.get(user=user)
    assert (account.must_change_password, account.region, account.created_by) == (True, world.county_a, county_user)


def test_a_county_cannot_reach_another_countys_school_or_grant_bureau_roles(client, world, county_user):
    client.force_login(county_user)
    form = client.get(reverse("org:user-create")).context["form"]
    assert list(form.fields["school"].queryset) == [world.school_a]
    assert [choice for choice, _label in form.fields["role"].choices] == [R.PRINCIPAL, R.REVIEWER]
    client.post(reverse("org:user-create"), {"username": "x1", "full_name": "乙", "role": R.PRINCIPAL,
                                             "school": world.school_b.pk})
    client.post(reverse("org:user-create"), {"username": "x2", "full_name": "丙", "role": R.COUNTY_STAFF,
                                             "region": world.county_a.pk})
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
    with pytest.raises(PermissionDenied):
        services.account_create(actor=county_user, username="x3", full_name="丁", role=R.CITY_STAFF, region=world.city)
    with pytest.raises(ValidationError):
        services.account_create(actor=county_user, username="x4", full_name="戊", role=R.PRINCIPAL, school=world.school_b)
    assert not User.objects.filter(username__in=["x3", "x4"]).exists()


def test_a_county_sees_its_own_principals_only(client, world, county_user, django_assert_num_queries):
    own, other = principal_of(world.school_a, "own"), principal_of(world.school_b, "other")
    client.force_login(county_user)
    principal_of(world.school_a, "own2")
    with django_assert_num_queries(10):  # + the lockouts of the page's users; one region query for the scope
        body = client.get(reverse("org:user-list")).content.decode()
    assert "own" in body and ">other<" not in body
    assert client.get(reverse("org:user-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("org:user-detail", args=[own.pk])).status_code == 200
    for action in ("reset-password", "deactivate"):
        assert client.post(reverse("org:user-action", args=[other.pk, action])).status_code == 404
    other.refresh_from_db()
    assert other.is_active and other.check_password("pw-123456")


def test_the_city_manages_county_clerks_and_supervisors_not_principals(client, world, city_user, county_user,
                                                                      supervisor_user):
    principal = principal_of(world.school_a, "p-a")
    client.force_login(city_user)
    body = client.get(reverse("org:user-list")).content.decode()
    assert county_user.username in body and supervisor_user.username in body and "p-a" not in body
    assert client.get(reverse("org:user-detail", args=[principal.pk])).status_code == 404
    user, _password = services.account_create(actor=city_user, username="clerk-b", full_name="嘉鱼县局",
                                              role=R.COUNTY_STAFF, region=world.county_b)
    assert Account.objects.get(user=user).region == world.city


@pytest.mark.parametrize("who", ["principal_user", "supervisor_user", "reviewer_user"])
def test_users_without_a_bureau_have_no_account_pages(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("org:user-list")).status_code == 403
    assert client.get(reverse("org:user-create")).status_code == 403


def test_reset_and_deactivate(client, world, county_user):
    principal = principal_of(world.school_a, "p-a")
    client.force_login(county_user)
    response = client.post(reverse("org:user-action", args=[principal.pk, "reset-password"]))
    principal.refresh_from_db()
    assert principal.check_password(response.context["password"])
    assert Account.objects.get(user=principal).must_change_password
    client.post(reverse("org:user-action", args=[principal.pk, "deactivate"]))
    principal.refresh_from_db()
    assert not principal.is_active
    assert Account.objects.get(user=principal).history.first().history_change_reason == "deactivated"
    assert client.get(reverse("org:user-action", args=[principal.pk, "deactivate"])).status_code == 405


def test_a_bureau_sees_last_logins(client, world, county_user):
    principal = principal_of(world.school_a, "p-a")
    client.force_login(principal)
    principal.refresh_from_db()
    client.force_login(county_user)
    rows = client.get(reverse("org:user-list")).content.decode()
    assert principal.last_login is not None
    assert f'{principal.last_login.astimezone().strftime("%Y-%m-%d")}' in rows


# --- first login and idle sessions ---------------------------------------------------------


def test_an_initial_password_must_be_changed_at_first_login(client, world, county_user):
    user, password = services.account_create(actor=county_user, username="new-p", full_name="新校长",
                                              role=R.PRINCIPAL, school=world.school_a)
    response = client.post(reverse("login"), {"username": "new-p", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("org:staff-list"))["Location"] == reverse("password-change")
    assert client.get("/api/v1/staff/").status_code == 403
    client.post(reverse("password-change"), {"old_password": password, "new_password1": "Xianan-Shiyan-1",
                                             "new_password2": "Xianan-Shiyan-1"})
    assert not Account.objects.get(user=user).must_change_password
    assert client.get(reverse("org:staff-list")).status_code == 200


def test_an_idle_session_ends(client, world, county_user, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(county_user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("org:staff-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


# --- create_principal_accounts ---------------------------------------------------------------


def test_create_principal_accounts_makes_one_per_school_without_and_prints_passwords_once(world):
    head = StaffFactory(name="甲校长", school=world.school_a, post=Staff.Post.PRINCIPAL)
    StaffFactory(name="乙校长", school=world.school_b, post=Staff.Post.PRINCIPAL)
    out = StringIO()
    call_command("create_principal_accounts", "--region", world.county_a.code, stdout=out)
    user = User.objects.get(account__staff=head)
    line = next(row for row in out.getvalue().splitlines() if "甲校长" in row)
    assert user.check_password(line.split("\t")[-1]) and user.roles.get().school == world.school_a
    assert user.account.must_change_password and not User.objects.filter(first_name="乙校长").exists()
    again = StringIO()
    call_command("create_principal_accounts", "--region", world.county_a.code, stdout=again)
    assert "0 accounts" in again.getvalue() and User.objects.filter(account__staff=head).count() == 1


def test_create_principal_accounts_refuses_another_county_like_an_unknown_code(world, county_user):
    StaffFactory(school=world.school_b, post=Staff.Post.PRINCIPAL)
    with pytest.raises(CommandError) as other:
        call_command("create_principal_accounts", "--region", world.county_b.code, "--user", county_user.username)
    with pytest.raises(CommandError) as unknown:
        call_command("create_principal_accounts", "--region", "429999", "--user", county_user.username)
    assert str(other.value).replace(world.county_b.code, "X") == str(unknown.value).replace("429999", "X")
    assert not Account.objects.exists()


def test_no_api_token_before_the_initial_password_is_changed(client, world, county_user):
    user, password = services.account_create(actor=county_user, username="new-p", full_name="新校长",
                                              role=R.PRINCIPAL, school=world.school_a)
    response = client.post("/api/v1/auth/token/", {"username": "new-p", "password": password})
    assert response.status_code == 403 and not Token.objects.filter(user=user).exists()


def test_a_reset_or_deactivation_ends_api_tokens(client, world, county_user):
    principal = principal_of(world.school_a, "p-a")
    token = client.post("/api/v1/auth/token/", {"username": "p-a", "password": "pw-123456"}).json()["token"]
    assert client.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    services.account_reset_password(actor=county_user, user=principal)
    assert not Token.objects.filter(user=principal).exists()
    assert client.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}").status_code in {401, 403}


# --- API tokens and login lockouts (issue 16 item 7) ------------------------------------------------

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
    page = bureau.get(reverse("org:user-list"))
    assert "10.0.0.1" in page.content.decode()

    response = bureau.post(reverse("org:user-action", args=[principal_user.pk, "unlock"]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="principal_a").exists()
    assert _login(client.__class__(), "principal_a", PASSWORD, "10.0.0.1").status_code == 302


def test_lockout_lifting_is_scoped(client, world, county_user, principal_user, supervisor_user, settings):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    _lock(client, "principal_b", "10.0.0.1", settings)
    client.force_login(county_user)
    assert client.post(reverse("org:user-action", args=[other.pk, "unlock"])).status_code == 404
    assert AccessAttempt.objects.filter(username="principal_b").exists()
    client.force_login(supervisor_user)
    assert client.get(reverse("org:user-list")).status_code == 403
    assert client.post(reverse("org:user-action", args=[other.pk, "unlock"])).status_code == 403


def test_accounts_page_lists_only_managed_users_in_fixed_queries(client, world, county_user, principal_user,
                                                                 django_assert_num_queries):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    Token.objects.create(user=principal_user)
    client.force_login(county_user)
    # session, user, roles (x2 in the scope and the bureau), count, page of users with accounts and tokens,
    # their roles, regions and schools, the lockouts of the page
    with django_assert_num_queries(10):  # one region query for the scope (issue 15)
        body = client.get(reverse("org:user-list")).content.decode()
    # one definition of whom a bureau manages (org.accounts.managed_users): never the actor itself
    assert 'data-username="principal_a"' in body and 'data-username="county_a"' not in body
    assert "principal_b" not in body
    assert body.count("Valid until") + body.count("有效期至") == 1


def test_bureau_revokes_a_managed_users_token_on_the_accounts_page(client, world, county_user, principal_user):
    other = UserFactory(username="principal_b")
    UserRoleFactory(user=other, role=UserRole.Role.PRINCIPAL, school=world.school_b)
    mine, theirs = Token.objects.create(user=principal_user), Token.objects.create(user=other)
    client.force_login(county_user)
    response = client.post(reverse("org:user-action", args=[principal_user.pk, "revoke-token"]))
    assert response.status_code == 302 and response["Location"] == reverse("org:user-list")
    assert client.post(reverse("org:user-action", args=[other.pk, "revoke-token"])).status_code == 404
    assert not Token.objects.filter(pk=mine.pk).exists() and Token.objects.filter(pk=theirs.pk).exists()
