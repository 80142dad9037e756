"""Generated scope test (issue 8, item 11): every role, every URL pattern, one object outside the role's scope.

The routes come from the URL configuration (the API routers' patterns included; format-suffix twins and
the admin skipped). For each role (city staff, county staff of county A, principal of school A,
supervisor of county A, a reviewer) an OutsideBuilder (tests/scope_objects.py, factory_boy) builds the
row every route takes, found by the view's `model` (or KWARG_MODELS / VIEW_MODELS below), in a county
the role does not see: county B (under the same city) for county-level roles, a county of another city for
city staff. Then:

- a GET of a route naming the row answers 404 (or 400, 403, 405 when a missing id gets the very same
  answer, body included: a role gate, a method not taken, input refused before any row is read),
  never 2xx/3xx and never 500;
- every write method (POST, PUT, PATCH, DELETE) answers 403 or 404 and changes nothing in the database
  (row counts of every model and the outside rows' values, compared before and after);
- every GET route taking no id (lists, exports, filter selects, the API's JSON and its browsable HTML
  with its forms and filter selects) answers without the outside marker in its body (zip bodies, i.e.
  xlsx and docx exports, are searched member by member);
- `/admin/` answers superusers only.

A route whose row the generator cannot build, or whose id it cannot name, fails the test unless it is on
UNBUILDABLE with the reason. New routes are covered without editing this file.
"""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.views import APIView

from evaluation.models import Scheme
from org import hooks
from org.models import Region, UserRole
from rotation.models import Assignment as RotationAssignment
from rotation.models import Exemption, Plan, Suggestion
from talentpool.models import (
    EligibilityRule,
    Holiday,
    Intake,
    NominationAttachment,
    Objection,
    Program,
    ScoringForm,
    ScoringItem,
    Track,
)
from tests.scope_objects import OutsideBuilder, make_anchor

ROLES = ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"]

# URL keyword arguments naming a row other than the view's own model.
KWARG_MODELS = {
    "program": Program, "track": Track, "intake": Intake, "region": Region, "scheme_pk": Scheme,
    "objection": Objection, "attachment": NominationAttachment,
    "user_id": get_user_model(),  # api/v1/auth/token/<user_id>/: a bureau revokes a managed user's token
}
# Views reading their row with scope.get_visible_or_404 instead of declaring `model` (the walk's ALLOWED).
VIEW_MODELS = {
    "talentpool.views.RuleDeleteView": EligibilityRule,
    "talentpool.views_docs.NoticePrintView": Intake,
    "talentpool.views_docs.NoticeDocxView": Intake,
    "rotation.views.ExemptionDecideView": Exemption,
    "rotation.views.ProgressRecomputeView": Plan,
    "rotation.views.SuggestionDecideView": Suggestion,
    "rotation.views.InspectionCreateView": RotationAssignment,
}
# Keyword arguments that name no row: the values the test sends (every value, for exports by kind).
VALUE_KWARGS = {
    "action": ["deactivate", "reset-password"],
    "kind": None,  # filled from the importers and alliances.exports.ExportView.KINDS
    "name": None,  # the home page's sections (org.hooks.dashboard_names), each a list of figures
}
# Reference tables every signed-in user reads (talentpool/scopes.py registers them `_signed_in`): there is
# no "outside" row, so their routes are not asked for a 404 and their rows carry no marker.
REFERENCE_TABLES = {
    Holiday: "the city's working-day table, read by every deadline computation",
    ScoringForm: "the city's scoring forms, read by every reviewer and nomination",
    ScoringItem: "the items of those forms",
}
# Routes the generator cannot build a row for, with the reason (none today; keep each one commented).
UNBUILDABLE: dict[str, str] = {}
# Routes taking no id that answer nothing to list (the body is not searched for the marker).
NOT_LISTS = {
    "accounts/logout/": "logs out (POST)",
    "i18n/setlang/": "language switch",
}
MISSING_ID = 99999999
# Answers accepted besides 404 (403 for a write) only when a missing id gets the very same answer: a role
# gate (403), a method the view does not take (405), or input refused before any row is read (400).
SAME_AS_MISSING = {400, 403, 405}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
                continue  # the same view as its twin without the suffix
            yield route, pattern


