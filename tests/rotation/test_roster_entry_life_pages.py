"""The roster entry's whole life on the web (issue 8, item 4): edit while planned, reject or cancel with a
reason, batch approve and batch confirm arrivals. Per action and per role, with one entry in scope and one
out; every refusal is a message on the page, never a 403 page; the database is checked."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from org.models import School
from rotation.models import Assignment
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rural(world):
    return SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)


@pytest.fixture
def pair(world, rural):
    """One planned entry in county A (inside county A's scope), one in county B (outside)."""
    inside = AssignmentFactory(staff=world.staff_a, to_school=rural, state="planned")
    outside = AssignmentFactory(staff=world.staff_b, to_school=SchoolFactory(region=world.county_b), state="planned")
    return inside, outside


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def edit_data(assignment, **changes):
    data = {"to_school": assignment.to_school_id, "form": assignment.form, "start": "2026-08-25",
            "planned_end": "2027-08-24", "post_at_destination": "", "subsidy_yuan": "0", "subsidy_note": "",
            "exemption_override": ""}
    return {**data, **changes}


# --- edit while planned -----------------------------------------------------------------------------


def test_county_edits_a_planned_entry(client, county_user, pair):
    inside, _outside = pair
    client.force_login(county_user)
    assert client.get(reverse("rotation:assignment-edit", args=[inside.pk])).status_code == 200
    response = client.post(reverse("rotation:assignment-edit", args=[inside.pk]),
                           edit_data(inside, planned_end="2027-08-31", post_at_destination="语文教师"))
    inside.refresh_from_db()
    assert response.status_code == 302
    assert inside.planned_end == dt.date(2027, 8, 31) and inside.post_at_destination == "语文教师"
    assert inside.history.first().history_change_reason == "edited"


def test_edit_refusal_is_shown_on_the_form(client, county_user, pair):
    inside, _outside = pair
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-edit", args=[inside.pk]), edit_data(inside, planned_end="2027-08-01"))
    inside.refresh_from_db()
    assert response.status_code == 200 and inside.planned_end == dt.date(2027, 8, 24)
    assert "2027-08-01" in response.content.decode()


def test_edit_of_an_approved_entry_is_a_message_not_a_403(client, county_user, pair):
    inside, _outside = pair
    Assignment.objects.filter(pk=inside.pk).update(state="approved")
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-edit", args=[inside.pk]), edit_data(inside, post_at_destination="x"))
    inside.refresh_from_db()
    assert response.status_code == 302 and response.url == inside.get_absolute_url()
    assert inside.post_at_destination == "" and any("已批准" in text for text in texts(response))


def test_receiving_principal_cannot_edit_and_is_told_so(client, world, rural, pair):
    from tests.factories import UserFactory, UserRoleFactory

    inside, _outside = pair
    principal = UserFactory(username="rural_principal")
    UserRoleFactory(user=principal, role="principal", school=rural, region=None)
    client.force_login(principal)
    response = client.get(reverse("rotation:assignment-edit", args=[inside.pk]))
    assert response.status_code == 302 and texts(response)


def test_edit_out_of_scope_is_404(client, county_user, pair):
    _inside, outside = pair
    client.force_login(county_user)
    assert client.get(reverse("rotation:assignment-edit", args=[outside.pk])).status_code == 404
    assert client.post(reverse("rotation:assignment-edit", args=[outside.pk]), edit_data(outside)).status_code == 404


# --- reject and cancel with a reason ------------------------------------------------------------------


def transition(client, assignment, **data):
    return client.post(reverse("rotation:assignment-transition", args=[assignment.pk]), data)


def test_county_rejects_a_planned_entry_with_a_reason(client, county_user, pair):
    inside, outside = pair
    client.force_login(county_user)
    refused = transition(client, inside, action="reject", reason=" ")
    inside.refresh_from_db()
    assert refused.status_code == 200 and inside.state == "planned" and "原因" in refused.content.decode()
    assert transition(client, inside, action="reject", reason="人选调整").status_code == 302
    inside.refresh_from_db()
    assert inside.state == "rejected" and inside.end_reason == "人选调整"
    assert transition(client, outside, action="reject", reason="x").status_code == 404
    outside.refresh_from_db()
    assert outside.state == "planned"


def test_county_cancels_an_approved_entry_but_not_one_in_place(client, county_user, pair):
    inside, _outside = pair
    Assignment.objects.filter(pk=inside.pk).update(state="approved")
    client.force_login(county_user)
    assert transition(client, inside, action="cancel", reason="本人调离").status_code == 302
    inside.refresh_from_db()
    assert inside.state == "cancelled" and inside.end_reason == "本人调离"
    in_place = AssignmentFactory(staff=StaffFactory(school=inside.from_school), to_school=inside.to_school, state="in_place")
    response = transition(client, in_place, action="cancel", reason="x")
    in_place.refresh_from_db()
    assert response.status_code == 200 and in_place.state == "in_place"


def test_a_forbidden_transition_is_a_message_on_the_page_not_a_403(client, world, rural, pair):
    from tests.factories import UserFactory, UserRoleFactory

    inside, _outside = pair
    principal = UserFactory(username="rural_principal")
    UserRoleFactory(user=principal, role="principal", school=rural, region=None)
    client.force_login(principal)
    response = transition(client, inside, action="reject", reason="不同意")
    inside.refresh_from_db()
    assert response.status_code == 200 and inside.state == "planned"
    assert "派出学校所在教育局" in response.content.decode() or "教育局" in response.content.decode()


def test_detail_page_offers_edit_reject_and_cancel_to_the_sending_bureau_only(client, county_user, principal_user, pair):
    inside, _outside = pair
    client.force_login(county_user)
    body = client.get(inside.get_absolute_url()).content.decode()
    assert reverse("rotation:assignment-edit", args=[inside.pk]) in body
    assert 'value="reject"' in body and 'value="cancel"' in body


# --- batch approve and batch confirm ----------------------------------------------------------------


def test_batch_approve_in_scope_only(client, world, county_user, rural, pair):
    inside, outside = pair
    second = AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=rural, state="planned")
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-batch"),
                           {"action": "approve", "ids": [inside.pk, second.pk, outside.pk]})
    assert response.status_code == 302
    states = dict(Assignment.objects.values_list("pk", "state"))
    assert states == {inside.pk: "approved", second.pk: "approved", outside.pk: "planned"}
    assert any("1" in text and "未找到" in text for text in texts(response))


