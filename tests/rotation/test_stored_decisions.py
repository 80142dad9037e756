"""Issue 15: the eligibility list, API and export filtered by status or reason read the decisions stored by the
figures job (EligibilityDecision), say when they were computed, decide a small scope live when the date has
none, and otherwise offer to compute them (page) or answer 409 (API)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from rotation import rules, selectors, services
from rotation.models import EligibilityDecision, EligibilityFigure
from tests.factories import StaffFactory
from tests.rotation.factories import ExemptionFactory

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 9, 1)
LIST = "rotation:eligibility-list"


@pytest.fixture
def mixed(world):
    """Staff of every status in both counties: new, eligible, must rotate, over the age limit, exempted, no data."""
    for school in (world.school_a, world.school_b):
        StaffFactory(school=school, school_start=dt.date(2025, 9, 1))
        StaffFactory(school=school, school_start=dt.date(2022, 9, 1))
        StaffFactory.create_batch(2, school=school, school_start=dt.date(2014, 9, 1))
        StaffFactory(school=school, birth=dt.date(1968, 1, 1), school_start=dt.date(2010, 9, 1))
        StaffFactory(school=school, school_start=None)
        ExemptionFactory(staff__school=school, staff__school_start=dt.date(2012, 9, 1), state="approved",
                         start=dt.date(2026, 8, 1))
    return world


def shown(client, **query):
    response = client.get(reverse(LIST), {"as_of": AS_OF.isoformat(), **query})
    assert response.status_code == 200
    return [(row.staff_id, row.decision.status, row.decision.codes, row.decision.explanation)
            for row in response.context["object_list"]], response


FILTERS = [{"status": status} for status in rules.STATUSES] + [
    {"reason": rules.MUST_TEACHER_TENURE}, {"reason": rules.ELIGIBLE_TENURE},
    {"status": rules.MUST_ROTATE, "reason": rules.ELIGIBLE_TENURE}, {"status": rules.EXEMPT, "reason": rules.EX_AGE}]


def test_stored_rows_equal_the_live_ones(client, mixed, city_user):
    client.force_login(city_user)
    live = {str(query): shown(client, **query)[0] for query in FILTERS}
    assert all(statuses for statuses in live.values() if "status" in str(statuses)), live
    assert sum(len(rows) for query, rows in live.items() if "reason" not in query) == 2 + 2 * 7  # every active staff
    services.eligibility_figures_compute(on=AS_OF)
    for query in FILTERS:
        rows, response = shown(client, **query)
        assert rows == live[str(query)], query
        assert response.context["computed_at"] is not None


def test_stored_path_says_when_and_shows_the_lag(client, world, county_user):
    services.eligibility_figures_compute(on=AS_OF)
    computed_at = EligibilityDecision.objects.values_list("computed_at", flat=True).first()
    world.staff_a.school_start = dt.date(2025, 9, 1)  # now NOT_YET when decided live
    world.staff_a.save()
    client.force_login(county_user)
    rows, response = shown(client, status=rules.MUST_ROTATE)
    assert [row[0] for row in rows] == [world.staff_a.pk]  # the stored decision, until the next computation
    body = response.content.decode()
    assert 'data-testid="eligibility-freshness"' in body
    assert timezone_text(computed_at) in body
    assert shown(client)[0][0][1] == rules.NOT_YET  # the unfiltered page decides its rows live


def timezone_text(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_stored_path_is_scoped(client, mixed, county_user):
    services.eligibility_figures_compute(on=AS_OF)
    client.force_login(county_user)
    for query in FILTERS:
        rows, _ = shown(client, **query)
        schools = set(EligibilityDecision.objects.filter(staff_id__in=[r[0] for r in rows]).values_list(
            "staff__school_id", flat=True))
        assert schools <= {mixed.school_a.pk}, query
    assert shown(client, status=rules.MUST_ROTATE)[0]


def test_without_stored_decisions_a_small_scope_is_decided_live(client, world, county_user):
    client.force_login(county_user)
    rows, response = shown(client, status=rules.MUST_ROTATE)
    assert [row[0] for row in rows] == [world.staff_a.pk]
    assert not response.context["missing"] and response.context["computed_at"] is None


def test_without_stored_decisions_a_large_scope_offers_to_compute_them(client, world, county_user, principal_user,
                                                                       monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(selectors, "LIVE_MAX_STAFF", 1)
    client.force_login(principal_user)
    rows, response = shown(client, status=rules.MUST_ROTATE)
    assert rows == [] and response.context["missing"] and not response.context["may_compute"]
    assert 'data-testid="eligibility-missing"' in response.content.decode()
    assert client.post(reverse(LIST), {"as_of": AS_OF.isoformat()}).status_code == 403
    client.force_login(county_user)
    rows, response = shown(client, status=rules.MUST_ROTATE)
    assert response.context["may_compute"] and "<form method=\"post\"" in response.content.decode()
    assert client.post(reverse(LIST), {"query": "x"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):  # tasks run eagerly in tests
        response = client.post(reverse(LIST), {"as_of": AS_OF.isoformat(), "query": "status=MUST_ROTATE&as_of=2026-09-01"})
    assert response.status_code == 302 and "status=MUST_ROTATE" in response["Location"]
    assert EligibilityDecision.objects.filter(as_of=AS_OF).exists() and EligibilityFigure.objects.filter(as_of=AS_OF).exists()
    rows, response = shown(client, status=rules.MUST_ROTATE)
    assert [row[0] for row in rows] == [world.staff_a.pk] and response.context["computed_at"]


def test_the_job_replaces_a_dates_decisions_only(world):
    services.eligibility_figures_compute(on=AS_OF)
    services.eligibility_figures_compute(on=dt.date(2027, 9, 1))
    first = EligibilityDecision.objects.filter(as_of=AS_OF).count()
    services.eligibility_figures_compute(on=AS_OF)
    assert EligibilityDecision.objects.filter(as_of=AS_OF).count() == first
    assert EligibilityDecision.objects.filter(as_of=AS_OF, reason="").count() == 2  # one status row per active staff
    services.eligibility_figures_refresh(today=dt.date(2028, 11, 30))  # both dates are over a year old now
    assert set(EligibilityDecision.objects.values_list("as_of", flat=True)) == {dt.date(2029, 9, 1)}


QUERIES = {"stored": 9}  # a status-filtered page from the stored decisions, over 32 rows


def test_stored_list_query_count(client, world, city_user, django_assert_num_queries):
    StaffFactory.create_batch(30, school=world.school_a)
    services.eligibility_figures_compute(on=AS_OF)
    client.force_login(city_user)
    with django_assert_num_queries(QUERIES["stored"]):
        rows, _ = shown(client, status=rules.MUST_ROTATE)
    assert len(rows) == 32


@pytest.fixture
def api():
    return APIClient()


API = "/api/v1/rotation/eligibility/"


def test_api_reads_stored_decisions_and_answers_409_without(api, mixed, county_user, principal_user, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    api.force_authenticate(county_user)
    query = {"as_of": AS_OF.isoformat(), "status": rules.MUST_ROTATE}
    live = api.get(API, query).json()
    assert live["count"] == 3 and "computed_at" not in live
    monkeypatch.setattr(selectors, "LIVE_MAX_STAFF", 1)
    assert api.get(API, query).status_code == 409
    assert api.get(API, {"as_of": AS_OF.isoformat()}).status_code == 200  # unfiltered: the page decided live
    api.force_authenticate(principal_user)
    assert api.post(f"{API}compute/", {"as_of": AS_OF.isoformat()}, format="json").status_code == 403
    assert not EligibilityDecision.objects.exists()
    api.force_authenticate(county_user)
    assert api.post(f"{API}compute/", {}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{API}compute/", {"as_of": AS_OF.isoformat()}, format="json").status_code == 202
    stored = api.get(API, query).json()
    assert stored["results"] == live["results"] and stored["computed_at"]


def test_export_reads_stored_decisions(client, mixed, county_user):
    client.force_login(county_user)
    query = {"as_of": AS_OF.isoformat(), "reason": rules.ELIGIBLE_TENURE}

    def exported():
        response = client.get(reverse("rotation:eligibility-export"), query)
        return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))

    live = exported()
    services.eligibility_figures_compute(on=AS_OF)
    assert exported() == live and len(live) > 2
