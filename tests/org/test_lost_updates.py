"""No lost updates (issue 16.3) on staff and schools: the second clerk's save from a stale page is refused,
naming what changed, and the first clerk's change stays; the mechanism itself (org.versioning)."""

import pytest
from django.urls import reverse
from django.utils import translation

from org import versioning
from org.models import Staff
from org.services import staff_update
from tests.conftest import _user_with_role
from tests.lost_updates import edit_page_post, page_error, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_clerk(world):
    from org.models import UserRole

    return _user_with_role("county_a2", UserRole.Role.COUNTY_STAFF, region=world.county_a, first_name="李", last_name="")


def test_second_staff_save_from_a_stale_page_is_refused_naming_field_and_clerk(world, county_user, second_clerk):
    url = reverse("org:staff-edit", args=[world.staff_a.pk])
    first, second = session(county_user), session(second_clerk)
    first_post = edit_page_post(first, url, {"title": "一级教师"})
    second_post = edit_page_post(second, url, {"subject": "数学"})

    assert first.post(url, first_post).status_code == 302
    response = second.post(url, second_post)

    assert response.status_code == 200
    message = page_error(response)
    assert "职称" in message and "county_a" in message and "任教学科" not in message
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.title, staff.subject, staff.version) == ("一级教师", world.staff_a.subject, 2)


def test_reloading_the_page_after_a_refusal_saves(world, county_user, second_clerk):
    url = reverse("org:staff-edit", args=[world.staff_a.pk])
    first, second = session(county_user), session(second_clerk)
    stale = edit_page_post(second, url, {"subject": "数学"})
    first.post(url, edit_page_post(first, url, {"title": "一级教师"}))
    assert second.post(url, stale).status_code == 200

    assert second.post(url, edit_page_post(second, url, {"subject": "数学"})).status_code == 302
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.title, staff.subject, staff.version) == ("一级教师", "数学", 3)


def test_school_second_save_is_refused(world, county_user, second_clerk):
    url = reverse("org:school-edit", args=[world.school_a.pk])
    first, second = session(county_user), session(second_clerk)
    first_post = edit_page_post(first, url, {"enrolment": 900})
    second_post = edit_page_post(second, url, {"class_count": 30})

    assert first.post(url, first_post).status_code == 302
    response = second.post(url, second_post)

    assert "在校生数" in page_error(response) or "enrolment" in page_error(response)
    world.school_a.refresh_from_db()
    assert (world.school_a.enrolment, world.school_a.version) == (900, 2)
    assert world.school_a.class_count != 30


def test_a_principal_reader_is_told_the_fields_not_the_clerk(world, county_user, principal_user):
    staff = world.staff_a
    staff_update(actor=county_user, staff=Staff.objects.get(pk=staff.pk), data={"title": "一级教师"})

    with translation.override("zh-hans"):
        message = versioning.describe_changes(Staff, staff.pk, since=1, reader=principal_user)
        bureau = versioning.describe_changes(Staff, staff.pk, since=1, reader=county_user)

    assert "职称" in message and "county_a" not in message
    assert "职称" in bureau and "county_a" in bureau


def test_saving_a_stale_instance_anywhere_is_refused(world, county_user):
    """The model's save is a compare-and-swap: a service handed an old copy cannot write it back."""
    stale = Staff.objects.get(pk=world.staff_a.pk)
    staff_update(actor=county_user, staff=Staff.objects.get(pk=world.staff_a.pk), data={"title": "一级教师"})

    with pytest.raises(versioning.VersionConflict):
        staff_update(actor=county_user, staff=stale, data={"subject": "数学"})

    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.title, staff.subject, staff.version, stale.version) == ("一级教师", world.staff_a.subject, 2, 1)


def test_each_save_counts_one_version_and_records_it_in_history(world, county_user):
    staff = Staff.objects.get(pk=world.staff_a.pk)
    staff_update(actor=county_user, staff=staff, data={"title": "一级教师"})
    staff_update(actor=county_user, staff=staff, data={"title": "高级教师"})

    assert Staff.objects.get(pk=staff.pk).version == 3
    assert list(staff.history.order_by("history_date").values_list("version", flat=True)) == [1, 2, 3]


def test_check_refuses_a_deleted_row_and_lets_an_absent_row_stay_absent(world):
    assert versioning.check(Staff(), seen=0) is None
    with pytest.raises(versioning.VersionConflict):
        versioning.check(Staff(), seen=2)
    assert versioning.check(world.staff_a, seen=None) is None


@pytest.mark.parametrize(("raw", "expected"), [('"3"', 3), ('W/"3"', 3), ("3", 3), ("", None), (None, None)])
def test_parse_version_reads_etags_and_plain_numbers(raw, expected):
    assert versioning.parse_version(raw) == expected


def test_parse_version_refuses_garbage():
    with pytest.raises(Exception, match="version"):
        versioning.parse_version('"abc"')


def test_staff_detail_answers_its_version_as_etag(world, county_user):
    client = session(county_user)
    response = client.get(f"/api/v1/staff/{world.staff_a.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == '"1"' and response.json()["version"] == 1
    staff_update(actor=county_user, staff=Staff.objects.get(pk=world.staff_a.pk), data={"title": "一级教师"})
    assert client.get(f"/api/v1/staff/{world.staff_a.pk}/")["ETag"] == '"2"'


def test_an_import_counts_as_a_save_so_a_page_opened_before_it_is_refused(world, book, county_user, second_clerk):
    from org.importers import base_data_importer
    from tests.org.conftest import staff_row

    url = reverse("org:staff-edit", args=[world.staff_a.pk])
    clerk = session(second_clerk)
    stale = edit_page_post(clerk, url, {"subject": "音乐"})
    path = book({"教职工": [staff_row("甲老师改", world.staff_a.id_number, "A001", school_start="2015-09-01")]})
    base_data_importer.run(path, user=county_user, commit=True)

    response = clerk.post(url, stale)

    assert "county_a" in page_error(response)
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.name, staff.version) == ("甲老师改", 2)
    assert staff.history.order_by("-history_date").first().version == 2


@pytest.mark.django_db(transaction=True)
def test_two_clerks_saving_at_the_same_instant_one_wins_one_is_refused(world, county_user, second_clerk):
    """The check locks the row: of two saves from version 1 at once, exactly one is written (PostgreSQL)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    url = reverse("org:staff-edit", args=[world.staff_a.pk])
    clients = [session(county_user), session(second_clerk)]
    posts = [edit_page_post(clients[0], url, {"title": "一级教师"}), edit_page_post(clients[1], url, {"subject": "音乐"})]
    barrier, codes = threading.Barrier(2), []

    def save(client, data):
        try:
            barrier.wait()
            codes.append(client.post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=pair) for pair in zip(clients, posts, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(codes) == [200, 302]
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert staff.version == 2 and (staff.title == "一级教师") != (staff.subject == "音乐")