def test_batch_approve_reports_each_refusal_by_name_and_approves_the_rest(client, world, county_user, rural, pair):
    inside, _outside = pair
    done = AssignmentFactory(staff=StaffFactory(school=world.school_a, name="丙老师"), to_school=rural, state="in_place")
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-batch"), {"action": "approve", "ids": [inside.pk, done.pk]})
    assert dict(Assignment.objects.filter(pk__in=[inside.pk, done.pk]).values_list("pk", "state")) == {
        inside.pk: "approved", done.pk: "in_place"}
    assert any(text.startswith("丙老师：") for text in texts(response))


def test_batch_approve_by_a_principal_is_refused_with_messages(client, principal_user, pair):
    inside, _outside = pair
    client.force_login(principal_user)
    response = client.post(reverse("rotation:assignment-batch"), {"action": "approve", "ids": [inside.pk]})
    inside.refresh_from_db()
    assert response.status_code == 302 and inside.state == "planned" and texts(response)


def test_batch_confirm_by_the_receiving_principal(client, world, rural):
    from tests.factories import UserFactory, UserRoleFactory

    principal = UserFactory(username="rural_principal")
    UserRoleFactory(user=principal, role="principal", school=rural, region=None)
    mine = [AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=rural, state="approved") for _ in range(2)]
    other = AssignmentFactory(staff=world.staff_b, to_school=SchoolFactory(region=world.county_b), state="approved")
    client.force_login(principal)
    response = client.post(reverse("rotation:assignment-batch"),
                           {"action": "confirm", "on": "2026-08-26", "ids": [*(a.pk for a in mine), other.pk]})
    assert response.status_code == 302
    assert set(Assignment.objects.filter(pk__in=[a.pk for a in mine]).values_list("state", "arrived_on", "confirmed_by")) == {
        ("in_place", dt.date(2026, 8, 26), principal.pk)}
    other.refresh_from_db()
    assert other.state == "approved"


def test_batch_confirm_by_the_sending_county_is_refused_per_entry(client, county_user, rural, pair):
    inside, _outside = pair
    Assignment.objects.filter(pk=inside.pk).update(state="approved")
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-batch"), {"action": "confirm", "ids": [inside.pk]})
    inside.refresh_from_db()
    assert response.status_code == 302 and inside.state == "approved"
    assert any(text.startswith(inside.staff.name) for text in texts(response))


def test_batch_without_a_choice_is_a_message(client, county_user):
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-batch"), {"action": "approve"})
    assert response.status_code == 302 and texts(response)


def test_roster_page_offers_the_batch_form(client, county_user, pair):
    inside, _outside = pair
    client.force_login(county_user)
    body = client.get(reverse("rotation:assignment-list")).content.decode()
    assert 'data-testid="batch-form"' in body and f'name="ids" value="{inside.pk}"' in body


def test_reject_and_cancel_in_the_api_too(county_user, principal_user, pair):
    from rest_framework.test import APIClient

    inside, outside = pair
    api = APIClient()
    api.force_authenticate(county_user)
    url = f"/api/v1/rotation/assignments/{inside.pk}/transition/"
    assert api.post(url, {"action": "reject", "reason": ""}, format="json").status_code == 400
    response = api.post(url, {"action": "reject", "reason": "人选调整"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert api.post(f"/api/v1/rotation/assignments/{outside.pk}/transition/", {"action": "cancel", "reason": "x"},
                    format="json").status_code == 404
    outside.refresh_from_db()
    assert outside.state == "planned"
