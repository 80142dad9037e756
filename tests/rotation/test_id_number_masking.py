"""Review findings 1 and 5: ID numbers in exports and on the receiving side are masked unless the user manages the person."""

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from org import idcard
from org.models import School, UserRole
from rotation.importers import roster_importer
from tests.factories import SchoolFactory, UserFactory, UserRoleFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


@pytest.mark.parametrize("who, full", [("county_user", True), ("principal_user", False), ("supervisor_user", False)])
def test_eligibility_export_shows_full_ids_to_bureau_staff_only(client, world, request, who, full):
    client.force_login(request.getfixturevalue(who))
    rows = _rows(client.get(reverse("rotation:eligibility-export"), {"as_of": "2026-09-01"}))
    expected = world.staff_a.id_number if full else idcard.mask(world.staff_a.id_number)
    assert [row[0] for row in rows[1:]] == [expected]


@pytest.mark.parametrize("who, full", [("county_user", True), ("principal_user", False), ("supervisor_user", False)])
def test_eligibility_export_api_masks_for_non_bureau_users(world, request, who, full):
    api = APIClient()
    api.force_authenticate(request.getfixturevalue(who))
    rows = _rows(api.get("/api/v1/rotation/eligibility/export/", {"as_of": "2026-09-01"}))
    expected = world.staff_a.id_number if full else idcard.mask(world.staff_a.id_number)
    assert [row[0] for row in rows[1:]] == [expected]


@pytest.fixture
def incoming(world):
    """Staff of county B going to a school of county A (the receiving side is county A)."""
    return AssignmentFactory(staff=world.staff_b, to_school=world.school_a, state="approved")


@pytest.fixture
def outgoing(world):
    rural = SchoolFactory(code="A900", region=world.county_a, location=School.Location.RURAL)
    return AssignmentFactory(staff=world.staff_a, to_school=rural, state="approved")


def _roster(user):
    buffer = io.BytesIO()
    roster_importer.export(buffer, user=user)
    rows = list(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active.iter_rows(values_only=True))
    return {row[1]: row[0] for row in rows[1:]}


def test_roster_export_masks_ids_of_staff_the_user_does_not_manage(world, county_user, incoming, outgoing):
    assert _roster(county_user) == {"甲老师": world.staff_a.id_number, "乙老师": idcard.mask(world.staff_b.id_number)}


def test_roster_export_masks_every_id_for_a_principal(world, principal_user, incoming, outgoing):
    assert _roster(principal_user) == {"甲老师": idcard.mask(world.staff_a.id_number),
                                       "乙老师": idcard.mask(world.staff_b.id_number)}


def test_roster_export_shows_full_ids_to_the_city(world, city_user, incoming, outgoing):
    assert _roster(city_user) == {"甲老师": world.staff_a.id_number, "乙老师": world.staff_b.id_number}


def test_receiving_side_still_sees_the_incoming_staff(client, world, county_user, incoming):
    client.force_login(county_user)
    assert incoming in client.get(reverse("rotation:assignment-list")).context["object_list"]


def test_receiving_side_cannot_search_incoming_staff_by_id(client, world, county_user, incoming, outgoing):
    client.force_login(county_user)
    by_id = client.get(reverse("rotation:assignment-list"), {"q": world.staff_b.id_number}).context["object_list"]
    assert list(by_id) == []
    own = client.get(reverse("rotation:assignment-list"), {"q": world.staff_a.id_number}).context["object_list"]
    assert list(own) == [outgoing]
    by_name = client.get(reverse("rotation:assignment-list"), {"q": "乙老师"}).context["object_list"]
    assert list(by_name) == [incoming]


def test_receiving_side_cannot_search_by_id_through_the_api(world, county_user, incoming, outgoing):
    api = APIClient()
    api.force_authenticate(county_user)
    assert api.get("/api/v1/rotation/assignments/", {"q": world.staff_b.id_number}).json()["results"] == []
    found = api.get("/api/v1/rotation/assignments/", {"q": world.staff_a.id_number}).json()["results"]
    assert [row["id"] for row in found] == [outgoing.pk]


def test_receiving_principal_cannot_search_by_id(client, world, incoming):
    principal = UserFactory(username="principal_a2")
    UserRoleFactory(user=principal, role=UserRole.Role.PRINCIPAL, school=world.school_a)
    client.force_login(principal)
    found = client.get(reverse("rotation:assignment-list"), {"q": world.staff_b.id_number}).context["object_list"]
    assert list(found) == []
