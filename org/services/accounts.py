"""Accounts: created, deactivated and reset by the bureau that manages them; passwords changed by their owner.

Every write checks org.accounts (which roles the actor may grant, where, and whose accounts it
manages); a user outside the actor's bureau answers like a missing one (Http404). An initial or
reset password is returned once to be handed over, and the account must change it at the next
login (org.middleware.PasswordChangeRequiredMiddleware).
"""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
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
