"""Objections and the decision meeting keep to the notice's dates, on the pages and in the API alike (issue 8,
item 3): a refusal names both dates in Chinese and changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from talentpool import services
from talentpool.models import Nomination, Objection
from tests.talentpool.test_services import run_to_assessment, score_all

pytestmark = pytest.mark.django_db

NOTICE_START, NOTICE_END = dt.date(2026, 6, 1), dt.date(2026, 6, 5)
BASE = "/api/v1/talentpool/"


@pytest.fixture
def on_notice(world, nomination_a, county_user, city_user, reviewer_user, clock):
    clock.value = NOTICE_START
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    services.notice_publish(actor=city_user, nomination=nomination_a, start=NOTICE_START, end=NOTICE_END)
    return nomination_a


def test_objection_received_after_the_notice_is_refused_in_the_api(client, on_notice, city_user):
    client.force_login(city_user)
    response = client.post(f"{BASE}nominations/{on_notice.pk}/objections/", {"received": "2026-06-06", "content": "存疑"})
    assert response.status_code == 400 and not Objection.objects.exists()
    assert "2026-06-06" in str(response.json()["received"]) and "2026-06-05" in str(response.json()["received"])


def test_objection_received_before_the_notice_is_refused_on_the_page(client, on_notice, city_user):
    client.force_login(city_user)
    response = client.post(reverse("talentpool:nomination-objection", args=[on_notice.pk]),
                           {"received": "2026-05-31", "content": "存疑"}, follow=True)
    assert response.status_code == 200 and not Objection.objects.exists()
    assert "2026-05-31" in response.content.decode() and "2026-06-01" in response.content.decode()


def test_objection_on_the_last_notice_day_is_accepted(on_notice, city_user):
    services.objection_record(actor=city_user, nomination=on_notice, received=NOTICE_END, content="存疑")
    assert Objection.objects.filter(received=NOTICE_END).exists()


def test_objection_resolved_before_it_was_received_is_refused(client, on_notice, city_user, clock):
    objection = services.objection_record(actor=city_user, nomination=on_notice, received=dt.date(2026, 6, 3),
                                          content="存疑")
    clock.value = dt.date(2026, 6, 2)
    client.force_login(city_user)
    response = client.post(reverse("talentpool:objection-resolve", args=[on_notice.pk, objection.pk]),
                           {"resolution": "已核实"}, follow=True)
    objection.refresh_from_db()
    assert objection.resolved_at is None
    assert "2026-06-02" in response.content.decode() and "2026-06-03" in response.content.decode()
    clock.value = dt.date(2026, 6, 3)
    services.objection_resolve(actor=city_user, objection=objection, resolution="已核实")
    objection.refresh_from_db()
    assert objection.resolved_at is not None


def test_decision_meeting_before_the_notice_closed_is_refused_in_the_api(client, on_notice, city_user, clock):
    clock.value = dt.date(2026, 6, 8)
    services.notice_close(actor=city_user, nomination=on_notice)
    client.force_login(city_user)
    refused = client.post(f"{BASE}nominations/{on_notice.pk}/decide/",
                          {"admit": True, "meeting_date": "2026-06-05", "minutes_ref": "纪要"})
    assert refused.status_code == 400 and Nomination.objects.get(pk=on_notice.pk).status == "decision"
    assert "2026-06-05" in str(refused.json()["meeting_date"])
    accepted = client.post(f"{BASE}nominations/{on_notice.pk}/decide/",
                           {"admit": True, "meeting_date": "2026-06-06", "minutes_ref": "纪要"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "admitted"
