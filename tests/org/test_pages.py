"""Pages: login in Chinese, lists masked and paginated with pinned query counts, edits audited."""

import pytest
from django.urls import reverse

from org.models import Staff
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_chinese(client):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and 'lang="zh-hans"' in body


def test_anonymous_users_are_sent_to_login(client, world):
    response = client.get(reverse("org:staff-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_login_throttling_locks_after_repeated_failures(client, world, county_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "county_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "county_a", "password": "pw-123456"})
    assert response.status_code == 429


def test_staff_list_masks_id_numbers(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("org:staff-list")).content.decode()
    assert world.staff_a.id_number not in body
    assert world.staff_a.masked_id_number in body


def test_staff_detail_shows_full_id_to_bureau_staff_only(client, world, county_user, principal_user):
    client.force_login(county_user)
    assert world.staff_a.id_number in client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    client.force_login(principal_user)
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert world.staff_a.id_number not in body


QUERIES = {"org:school-list": 7, "org:staff-list": 8}  # one region query for the scope (issue 15)


@pytest.mark.parametrize("url_name", ["org:staff-list", "org:school-list"])
def test_list_query_count_does_not_grow_with_rows(client, world, county_user, django_assert_num_queries, url_name):
    StaffFactory.create_batch(30, school=world.school_a)
    client.force_login(county_user)
    with django_assert_num_queries(QUERIES[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_staff_list_paginates(client, world, county_user):
    StaffFactory.create_batch(60, school=world.school_a)
    client.force_login(county_user)
    first = client.get(reverse("org:staff-list"))
    assert len(first.context["object_list"]) == 50
    assert len(client.get(reverse("org:staff-list"), {"page": 2}).context["object_list"]) == 11


def test_staff_edit_saves_and_records_who(client, world, county_user):
    client.force_login(county_user)
    staff = world.staff_a
    form = {
        "name": "甲老师改", "gender": staff.gender, "birth_date": staff.birth_date.isoformat(), "school": staff.school_id,
        "post": "middle_cadre", "subject": "语文", "title": "", "honour_level": 2, "work_start": "2008-09-01",
        "school_start": "2015-09-01", "post_start": "2020-09-01", "status": "active",
    }
    response = client.post(reverse("org:staff-edit", args=[staff.pk]), form)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.name, staff.post, staff.subject) == ("甲老师改", "middle_cadre", "语文")
    latest = staff.history.latest()
    assert latest.history_user == county_user and latest.name == "甲老师改"
    page = client.get(reverse("org:staff-detail", args=[staff.pk])).content.decode()
    assert "county_a" in page  # the history table names who changed it


def test_staff_edit_rejects_gender_against_id_and_changes_nothing(client, world, county_user):
    client.force_login(county_user)
    staff = world.staff_a
    form = {
        "name": "改名", "gender": "F", "birth_date": staff.birth_date.isoformat(), "school": staff.school_id,
        "post": "teacher", "honour_level": 0, "status": "active",
    }
    response = client.post(reverse("org:staff-edit", args=[staff.pk]), form)
    assert response.status_code == 200
    assert "性别与身份证号不符" in response.content.decode()
    assert Staff.objects.get(pk=staff.pk).name == "甲老师"


def test_staff_edit_cannot_move_someone_into_another_county(client, world, county_user):
    client.force_login(county_user)
    staff = world.staff_a
    form = {
        "name": staff.name, "gender": staff.gender, "birth_date": staff.birth_date.isoformat(),
        "school": world.school_b.pk, "post": "teacher", "honour_level": 0, "status": "active",
    }
    response = client.post(reverse("org:staff-edit", args=[staff.pk]), form)
    assert response.status_code == 200  # the other county's school is not a valid choice
    assert Staff.objects.get(pk=staff.pk).school == world.school_a


def test_api_list_query_count_is_pinned(client, world, city_user, django_assert_num_queries):
    StaffFactory.create_batch(30, school=world.school_a)
    client.force_login(city_user)
    with django_assert_num_queries(6):  # one region query for the scope (issue 15)
        assert client.get("/api/v1/staff/").status_code == 200


def test_school_cannot_be_moved_into_a_region_the_user_only_supervises(client, world, county_user):
    from org import services
    from org.models import UserRole
    from tests.factories import UserRoleFactory

    UserRoleFactory(user=county_user, role=UserRole.Role.SUPERVISOR, region=world.city)  # reads the city
    county_user.__dict__.pop("_org_scope", None)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.school_update(actor=county_user, school=world.school_a, data={"region": world.county_b})
    world.school_a.refresh_from_db()
    assert world.school_a.region == world.county_a
    client.force_login(county_user)
    form = client.get(reverse("org:school-edit", args=[world.school_a.pk])).context["form"]
    assert list(form.fields["region"].queryset) == [world.county_a]


def test_history_names_who_changed_a_record_only_to_bureau_staff(client, world, county_user, principal_user):
    from org import services

    services.staff_update(actor=county_user, staff=world.staff_a, data={"subject": "物理"})
    client.force_login(county_user)
    assert "county_a" in client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    client.force_login(principal_user)
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert "county_a" not in body and "物理" in body  # what changed, not who (reviewers, clerks)
