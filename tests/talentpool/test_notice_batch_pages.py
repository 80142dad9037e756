"""Opening 公示 on several nominations at once (issue 8, item 4): per role, one nomination in scope and one
out; each refusal is a message naming the nominee, never a 403 page; the database is checked."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from talentpool.models import Nomination
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory
from tests.talentpool.test_services import run_to_assessment, score_all

pytestmark = pytest.mark.django_db

URL = "talentpool:nomination-notice-batch"
DATES = {"start": "2026-06-01", "end": "2026-06-05"}


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def scored(world, intake, nomination_a, principal_user, county_user, city_user, reviewer_user, clock):
    """Two nominations of county A assessed and scored; the notice may open on 1 June."""
    clock.value = dt.date(2026, 6, 1)
    second = NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), nominated_by=principal_user)
    for nomination in (nomination_a, second):
        run_to_assessment(nomination, county_user)
        score_all(nomination, city_user, [reviewer_user])
    return nomination_a, second


def test_city_opens_the_notice_on_several_nominations(client, city_user, scored):
    client.force_login(city_user)
    response = client.post(reverse(URL), {**DATES, "ids": [n.pk for n in scored]})
    assert response.status_code == 302
    rows = set(Nomination.objects.values_list("status", "notice_start", "notice_end"))
    assert rows == {("notice", dt.date(2026, 6, 1), dt.date(2026, 6, 5))}
    assert any("2" in text for text in texts(response))


def test_each_refusal_names_the_nominee_and_the_others_open(client, world, city_user, scored, nomination_a):
    unscored = NominationFactory(intake=nomination_a.intake, status="assessment", staff__school=world.school_a,
                                 staff__name="丁老师")
    client.force_login(city_user)
    response = client.post(reverse(URL), {**DATES, "ids": [scored[0].pk, unscored.pk]})
    assert Nomination.objects.get(pk=scored[0].pk).status == "notice"
    assert Nomination.objects.get(pk=unscored.pk).status == "assessment"
    assert any(text.startswith("丁老师：") for text in texts(response))


def test_a_county_clerk_is_refused_with_messages_not_a_403(client, county_user, scored):
    client.force_login(county_user)
    response = client.post(reverse(URL), {**DATES, "ids": [n.pk for n in scored]})
    assert response.status_code == 302 and texts(response)
    assert set(Nomination.objects.values_list("status", flat=True)) == {"assessment"}


def test_an_out_of_scope_nomination_counts_as_not_found(client, world, city_user, scored):
    outside = NominationFactory(status="assessment")  # another city's program
    client.force_login(city_user)
    response = client.post(reverse(URL), {**DATES, "ids": [scored[0].pk, outside.pk]})
    assert Nomination.objects.get(pk=scored[0].pk).status == "notice"
    assert Nomination.objects.get(pk=outside.pk).status == "assessment"
    assert any("1" in text and "未找到" in text for text in texts(response))


def test_dates_are_required(client, city_user, scored):
    client.force_login(city_user)
    response = client.post(reverse(URL), {"ids": [scored[0].pk]})
    assert response.status_code == 302 and texts(response)
    assert Nomination.objects.get(pk=scored[0].pk).status == "assessment"


def test_the_list_offers_the_batch_form(client, city_user, scored):
    client.force_login(city_user)
    body = client.get(reverse("talentpool:nomination-list")).content.decode()
    assert 'data-testid="notice-batch-form"' in body and f'name="ids" value="{scored[0].pk}"' in body
