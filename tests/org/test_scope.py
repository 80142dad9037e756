"""Each role sees exactly its scope: one object in scope, one out, in selectors, pages, API and admin."""

import pytest
from django.http import Http404
from django.urls import reverse

from org import scope
from org.models import School, Staff, WorkHistory
from tests.factories import WorkHistoryFactory

pytestmark = pytest.mark.django_db


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_city_staff_sees_both_counties(world, city_user):
    assert names(scope.visible_to(city_user, School)) == {"咸安实验小学", "嘉鱼实验小学"}
    assert names(scope.visible_to(city_user, Staff)) == {"甲老师", "乙老师"}


def test_county_staff_sees_only_its_county(world, county_user):
    assert names(scope.visible_to(county_user, School)) == {"咸安实验小学"}
    assert names(scope.visible_to(county_user, Staff)) == {"甲老师"}


def test_principal_sees_only_own_school(world, principal_user):
    assert names(scope.visible_to(principal_user, School)) == {"咸安实验小学"}
    assert names(scope.visible_to(principal_user, Staff)) == {"甲老师"}


def test_supervisor_sees_its_county_but_manages_nothing(world, supervisor_user):
    assert names(scope.visible_to(supervisor_user, Staff)) == {"甲老师"}
    assert not scope.manageable(supervisor_user, Staff).exists()
    assert not scope.can_manage(supervisor_user, world.staff_a)


def test_reviewer_sees_no_staff_by_default(world, reviewer_user):
    assert not scope.visible_to(reviewer_user, Staff).exists()
    assert not scope.visible_to(reviewer_user, School).exists()


def test_user_without_role_sees_nothing(world, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    assert not scope.visible_to(user, Staff).exists()


def test_county_staff_manages_own_county_only(world, county_user):
    assert scope.can_manage(county_user, world.staff_a)
    assert not scope.can_manage(county_user, world.staff_b)


def test_regions_visible(world, county_user, principal_user):
    assert set(scope.visible_to(county_user, type(world.city)).values_list("code", flat=True)) == {"421202"}
    assert set(scope.visible_to(principal_user, type(world.city)).values_list("code", flat=True)) == {"421202"}


def test_work_history_scoped_through_staff(world, county_user):
    WorkHistoryFactory(staff=world.staff_a, school=world.school_b)
    WorkHistoryFactory(staff=world.staff_b, school=world.school_a)
    visible = scope.visible_to(county_user, WorkHistory)
    assert list(visible.values_list("staff__name", flat=True)) == ["甲老师"]


def test_get_visible_or_404_treats_forbidden_as_missing(world, county_user):
    assert scope.get_visible_or_404(county_user, Staff, pk=world.staff_a.pk) == world.staff_a
    with pytest.raises(Http404):
        scope.get_visible_or_404(county_user, Staff, pk=world.staff_b.pk)
    with pytest.raises(Http404):
        scope.get_visible_or_404(county_user, Staff, pk=999999)


def test_view_subclass_cannot_replace_scoped_queryset():
    with pytest.raises(TypeError):
        class Leaky(scope.ScopedQuerysetMixin):
            def get_queryset(self):
                return Staff.objects.all()


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["org:school-list", "org:staff-list"])
def test_list_pages_show_only_scope(client, world, county_user, url_name):
    client.force_login(county_user)
    body = client.get(reverse(url_name)).content.decode()
    assert "咸安实验小学" in body
    assert "嘉鱼实验小学" not in body


def test_detail_pages_answer_404_out_of_scope(client, world, county_user):
    client.force_login(county_user)
    assert client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).status_code == 200
    assert client.get(reverse("org:staff-detail", args=[world.staff_b.pk])).status_code == 404
    assert client.get(reverse("org:school-detail", args=[world.school_a.pk])).status_code == 200
    assert client.get(reverse("org:school-detail", args=[world.school_b.pk])).status_code == 404
    assert client.get(reverse("org:staff-edit", args=[world.staff_b.pk])).status_code == 404


def test_principal_reads_own_staff_but_cannot_edit(client, world, principal_user):
    client.force_login(principal_user)
    assert client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).status_code == 200
    assert client.get(reverse("org:staff-edit", args=[world.staff_a.pk])).status_code == 403
    assert client.get(reverse("org:staff-detail", args=[world.staff_b.pk])).status_code == 404


def test_filter_choices_are_scoped(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("org:staff-list")).content.decode()
    school_select = body.split('name="school"', 1)[1].split("</select>", 1)[0]
    assert "咸安实验小学" in school_select
    assert "嘉鱼实验小学" not in school_select


# --- API --------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint, in_scope, out_of_scope", [
    ("/api/v1/schools/", "咸安实验小学", "嘉鱼实验小学"),
    ("/api/v1/staff/", "甲老师", "乙老师"),
    ("/api/v1/regions/", "咸安区", "嘉鱼县"),
])
def test_api_lists_are_scoped(client, world, county_user, endpoint, in_scope, out_of_scope):
    client.force_login(county_user)
    body = client.get(endpoint).content.decode()
    assert in_scope in body and out_of_scope not in body


def test_api_work_history_is_scoped(client, world, county_user):
    mine = WorkHistoryFactory(staff=world.staff_a, school=world.school_b)
    other = WorkHistoryFactory(staff=world.staff_b, school=world.school_a)
    client.force_login(county_user)
    ids = [row["id"] for row in client.get("/api/v1/work-history/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/work-history/{other.pk}/").status_code == 404


def test_api_detail_out_of_scope_is_404(client, world, county_user):
    client.force_login(county_user)
    assert client.get(f"/api/v1/staff/{world.staff_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/staff/{world.staff_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/schools/{world.school_b.pk}/").status_code == 404


def test_api_token_authentication(client, world, county_user):
    response = client.post("/api/v1/auth/token/", {"username": "county_a", "password": "pw-123456"})
    token = response.json()["token"]
    anonymous = client.__class__()
    assert anonymous.get("/api/v1/staff/").status_code in (401, 403)
    body = anonymous.get("/api/v1/staff/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert [row["name"] for row in body["results"]] == ["甲老师"]


def test_api_masks_id_in_lists_and_shows_it_to_bureau_staff_on_retrieve(client, world, county_user, principal_user):
    client.force_login(county_user)
    listed = client.get("/api/v1/staff/").json()["results"][0]["id_number"]
    assert "*" in listed
    assert client.get(f"/api/v1/staff/{world.staff_a.pk}/").json()["id_number"] == world.staff_a.id_number
    client.force_login(principal_user)
    assert "*" in client.get(f"/api/v1/staff/{world.staff_a.pk}/").json()["id_number"]


def test_api_filters(client, world, city_user):
    client.force_login(city_user)
    body = client.get("/api/v1/staff/", {"region": world.county_b.pk}).json()
    assert [row["name"] for row in body["results"]] == ["乙老师"]
    assert client.get("/api/v1/schools/", {"q": "咸安"}).json()["count"] == 1


def test_out_of_scope_filter_values_answer_like_missing_ones(client, world, county_user):
    client.force_login(county_user)
    other = client.get("/api/v1/regions/", {"parent": world.city.pk})
    missing = client.get("/api/v1/regions/", {"parent": 999999})
    assert other.status_code == missing.status_code == 400
    assert other.json() == {k: [m.replace("999999", str(world.city.pk)) for m in v] for k, v in missing.json().items()}


def test_bad_filter_values_are_shown_not_swallowed(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("org:staff-list"), {"school": "abc"}).content.decode()
    assert 'data-testid="filter-errors"' in body and "学校" in body
