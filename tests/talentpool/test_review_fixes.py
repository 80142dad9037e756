"""Regression tests of the review findings (numbers as in the review)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from talentpool import services
from talentpool.models import Nomination, Program
from tests.talentpool.conftest import TODAY
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
