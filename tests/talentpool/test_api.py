"""API: every list scoped (one row in scope, one out) with pinned query counts; the workflow over HTTP."""

import datetime as dt

import pytest
from django.utils import timezone

from talentpool.models import Appointment, Nomination, Objection, Studio, TrainingBatch, Transition
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory, PoolMemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status
BASE = "/api/v1/talentpool/"


def _one_of_each(key, staff, school, intake, city_user):
    """A nomination (on notice, with an objection and a transition), a pool member, an appointment and a studio."""
    nomination = NominationFactory(intake=intake, staff=staff, status=S.NOTICE)
    member = PoolMemberFactory(staff=staff)
    Objection.objects.create(nomination=nomination, received=dt.date(2026, 6, 2), content="x", recorded_by=city_user)
    Transition.objects.create(nomination=nomination, from_status=S.DECISION, to_status=S.NOTICE, actor=city_user)
    Appointment.objects.create(staff=staff, to_post="principal", school=school, appointed_on=dt.date(2025, 8, 1), recorded_by=city_user)
    Studio.objects.create(name=f"工作室{key}", kind="teacher", host=staff, school=school, founded=dt.date(2023, 1, 1))
    return nomination, member


@pytest.fixture
def rows(world, intake, city_user):
    """One of each kind in county A and one in county B."""
    made = {key: _one_of_each(key, staff, school, intake, city_user)
            for key, staff, school in (("a", world.staff_a, world.school_a), ("b", world.staff_b, world.school_b))}
    ProgramFactory(name="嘉鱼县计划", level="county", region=world.county_b)
    TrainingBatch.objects.create(name="嘉鱼县培训", region=world.county_b, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 2), hours=8)
    return made


# Exact query counts of each list (the county user's scope read once, the page, its joins and prefetches).
LIST_QUERIES = {"nominations/": 9, "members/": 6, "objections/": 6, "appointments/": 6, "studios/": 6, "programs/": 7,
                "training-batches/": 6, "intakes/": 9, "tracks/": 9, "transitions/": 6}  # one region query per scope


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("nominations/", 1), ("members/", 1), ("objections/", 1), ("appointments/", 1), ("studios/", 1),
    ("programs/", 1), ("training-batches/", 0), ("intakes/", 1), ("tracks/", 1), ("transitions/", 1),
])
def test_api_lists_are_scoped_with_exact_query_counts_that_do_not_grow(client, world, intake, city_user, rows, county_user,
                                                                       endpoint, expected, django_assert_num_queries):
    client.force_login(county_user)
    with django_assert_num_queries(LIST_QUERIES[endpoint]):
        response = client.get(BASE + endpoint)
    assert response.status_code == 200 and response.json()["count"] == expected, response.json()
    for index in range(3):  # more rows of every kind in scope: the same count of queries
        _one_of_each(f"a{index}", StaffFactory(school=world.school_a), world.school_a, intake, city_user)
        ProgramFactory(name=f"咸安区计划{index}", level="county", region=world.county_a)
    with django_assert_num_queries(LIST_QUERIES[endpoint]):
        assert client.get(BASE + endpoint).json()["count"] > expected or endpoint in ("intakes/", "tracks/", "training-batches/")


def test_api_query_count_does_not_grow(client, world, intake, county_user, django_assert_num_queries):
    for _ in range(25):
        staff = StaffFactory(school=world.school_a)
        NominationFactory(intake=intake, staff=staff)
        PoolMemberFactory(staff=staff)
    client.force_login(county_user)
    for endpoint in ("nominations/", "members/"):
        with django_assert_num_queries(LIST_QUERIES[endpoint]):
            assert client.get(BASE + endpoint).json()["count"] == 25


def test_api_out_of_scope_is_404_and_ids_masked(client, rows, county_user):
    client.force_login(county_user)
    other = rows["b"][0]
    assert client.get(f"{BASE}nominations/{other.pk}/").status_code == 404
    assert client.post(f"{BASE}nominations/{other.pk}/reject/", {"reason": "x"}).status_code == 404
    mine = client.get(f"{BASE}nominations/{rows['a'][0].pk}/").json()
    assert "*" in mine["id_number"]


