"""Account security: API tokens that expire and can be revoked, and login lockouts a bureau can lift.

Tokens are DRF's own (`rest_framework.authtoken`, one per user) with a lifetime: a token older
than `settings.API_TOKEN_TTL` is refused (`org.authentication.ExpiringTokenAuthentication`) and
replaced when its owner asks for one again. Its owner revokes it (DELETE /api/v1/auth/token/),
and so can the bureau staff who manage the user (the accounts page, or DELETE
/api/v1/auth/token/<user id>/).

Lockouts are django-axes's: failures are counted per username *and* address together
(AXES_LOCKOUT_PARAMETERS), so nobody can lock a named user out from another machine; a lockout
lifts itself after AXES_COOLOFF_TIME, or at once when a bureau lifts it here (OWASP ASVS 2.2.1).
Each write is keyword-only with `actor=` and logged with the actor (tokens and axes rows have no
history tables of their own).
"""

import logging
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from org import scope

logger = logging.getLogger("org.services.accounts")

MSG_ACCOUNTS_FORBIDDEN = _("Only bureau staff may manage accounts.")


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


def managed_users(actor) -> QuerySet:
    """Users whose accounts the actor manages: a role in a region (or a school of a region) the actor
    manages as bureau staff; superusers manage everyone. Superuser accounts are managed by superusers only."""
    users = get_user_model().objects.all()
    current = scope.scope_for(actor)
    if current.everything:
        return users
    if not scope.is_bureau_staff(actor):
        return users.none()
    managed = current.manage_region_ids
    return users.filter(
        Q(roles__region_id__in=managed) | Q(roles__school__region_id__in=managed), is_superuser=False,
    ).distinct()


def _managed_user(actor, user_id: int):
    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_ACCOUNTS_FORBIDDEN)
    try:
        return managed_users(actor).get(pk=user_id)
    except get_user_model().DoesNotExist:
        raise Http404(scope.MSG_NOT_FOUND) from None


@transaction.atomic
def token_revoke(*, actor, user_id: int) -> bool:
    """Delete a user's API token: the owner's own, or a managed user's (bureau). True if there was one.

    Raises PermissionDenied for non-bureau actors revoking someone else's, Http404 for users
    outside the actor's scope.
    """
    user = actor if user_id == actor.pk else _managed_user(actor, user_id)
    deleted, _rows = Token.objects.filter(user=user).delete()
    logger.warning("API token of %s revoked by %s", user.username, actor.username)
    return bool(deleted)


def lockout_cutoff(*, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(hours=settings.AXES_COOLOFF_TIME)


def locked_usernames(usernames) -> dict[str, list[str]]:
    """{username: [addresses it is locked from]} for those of `usernames` locked out now."""
    rows = AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gt=lockout_cutoff(),
    ).values_list("username", "ip_address")
    locked: dict[str, list[str]] = {}
    for username, address in rows:
        locked.setdefault(username, []).append(address)
    return locked


def lockout_lift(*, actor, user_id: int) -> int:
    """Lift every login lockout of a managed user (all addresses); returns how many were lifted.

    Raises PermissionDenied for non-bureau actors, Http404 for users outside the actor's scope.
    """
    user = _managed_user(actor, user_id)
    lifted = axes_reset(username=user.username)
    logger.warning("login lockout of %s lifted by %s (%s rows)", user.username, actor.username, lifted)
    return lifted
