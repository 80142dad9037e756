"""Regression tests of the review findings (numbers as in the review)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from org.scope import visible_to
from talentpool import services
from talentpool.models import EligibilityRule, Intake, Nomination, Objection, Program, Score, Track
from tests.factories import StaffFactory
from tests.talentpool.conftest import TODAY
from tests.talentpool.factories import NominationFactory
from tests.talentpool.test_services import run_to_assessment, score_all

pytestmark = pytest.mark.django_db
S = Nomination.Status


def messages_of(error) -> str:
    with translation.override("zh-hans"):
        return " ".join(error.value.messages)


# 1. a county may not take the city's program over by moving it into its own region
def test_county_cannot_move_the_city_program_into_its_region(world, program, county_user):
    program.region = world.county_a
    program.name = "改名"
    with pytest.raises(PermissionDenied):
        services.program_save(actor=county_user, program=program)
    assert Program.objects.filter(pk=program.pk).values_list("name", "region_id").get() == ("校长班主任双培养计划", world.city.pk)


def test_city_may_still_edit_its_program(world, program, city_user):
    program.name = "新名"
    services.program_save(actor=city_user, program=program)
    assert Program.objects.get(pk=program.pk).name == "新名"


# 3. the public notice cannot start in the past
def test_notice_cannot_start_before_today(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    with pytest.raises(ValidationError) as error:  # the day before today
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 5, 29), end=dt.date(2026, 6, 5),
                                today=TODAY)
    assert messages_of(error) == "公示不能早于今天开始。"
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.ASSESSMENT
    services.notice_publish(actor=city_user, nomination=nomination_a, start=TODAY, end=dt.date(2026, 6, 5), today=TODAY)
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.NOTICE


def test_notice_in_the_past_refused_with_the_real_date(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    with pytest.raises(ValidationError):  # without `today`, the real date counts: June 2026 has passed
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2000, 6, 5), end=dt.date(2000, 6, 12))
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.ASSESSMENT


# 4. the notice runs at least 5 working days: a program cannot lower the floor
@pytest.mark.parametrize(("days", "ok"), [(4, False), (5, True), (6, True)])
def test_program_notice_days_floor(world, program, city_user, days, ok):
    program.notice_working_days = days
    if ok:
        services.program_save(actor=city_user, program=program)
        assert Program.objects.get(pk=program.pk).notice_working_days == days
        return
    with pytest.raises(ValidationError) as error:
        services.program_save(actor=city_user, program=program)
    assert "公示至少5个工作日" in messages_of(error)
    assert Program.objects.get(pk=program.pk).notice_working_days == 5


# 5. principals do not read reviewers, totals or item scores of their school's nominations
def test_assignments_and_scores_only_own_for_non_bureau(client, world, nomination_a, county_user, city_user, reviewer_user,
                                                        principal_user):
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    base = "/api/v1/talentpool/assignments/"
    client.force_login(principal_user)
    assert client.get(base).json()["count"] == 0
    assignment = nomination_a.assignments.get()
    assert client.get(f"{base}{assignment.pk}/").status_code == 404
    assert visible_to(principal_user, Score).count() == 0
    body = client.get(reverse("talentpool:nomination-detail", args=[nomination_a.pk])).content.decode()
    table = body.split('data-testid="assignments"')[1].split("</table>")[0]
    assert reviewer_user.username not in table and "92.00" not in table
    client.force_login(reviewer_user)
    assert client.get(base).json()["count"] == 1
    client.force_login(city_user)
    assert client.get(base).json()["results"][0]["scores"] != {}


# 6. objections reach only the bureau running the program and the nominee's county
def test_objections_hidden_from_the_school(client, world, intake, city_user, county_user, principal_user):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=S.NOTICE,
                                   notice_start=dt.date(2026, 6, 1), notice_end=dt.date(2026, 6, 5))
    Objection.objects.create(nomination=nomination, received=dt.date(2026, 6, 2), raised_by="匿名群众甲", content="反映材料不实",
                             recorded_by=city_user)
    client.force_login(principal_user)
    assert client.get("/api/v1/talentpool/objections/").json()["count"] == 0
    body = client.get(nomination.get_absolute_url()).content.decode()
    assert "匿名群众甲" not in body and "反映材料不实" not in body
    for user in (city_user, county_user):
        client.force_login(user)
        assert client.get("/api/v1/talentpool/objections/").json()["count"] == 1
        assert "匿名群众甲" in client.get(nomination.get_absolute_url()).content.decode()


# 7. service refusals re-render the form instead of a 500
def test_duplicate_intake_track_and_rule_rerender(client, world, intake, city_user):
    track = intake.track
    EligibilityRule.objects.create(track=track, kind="max_age", number=45)
    client.force_login(city_user)
    response = client.post(reverse("talentpool:intake-create", args=[track.pk]),
                           {"year": intake.year, "opens": "2026-03-01", "closes": "2026-03-31", "quota": 1})
    assert response.status_code == 200 and "该培养类别本年度已有申报批次。" in response.content.decode()
    assert Intake.objects.filter(track=track).count() == 1
    response = client.post(reverse("talentpool:track-create", args=[track.program.pk]),
                           {"name": track.name, "pool_type": "principal_reserve", "annual_quota": 30})
    assert response.status_code == 200 and "该项目下已有同名培养类别。" in response.content.decode()
    assert Track.objects.filter(program=track.program).count() == 1
    response = client.post(reverse("talentpool:rule-create", args=[track.pk]), {"kind": "max_age", "number": 50})
    assert response.status_code == 200 and "该培养类别已有此类申报条件。" in response.content.decode()
    assert list(track.rules.values_list("number", flat=True)) == [45]


# 8. the intake quota stays within the track's annual quota and above the admissions
def test_intake_quota_bounds(world, intake, city_user):
    track = intake.track  # annual quota 30
    intake.quota = 31
    with pytest.raises(ValidationError) as error:
        services.intake_save(actor=city_user, intake=intake)
    assert messages_of(error) == "批次名额（31）不能超过该类别的年度名额（30）。"
    intake.quota = 30
    services.intake_save(actor=city_user, intake=intake)
    NominationFactory(intake=intake, staff=world.staff_a, status=S.ADMITTED)
    NominationFactory(intake=intake, staff=world.staff_b, status=S.ADMITTED)
    intake.quota = 1
    with pytest.raises(ValidationError) as error:
        services.intake_save(actor=city_user, intake=intake)
    assert messages_of(error) == "批次名额（1）不能少于已录取的2人。"
    intake.quota = 2
    services.intake_save(actor=city_user, intake=intake)
    assert Intake.objects.get(pk=intake.pk).quota == 2
    assert track.annual_quota == 30


def test_intake_quota_over_track_on_the_page(client, world, intake, city_user):
    client.force_login(city_user)
    response = client.post(reverse("talentpool:intake-create", args=[intake.track.pk]),
                           {"year": 2030, "opens": "2030-03-01", "closes": "2030-03-31", "quota": 31})
    assert response.status_code == 200 and "不能超过该类别的年度名额" in response.content.decode()
    assert not Intake.objects.filter(year=2030).exists()


# 10. the collective decision only decides nominations waiting for it, both ways
@pytest.mark.parametrize("status", [S.SUBMITTED, S.ASSESSMENT, S.NOTICE])
@pytest.mark.parametrize("admit", [True, False])
def test_decision_only_at_the_decision_stage(world, intake, city_user, status, admit):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=status)
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(actor=city_user, nomination=nomination, admit=admit, meeting_date=TODAY, minutes_ref="纪要")
    assert "不能转为" in messages_of(error)
    assert Nomination.objects.get(pk=nomination.pk).status == status


def test_decision_rejects_at_the_decision_stage(world, intake, city_user):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=S.DECISION)
    services.nomination_decide(actor=city_user, nomination=nomination, admit=False, meeting_date=TODAY, minutes_ref="纪要")
    assert Nomination.objects.get(pk=nomination.pk).status == S.REJECTED


# 13. the inbox badge counts every waiting item; the intake page pages its nominations
def test_inbox_count_beyond_the_cap_and_intake_pages(client, world, intake, county_user, city_user):
    for _ in range(101):
        NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), status=S.SUBMITTED)
    client.force_login(county_user)
    response = client.get(reverse("talentpool:inbox"))
    assert 'data-testid="inbox-county_review-count">101<' in response.content.decode()
    section = dict((key, rows) for key, _title, rows, _count in response.context["inbox"])["county_review"]
    assert len(section) == 100
    client.force_login(city_user)
    url = reverse("talentpool:intake-detail", args=[intake.pk])
    first, last = client.get(url), client.get(url + "?page=3")
    assert (len(first.context["nominations"]), len(last.context["nominations"])) == (50, 1)
    assert "共 101" in first.content.decode() or "101" in first.content.decode().split('class="pagination')[1]