def _view(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def _name(view) -> str:
    return f"{view.__module__}.{view.__qualname__}"


def _kwargs(route: str) -> list[str]:
    return re.findall(r"(?<!\?P)<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def _methods(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(actions)
    view = _view(callback)
    if view is None:
        return ["get"]
    return [m for m in ("get", *WRITE_METHODS) if hasattr(view, m) and m in view.http_method_names]


def _path(route: str, values: dict) -> str:
    """The URL of a route (Django `<conv:name>` or router regex) with these keyword values."""
    def django(match):
        return str(values[match.group(1)])

    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", django, route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", django, url)
    return "/" + url.replace("^", "").replace("$", "")


def routes():
    """[(route, callback, kwargs)] of every URL pattern outside the admin."""
    return [(route, pattern.callback, _kwargs(route)) for route, pattern in _walk(get_resolver().url_patterns)]


def _kind_values(route: str) -> list[str]:
    from alliances.exports import ExportView
    from org.excel.result import importer_kinds

    if route.startswith("alliances/"):
        return list(ExportView.KINDS)
    return [kind for kind, _label in importer_kinds()]


def _model_for(route, callback, kwarg):
    if kwarg in KWARG_MODELS:
        return KWARG_MODELS[kwarg]
    view = _view(callback)
    if view is None:
        return None
    return VIEW_MODELS.get(_name(view)) or getattr(view, "model", None)


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _plain(body: bytes) -> bytes:
    """A page without its per-request CSRF tokens (two answers compared byte for byte otherwise)."""
    return re.sub(rb'(csrfmiddlewaretoken" value="|csrf-token" content=")[^"]*', b"", body)


def _contains(body: bytes, marker: str) -> bool:
    token = marker.encode()
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return any(token in book.read(name) for name in book.namelist())
    return token in body


def _fingerprint(rows: list) -> tuple:
    """Row counts of every table (one query) and the values of the route's own rows."""
    tables = [m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables))
        counts = cursor.fetchone()
    values = tuple(repr(model_to_dict(row)) for row in (type(r)._default_manager.filter(pk=r.pk).first() for r in rows))
    return counts, values


@pytest.fixture
def browsable_api(monkeypatch):
    """The browsable API (off unless DEBUG): its HTML forms and filter selects are searched too."""
    monkeypatch.setattr(APIView, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])


@pytest.fixture
def outside(world, request):
    """The role's user and a builder of rows outside its scope (its anchor's marker in every name)."""
    role = request.param
    user = request.getfixturevalue(role)
    if role == "city_user":
        other_city = Region.objects.create(code="429000", name="OUTCITY市", level=Region.Level.CITY)
        anchor = make_anchor("OUTC", other_city, "429001")
    else:
        anchor = make_anchor("OUTB", world.county_b.parent, "421299")
    return user, OutsideBuilder(anchor, plain=frozenset(REFERENCE_TABLES))


