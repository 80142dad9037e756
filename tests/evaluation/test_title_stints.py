"""Issue 13 item 6: the title statement's stint ratings come from the published annual cycles covering the
stint (evaluation registers them through rotation.hooks); the typed rating is only a labelled fallback."""

import datetime as dt

import pytest
from django.urls import reverse

from evaluation import rules
from evaluation.models import Cycle, Subject
from org.models import School
from org.ratings import Rating
from tests.factories import SchoolFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("years", "expected"), [
    ([(2023, "excellent")], None),  # the year before the stint
    ([(2024, "qualified")], "qualified"),  # the year it starts
    ([(2025, "excellent")], "excellent"),  # the year it ends
    ([(2026, "excellent")], None),  # the year after
    ([(2024, "excellent"), (2025, "basic")], "basic"),  # several years: the lowest
    ([], None),
])
def test_stint_rating_reads_the_cycles_whose_year_falls_in_the_stint(years, expected):
    assert rules.stint_rating(dt.date(2024, 8, 25), dt.date(2025, 8, 24), years) == expected


@pytest.fixture
def stint(world):
    rural = SchoolFactory(region=world.county_a, location=School.Location.RURAL, name="某乡村小学")
    return AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="fail",
                             start=dt.date(2024, 8, 25), planned_end=dt.date(2025, 8, 24), ended_on=dt.date(2025, 8, 24))


def _rated(world, city_user, scheme, status, rating, year=2025, kind=Cycle.Kind.YEAR_END):
    cycle = Cycle.objects.create(region=world.city, name=f"{year}年度教师考核", year=year, kind=kind, scheme=scheme,
                                 as_of=dt.date(year, 12, 1), status=status, created_by=city_user)
    Subject.objects.create(cycle=cycle, school=world.school_a, staff=world.staff_a, final_rating=rating)
    return cycle


def test_a_published_cycle_rating_replaces_the_typed_one(client, world, county_user, city_user, scheme, stint):
    _rated(world, city_user, scheme, Cycle.Status.PUBLISHED, Rating.QUALIFIED)
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    (assignment, years, rated), = response.context["rows"]
    assert (assignment, years, rated.rating, rated.source) == (stint, 1, "pass", "evaluation")
    assert response.context["decision"].senior_title == "MET"  # typed "fail" would not have met it
    body = response.content.decode()
    assert "已发布的考核：2025年度教师考核 合格" in body and "名册录入" not in body


def test_an_unpublished_cycle_does_not_count_and_the_typed_rating_is_labelled(client, world, county_user, city_user,
                                                                               scheme, stint):
    _rated(world, city_user, scheme, Cycle.Status.CLOSED, Rating.EXCELLENT)
    _rated(world, city_user, scheme, Cycle.Status.PUBLISHED, Rating.EXCELLENT, kind=Cycle.Kind.ROUTINE)  # not annual
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    (_assignment, _years, rated), = response.context["rows"]
    assert (rated.rating, rated.source) == ("fail", "typed")
    assert response.context["decision"].senior_title == "NOT_MET"
    assert "名册录入（备用：没有已发布的考核覆盖此段交流）" in response.content.decode()


def test_a_stint_rated_nowhere_is_left_out(client, world, county_user, stint):
    type(stint).objects.filter(pk=stint.pk).update(rating="")
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    assert response.context["rows"] == []


def test_a_published_rating_counts_for_a_stint_typed_without_one(client, world, county_user, city_user, scheme, stint):
    type(stint).objects.filter(pk=stint.pk).update(rating="")
    _rated(world, city_user, scheme, Cycle.Status.PUBLISHED, Rating.EXCELLENT, year=2024)
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    assert [(row[0], row[2].rating) for row in response.context["rows"]] == [(stint, "excellent")]
