"""Query counts pinned exactly on the talent pool's busiest reads (issue 9, item 11): the inbox (page
and API), intake detail, nomination detail and the scores POST; each pinned with a few rows, then
again with more rows: the count must not grow. A pin can fail: a list that reads one row per row
(a loop put back) breaks it as soon as a row is added."""

import datetime as dt

import pytest
from django.urls import reverse

from talentpool import api
from talentpool.models import Nomination, Objection, ReviewerAssignment, ScoringItem, Transition
from tests.conftest import _user_with_role
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


def _nominations(world, intake, status, count):
    return [NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), status=status) for _ in range(count)]


def _assign(nomination, reviewer, by):
    return ReviewerAssignment.objects.create(nomination=nomination, reviewer=reviewer, assigned_by=by)


INBOX_PAGE = 11
INBOX_API = 11


def test_the_inbox_page_and_api_read_a_fixed_number_of_queries(client, world, intake, city_user, reviewer_user,
                                                               django_assert_num_queries):
    """The city user (county review would be a county's) sees assessment, notice and decision sections; the
    reviewer their scoring section."""
    for status in (S.ASSESSMENT, S.NOTICE, S.DECISION):
        for nomination in _nominations(world, intake, status, 2):
            _assign(nomination, reviewer_user, city_user)
    for user in (city_user, reviewer_user):
        client.force_login(user)
        with django_assert_num_queries(INBOX_PAGE if user == city_user else 6):
            assert client.get(reverse("talentpool:inbox")).status_code == 200
        with django_assert_num_queries(INBOX_API if user == city_user else 6):
            assert client.get("/api/v1/talentpool/inbox/").status_code == 200
    for status in (S.ASSESSMENT, S.NOTICE, S.DECISION):
        for nomination in _nominations(world, intake, status, 3):
            _assign(nomination, reviewer_user, city_user)
    client.force_login(city_user)
    with django_assert_num_queries(INBOX_PAGE):
        response = client.get(reverse("talentpool:inbox"))
    assert {key: count for key, _title, _rows, count in response.context["inbox"]} == {
        "assessment": 5, "notice": 5, "decision": 5}
    with django_assert_num_queries(INBOX_API):
        data = client.get("/api/v1/talentpool/inbox/").json()
    assert {key: len(ids) for key, ids in data.items()} == {"assessment": 5, "notice": 5, "decision": 5}


INTAKE_DETAIL = 10


def test_intake_detail_reads_a_fixed_number_of_queries(client, world, intake, city_user, django_assert_num_queries):
    _nominations(world, intake, S.SUBMITTED, 3)
    client.force_login(city_user)
    with django_assert_num_queries(INTAKE_DETAIL):
        assert len(client.get(intake.get_absolute_url()).context["nominations"]) == 3
    _nominations(world, intake, S.ADMITTED, 5)
    with django_assert_num_queries(INTAKE_DETAIL):
        assert len(client.get(intake.get_absolute_url()).context["nominations"]) == 8


NOMINATION_DETAIL = 14


def test_nomination_detail_reads_a_fixed_number_of_queries(client, world, intake, city_user, reviewer_user,
                                                           django_assert_num_queries):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=S.NOTICE)

    def add_rows(count):
        for index in range(count):
            reviewer = _user_with_role(f"expert{ReviewerAssignment.objects.count()}", "reviewer")
            _assign(nomination, reviewer, city_user)
            Transition.objects.create(nomination=nomination, from_status=S.ASSESSMENT, to_status=S.NOTICE, actor=city_user)
            Objection.objects.create(nomination=nomination, received=dt.date(2026, 6, 2), content=f"异议{index}",
                                     recorded_by=city_user, resolved_by=city_user, resolution="已核实")

    add_rows(2)
    client.force_login(city_user)
    with django_assert_num_queries(NOMINATION_DETAIL):
        assert client.get(nomination.get_absolute_url()).status_code == 200
    add_rows(4)
    with django_assert_num_queries(NOMINATION_DETAIL):
        response = client.get(nomination.get_absolute_url())
    assert len(response.context["assignments"]) == 6 and len(response.context["objections"]) == 6


SCORES_POST = 29


def test_the_scores_post_reads_and_writes_a_fixed_number_of_queries_whatever_the_items(client, world, intake, city_user,
                                                                                       reviewer_user,
                                                                                       django_assert_num_queries):
    """The saved scores are read once and written in bulk (no query per item of the scoring form)."""
    form = intake.track.scoring_form
    client.force_login(reviewer_user)
    for extra in (0, 4):
        for order in range(extra):
            ScoringItem.objects.create(form=form, name=f"附加项{order}", weight=10, max_score=10, order=10 + order)
        nomination = NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), status=S.ASSESSMENT)
        assignment = _assign(nomination, reviewer_user, city_user)
        values = {str(item.pk): 5 for item in form.items.all()}
        with django_assert_num_queries(SCORES_POST):
            response = client.post(f"/api/v1/talentpool/assignments/{assignment.pk}/scores/", {"values": values},
                                   content_type="application/json")
        assert len(response.json()["scores"]) == 2 + extra


def test_a_pin_fails_when_a_list_reads_one_row_per_row(client, world, intake, county_user, monkeypatch,
                                                       django_assert_num_queries):
    """What the pins above guard against: the nominations list without its join reads each nominee's
    staff row; with one more row the exact pin fails."""
    from tests.talentpool.test_api import LIST_QUERIES

    _nominations(world, intake, S.SUBMITTED, 3)
    client.force_login(county_user)
    with django_assert_num_queries(LIST_QUERIES["nominations/"]):
        client.get("/api/v1/talentpool/nominations/")
    monkeypatch.setattr(api.NominationViewSet, "narrow", lambda self, queryset: queryset.order_by("-submitted_at", "-id"))
    _nominations(world, intake, S.SUBMITTED, 1)
    with pytest.raises(pytest.fail.Exception, match="queries"):
        with django_assert_num_queries(LIST_QUERIES["nominations/"]):
            client.get("/api/v1/talentpool/nominations/")
