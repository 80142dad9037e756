"""Issue 8, item 7: the API's filter choices and serializer related fields go through the scope, for every
viewset of the router (generated: a new endpoint is covered without a new test); actors are shown to
bureau staff only; the browsable API is off in production settings."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import get_resolver
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from rest_framework import relations
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from org import scope
from org.filters import ScopedFilterBackend
from tests.talentpool.test_api import rows  # noqa: F401  (one row of each kind per county)

pytestmark = pytest.mark.django_db


def _viewsets():
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                if getattr(pattern, "namespace", None) != "admin":
                    walk(pattern.url_patterns)
            elif getattr(pattern.callback, "cls", None) is not None and issubclass(pattern.callback.cls, scope._ScopedBase):
                found[pattern.callback.cls.__qualname__ + pattern.callback.cls.__module__] = pattern.callback.cls

    walk(get_resolver().url_patterns)
    return list(found.values())


VIEWSETS = _viewsets()


def _view(viewset, user, action):
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    view = viewset(request=request, action=action, format_kwarg=None, kwargs={}, args=())
    return view, request


def _choice_querysets(viewset, user):
    """(what, model, queryset) of every filter choice and writable related field the caller is offered."""
    view, request = _view(viewset, user, "list")
    found = []
    filterset = ScopedFilterBackend().get_filterset(request, view.get_queryset(), view)
    for name, item in (filterset.filters.items() if filterset is not None else []):
        if isinstance(item, (ModelChoiceFilter, ModelMultipleChoiceFilter)):
            found.append((f"filter {name}", item.get_queryset(request)))
    for action in ("list", "create"):
        view, _request = _view(viewset, user, action)
        try:
            serializer = view.get_serializer()
        except (TypeError, AssertionError):  # an action-specific serializer needing arguments
            continue
        target = getattr(serializer, "child", serializer)
        for name, item in getattr(target, "fields", {}).items():
            related = getattr(item, "child_relation", item)
            if isinstance(related, relations.RelatedField) and getattr(related, "queryset", None) is not None:
                found.append((f"field {name} ({action})", related.queryset))
    return found


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda viewset: viewset.__name__)
def test_every_choice_of_every_viewset_is_in_scope(viewset, world, rows, county_user, city_user):  # noqa: F811
    users = get_user_model()
    for what, queryset in _choice_querysets(viewset, county_user):
        model = queryset.model
        offered = set(queryset.values_list("pk", flat=True))
        allowed = set((scope.visible_users(county_user) if model is users else scope.visible_to(county_user, model))
                      .values_list("pk", flat=True)) if (model is users or model in scope._SCOPERS
                                                          or hasattr(model, "scope_school_path")) else None
        if allowed is not None:
            assert offered <= allowed, f"{viewset.__name__} {what} offers rows outside the scope"
        if model is users:
            assert city_user.pk not in offered
            if what not in NARROWED_USER_CHOICES:  # a list of every visible user holds the caller
                assert county_user.pk in offered


NARROWED_USER_CHOICES = {"filter missing_rater"}  # the raters of the visible assignments only (evaluation.filters)


def test_staff_school_and_region_choices_hold_the_county_and_not_the_other(world, county_user):
    seen = set()
    for viewset in VIEWSETS:
        for what, queryset in _choice_querysets(viewset, county_user):
            model = queryset.model._meta.model_name
            inside = {"staff": world.staff_a, "school": world.school_a, "region": world.county_a}.get(model)
            outside = {"staff": world.staff_b, "school": world.school_b, "region": world.county_b}.get(model)
            if inside is not None:
                assert queryset.filter(pk=inside.pk).exists(), f"{viewset.__name__} {what}"
                assert not queryset.filter(pk=outside.pk).exists(), f"{viewset.__name__} {what}"
                seen.add(model)
    assert seen == {"staff", "school", "region"}


def test_the_browsable_api_is_off_in_production_settings(client, county_user):
    assert not settings.DEBUG
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == ["rest_framework.renderers.JSONRenderer"]
    client.force_login(county_user)
    response = client.get("/api/v1/schools/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"].startswith("application/json")


def test_actors_are_named_to_bureau_staff_only(client, world, nomination_a, principal_user, county_user):
    client.force_login(county_user)
    assert client.get(f"/api/v1/talentpool/nominations/{nomination_a.pk}/").json()["nominated_by"] == principal_user.pk
    client.force_login(principal_user)
    assert client.get(f"/api/v1/talentpool/nominations/{nomination_a.pk}/").json()["nominated_by"] is None
    listed = client.get("/api/v1/talentpool/nominations/").json()["results"]
    assert [row["nominated_by"] for row in listed] == [None]
