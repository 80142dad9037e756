"""Who manages whose account, and which roles each bureau may grant (issue 8 point 1, issue 10 point 10).

The city bureau manages its county clerks (县局) and supervisors (督导); a county bureau manages its
principals (校长) and reviewers (评审专家). A role may be granted only inside the granting
bureau's own region: a county clerk of one county for a county below the city, a principal for a
school of the county. Nothing about an account outside that is visible: the User scoper in
org/scope.py (built on `managed_users`) makes such users missing (404) for pages, the API and
imports alike. Superusers manage everyone.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from org.models import Region, School, UserRole

R = UserRole.Role
MANAGED_ROLES = {R.CITY_STAFF: (R.COUNTY_STAFF, R.SUPERVISOR), R.COUNTY_STAFF: (R.PRINCIPAL, R.REVIEWER)}


@dataclass(frozen=True)
class Bureau:
    """The regions where the actor is city staff and where it is county staff."""

    everything: bool
    cities: frozenset[int]
    counties: frozenset[int]


def bureau_of(actor: User | None) -> Bureau:
    """Return the regions in which `actor` runs a bureau; None (the command line) and superusers run all."""
    if actor is None or actor.is_superuser:
        return Bureau(True, frozenset(), frozenset())
    rows = UserRole.objects.filter(user=actor, role__in=MANAGED_ROLES).values_list("role", "region_id")
    return Bureau(
        False,
        frozenset(region for role, region in rows if role == R.CITY_STAFF),
        frozenset(region for role, region in rows if role == R.COUNTY_STAFF),
    )


def grantable_roles(actor: User | None) -> list[str]:
    """The roles `actor` may give, in the order of UserRole.Role."""
    bureau = bureau_of(actor)
    if bureau.everything:
        return list(R.values)
    allowed = set()
    if bureau.cities:
        allowed |= set(MANAGED_ROLES[R.CITY_STAFF])
    if bureau.counties:
        allowed |= set(MANAGED_ROLES[R.COUNTY_STAFF])
    return [role for role in R.values if role in allowed]


def region_targets(actor: User | None, role: str) -> QuerySet[Region]:
    """Regions `actor` may scope a region role to (county staff: its counties; supervisor: city or county)."""
    bureau = bureau_of(actor)
    regions = Region.objects.order_by("code")
    if bureau.everything:
        levels = {R.CITY_STAFF: [Region.Level.CITY], R.COUNTY_STAFF: [Region.Level.COUNTY]}.get(role)
        return regions.filter(level__in=levels) if levels else regions
    if role == R.COUNTY_STAFF:
        return regions.filter(level=Region.Level.COUNTY, parent_id__in=bureau.cities)
    if role == R.SUPERVISOR:
        return regions.filter(Q(id__in=bureau.cities) | Q(parent_id__in=bureau.cities))
    return regions.none()


def school_targets(actor: User | None) -> QuerySet[School]:
    """Schools `actor` may make a principal's account for (the schools of its counties)."""
    bureau = bureau_of(actor)
    schools = School.objects.select_related("region").order_by("code")
    return schools if bureau.everything else schools.filter(region_id__in=bureau.counties)


def owner_region(actor: User | None, role: str, region: Region | None, school: School | None) -> Region | None:
    """The bureau that will manage an account with this role: the city above a county clerk, etc."""
    if role == R.PRINCIPAL and school is not None:
        return school.region
    if role in (R.COUNTY_STAFF, R.SUPERVISOR) and region is not None:
        return region.parent if region.level == Region.Level.COUNTY else region
    if role == R.REVIEWER:
        counties = sorted(bureau_of(actor).counties)
        return Region.objects.filter(pk=counties[0]).first() if counties else None
    return region


def managed_users_q(bureau: Bureau) -> Q:
    """Users holding a role the bureau manages, in its regions (reviewers: by the account's managing county)."""
    cities, counties = bureau.cities, bureau.counties
    return (
        Q(roles__role=R.COUNTY_STAFF, roles__region__parent_id__in=cities)
        | Q(roles__role=R.SUPERVISOR, roles__region_id__in=cities)
        | Q(roles__role=R.SUPERVISOR, roles__region__parent_id__in=cities)
        | Q(roles__role=R.PRINCIPAL, roles__school__region_id__in=counties)
        | Q(roles__role=R.REVIEWER, account__region_id__in=counties)
    )


def managed_users(actor: User | None) -> QuerySet:
    """The users whose accounts `actor` may see and change (never itself, never a superuser)."""
    users = get_user_model().objects.filter(is_superuser=False)
    if actor is not None:
        users = users.exclude(pk=actor.pk)
    bureau = bureau_of(actor)
    if bureau.everything:
        return users
    if not (bureau.cities or bureau.counties):
        return users.none()
    return users.filter(pk__in=users.filter(managed_users_q(bureau)).values("pk"))


def may_manage_user(actor: User | None, user) -> bool:
    return managed_users(actor).filter(pk=user.pk).exists()
