"""Accounts: created, deactivated and reset by the bureau that manages them; passwords changed by their
owner; API tokens that expire and can be revoked; login lockouts a bureau can lift.

Every write checks org.accounts (which roles the actor may grant, where, and whose accounts it
manages: `org.accounts.managed_users` is the one definition); a user outside the actor's bureau
answers like a missing one (Http404), an actor who runs no bureau is refused (PermissionDenied).
An initial or reset password is returned once to be handed over, and the account must change it
at the next login (org.middleware.PasswordChangeRequiredMiddleware).

Tokens are DRF's own (`rest_framework.authtoken`, one per user) with a lifetime: a token older
than `settings.API_TOKEN_TTL` is refused (`org.authentication.ExpiringTokenAuthentication`) and
replaced when its owner asks for one again. Its owner revokes it (DELETE /api/v1/auth/token/),
and so can the bureau that manages the user (the 账号管理 page /org/users/, or DELETE
/api/v1/auth/token/<user id>/).

Lockouts are django-axes's: failures are counted per username *and* address together
(AXES_LOCKOUT_PARAMETERS), so nobody can lock a named user out from another machine; a lockout
lifts itself after AXES_COOLOFF_TIME, or at once when the managing bureau lifts it (OWASP ASVS
2.2.1). Token and lockout writes are logged with the actor (tokens and axes rows have no history
tables of their own).
"""

import logging
import secrets
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from org import accounts, scope
from org.models import Account, Region, School, Staff, UserRole
from org.services.people import save_audited, user_role_assign

MSG_ROLE_NOT_GRANTABLE = _("You may not grant the role %(role)s.")
MSG_TARGET_OUT_OF_SCOPE = _("The region or school does not exist or is outside your scope.")
MSG_USERNAME_TAKEN = _("The user name %(username)s is already taken.")
MSG_NEEDS_REGION = _("This role needs a region.")
MSG_NEEDS_SCHOOL = _("This role needs a school.")
MSG_OWN_ACCOUNT = _("You cannot deactivate your own account.")
MSG_ACCOUNTS_FORBIDDEN = _("Only bureau staff may manage accounts.")

logger = logging.getLogger("org.services.accounts")

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing that reads as another
PASSWORD_LENGTH = 12


