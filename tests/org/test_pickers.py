"""Searchable pickers (org.pickers): scoped suggestion endpoints, and filters/forms that render only the selected
row once the choices are many (issue 15, item 3)."""

import pytest
from django.urls import reverse

from org import pickers
from tests.factories import SchoolFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_school_suggestions_are_scoped_like_the_list(client, world, county_user):
    """Given a school in county A and one in county B, when county A's clerk types, then only A's is offered."""
    SchoolFactory(code="A002", name="咸安第二小学", region=world.county_a)
    SchoolFactory(code="B002", name="嘉鱼第二小学", region=world.county_b)
    client.force_login(county_user)
    found = _ids(client.get(reverse("org:pick-school"), {"q": "第二"}))
    assert found == {world.school_a.region.schools.get(code="A002").pk}
    assert world.school_b.pk not in _ids(client.get(reverse("org:pick-school")))
    assert world.school_a.pk in _ids(client.get(reverse("org:pick-school"), {"q": "A00"}))  # a code prefix


def test_city_user_is_offered_every_county(client, world, city_user):
    client.force_login(city_user)
    assert _ids(client.get(reverse("org:pick-school"), {"q": "实验"})) == {world.school_a.pk, world.school_b.pk}


def test_staff_suggestions_are_scoped_and_match_no_partial_id(client, world, county_user):
    client.force_login(county_user)
    assert _ids(client.get(reverse("org:pick-staff"), {"q": "老师"})) == {world.staff_a.pk}
    assert _ids(client.get(reverse("org:pick-staff"), {"q": world.staff_a.id_number})) == {world.staff_a.pk}
    assert _ids(client.get(reverse("org:pick-staff"), {"q": world.staff_a.id_number[:10]})) == set()
    assert _ids(client.get(reverse("org:pick-staff"), {"q": world.staff_b.id_number})) == set()


def test_user_suggestions_offer_the_users_the_choices_offer(client, world, county_user, principal_user, city_user):
    client.force_login(county_user)
    found = _ids(client.get(reverse("org:pick-user")))
    assert county_user.pk in found and principal_user.pk in found and city_user.pk not in found


def test_anonymous_users_get_no_suggestions(client, world):
    response = client.get(reverse("org:pick-school"))
    assert response.status_code == 302


def test_group_suggestions_are_scoped(client, world, county_user):
    from datetime import date

    from alliances.models import Group

    mine = Group.objects.create(name="咸安集团", type="tight", region=world.county_a, lead_school=world.school_a,
                                founded_on=date(2024, 9, 1))
    Group.objects.create(name="嘉鱼集团", type="tight", region=world.county_b, lead_school=world.school_b,
                         founded_on=date(2024, 9, 1))
    client.force_login(county_user)
    assert _ids(client.get(reverse("alliances:pick-group"), {"q": "集团"})) == {mine.pk}


def test_suggestion_query_count_is_pinned(client, world, city_user, django_assert_num_queries):
    for number in range(30):
        SchoolFactory(code=f"A1{number:02d}", name=f"咸安{number}小学", region=world.county_a)
    client.force_login(city_user)
    with django_assert_num_queries(5):  # session, user, roles, regions, the suggestions
        response = client.get(reverse("org:pick-school"), {"q": "咸安"})
    assert len(response.json()["results"]) == pickers.SUGGESTIONS


def test_filter_renders_only_the_selected_school_when_there_are_many(client, world, city_user, monkeypatch):
    """Given more schools than the picker limit, the staff list's school filter holds only the chosen one
    and names its endpoint; the other schools are not in the page."""
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 1)
    client.force_login(city_user)
    body = client.get(reverse("org:staff-list"), {"school": world.school_a.pk}).content.decode()
    assert f'data-picker-url="{reverse("org:pick-school")}"' in body
    assert f'<option value="{world.school_a.pk}" selected>咸安实验小学</option>' in body
    assert "嘉鱼实验小学" not in body
    assert "甲老师" in body and "乙老师" not in body  # the filter still filters


def test_filter_renders_an_ordinary_select_when_the_choices_are_few(client, world, city_user):
    client.force_login(city_user)
    body = client.get(reverse("org:staff-list")).content.decode()
    assert 'data-picker-url' not in body
    assert f'<option value="{world.school_b.pk}">嘉鱼实验小学</option>' in body


def test_out_of_scope_id_typed_into_a_picker_is_refused(client, world, county_user, monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 0)
    client.force_login(county_user)
    response = client.get(reverse("org:staff-list"), {"school": world.school_b.pk})
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body and "乙老师" not in body
    assert client.get(reverse("org:staff-list"), {"school": "abc"}).status_code == 200


def test_form_picker_keeps_the_instance_value(client, world, county_user, monkeypatch):
    """The staff edit form's school select becomes a picker holding the staff member's school."""
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 0)
    SchoolFactory(code="A003", name="咸安第三小学", region=world.county_a)
    client.force_login(county_user)
    body = client.get(reverse("org:staff-edit", args=[world.staff_a.pk])).content.decode()
    assert f'<option value="{world.school_a.pk}" selected>咸安实验小学</option>' in body
    assert "咸安第三小学" not in body and 'data-picker-url' in body


def test_browsable_api_filter_lists_no_schools_when_many(world, city_user, monkeypatch):
    """The API's filter form (what the browsable API shows) holds only the selected school when there are many."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from org.api import StaffViewSet
    from org.filters import ScopedFilterBackend

    monkeypatch.setattr(pickers, "PICKER_LIMIT", 1)
    request = Request(APIRequestFactory().get("/api/v1/staff/", {"school": world.school_a.pk}))
    request.user = city_user
    view = StaffViewSet(request=request, format_kwarg=None, action="list")
    html = ScopedFilterBackend().to_html(request, view.get_queryset(), view)
    assert f'<option value="{world.school_a.pk}" selected>' in html
    assert "嘉鱼实验小学" not in html and "data-picker-url" in html


def test_staff_filter_lists_a_hundred_staff_without_a_query_per_row(client, world, city_user,
                                                                     django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(pickers, "PICKER_LIMIT", 5)
    StaffFactory.create_batch(10, school=world.school_a)
    client.force_login(city_user)
    with django_assert_num_queries(5):
        client.get(reverse("org:pick-staff"), {"q": "老师"})
