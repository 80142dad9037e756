"""Races answer 4xx, never 500: a unique constraint hit by requests at the same moment gives the same
Chinese message as the service's own check (org.integrity). The races run on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from org import integrity
from tests.factories import StaffFactory
from tests.org.test_races import assert_one_wins, race

ROUNDS = 3
AT_ONCE = 6


def _require_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests racing a unique constraint need PostgreSQL (the CI database)")


# --- the races ----------------------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_one_nomination_submitted_at_once_from_six_tabs(world, intake, principal_user):
    from talentpool.models import Nomination
    from talentpool.services.workflow import MSG_ALREADY_NOMINATED

    _require_postgresql()
    today = timezone.localdate()
    intake.opens, intake.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    intake.save()
    for _ in range(ROUNDS):
        staff = StaffFactory(school=world.school_a)
        answers = race(principal_user, [
            lambda client, staff=staff: client.post("/api/v1/talentpool/nominations/",
                                                    {"intake": intake.pk, "staff": staff.pk, "reasons": "实绩突出"})
        ] * AT_ONCE)
        assert_one_wins(answers, created=201, message=str(MSG_ALREADY_NOMINATED))
        assert Nomination.objects.filter(intake=intake, staff=staff).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_track_created_at_once_under_one_name(world, city_user):
    from tests.talentpool.factories import ProgramFactory

    _require_postgresql()
    program = ProgramFactory(region=world.city)
    for round_ in range(ROUNDS):
        name = f"培养对象{round_}"
        answers = race(city_user, [
            lambda client, name=name: client.post(reverse("talentpool:track-create", args=[program.pk]),
                                                  {"name": name, "pool_type": "principal_reserve", "annual_quota": 5})
        ] * AT_ONCE)
        assert_one_wins(answers, created=302, message=integrity.message_for("track_name_unique"))
        assert program.tracks.filter(name=name).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_intake_created_at_once_per_track_and_year(world, city_user):
    from talentpool.models import Intake
    from tests.talentpool.factories import ProgramFactory, TrackFactory

    _require_postgresql()
    track = TrackFactory(program=ProgramFactory(region=world.city), annual_quota=10)
    for year in range(2030, 2030 + ROUNDS):
        answers = race(city_user, [
            lambda client, year=year: client.post(reverse("talentpool:intake-create", args=[track.pk]), {
                "year": year, "opens": f"{year}-03-01", "closes": f"{year}-03-31", "quota": 2})
        ] * AT_ONCE)
        assert_one_wins(answers, created=302, message=integrity.message_for("intake_once_per_track_year"))
        assert Intake.objects.filter(track=track, year=year).count() == 1




def assert_no_500(answers, *, ok: int, message: str):
    """Every answer is the success code or a 4xx naming the conflict (no 500)."""
    print("race answers:", sorted(status for status, _body in answers))
    for status, body in answers:
        assert status == ok or (400 <= status < 500 and message in body), (status, body[:300])


@pytest.mark.django_db(transaction=True)
def test_one_reviewer_assigned_at_once_from_six_tabs(world, intake, city_user, reviewer_user):
    from talentpool.models import Nomination, ReviewerAssignment
    from tests.talentpool.factories import NominationFactory

    _require_postgresql()
    for _ in range(ROUNDS):
        nomination = NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a),
                                       status=Nomination.Status.ASSESSMENT)
        answers = race(city_user, [
            lambda client, pk=nomination.pk: client.post(f"/api/v1/talentpool/nominations/{pk}/assign/",
                                                         {"reviewers": [reviewer_user.pk]},
                                                         content_type="application/json")
        ] * AT_ONCE)
        assert_no_500(answers, ok=200, message=integrity.message_for("assignment_once_per_reviewer"))
        assert ReviewerAssignment.objects.filter(nomination=nomination, reviewer=reviewer_user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_stage_summary_per_member_and_year_at_once(world, county_user):
    from talentpool.models import StageSummary
    from tests.talentpool.factories import PoolMemberFactory

    _require_postgresql()
    for year in range(2026, 2026 + ROUNDS):
        member = PoolMemberFactory(staff=StaffFactory(school=world.school_a))
        answers = race(county_user, [
            lambda client, pk=member.pk, year=year: client.post(f"/api/v1/talentpool/members/{pk}/summaries/",
                                                                {"year": year, "content": "阶段总结"})
        ] * AT_ONCE)
        assert_no_500(answers, ok=201, message=integrity.message_for("stage_summary_once_per_year"))
        assert StageSummary.objects.filter(member=member, year=year).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_annual_review_per_expert_member_and_year_at_once(world, county_user):
    from talentpool.models import AnnualReview, Grade
    from tests.talentpool.factories import PoolMemberFactory

    _require_postgresql()
    for year in range(2026, 2026 + ROUNDS):
        member = PoolMemberFactory(staff=StaffFactory(school=world.school_a))
        answers = race(county_user, [
            lambda client, pk=member.pk, year=year: client.post(f"/api/v1/talentpool/members/{pk}/annual-reviews/",
                                                                {"year": year, "grade": Grade.values[0]})
        ] * AT_ONCE)
        assert_no_500(answers, ok=201, message=integrity.message_for("annual_review_once"))
        assert AnnualReview.objects.filter(member=member, year=year, expert=county_user).count() == 1