def initial_password() -> str:
    """A random password of 12 characters without look-alikes (0/O, 1/l/I), with letters and digits."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
        if any(ch.isdigit() for ch in password) and any(ch.isalpha() for ch in password):
            return password


def _check_grant(actor, role: str, region: Region | None, school: School | None) -> None:
    if role not in accounts.grantable_roles(actor):
        raise PermissionDenied(MSG_ROLE_NOT_GRANTABLE % {"role": UserRole.Role(role).label})
    if role == UserRole.Role.PRINCIPAL:
        if school is None:
            raise ValidationError({"school": MSG_NEEDS_SCHOOL})
        if not accounts.school_targets(actor).filter(pk=school.pk).exists():
            raise ValidationError({"school": MSG_TARGET_OUT_OF_SCOPE})
    elif role != UserRole.Role.REVIEWER:
        if region is None:
            raise ValidationError({"region": MSG_NEEDS_REGION})
        if not accounts.region_targets(actor, role).filter(pk=region.pk).exists():
            raise ValidationError({"region": MSG_TARGET_OUT_OF_SCOPE})


@transaction.atomic
def account_create(*, actor: User, username: str, full_name: str, role: str, region: Region | None = None,
                   school: School | None = None, staff: Staff | None = None,
                   password: str | None = None, issue_password: bool = True) -> tuple:
    """Create a user with one role in the actor's scope; return (user, initial password), shown once.

    With `issue_password=False` (imports) the account gets no usable password and None is returned
    for it; `initial_passwords_issue` gives it one later, on the page that shows it.

    Errors: PermissionDenied when the actor may not grant `role`; ValidationError naming the field
    when the region or school is missing or outside the actor's scope, or the user name is taken.
    """
    _check_grant(actor, role, region, school)
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": MSG_USERNAME_TAKEN % {"username": username}})
    user = User(username=username, first_name=full_name[:150])
    if issue_password:
        password = password or initial_password()
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        password = None
        user.set_unusable_password()
    user.full_clean()
    user.save()
    save_audited(Account(user=user, region=accounts.owner_region(actor, role, region, school), staff=staff,
                         must_change_password=True, created_by=actor), actor=actor, reason="created")
    user_role_assign(actor=actor, user=user, role=role,
                     region=None if role in (UserRole.Role.PRINCIPAL, UserRole.Role.REVIEWER) else region,
                     school=school if role == UserRole.Role.PRINCIPAL else None)
    return user, password


def _managed(actor, user):
    if not accounts.may_manage_user(actor, user):
        raise Http404(scope.MSG_NOT_FOUND)
    account, _created = Account.objects.get_or_create(user=user)
    return account


@transaction.atomic
def account_set_active(*, actor: User, user, active: bool):
    """Deactivate (or reactivate) an account the actor manages; a deactivated user cannot log in."""
    if actor is not None and user.pk == actor.pk:
        raise ValidationError(MSG_OWN_ACCOUNT)
    account = _managed(actor, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        Token.objects.filter(user=user).delete()  # API tokens end with the account
    save_audited(account, actor=actor, reason="reactivated" if active else "deactivated")
    return user


@transaction.atomic
def account_reset_password(*, actor: User, user) -> str:
    """Give an account the actor manages a new random password (returned once), to be changed at next login."""
    account = _managed(actor, user)
    password = initial_password()
    user.set_password(password)  # the session hash changes: the user's open sessions end
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()  # and so do the API tokens issued with the old password
    account.must_change_password = True
    save_audited(account, actor=actor, reason="password reset")
    return password


@transaction.atomic
def initial_passwords_issue(*, actor: User) -> list[tuple]:
    """Give every active account the actor manages that has no usable password (imported ones) an initial
    password; return [(user, password)] to show once. Each must be changed at the first login."""
    issued = []
    for user in accounts.managed_users(actor).filter(is_active=True).order_by("username"):
        if user.has_usable_password():
            continue
        issued.append((user, account_reset_password(actor=actor, user=user)))
    return issued


@transaction.atomic
def account_password_changed(*, user) -> None:
    """Record that the user chose their own password: no forced change any more."""
    Account.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


@transaction.atomic
def principal_accounts_create(*, actor: User | None, region: Region) -> list[dict]:
    """Create an account for each school's active 校长 row in `region` (and below) that has none.

    Returns one dict per account created: school code and name, the principal's name, the user name
    (the school code, or the code with a suffix when taken) and the initial password, to be printed
    once. Schools that already have a principal account, and 校长 rows already linked, are skipped.
    """
    if actor is not None and not scope.visible_to(actor, Region).filter(pk=region.pk).exists():
        raise Http404(scope.MSG_NOT_FOUND)
    has_account = UserRole.objects.filter(role=UserRole.Role.PRINCIPAL).values("school_id")
    principals = (
        Staff.objects.filter(post=Staff.Post.PRINCIPAL, status=Staff.Status.ACTIVE, accounts__isnull=True)
        .filter(_in_region(region)).exclude(school_id__in=has_account)
        .select_related("school", "school__region").order_by("school__code", "id")
    )
    created, done_schools = [], set()
    for staff in principals:
        if staff.school_id in done_schools:
            continue
        username = _free_username(staff.school.code)
        user, password = account_create(actor=actor, username=username, full_name=staff.name,
                                        role=UserRole.Role.PRINCIPAL, school=staff.school, staff=staff)
        done_schools.add(staff.school_id)
        created.append({"school_code": staff.school.code, "school": staff.school.name, "name": staff.name,
                        "username": user.username, "password": password})
    return created


def _in_region(region: Region) -> Q:
    return Q(school__region=region) | Q(school__region__parent=region) | Q(school__region__parent__parent=region)


def _free_username(base: str) -> str:
    User = get_user_model()
    candidate, n = base.lower(), 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base.lower()}-{n}"
    return candidate


# --- API tokens: expiring, revoked by their owner or the managing bureau -----------------------


def token_expires_at(token: Token) -> datetime:
    """When a token stops being accepted: its creation plus settings.API_TOKEN_TTL."""
    return token.created + settings.API_TOKEN_TTL


def token_is_expired(token: Token, *, now: datetime | None = None) -> bool:
    return token_expires_at(token) <= (now or timezone.now())


@transaction.atomic
def token_issue(*, user) -> Token:
    """Return the user's token, a new one when there is none or it has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_is_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def _managed_user(actor: User, user_id: int):
    """The user `user_id` if `actor` manages it (org.accounts.managed_users).

    Raises PermissionDenied when the actor runs no bureau, Http404 for a user outside its bureau.
    """
    if not accounts.grantable_roles(actor):
        raise PermissionDenied(MSG_ACCOUNTS_FORBIDDEN)
    try:
        return accounts.managed_users(actor).get(pk=user_id)
    except get_user_model().DoesNotExist:
        raise Http404(scope.MSG_NOT_FOUND) from None


@transaction.atomic
def token_revoke(*, actor: User, user_id: int) -> bool:
    """Delete a user's API token: the owner's own, or a managed user's (bureau). True if there was one.

    Raises PermissionDenied for actors without a bureau revoking someone else's, Http404 for users
    outside the actor's bureau.
    """
    user = actor if user_id == actor.pk else _managed_user(actor, user_id)
    deleted, _rows = Token.objects.filter(user=user).delete()
    logger.warning("API token of %s revoked by %s", user.username, actor.username)
    return bool(deleted)


# --- login lockouts (django-axes) ----------------------------------------------------------------


def lockout_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.AXES_COOLOFF_TIME)


def locked_usernames(usernames) -> dict[str, list[str]]:
    """{username: [addresses it is locked from]} for those of `usernames` locked out now (one query)."""
    rows = AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=lockout_cutoff(),
    ).values_list("username", "ip_address")
    locked: dict[str, list[str]] = {}
    for username, address in rows:
        locked.setdefault(username, []).append(address)
    return locked


def lockout_lift(*, actor: User, user_id: int) -> int:
    """Lift every login lockout of a managed user (all addresses); returns how many were lifted.

    Raises PermissionDenied for actors without a bureau, Http404 for users outside the actor's bureau.
    """
    user = _managed_user(actor, user_id)
    lifted = axes_reset(username=user.username)
    logger.warning("login lockout of %s lifted by %s (%s rows)", user.username, actor.username, lifted)
    return lifted
