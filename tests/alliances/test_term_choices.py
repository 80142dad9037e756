"""Term filters offer named terms (2026—2027学年第一学期) as their choices' labels, the code as the value; any
well-formed code is still taken (links, the API), a malformed one refused."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alliances import rules
from alliances.filters import ActivityFilter, GroupFilter
from alliances.models import Activity
from tests.alliances.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("term", "name"), [
    (rules.Term(2026, "autumn"), "2026—2027学年第一学期"),
    (rules.Term(2027, "spring"), "2026—2027学年第二学期"),
    (rules.Term(2026, "spring"), "2025—2026学年第二学期"),
])
def test_a_term_is_named_by_its_school_year(term, name):
    with translation.override("zh-hans"):
        assert term.name == name


def test_the_choices_run_from_the_next_term_back_newest_first():
    with translation.override("zh-hans"):
        choices = rules.term_choices(dt.date(2026, 11, 29))
    assert choices[0] == ("2027-spring", "2026—2027学年第二学期")
    assert choices[1] == ("2026-autumn", "2026—2027学年第一学期")
    assert ("2021-autumn", "2021—2022学年第一学期") in choices
    assert all(code != name for code, name in choices)


@pytest.mark.parametrize(("filterset", "field"), [(GroupFilter, "gaps"), (GroupFilter, "idle"),
                                                   (ActivityFilter, "term")])
def test_term_filters_offer_named_terms(rf, county_user, filterset, field):
    request = rf.get("/")
    request.user = county_user
    with translation.override("zh-hans"):
        choices = dict(filterset(request.GET, request=request).form.fields[field].choices)
    current = rules.term_of(dt.date.today())
    assert choices[current.code] == current.name and "学年" in choices[current.code]


@pytest.mark.parametrize("url", ["alliances:group-list", "alliances:activity-list"])
def test_the_list_pages_show_the_names_not_the_codes(client, world, county_user, url):
    client.force_login(county_user)
    body = client.get(reverse(url)).content.decode()
    current = rules.term_of(dt.date.today())
    assert f'<option value="{current.code}">{current.name}</option>' in body
    assert f">{current.code}</option>" not in body


def test_an_older_well_formed_code_is_taken_and_a_malformed_one_refused(rf, county_user):
    request = rf.get("/")
    request.user = county_user
    assert GroupFilter({"idle": "2010-autumn"}, request=request).is_valid()
    assert not GroupFilter({"idle": "autumn-2010"}, request=request).is_valid()


def test_the_activity_term_filter_keeps_the_terms_activities(client, world, county_user):
    group = GroupFactory(region=world.county_a, lead_school=world.school_a)
    for day in (dt.date(2026, 9, 10), dt.date(2027, 3, 1)):
        Activity.objects.create(group=group, held_on=day, kind=Activity.Kind.choices[0][0], title=f"活动{day}")
    client.force_login(county_user)
    response = client.get(reverse("alliances:activity-list"), {"term": "2026-autumn"})
    assert [a.held_on for a in response.context["object_list"]] == [dt.date(2026, 9, 10)]


@pytest.mark.parametrize(("given", "warned"), [("2026-autumn", False), ("", False), ("2026-winter", True), ("秋季", True)])
def test_a_term_that_cannot_be_read_is_said_beside_todays_term(client, county_user, world, given, warned):
    group = GroupFactory(region=world.county_a, lead_school=world.school_a)
    client.force_login(county_user)
    with translation.override("zh-hans"):
        response = client.get(group.get_absolute_url(), {"term": given} if given else {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert shown == (["请选择学期，例如 2026-autumn 或 2027-spring。"] if warned else [])
    expected = rules.parse_term(given) if given and not warned else rules.term_of(timezone.localdate())
    assert response.context["term"] == expected
