"""Who sees what: the one place scoping lives.

Every selector, view, API viewset, export and admin queryset narrows its rows with
`visible_to(user, model_or_queryset)`. A model is scoped either by the path from it to a
school (`scope_school_path = "staff__school"` on the model class) or by a scoper function
registered with `@register(Model)` for rules that are not about schools (regions, reviewer
assignments). Missing and forbidden objects both raise Http404 (`get_visible_or_404`).

Users take a `Scope` from their roles (org.UserRole): bureau staff and supervisors see their
region and every region below it; a principal sees one school; a reviewer sees only what is
assigned to them (registered by the app that assigns). Superusers see everything.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from org.models import ImportJob, Region, School, UserRole

MSG_NOT_FOUND = _("The record does not exist or is outside your scope.")

MANAGER_ROLES = {UserRole.Role.CITY_STAFF, UserRole.Role.COUNTY_STAFF}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_ids: frozenset[int] = field(default_factory=frozenset)  # visible, with all regions below
    school_ids: frozenset[int] = field(default_factory=frozenset)  # visible one by one (principals)
    manage_region_ids: frozenset[int] = field(default_factory=frozenset)  # where bureau staff may write
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_ids or self.school_ids)

    def school_q(self, path: str = "") -> Q:
        """Q selecting rows whose school (reached through `path`) is visible."""
        if self.everything:
            return Q()
        prefix = f"{path}__" if path else ""
        school_id = f"{path}_id" if path else "id"
        return Q(**{f"{prefix}region_id__in": self.region_ids}) | Q(**{f"{school_id}__in": self.school_ids})

    def manage_q(self, path: str = "") -> Q:
        """Q selecting rows whose school the user may change (bureau staff of its region)."""
        if self.everything:
            return Q()
        prefix = f"{path}__" if path else ""
        return Q(**{f"{prefix}region_id__in": self.manage_region_ids})


def _descendants(region_ids: set[int]) -> set[int]:
    if not region_ids:
        return set()
    rows = Region.objects.filter(
        Q(id__in=region_ids) | Q(parent_id__in=region_ids) | Q(parent__parent_id__in=region_ids)
    ).values_list("id", flat=True)
    return set(rows)


def scope_for(user) -> Scope:
    """Return the user's scope, computed once per user object (per request or task)."""
    cached = getattr(user, "_org_scope", None)
    if cached is not None:
        return cached
    if not user or not user.is_authenticated or not user.is_active:
        scope = Scope()
    elif user.is_superuser:
        scope = Scope(everything=True, roles=frozenset({"superuser"}))
    else:
        roles = list(UserRole.objects.filter(user=user).values_list("role", "region_id", "school_id"))
        seen = {region for _role, region, _school in roles if region}
        managed = {region for role, region, _school in roles if region and role in MANAGER_ROLES}
        expanded = _descendants(seen)
        scope = Scope(
            region_ids=frozenset(expanded),
            school_ids=frozenset(school for _role, _region, school in roles if school),
            manage_region_ids=frozenset(_descendants(managed) if managed else set()),
            roles=frozenset(role for role, _region, _school in roles),
        )
    user._org_scope = scope
    return scope


Scoper = Callable[[object, QuerySet, Scope], QuerySet]
_SCOPERS: dict[type[Model], Scoper] = {}


def register(model: type[Model]) -> Callable[[Scoper], Scoper]:
    """Register the scoping function of a model whose rule is not a path to a school."""

    def decorator(func: Scoper) -> Scoper:
        _SCOPERS[model] = func
        return func

    return decorator


def visible_to(user, model_or_queryset) -> QuerySet:
    """Return the rows of a model (or a queryset) that the user may see."""
    queryset = model_or_queryset
    if isinstance(model_or_queryset, type):
        queryset = model_or_queryset._default_manager.all()
    model = queryset.model
    scope = scope_for(user)
    if scope.everything:
        return queryset
    if scope.is_empty and model not in _SCOPERS:
        return queryset.none()
    scoper = _SCOPERS.get(model)
    if scoper is not None:
        return scoper(user, queryset, scope)
    path = getattr(model, "scope_school_path", None)
    if path is None:
        raise TypeError(f"{model.__name__} has no scope: set scope_school_path or register a scoper")
    return queryset.filter(scope.school_q(path))


def manageable(user, model_or_queryset) -> QuerySet:
    """Return the rows the user may change (bureau staff of the rows' region)."""
    queryset = visible_to(user, model_or_queryset)
    scope = scope_for(user)
    if scope.everything:
        return queryset
    path = getattr(queryset.model, "scope_school_path", None)
    if path is None or not scope.manage_region_ids:
        return queryset.none()
    return queryset.filter(scope.manage_q(path))


def get_visible_or_404(user, model_or_queryset, **lookup):
    """Fetch one visible row; missing and forbidden answer the same 404."""
    try:
        return visible_to(user, model_or_queryset).get(**lookup)
    except (model_or_queryset if isinstance(model_or_queryset, type) else model_or_queryset.model).DoesNotExist:
        raise Http404(MSG_NOT_FOUND) from None


def can_manage(user, obj) -> bool:
    return manageable(user, type(obj)).filter(pk=obj.pk).exists()


def is_bureau_staff(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & MANAGER_ROLES)


# --- the org models' scopes -------------------------------------------------------------

@register(Region)
def _regions(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    visible = set(scope.region_ids)
    if scope.school_ids:
        visible |= set(School.objects.filter(id__in=scope.school_ids).values_list("region_id", flat=True))
    return queryset.filter(id__in=visible)


@register(UserRole)
def _user_roles(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    if not scope.manage_region_ids:
        return queryset.filter(user=user)
    return queryset.filter(
        Q(user=user) | Q(region_id__in=scope.manage_region_ids) | Q(school__region_id__in=scope.manage_region_ids)
    )


@register(ImportJob)
def _import_jobs(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    """An upload holds whole rosters: only the user who sent it sees it (superusers see all)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(user=user)


# --- the web, API and admin bases that apply it -----------------------------------------


class _FinalQuerysetMixin:
    """Subclasses narrow with `get_base_queryset`; they cannot replace the scoped get_queryset."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ and not cls.__dict__.get("_applies_scope", False):
            raise TypeError(f"{cls.__name__} must override get_base_queryset, not get_queryset (scoping).")


class ScopedQuerysetMixin(_FinalQuerysetMixin):
    """For Django class-based views: the queryset is always scoped to request.user."""

    _applies_scope = True
    model = None
    queryset = None

    def get_base_queryset(self) -> QuerySet:
        return self.queryset.all() if self.queryset is not None else self.model._default_manager.all()

    def get_queryset(self) -> QuerySet:
        return visible_to(self.request.user, self.get_base_queryset())


class ScopedViewSetMixin(_FinalQuerysetMixin):
    """For DRF viewsets: list, retrieve and every action only reach scoped rows (else 404)."""

    _applies_scope = True

    def get_base_queryset(self) -> QuerySet:
        return self.queryset.all()

    def get_queryset(self) -> QuerySet:
        return visible_to(self.request.user, self.get_base_queryset())


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin for bureau super-users: rows and foreign-key choices scoped like everything else."""

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if related in _SCOPERS or hasattr(related, "scope_school_path"):
            kwargs["queryset"] = visible_to(request.user, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return hasattr(type(obj), "scope_school_path") and can_manage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)


__all__ = [
    "Scope", "scope_for", "register", "visible_to", "manageable", "get_visible_or_404", "can_manage",
    "is_bureau_staff", "ScopedQuerysetMixin", "ScopedViewSetMixin", "ScopedAdmin",
]
