"""Accounts on the product's pages: who manages whom, initial passwords, forced change, idle sessions (issue 8 points 1, 10; issue 10 point 10)."""

import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

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
    with django_assert_num_queries(10):
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
    from rest_framework.authtoken.models import Token

    user, password = services.account_create(actor=county_user, username="new-p", full_name="新校长",
                                              role=R.PRINCIPAL, school=world.school_a)
    response = client.post("/api/v1/auth/token/", {"username": "new-p", "password": password})
    assert response.status_code == 403 and not Token.objects.filter(user=user).exists()


def test_a_reset_or_deactivation_ends_api_tokens(client, world, county_user):
    from rest_framework.authtoken.models import Token

    principal = principal_of(world.school_a, "p-a")
    token = client.post("/api/v1/auth/token/", {"username": "p-a", "password": "pw-123456"}).json()["token"]
    assert client.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    services.account_reset_password(actor=county_user, user=principal)
    assert not Token.objects.filter(user=principal).exists()
    assert client.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}").status_code in {401, 403}
