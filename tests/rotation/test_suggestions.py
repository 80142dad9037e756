"""Suggestions: the solver maximises the stated score; partners are data; accept / edit / discard."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from org.models import School
from rotation import rules, services
from rotation.models import Assignment, Quota, Suggestion
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import PlanFactory

W = rules.ScoreWeights()


def cand(staff_id, school_id=1, county=1, subject="数学", stage="primary"):
    return rules.Candidate(staff_id, school_id, county, stage, subject)


def dest(school_id, county=1, counts=None, average=None, slots=1, rural=True, weak=False, stage="primary"):
    return rules.Destination(school_id, county, stage, rural, weak, counts or {}, average or {}, slots)


def test_score_terms_are_stated():
    score, terms = rules.move_score(cand(1), dest(9, counts={}, weak=True), W)
    assert score == W.base + W.subject_missing + W.same_county + W.rural_and_weak
    assert terms == ("base", "subject_missing", "same_county", "rural_and_weak")
    score, terms = rules.move_score(cand(1), dest(9, county=2, counts={"数学": 1}, average={"数学": 2}), W)
    assert (score, terms) == (W.base + W.subject_short, ("base", "subject_short"))


def test_incompatible_stage_or_same_school_is_not_allowed():
    assert rules.move_score(cand(1, stage="senior"), dest(9, stage="primary"), W) is None
    assert rules.move_score(cand(1, school_id=9), dest(9), W) is None
    assert rules.move_score(cand(1, stage="primary"), dest(9, stage="nine_year"), W) is not None


def test_partner_term_comes_from_data():
    plain, _ = rules.move_score(cand(1, school_id=5), dest(9), W)
    partnered, terms = rules.move_score(cand(1, school_id=5), dest(9), W, frozenset({frozenset((5, 9))}))
    assert partnered - plain == W.partner and "partner" in terms


def test_solver_maximises_the_total_not_greedily():
    # A greedy pick would give the math teacher the school lacking math *and* Chinese... the optimum
    # sends the math teacher to school 9 (lacks math) and the Chinese teacher to school 8 (lacks Chinese).
    candidates = [cand(1, subject="数学"), cand(2, subject="语文")]
    destinations = [
        dest(8, counts={"数学": 0, "语文": 0}, weak=True),  # lacks both, rural and weak: best for either
        dest(9, counts={"语文": 3}),  # lacks only math
    ]
    matches = rules.suggest(candidates, destinations, weights=W)
    assert {(m.candidate.staff_id, m.destination.school_id) for m in matches} == {(1, 9), (2, 8)}


def test_solver_respects_slots_and_never_returns_disallowed_pairs():
    candidates = [cand(1), cand(2), cand(3, stage="senior")]
    matches = rules.suggest(candidates, [dest(9, slots=2)], weights=W)
    assert sorted(m.candidate.staff_id for m in matches) == [1, 2]
    assert rules.suggest([], [dest(9)], weights=W) == []


def test_solver_prefers_same_county():
    matches = rules.suggest([cand(1, county=1)], [dest(8, county=2), dest(9, county=1)], weights=W)
    assert [m.destination.school_id for m in matches] == [9]


# --- services, pages, API ----------------------------------------------------------------------


@pytest.fixture
def setup(world):
    plan = PlanFactory(region=world.city)
    Quota.objects.create(plan=plan, county=world.county_a, share=2)
    Quota.objects.create(plan=plan, county=world.county_b, share=2)
    rural = SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)
    StaffFactory(school=rural, subject="语文")
    return plan, rural


@pytest.mark.django_db
def test_generate_accept_and_discard(world, county_user, setup):
    plan, rural = setup
    newcomer = StaffFactory(school=world.school_a, school_start=dt.date(2025, 9, 1))  # not must-rotate
    rows = services.suggestions_generate(actor=county_user, plan=plan)
    assert [(s.staff_id, s.to_school_id) for s in rows] == [(world.staff_a.pk, rural.pk)]
    assert newcomer.pk not in {s.staff_id for s in rows}
    assert "没有该学科教师" in rows[0].explanation
    suggestion = services.suggestion_accept(actor=county_user, suggestion=rows[0], form="support",
                                            start=dt.date(2026, 8, 25), planned_end=dt.date(2027, 8, 24))
    assignment = Assignment.objects.get()
    assert suggestion.state == "accepted" and suggestion.assignment == assignment and assignment.plan == plan
    again = services.suggestions_generate(actor=county_user, plan=plan)
    assert again == []  # the staff member is now busy
    assert Suggestion.objects.filter(state="accepted").count() == 1


@pytest.mark.django_db
def test_suggestions_pages_and_api_are_scoped(client, world, county_user, city_user, setup, django_assert_num_queries):
    plan, rural = setup
    services.suggestions_generate(actor=city_user, plan=plan)
    other = SchoolFactory(region=world.county_b, location=School.Location.RURAL)
    outside = Suggestion.objects.create(plan=plan, staff=world.staff_b, from_school=world.school_b, to_school=other, score=10)
    client.force_login(county_user)
    with django_assert_num_queries(11):
        response = client.get(reverse("rotation:suggestion-list", args=[plan.pk]))
    shown = list(response.context["suggestions"])
    assert outside not in shown and len(shown) == 1
    response = client.post(reverse("rotation:suggestion-decide", args=[outside.pk]), {"decision": "discard"})
    assert response.status_code == 404
    api = APIClient()
    api.force_authenticate(county_user)
    assert api.get("/api/v1/rotation/suggestions/", {"plan": plan.pk}).json()["count"] == 1
    suggestion = shown[0]
    response = api.post(f"/api/v1/rotation/suggestions/{suggestion.pk}/discard/")
    assert response.json()["state"] == "discarded"
    response = api.post("/api/v1/rotation/suggestions/solve/", {"plan": plan.pk, "partners": [["A001", "A900"]]}, format="json")
    assert response.status_code == 200 and "伙伴学校" in response.json()[0]["explanation"]


@pytest.mark.django_db
def test_accept_edited_suggestion_from_the_page(client, world, county_user, setup):
    plan, rural = setup
    other_rural = SchoolFactory(region=world.county_a, location=School.Location.RURAL)
    suggestion = services.suggestions_generate(actor=county_user, plan=plan)[0]
    client.force_login(county_user)
    response = client.post(reverse("rotation:suggestion-decide", args=[suggestion.pk]), {
        "decision": "accept", "form": "exchange", "start": "2026-08-25", "planned_end": "2027-08-24", "to_school": other_rural.pk,
    })
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.to_school, assignment.form) == (other_rural, "exchange")


@pytest.mark.django_db
def test_suggestion_page_query_count_over_several_rows(client, world, county_user, setup, django_assert_num_queries):
    """Review 8: the school choices are read once for the page, not once per row."""
    plan, rural = setup
    schools = [SchoolFactory(region=world.county_a, location=School.Location.RURAL) for _ in range(5)]
    for index in range(8):
        staff = StaffFactory(school=world.school_a)
        Suggestion.objects.create(plan=plan, staff=staff, from_school=world.school_a, to_school=schools[index % 5], score=10)
    client.force_login(county_user)
    with django_assert_num_queries(11):
        response = client.get(reverse("rotation:suggestion-list", args=[plan.pk]))
    body = response.content.decode()
    assert len(response.context["suggestions"]) == 8 and body.count('data-testid="accept-form"') == 8
    assert body.count(f'<option value="{rural.pk}"') == 8  # one shared list of choices, rendered in each row


@pytest.mark.django_db
def test_suggestion_page_is_paginated(client, world, county_user, setup):
    plan, rural = setup
    for _ in range(51):
        Suggestion.objects.create(plan=plan, staff=StaffFactory(school=world.school_a), from_school=world.school_a,
                                  to_school=rural, score=10)
    client.force_login(county_user)
    first = client.get(reverse("rotation:suggestion-list", args=[plan.pk]))
    second = client.get(reverse("rotation:suggestion-list", args=[plan.pk]), {"page": 2})
    assert len(first.context["suggestions"]) == 50 and len(second.context["suggestions"]) == 1


@pytest.mark.django_db
def test_suggestion_default_end_follows_the_minimum_duration_of_the_post(client, world, county_user, setup):
    """Review 14: planned end = term start + the policy's minimum years for the post, minus a day."""
    from org.models import Staff
    from tests.rotation.factories import PolicyFactory

    plan, rural = setup
    PolicyFactory(region=world.county_a, min_years_leader=4, min_years_teacher=2)
    leader = StaffFactory(school=world.school_a, post=Staff.Post.VICE_PRINCIPAL, post_start=dt.date(2015, 9, 1))
    teacher = StaffFactory(school=world.school_a)
    for staff in (leader, teacher):
        Suggestion.objects.create(plan=plan, staff=staff, from_school=world.school_a, to_school=rural, score=10)
    client.force_login(county_user)
    rows = {s.staff_id: s for s in client.get(reverse("rotation:suggestion-list", args=[plan.pk])).context["suggestions"]}
    assert (rows[leader.pk].default_start, rows[leader.pk].default_end) == (dt.date(2026, 9, 1), dt.date(2030, 8, 31))
    assert rows[teacher.pk].default_end == dt.date(2028, 8, 31)