def test_api_workflow_end_to_end(client, world, intake, principal_user, county_user, city_user, reviewer_user, clock):
    today = timezone.localdate()
    intake.opens, intake.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    intake.save()
    client.force_login(principal_user)
    response = client.post(BASE + "nominations/", {"intake": intake.pk, "staff": world.staff_a.pk, "reasons": "实绩突出"})
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert client.post(BASE + "nominations/", {"intake": intake.pk, "staff": world.staff_b.pk, "reasons": "x"}).status_code == 400
    client.force_login(county_user)
    assert client.post(f"{BASE}nominations/{pk}/county-pass/", {"comment": "同意"}).json()["status"] == "assessment"
    client.force_login(city_user)
    refused = client.post(f"{BASE}nominations/{pk}/notice/", {"start": "2026-06-01", "end": "2026-06-05"})
    assert refused.status_code == 400 and "评审专家" in str(refused.json())
    assert client.post(f"{BASE}nominations/{pk}/assign/", {"reviewers": [reviewer_user.pk]}, content_type="application/json").status_code == 200
    client.force_login(reviewer_user)
    assignments = client.get(BASE + "assignments/").json()["results"]
    assert [a["nomination"] for a in assignments] == [pk]
    items = list(intake.track.scoring_form.items.values_list("pk", flat=True))
    scored = client.post(f"{BASE}assignments/{assignments[0]['id']}/scores/", {"values": {str(items[0]): 80, str(items[1]): 50}},
                         content_type="application/json")
    assert scored.status_code == 200 and scored.json()["total"] == "92.00"
    client.force_login(city_user)
    clock.value = dt.date(2026, 6, 1)  # the notice is published on its first day ...
    assert client.post(f"{BASE}nominations/{pk}/notice/", {"start": "2026-06-01", "end": "2026-06-05"}).status_code == 200
    clock.value = dt.date(2026, 6, 8)  # ... and closed after it ended
    objection = client.post(f"{BASE}nominations/{pk}/objections/", {"received": "2026-06-02", "content": "存疑"}).json()["id"]
    client.post(f"{BASE}nominations/{pk}/resolve/", {"objection": objection, "resolution": "已核实"})
    assert client.post(f"{BASE}nominations/{pk}/notice-close/", {}).json()["status"] == "decision"  # the notice ended in June
    decided = client.post(f"{BASE}nominations/{pk}/decide/", {"admit": True, "meeting_date": "2026-06-10", "minutes_ref": "纪要"})
    assert decided.json()["status"] == "admitted"
    assert client.get(BASE + "members/").json()["count"] == 1
    assert client.get(BASE + "promotion-report/").status_code == 200
    assert client.get(BASE + "inbox/").status_code == 200


def test_api_appointment_warns_outside_pool(client, world, county_user):
    client.force_login(county_user)
    response = client.post(BASE + "appointments/", {"staff": world.staff_a.pk, "to_post": "principal", "school": world.school_a.pk,
                                                    "appointed_on": "2025-08-01"})
    assert response.status_code == 201 and response.json()["outside_pool_warning"] is True
    response = client.post(BASE + "appointments/", {"staff": world.staff_b.pk, "to_post": "principal", "school": world.school_b.pk,
                                                    "appointed_on": "2025-08-01"})
    assert response.status_code == 400  # out of scope reads like missing


def test_api_tier_move(client, world, city_user):
    member = PoolMemberFactory(staff=world.staff_a, tier="county")
    client.force_login(city_user)
    assert client.post(f"{BASE}members/{member.pk}/tier-move/", {"to_tier": "city", "moved_on": "2025-09-01"}).json()["tier"] == "city"
    assert client.post(f"{BASE}members/{member.pk}/tier-move/", {"to_tier": "city", "moved_on": "2025-09-01"}).status_code == 400


def test_api_development_records(client, world, county_user, principal_user):
    member = PoolMemberFactory(staff=world.staff_a)
    client.force_login(principal_user)
    assert client.post(f"{BASE}members/{member.pk}/summaries/", {"year": 2025, "content": "阶段总结"}).status_code == 201
    assert client.post(f"{BASE}members/{member.pk}/annual-reviews/", {"year": 2025, "grade": "good"}).status_code == 403
    client.force_login(county_user)
    assert client.post(f"{BASE}members/{member.pk}/annual-reviews/", {"year": 2025, "grade": "good"}).status_code == 201
    refused = client.post(f"{BASE}members/{member.pk}/final-evaluation/", {
        "ethics": "good", "management_innovation": "good", "leadership": "good", "school_practice": "good",
        "overall": "good", "award_recommended": True, "evaluated_on": "2027-07-01"})
    assert refused.status_code == 400 and "优秀" in str(refused.json())
    assert client.get(f"{BASE}stage-summaries/").json()["count"] == 1
    assert client.get(f"{BASE}annual-reviews/").json()["count"] == 1
