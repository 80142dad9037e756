"""Review findings 6, 7, 14: reads by exact ids, the API decides only its page, the as-of date from the region policy."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from org.models import Staff, WorkHistory
from rotation import rules, selectors
from tests.factories import StaffFactory
from tests.rotation.conftest import AS_OF
from tests.rotation.factories import ExemptionFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def _sql_of(queries, table):
    return [q["sql"] for q in queries if f'FROM "{table}"' in q["sql"]]


def test_a_page_reads_history_and_exemptions_of_its_own_staff_only(world):
    between = StaffFactory(school=world.school_b)  # an id between the page's two staff, in county B
    last = StaffFactory(school=world.school_a)
    WorkHistory.objects.create(staff=between, school=world.school_b, start=dt.date(2001, 9, 1), end=dt.date(2010, 8, 31))
    ExemptionFactory(staff=between)
    assert world.staff_a.pk < between.pk < last.pk
    with CaptureQueriesContext(connection) as queries:
        rows = selectors.evaluate_page([world.staff_a, last], AS_OF)
    assert [row.staff_id for row in rows] == [world.staff_a.pk, last.pk]
    history, = _sql_of(queries.captured_queries, "org_workhistory")
    exemptions, = _sql_of(queries.captured_queries, "rotation_exemption")
    for sql in (history, exemptions):
        if connection.vendor == "postgresql":  # one array parameter (org.lookups `__any`), not an IN list
            ids = sql.split("= ANY('{")[1].split("}")[0]
            assert ids == f"{world.staff_a.pk},{last.pk}"
        else:
            ids = sql.split("IN (")[1].split(")")[0]
            assert ids == f"{world.staff_a.pk}, {last.pk}"
        assert str(between.pk) not in ids.split(",") and str(between.pk) not in ids.split(", ")
        assert "ORDER BY" not in sql and ">=" not in sql
    assert "org_staff" not in history  # no join for the default ordering


def test_the_streaming_evaluation_still_decides_history_and_exemptions(world):
    WorkHistory.objects.create(staff=world.staff_a, school=world.school_b, start=dt.date(2001, 9, 1), end=dt.date(2004, 8, 31))
    ExemptionFactory(staff=world.staff_b)
    decided = {row.staff_id: row.decision for row in selectors.evaluate_staff(selectors.all_active_staff(), AS_OF, chunk_size=1)}
    assert rules.EX_ILLNESS in decided[world.staff_b.pk].codes
    assert decided[world.staff_a.pk].status == rules.MUST_ROTATE


def test_eligibility_api_decides_only_the_page(world, county_user, monkeypatch):
    StaffFactory.create_batch(60, school=world.school_a)
    decided = []
    original = rules.evaluate
    monkeypatch.setattr(rules, "evaluate", lambda facts, on, policy: decided.append(1) or original(facts, on, policy))
    api = APIClient()
    api.force_authenticate(county_user)
    data = api.get("/api/v1/rotation/eligibility/", {"as_of": "2026-09-01"}).json()
    assert data["count"] == 61 and len(data["results"]) == 50 and len(decided) == 50
    decided.clear()
    data = api.get("/api/v1/rotation/eligibility/", {"as_of": "2026-09-01", "page": 2}).json()
    assert len(data["results"]) == 11 and len(decided) == 11
    assert world.staff_a.pk in {row["staff"] for row in data["results"]} | {
        row["staff"] for row in api.get("/api/v1/rotation/eligibility/", {"as_of": "2026-09-01"}).json()["results"]}


def _next(today, month, day):
    this_year = dt.date(today.year, month, day)
    return this_year if today <= this_year else dt.date(today.year + 1, month, day)


def test_default_as_of_follows_the_users_region_policy(client, world, county_user, principal_user):
    PolicyFactory(region=world.county_a, term_start_month=8, term_start_day=20)
    expected = _next(timezone.localdate(), 8, 20)
    client.force_login(county_user)
    assert client.get(reverse("rotation:eligibility-list")).context["as_of"] == expected
    client.force_login(principal_user)  # a principal: the region of the school
    assert client.get(reverse("rotation:eligibility-list")).context["as_of"] == expected
    assert selectors.default_as_of_for(today=timezone.localdate(), region_id=world.county_b.pk) == _next(
        timezone.localdate(), 9, 1)


def test_staff_section_uses_the_staff_members_region_policy(client, world, county_user):
    PolicyFactory(region=world.county_a, term_start_month=8, term_start_day=20)
    client.force_login(county_user)
    response = client.get(reverse("org:staff-detail", args=[world.staff_a.pk]))
    assert _next(timezone.localdate(), 8, 20).isoformat() in response.content.decode()
    assert Staff.objects.count() == 2


def test_default_as_of_falls_back_to_the_city_policy(client, world, county_user):
    PolicyFactory(region=world.city, term_start_month=8, term_start_day=25)
    client.force_login(county_user)
    assert client.get(reverse("rotation:eligibility-list")).context["as_of"] == _next(timezone.localdate(), 8, 25)
