"""Who sees what: the one place scoping lives (the vocabulary every app speaks).

Reading rows
    `visible_to(user, Model_or_queryset)`  the rows the user may see;
    `manageable(user, Model_or_queryset)`  the rows the user may change (bureau staff of their region);
    `get_visible_or_404(user, Model_or_queryset, **lookup)`  one row; missing and forbidden both 404;
    `can_manage(user, obj)`  one row's manageable() as a bool.

Named rules (use these instead of rebuilding them from `scope_for(user)`)
    `region_tree(region)`               a region and every region below it (a Region queryset);
    `region_and_below(region_ids)`      the same for several regions, evaluated (ids);
    `regions_seen(user)`                the regions the user sees and every region above them (ids);
    `runs_region(user, region_id)`      bureau staff of that region or of one above it;
    `is_principal_of(user, school_id)`  the user is a principal of that school (`headed_school_ids(user)`);
    `manages_or_heads(user, staff)`     the user manages this staff member, or is the principal of their school;
    `staff_managed_or_headed(user)`     the queryset of those staff;
    `staff_check(user)`                 the same rule as a pure (school_id, region_id) -> bool, no query per row;
    `managed_q(user, path)`             a Q for rows whose school (reached through `path`) the user manages;
    `has_role(user, *roles)`, `is_bureau_staff(user)`, `sees_everything(user)`, `manages_any(user)`;
    `has_scope(user)`                   the user sees some region or school (not a reviewer-only account);
    `school_view(user)`                 the schools of a user who sees no region (a principal), else empty;
    `sees_by_region_only(user)`         every school the user sees is seen through a region (no school one by one);
    `hold_regions_seen(user)`           read `regions_seen` once for the rest of a request (the home page).
`scope_for(user)` (the raw `Scope`) is for this module and the few places that need its sets:
the navigation's context processor and the importers' per-row checks.

Declaring how a model is scoped (once per model)
    - `scope_school_path = "staff__school"` on the model class: the path from it to a school;
    - `register_region_owned(Model, "region_id")`: owned by a region; visible to everyone whose scope
      touches it (`regions_seen`), manageable by those who run it (`runs_region`), so
      `manageable(user, Program)` works;
    - `@register(Model)` a scoper `(user, queryset, scope) -> queryset` for any other rule.
    Scopers live here (org's models) or in one module per app (`<app>/scopes.py`), imported by the
    app's `AppConfig.ready()`, never spread through models.py.

Scoped bases: a view never starts from `Model.objects`
    Django class-based views (ListView, DetailView, UpdateView, ...)::

        class NominationListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
            model = Nomination                 # the base queries visible_to(request.user, Nomination)
            scope_mode = scope.MANAGE          # optional: manageable(...) instead (default scope.VISIBLE)

            def narrow(self, queryset):        # optional: receives the already-scoped queryset
                return selectors.nomination_columns(queryset).order_by("-submitted_at")

    DRF viewsets (the router needs `basename=`, since there is no `queryset` attribute)::

        class NominationViewSet(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
            model = Nomination
            serializer_class = NominationSerializer

            def narrow(self, queryset):
                return queryset.select_related("staff")

    A subclass that defines `get_queryset`, `get_base_queryset` or a `queryset` attribute is refused
    with TypeError when its module is imported. `tests/test_scope_walk.py` walks every URL pattern
    and router registration and fails on a view outside these bases unless it is on its commented
    allow-list (login, health, static documents, views that read no row by its id).

Users take a `Scope` from their roles (org.UserRole): bureau staff and supervisors see their
region and every region below it; a principal sees one school; a reviewer sees only what is
assigned to them (registered by the app that assigns). Superusers see everything.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from org.models import ExportJob, ImportJob, Region, School, Staff, TransferRequest, UserRole

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


def region_tree(region: Region) -> QuerySet:
    """A region and every region below it, as a Region queryset (a subquery: no query of its own)."""
    return Region.objects.filter(Q(id=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))


def region_and_below(region_ids) -> set[int]:
    """The ids of these regions and of every region below them (city -> county -> township)."""
    if not region_ids:
        return set()
    rows = Region.objects.filter(
        Q(id__in=region_ids) | Q(parent_id__in=region_ids) | Q(parent__parent_id__in=region_ids)
    ).values_list("id", flat=True)
    return set(rows)


def _region_rows(region_ids) -> list[tuple[int, int | None, int | None]]:
    """(id, parent id, grandparent id) of these regions and of every region below them (one query)."""
    if not region_ids:
        return []
    return list(Region.objects.filter(
        Q(id__in=region_ids) | Q(parent_id__in=region_ids) | Q(parent__parent_id__in=region_ids)
    ).values_list("id", "parent_id", "parent__parent_id"))


def _below(rows, roots) -> set[int]:
    """The ids among `rows` (from `_region_rows`) that are one of `roots` or lie below one."""
    return {region for region, parent, grandparent in rows if region in roots or parent in roots or grandparent in roots}


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
        tree = _region_rows(seen)  # one query: the managed regions are among the seen ones
        scope = Scope(
            region_ids=frozenset(_below(tree, seen)),
            school_ids=frozenset(school for _role, _region, school in roles if school),
            manage_region_ids=frozenset(_below(tree, managed)),
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
    """Return the rows the user may change (bureau staff of the rows' region; for region-owned models,
    the bureau staff who run the owning region)."""
    scope = scope_for(user)
    model = model_or_queryset if isinstance(model_or_queryset, type) else model_or_queryset.model
    region_path = _REGION_OWNED.get(model)
    if region_path is not None:  # a region one runs is a region one sees: no visible_to() needed
        queryset = model_or_queryset._default_manager.all() if isinstance(model_or_queryset, type) else model_or_queryset
        if scope.everything:
            return queryset
        return queryset.filter(**{f"{region_path}__in": scope.manage_region_ids}) if scope.manage_region_ids \
            else queryset.none()
    queryset = visible_to(user, model_or_queryset)
    if scope.everything:
        return queryset
    if not scope.manage_region_ids:
        return queryset.none()
    path = getattr(queryset.model, "scope_school_path", None)
    if path is None:
        return queryset.none()
    return queryset.filter(scope.manage_q(path))


def manageable_regions(user) -> QuerySet:
    """Return the regions whose schools the user may change (bureau staff of those regions)."""
    current = scope_for(user)
    if current.everything:
        return Region.objects.all()
    return Region.objects.filter(id__in=current.manage_region_ids)


def get_visible_or_404(user, model_or_queryset, **lookup):
    """Fetch one visible row; missing and forbidden answer the same 404."""
    try:
        return visible_to(user, model_or_queryset).get(**lookup)
    except (model_or_queryset if isinstance(model_or_queryset, type) else model_or_queryset.model).DoesNotExist:
        raise Http404(MSG_NOT_FOUND) from None


def can_manage(user, obj) -> bool:
    """Whether the user may change this row (manageable(), one query; none for users who manage nothing)."""
    return manageable(user, type(obj)).filter(pk=obj.pk).exists()


def is_bureau_staff(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & MANAGER_ROLES)


def has_role(user, *roles: str) -> bool:
    """Whether the user holds one of these UserRole.Role values (superusers hold none: see sees_everything)."""
    return bool(scope_for(user).roles & set(roles))


def sees_everything(user) -> bool:
    """An active superuser: every row, every region."""
    return scope_for(user).everything


def manages_any(user) -> bool:
    """Whether the user may change rows anywhere (bureau staff of some region, or a superuser)."""
    current = scope_for(user)
    return current.everything or bool(current.manage_region_ids)


# --- named rules --------------------------------------------------------------------------


def regions_seen(user) -> set[int]:
    """The regions the user sees (their own, those below, their schools' regions) and every region above
    them: what a region-owned row (a city program, a county policy) needs to be visible. One query
    (two for principals), none once `hold_regions_seen(user)` has read them; empty for users without a scope."""
    held = getattr(user, "_org_regions_seen", None)
    if held is not None:
        return set(held)
    visible = set(visible_to(user, Region).values_list("id", "parent_id", "parent__parent_id").distinct())
    return {region for row in visible for region in row if region}


def hold_regions_seen(user) -> frozenset[int]:
    """Read `regions_seen(user)` once for the rest of the request: a page that asks many selectors of
    region-owned rows (the home page's sections: plans, policies, programs, targets, cycles) passes the
    user carrying them, instead of reading the regions again in each. Held on the user object like its
    scope (`scope_for`), so it lives as long as the request or task that holds the user."""
    held = frozenset(regions_seen(user))
    user._org_regions_seen = held
    return held


def has_scope(user) -> bool:
    """The user sees some region or school: bureau staff, supervisors, principals, superusers. A reviewer
    (评审专家) sees only what is assigned to them, so no dashboard has figures of theirs."""
    return not scope_for(user).is_empty


def school_view(user) -> frozenset[int]:
    """The schools a user sees one by one when it sees no region (a principal): dashboards show their
    figures under the school, not under its county. Empty for everyone else."""
    current = scope_for(user)
    return frozenset() if current.everything or current.region_ids else current.school_ids


def sees_by_region_only(user) -> bool:
    """Every school the user sees is seen through its region (superusers, bureau staff, supervisors; not a principal,
    nor a county user who is also the principal of a school elsewhere): figures stored per region are then exactly
    the user's schools."""
    current = scope_for(user)
    return current.everything or (bool(current.region_ids) and not current.school_ids)


def runs_region(user, region_id: int) -> bool:
    """Bureau staff of this region, or of a region above it (they run its programs, policies, batches)."""
    current = scope_for(user)
    return current.everything or region_id in current.manage_region_ids


def headed_school_ids(user) -> frozenset[int]:
    """The schools the user is a principal of (empty for everyone else)."""
    current = scope_for(user)
    return current.school_ids if UserRole.Role.PRINCIPAL in current.roles else frozenset()


def is_principal_of(user, school_id: int) -> bool:
    """The user is a principal of this school (their own school; nothing above it)."""
    return school_id in headed_school_ids(user)


def manages_or_heads(user, staff: Staff) -> bool:
    """The user manages this staff member (bureau staff of their region), or is the principal of their school."""
    return (is_principal_of(user, staff.school_id) or scope_for(user).everything
            or can_manage(user, staff))


def staff_managed_or_headed(user) -> QuerySet:
    """The staff `manages_or_heads` is true for, as a queryset (all statuses; callers narrow)."""
    headed = headed_school_ids(user)
    own = Staff.objects.filter(school_id__in=headed) if headed else Staff.objects.none()
    return own | manageable(user, Staff)


def staff_check(user) -> Callable[[int, int], bool]:
    """`manages_or_heads` as a pure function of a person's (school_id, region_id): no query per row."""
    current = scope_for(user)
    principal_schools = headed_school_ids(user)

    def check(school_id: int, region_id: int) -> bool:
        return current.everything or region_id in current.manage_region_ids or school_id in principal_schools

    return check


def managed_q(user, path: str) -> Q:
    """A Q selecting rows whose school (reached through `path`) the user manages; matches nothing when the
    user manages nothing (superusers: everything)."""
    current = scope_for(user)
    if current.everything:
        return Q()
    return current.manage_q(path) if current.manage_region_ids else Q(pk__in=[])


_REGION_OWNED: dict[type[Model], str] = {}


def register_region_owned(model: type[Model], path: str) -> None:
    """Declare a model owned by the region at `path` (e.g. "track__program__region_id"): visible to
    whoever sees that region, a region below it or a school in it (`regions_seen`), manageable by the
    bureau staff who run it (`runs_region`)."""

    def scoper(user, queryset: QuerySet, current: Scope) -> QuerySet:
        if current.is_empty:
            return queryset.none()
        return queryset.filter(**{f"{path}__in": regions_seen(user)})

    _REGION_OWNED[model] = path
    register(model)(scoper)


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


@register(get_user_model())
def _users(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    """A user sees its own account and the accounts its bureau manages (org.accounts)."""
    from org.accounts import managed_users  # org.accounts builds on this module

    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(Q(pk=user.pk) | Q(pk__in=managed_users(user).values("pk")))


@register(ImportJob)
def _import_jobs(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    """An upload holds whole rosters: only the user who sent it sees it (superusers see all)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(user=user)


@register(ExportJob)
def _export_jobs(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    """A finished export holds a roster: only the user who asked for it sees it (the pages narrow superusers too)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(user=user)


@register(TransferRequest)
def _transfers(user, queryset: QuerySet, scope: Scope) -> QuerySet:
    """Bureau staff of the county moving the person in (the requester), of the county they leave, and of the
    regions above both; nobody else (a transfer names a person of another county)."""
    if scope.everything:
        return queryset
    managed = scope.manage_region_ids
    return queryset.filter(Q(to_school__region_id__in=managed) | Q(from_region_id__in=managed))


# --- choices: every related field and filter offers only rows in scope --------------------------


def visible_users(user) -> QuerySet:
    """The user accounts a user may pick or be told about: themself; for bureau staff, the users holding
    a role in their region and the reviewers (experts hold no region); superusers, everyone."""
    from django.contrib.auth import get_user_model

    users = get_user_model()._default_manager.all()
    if sees_everything(user):
        return users
    if not getattr(user, "is_authenticated", False):
        return users.none()
    mine = Q(pk=user.pk)
    if is_bureau_staff(user):
        mine |= Q(roles__in=visible_to(user, UserRole)) | Q(roles__role=UserRole.Role.REVIEWER)
    return users.filter(mine).distinct()


def choices_for(user, queryset: QuerySet) -> QuerySet:
    """A related field's or filter's choices narrowed to the user's scope (users: `visible_users`);
    models without a scope (reference tables such as scoring forms) are offered as they are."""
    from django.contrib.auth import get_user_model

    model = queryset.model
    if model is get_user_model():
        return queryset.filter(pk__in=visible_users(user).values("pk")) if not sees_everything(user) else queryset
    if model in _SCOPERS or hasattr(model, "scope_school_path"):
        return visible_to(user, queryset)
    return queryset


def scope_filter_choices(filterset, user) -> None:
    """Scope every model-choice filter of a django-filter FilterSet instance (before its form is built)."""
    from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter

    for item in filterset.filters.values():
        if isinstance(item, (ModelChoiceFilter, ModelMultipleChoiceFilter)) and isinstance(item.queryset, QuerySet):
            item.queryset = choices_for(user, item.queryset)


def scope_serializer_choices(serializer, user) -> None:
    """Scope the queryset of every writable related field of a DRF serializer (and of a list's child);
    for users other than bureau staff, fields naming a user account (actor, nominated_by, expert, ...)
    and their display names (`actor_name`, ...: org.api_fields.UserNameField) answer null: who acted is shown to bureau staff only, in the API as on the pages."""
    from django.contrib.auth import get_user_model
    from rest_framework import relations, serializers

    target = serializer.child if isinstance(serializer, serializers.ListSerializer) else serializer
    if not hasattr(target, "fields"):
        return
    withhold = not (sees_everything(user) or is_bureau_staff(user))
    for name, item in list(target.fields.items()):
        if getattr(item, "names_a_user", False):  # org.api_fields.UserNameField: an account's display name
            if withhold:
                target.fields[name] = WithheldField()
            continue
        related = item.child_relation if isinstance(item, relations.ManyRelatedField) else item
        if not isinstance(related, relations.RelatedField):
            continue
        model = getattr(getattr(related, "queryset", None), "model", None) or _source_model(target, item)
        if withhold and model is get_user_model():
            target.fields[name] = WithheldField()
        elif getattr(related, "queryset", None) is not None:
            related.queryset = choices_for(user, related.queryset)


def _source_model(serializer, item):
    """The model a read-only related field of a ModelSerializer points at (None when it cannot be told)."""
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None or "." in (item.source or ""):
        return None
    try:
        return model._meta.get_field(item.source).related_model
    except FieldDoesNotExist:  # a property or a method: not a relation
        return None


def _withheld_field():
    from rest_framework import serializers

    class Withheld(serializers.Field):
        """A user account the caller may not be told about: always null."""

        def __init__(self):
            super().__init__(read_only=True)

        def get_attribute(self, instance):
            return None

        def to_representation(self, value):
            return None

    return Withheld


def WithheldField():  # noqa: N802  (a field class built lazily: org.scope imports no DRF at module load)
    return _withheld_field()()


# --- the web, API and admin bases that apply it -----------------------------------------


VISIBLE = "visible"
MANAGE = "manage"


class _ScopedBase:
    """What the view and viewset bases share: `model`, `scope_mode`, `narrow`, and a final get_queryset."""

    _applies_scope = True
    model = None
    scope_mode = VISIBLE

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("_applies_scope", False):
            return
        for name in ("get_queryset", "get_base_queryset"):
            if name in cls.__dict__:
                raise TypeError(f"{cls.__name__} must override narrow(queryset), not {name} (scoping).")
        if cls.__dict__.get("queryset") is not None:
            raise TypeError(f"{cls.__name__} must declare `model = ...`, not a queryset (scoping).")
        if cls.scope_mode not in (VISIBLE, MANAGE):
            raise TypeError(f"{cls.__name__}.scope_mode must be scope.VISIBLE or scope.MANAGE.")

    def scoped_queryset(self) -> QuerySet:
        """The declared model's rows the request's user may see (or change, with scope_mode = MANAGE)."""
        if self.model is None:
            raise TypeError(f"{type(self).__name__} must declare `model` (scoping).")
        read = manageable if self.scope_mode == MANAGE else visible_to
        return read(self.request.user, self.model)

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """Subclasses add joins, filters and order to the already-scoped queryset."""
        return queryset

    def get_queryset(self) -> QuerySet:
        return self.narrow(self.scoped_queryset())

    def get_filterset(self, *args, **kwargs):
        """django-filter pages (FilterView): the filters' choices are scoped like the rows."""
        filterset = super().get_filterset(*args, **kwargs)
        scope_filter_choices(filterset, self.request.user)
        return filterset


class ScopedQuerysetMixin(_ScopedBase):
    """For Django class-based views: `self.get_queryset()` is `narrow(visible_to(request.user, model))`."""

    _applies_scope = True
    queryset = None

    @property
    def paginator_class(self):
        """List pages count exactly up to 10,000 rows, estimate above, stop at page 200 (org.pagination)."""
        from org.pagination import BoundedPaginator  # org.pagination imports DRF: not at this module's load

        return BoundedPaginator


class ScopedViewSetMixin(_ScopedBase):
    """For DRF viewsets: list, retrieve and every action only reach scoped rows (else 404); every related
    field of the serializer offers only rows in scope (the browsable API's forms included), and the
    filters' choices are scoped by `ScopedFilterBackend`."""

    _applies_scope = True
    queryset = None

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if not getattr(self, "swagger_fake_view", False):  # the schema describes the fields as declared
            scope_serializer_choices(serializer, self.request.user)
        return serializer


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin for bureau super-users: rows and foreign-key choices scoped like everything else.

    Rows are read through visible_to; foreign-key choices offer only what the user may change
    (manageable schools and staff, manageable regions), so an add or an edit cannot point a row
    at another county. Only bureau staff may add.
    """

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def get_historical_record_context_helper(self, request, historical_record):
        """The history list shows verbose names and display values, ID numbers masked (org.selectors)."""
        from org.selectors import HistoryAdminHelper  # org.selectors builds on this module

        return HistoryAdminHelper(self.model, historical_record)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = _choices_for(request.user, db_field.remote_field.model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (request.user.is_superuser or is_bureau_staff(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return hasattr(type(obj), "scope_school_path") and can_manage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)


class ScopedInline(admin.TabularInline):
    """An inline whose rows and foreign-key choices are scoped like ScopedAdmin's."""

    extra = 0

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs["queryset"] = _choices_for(request.user, db_field.remote_field.model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _choices_for(user, related) -> QuerySet:
    if related is Region:
        return manageable_regions(user)
    if hasattr(related, "scope_school_path"):
        return manageable(user, related)
    if related in _SCOPERS:
        return visible_to(user, related)
    return related._default_manager.all()


__all__ = [
    "Scope", "scope_for", "register", "visible_to", "manageable", "manageable_regions", "get_visible_or_404", "can_manage",
    "is_bureau_staff", "ScopedQuerysetMixin", "ScopedViewSetMixin", "ScopedAdmin", "ScopedInline",
]