def _check_object_routes(client, builder, problems):
    requests = 0
    for route, callback, kwargs in routes():
        id_kwargs = [k for k in kwargs if k not in VALUE_KWARGS and k != "format"]
        if not id_kwargs:
            continue
        if route in UNBUILDABLE:
            continue
        if any(_model_for(route, callback, k) in REFERENCE_TABLES for k in id_kwargs):
            continue
        values, missing, rows = {}, {}, []
        try:
            for kwarg in id_kwargs:
                model = _model_for(route, callback, kwarg)
                if model is None:
                    raise LookupError(f"no model for <{kwarg}>")
                rows.append(builder.build(model))
                values[kwarg] = rows[-1].pk
                missing[kwarg] = MISSING_ID
        except Exception as error:  # noqa: BLE001  (the route is reported, not the builder's traceback)
            problems.append(f"{route}: cannot build its row ({type(error).__name__}: {error})")
            continue
        variants = [{}]
        for kwarg in kwargs:
            if kwarg == "action":
                variants = [{**v, "action": a} for v in variants for a in VALUE_KWARGS["action"]]
        for variant in variants:
            url, missing_url = _path(route, {**values, **variant}), _path(route, {**missing, **variant})
            for method in _methods(callback):
                before = _fingerprint(rows) if method in WRITE_METHODS else None
                response = getattr(client, method)(url)
                requests += 1
                status = response.status_code
                expected = {404, 403} if method in WRITE_METHODS else {404}
                if status not in expected and status in SAME_AS_MISSING:
                    twin = getattr(client, method)(missing_url)
                    same = _plain(_body(response).replace(url.encode(), missing_url.encode()))
                    if (twin.status_code, _plain(_body(twin))) == (status, same):
                        expected.add(status)  # the answer a missing id gets, byte for byte: nothing told
                if status not in expected:
                    problems.append(f"{method.upper()} {url} ({route}): {status}, expected {sorted(expected)}")
                if method in WRITE_METHODS and _fingerprint(rows) != before:
                    problems.append(f"{method.upper()} {url} ({route}): the database changed")
    return requests


def _check_list_routes(client, builder, problems):
    requests = 0
    marker = builder.anchor.marker
    for route, callback, kwargs in routes():
        if any(k not in VALUE_KWARGS and k != "format" for k in kwargs) or "get" not in _methods(callback):
            continue
        if route in NOT_LISTS:
            continue
        if "kind" in kwargs:
            values = [{"kind": kind} for kind in _kind_values(route)]
        elif "name" in kwargs:
            values = [{"name": name} for name in hooks.dashboard_names()]
        else:
            values = [{}]
        for value in values:
            url = _path(route, value)
            variants = [url] + ([f"{url}?format=api"] if route.startswith("api/") else [])
            for address in variants:
                response = client.get(address, HTTP_ACCEPT="text/html" if "format=api" in address else "*/*")
                requests += 1
                if response.status_code >= 500:
                    problems.append(f"GET {address}: {response.status_code}")
                    continue
                if response.status_code == 200 and _contains(_body(response), marker):
                    problems.append(f"GET {address}: shows the outside row ({marker})")
    return requests


@pytest.mark.parametrize("outside", ROLES, indirect=True)
def test_no_route_reaches_or_lists_a_row_outside_the_users_scope(client, outside, browsable_api, settings, tmp_path):
    user, builder = outside
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    client.raise_request_exception = False
    # Build every row the routes take before the first request, so lists have something to leak.
    for route, callback, kwargs in routes():
        for kwarg in kwargs:
            model = _model_for(route, callback, kwarg) if kwarg not in VALUE_KWARGS else None
            if model is not None:
                try:
                    builder.build(model)
                except Exception:  # noqa: BLE001, S112  (reported per route by _check_object_routes)
                    continue
    client.force_login(user)
    problems = []
    count = _check_list_routes(client, builder, problems)
    count += _check_object_routes(client, builder, problems)
    assert count > 300
    assert problems == [], "\n".join(problems)


def test_every_route_taking_an_id_names_a_model_the_generator_builds():
    unknown = []
    for route, callback, kwargs in routes():
        for kwarg in kwargs:
            if kwarg in VALUE_KWARGS or kwarg == "format" or route in UNBUILDABLE:
                continue
            if _model_for(route, callback, kwarg) is None:
                unknown.append(f"{route} <{kwarg}>")
    assert unknown == []


def test_the_unbuildable_list_names_only_routes_that_exist():
    assert set(UNBUILDABLE) - {route for route, _cb, _kw in routes()} == set()


@pytest.mark.parametrize("role", ROLES)
def test_only_superusers_reach_the_admin(client, world, role, request, admin_user):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/").status_code in (302, 403, 404)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


def test_the_outside_user_account_holds_a_role_in_the_outside_county(world):
    builder = OutsideBuilder(make_anchor("OUTB", world.county_b.parent, "421299"))
    account = builder.build(get_user_model())
    assert UserRole.objects.get(user=account).school == builder.anchor.school
