"""Personal data stays masked, and unmasking is recorded (issue 8, point 5)."""

import pytest
from django.urls import reverse

from org.models import Unmasking

pytestmark = pytest.mark.django_db


def test_beside_a_masked_id_number_only_the_birth_year_is_shown(client, world, principal_user):
    client.force_login(principal_user)
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert world.staff_a.masked_id_number in body and world.staff_a.id_number not in body
    assert world.staff_a.birth_date.isoformat() not in body
    assert f'data-testid="birth-year">{world.staff_a.birth_date.year}<' in body
    assert not Unmasking.objects.exists()  # nothing was unmasked


def test_the_api_gives_the_birth_year_beside_a_masked_number(client, world, county_user, principal_user):
    client.force_login(principal_user)
    row = client.get(f"/api/v1/staff/{world.staff_a.pk}/").json()
    assert (row["birth_date"], row["birth_year"]) == (None, world.staff_a.birth_date.year)
    client.force_login(county_user)
    listed = client.get("/api/v1/staff/").json()["results"][0]
    assert listed["birth_date"] is None and "*" in listed["id_number"]
    row = client.get(f"/api/v1/staff/{world.staff_a.pk}/").json()
    assert (row["id_number"], row["birth_date"]) == (world.staff_a.id_number, world.staff_a.birth_date.isoformat())
    assert list(Unmasking.objects.values_list("user", "staff", "kind")) == [(county_user.pk, world.staff_a.pk, "record")]


def test_opening_a_full_record_is_recorded_and_listed_for_the_bureau(client, world, county_user):
    client.force_login(county_user)
    client.get(reverse("org:staff-detail", args=[world.staff_a.pk]))
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert Unmasking.objects.filter(staff=world.staff_a, user=county_user, kind="record").count() == 2
    assert 'data-testid="unmaskings"' in body and county_user.username in body


def test_an_export_with_id_numbers_is_recorded_per_person(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("org:import-export", args=["base_data"]))
    assert response.status_code == 200
    assert set(Unmasking.objects.values_list("staff", "kind")) == {(world.staff_a.pk, "export")}


def test_a_masked_export_carries_no_birth_date(world, principal_user):
    from org.exports import _staff

    (row,) = list(_staff(principal_user, full_ids=False))
    assert row["birth_date"] is None and "*" in row["id_number"]


def test_history_masks_id_numbers_and_birth_dates(world):
    import datetime as dt

    from org.selectors import history_of

    world.staff_a.birth_date = dt.date(1986, 6, 1)
    world.staff_a.save()
    changes = [change for entry in history_of(world.staff_a) for change in entry["changes"]]
    assert ("birth_date", 1985, 1986) in changes


def test_api_history_is_scoped_and_masked(client, world, county_user):
    old = world.staff_a.subject
    world.staff_a.subject = "书法"
    world.staff_a.save()
    client.force_login(county_user)
    assert client.get(f"/api/v1/staff/{world.staff_b.pk}/history/").status_code == 404
    entries = client.get(f"/api/v1/staff/{world.staff_a.pk}/history/").json()
    assert ["subject", old, "书法"] in entries[0]["changes"]


def test_the_eligibility_export_records_the_unmasking_on_the_page_and_the_api(client, world, county_user):
    client.force_login(county_user)
    assert client.get(reverse("rotation:eligibility-export")).status_code == 200
    assert client.get("/api/v1/rotation/eligibility/export/").status_code == 200
    assert list(Unmasking.objects.filter(kind="export").values_list("staff", flat=True)) == [world.staff_a.pk] * 2
