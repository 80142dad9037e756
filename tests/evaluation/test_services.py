"""Schemes, cycles, scoring, closing, publication and rating changes through the services."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation import rules, selectors, services
from evaluation.models import Assignment, Cycle, CycleEvent, RatingChange, Scheme, Score, Subject
from org.ratings import Rating
from tests.evaluation.conftest import FULL, SMALL_TREE
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def _score_all(cycle, rater, values=FULL, submit=True):
    for assignment in Assignment.objects.filter(cycle=cycle, rater=rater):
        services.scores_save(actor=rater, assignment=assignment, values=values, submit=submit)


def test_a_scheme_that_does_not_add_up_is_refused_with_level_and_sum(world, city_user):
    tree = [dict(SMALL_TREE[0], children=[dict(SMALL_TREE[0]["children"][0], points=31), SMALL_TREE[0]["children"][1]]),
            *SMALL_TREE[1:]]
    with pytest.raises(ValidationError) as error:
        services.scheme_create(actor=city_user, tree=tree, data={
            "region": world.city, "name": "x", "person_kind": "school", "total": D(100),
            "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})
    text = " ".join(error.value.messages)
    assert "底线" in text and "61.00" in text and "60.00" in text
    assert not Scheme.objects.filter(name="x").exists()


def test_a_used_scheme_is_frozen_and_editing_makes_a_new_version(scheme, cycle, city_user):
    scheme.refresh_from_db()
    assert scheme.is_frozen
    indicator = scheme.indicators.get(code="B1")
    indicator.points = D(10)
    with pytest.raises(ValidationError):
        services.indicator_save(actor=city_user, indicator=indicator)
    new = services.scheme_update(actor=city_user, scheme=scheme, data={"name": "小学办学考核（修订）"})
    assert (new.version, new.lineage, new.is_frozen) == (2, scheme.lineage, False)
    assert new.indicators.count() == scheme.indicators.count()
    assert new.indicators.get(code="A1a").parent.code == "A1"
    scheme.refresh_from_db()
    assert scheme.name == "小学办学考核" and cycle.scheme_id == scheme.pk


def test_county_staff_cannot_build_a_city_scheme(world, county_user):
    with pytest.raises(PermissionDenied):
        services.scheme_create(actor=county_user, tree=SMALL_TREE, data={
            "region": world.city, "name": "x", "person_kind": "school", "total": D(100),
            "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})


def test_group_weights_must_add_up(world, city_user, scheme):
    with pytest.raises(ValidationError) as error:
        services.cycle_create(actor=city_user, data={
            "region": world.city, "name": "c", "year": 2026, "kind": "routine", "scheme": scheme,
            "as_of": "2026-12-01"}, groups=[{"name": "专家组", "weight": D(70)}, {"name": "学校", "weight": D(20)}])
    assert "90.00" in error.value.messages[0]
    assert not Cycle.objects.filter(name="c").exists()


def test_subjects_generated_from_the_filter_once(world, city_user, cycle, school_a2):
    SchoolFactory(code="A003", name="咸安一中", region=world.county_a, stage="junior")
    assert services.subjects_generate(actor=city_user, cycle=cycle, region=world.county_a) == 2
    assert services.subjects_generate(actor=city_user, cycle=cycle, region=world.county_a) == 0
    assert set(cycle.subjects.values_list("school__code", flat=True)) == {"A001", "A002"}


def test_person_subjects_keep_school_and_post_at_the_as_of_date(world, city_user, scheme):
    import datetime as dt

    from tests.factories import StaffFactory, WorkHistoryFactory

    people = services.scheme_create(actor=city_user, tree=SMALL_TREE, data={
        "region": world.city, "name": "校长考核", "person_kind": "principal", "total": D(100),
        "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})
    moved = StaffFactory(school=world.school_a, post="principal", school_start=dt.date(2026, 9, 1))
    WorkHistoryFactory(staff=moved, school=world.school_b, post="vice_principal", start=dt.date(2020, 9, 1), end=dt.date(2026, 8, 31))
    cycle = services.cycle_create(actor=city_user, data={
        "region": world.city, "name": "2026上", "year": 2026, "kind": "routine", "scheme": people,
        "as_of": dt.date(2026, 7, 1)}, groups=[{"name": "专家组", "weight": D(100)}])
    services.subjects_generate(actor=city_user, cycle=cycle, posts=("principal",), rotated_ids={moved.pk})
    subject = cycle.subjects.get(staff=moved)
    assert (subject.school, subject.post, subject.rotated) == (world.school_b, "vice_principal", True)
    moved.school = world.school_b
    moved.save()
    subject.refresh_from_db()
    assert subject.school == world.school_b  # stored, not derived


def test_close_is_refused_while_scores_are_missing_with_the_list(assigned, city_user, reviewer_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    _score_all(assigned, reviewer_user)
    with pytest.raises(ValidationError) as error:
        services.cycle_close(actor=city_user, cycle=assigned)
    text = error.value.messages[0]
    assert "reviewer2" in text and "咸安实验小学" in text and "咸安二小" in text and "reviewer " not in text
    missing = selectors.missing_scores(assigned)
    assert [(m["rater"].username, m["subject"].school.code, m["blank"]) for m in missing] == [
        ("reviewer2", "A001", 5), ("reviewer2", "A002", 5)]
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.OPEN


def test_scores_close_rate_and_publish(assigned, city_user, reviewer_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    _score_all(assigned, reviewer_user)
    _score_all(assigned, reviewer2, values={**FULL, "B1": "8"})
    services.cycle_close(actor=city_user, cycle=assigned)
    subject = Subject.objects.get(cycle=assigned, school__code="A001")
    # experts 92, schools 82: 0.7*92 + 0.3*82 = 89
    assert subject.total == D("89.00")
    groups = {g.name: str(g.pk) for g in assigned.groups.all()}
    assert subject.result["by_group"] == {groups["专家组"]: "64.40", groups["学校互评"]: "24.60"}
    assert subject.original_rating == subject.final_rating == Rating.QUALIFIED
    assert services.cycle_publish(actor=city_user, cycle=assigned) == []
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.PUBLISHED


def test_submitted_scores_are_locked_for_the_rater(assigned, city_user, reviewer_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    assignment = Assignment.objects.filter(rater=reviewer_user).first()
    services.scores_save(actor=reviewer_user, assignment=assignment, values={"A1a": "2"})
    with pytest.raises(ValidationError):
        services.scores_save(actor=reviewer_user, assignment=assignment, values=FULL | {"B1": ""}, submit=True)
    assert Assignment.objects.get(pk=assignment.pk).submitted_at is None
    services.scores_save(actor=reviewer_user, assignment=assignment, values=FULL, submit=True)
    with pytest.raises(ValidationError) as error:
        services.scores_save(actor=reviewer_user, assignment=assignment, values={"A1a": "3"})
    assert error.value.messages == [str(services.MSG_SUBMITTED)]
    assert Score.objects.get(assignment=assignment, indicator__code="A1a").value == D(0)


def test_administrator_changes_submitted_scores_with_a_reason_until_publication(assigned, city_user, reviewer_user,
                                                                                 reviewer2, county_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    _score_all(assigned, reviewer_user)
    _score_all(assigned, reviewer2)
    assignment = Assignment.objects.filter(rater=reviewer_user).first()
    with pytest.raises(ValidationError):
        services.score_correct(actor=city_user, assignment=assignment, values={"B1": "10"}, reason=" ")
    with pytest.raises(PermissionDenied):
        services.score_correct(actor=county_user, assignment=assignment, values={"B1": "10"}, reason="录入错误")
    services.score_correct(actor=city_user, assignment=assignment, values={"B1": "10"}, reason="录入错误")
    score = Score.objects.get(assignment=assignment, indicator__code="B1")
    assert score.value == D(10) and score.history.first().history_change_reason == "录入错误"
    assert score.history.first().history_user == city_user
    services.cycle_close(actor=city_user, cycle=assigned)
    services.cycle_publish(actor=city_user, cycle=assigned)
    with pytest.raises(ValidationError):
        services.score_correct(actor=city_user, assignment=assignment, values={"B1": "12"}, reason="再改")
    with pytest.raises(ValidationError):
        services.scores_save(actor=reviewer_user, assignment=assignment, values={"B1": "12"})


def test_another_raters_assignment_is_refused(assigned, city_user, reviewer2, reviewer_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    theirs = Assignment.objects.filter(rater=reviewer_user).first()
    with pytest.raises(PermissionDenied):
        services.scores_save(actor=reviewer2, assignment=theirs, values=FULL)


def test_bad_values_are_named_and_nothing_is_saved(assigned, city_user, reviewer_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    assignment = Assignment.objects.filter(rater=reviewer_user).first()
    with pytest.raises(ValidationError) as error:
        services.scores_save(actor=reviewer_user, assignment=assignment, values={"A1a": "16", "A1b": "0.5", "B1": "x"})
    assert len(error.value.messages) == 3 and "A1a" in error.value.messages[0]
    assert not Score.objects.filter(assignment=assignment).exists()


def test_reopen_takes_a_reason_and_is_recorded(assigned, city_user, reviewer_user, reviewer2):
    services.cycle_open(actor=city_user, cycle=assigned)
    _score_all(assigned, reviewer_user)
    _score_all(assigned, reviewer2)
    services.cycle_close(actor=city_user, cycle=assigned)
    with pytest.raises(ValidationError):
        services.cycle_reopen(actor=city_user, cycle=assigned, reason="")
    services.cycle_reopen(actor=city_user, cycle=assigned, reason="专家组复核")
    event = CycleEvent.objects.filter(cycle=assigned, action="reopen").get()
    assert (event.reason, event.actor) == ("专家组复核", city_user)


def _closed_with(assigned, city_user, reviewer_user, reviewer2, values):
    services.cycle_open(actor=city_user, cycle=assigned)
    _score_all(assigned, reviewer_user, values)
    _score_all(assigned, reviewer2, values)
    services.cycle_close(actor=city_user, cycle=assigned)


def test_quota_enforced_at_publication_with_exact_counts(assigned, city_user, reviewer_user, reviewer2):
    assigned.quota_unit, assigned.quota_mode = Cycle.QuotaUnit.COUNTY, Cycle.QuotaMode.ENFORCE
    assigned.save()
    _closed_with(assigned, city_user, reviewer_user, reviewer2, {**FULL, "B1": "20", "C1": "20"})  # 95: 优秀
    with pytest.raises(ValidationError) as error:
        services.cycle_publish(actor=city_user, cycle=assigned)
    expected = selectors.quota_message(rules.QuotaCheck("咸安区", subjects=2, excellent=2, limit=0))  # 20 % of 2 = 0.4 → 0
    assert error.value.messages == [str(services.MSG_QUOTA_ENFORCED % {"list": expected})]
    assert "咸安区" in expected and "2" in expected
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.CLOSED


def test_quota_warned_at_publication(assigned, city_user, reviewer_user, reviewer2):
    _closed_with(assigned, city_user, reviewer_user, reviewer2, {**FULL, "B1": "20", "C1": "20"})
    warnings = services.cycle_publish(actor=city_user, cycle=assigned)
    assert len(warnings) == 2  # per school: 1 of 1, quota 0
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.PUBLISHED


def test_veto_caps_the_rating(assigned, city_user, reviewer_user, reviewer2):
    _closed_with(assigned, city_user, reviewer_user, reviewer2, {**FULL, "B1": "20", "C1": "20", "V": "1"})
    subject = Subject.objects.filter(cycle=assigned).first()
    assert subject.total == D(95) and subject.original_rating == Rating.BASIC


def test_collective_decision_keeps_the_original_rating(assigned, city_user, reviewer_user, reviewer2):
    _closed_with(assigned, city_user, reviewer_user, reviewer2, FULL)
    subject = Subject.objects.filter(cycle=assigned).first()
    assert subject.original_rating == Rating.EXCELLENT  # 92
    with pytest.raises(ValidationError):
        services.rating_change(actor=city_user, subject=subject, to_rating=Rating.QUALIFIED, meeting="", reason="x")
    services.rating_change(actor=city_user, subject=subject, to_rating=Rating.QUALIFIED, meeting="局党组会2026-12", reason="名额所限")
    subject.refresh_from_db()
    assert (subject.original_rating, subject.final_rating) == (Rating.EXCELLENT, Rating.QUALIFIED)
    change = RatingChange.objects.get(subject=subject)
    assert (change.from_rating, change.to_rating, change.actor, change.meeting, change.reason) == (
        Rating.EXCELLENT, Rating.QUALIFIED, city_user, "局党组会2026-12", "名额所限")
    services.cycle_compute(cycle=assigned)  # rescoring keeps the decision
    subject.refresh_from_db()
    assert (subject.original_rating, subject.final_rating) == (Rating.EXCELLENT, Rating.QUALIFIED)


def test_improvement_reads_the_previous_cycle(world, city_user, reviewer_user):
    import datetime as dt

    tree = [{"code": "Q", "name": "质量", "points": 100, "children": [
        {"code": "Q1", "name": "质量增值", "points": 100, "method": "improvement", "params": {"full_gain": 10}}]}]
    scheme = services.scheme_create(actor=city_user, tree=tree, data={
        "region": world.city, "name": "增值", "person_kind": "school", "total": D(100),
        "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})
    cycles = []
    for year, value in ((2025, "80"), (2026, "85")):
        cycle = services.cycle_create(actor=city_user, data={
            "region": world.city, "name": f"{year}", "year": year, "kind": "year_end", "scheme": scheme,
            "as_of": dt.date(year, 12, 1), "previous": cycles[-1] if cycles else None}, groups=[{"name": "数据", "weight": D(100)}])
        services.subjects_generate(actor=city_user, cycle=cycle, region=world.county_a)
        services.assignments_create(actor=city_user, cycle=cycle, raters=[reviewer_user], group=cycle.groups.get(),
                                    subjects=list(cycle.subjects.all()))
        services.cycle_open(actor=city_user, cycle=cycle)
        _score_all(cycle, reviewer_user, {"Q1": value})
        services.cycle_close(actor=city_user, cycle=cycle)
        cycles.append(cycle)
    first, second = (Subject.objects.get(cycle=c) for c in cycles)
    assert first.total == D(0) and first.result["leaves"]["Q1"]["reason"] == "no_previous"
    assert second.total == D(50)


def test_improvement_falls_back_to_last_years_quality_score(world, city_user, reviewer_user):
    import datetime as dt

    from evaluation.models import SchoolQuality

    SchoolQuality.objects.create(school=world.school_a, year=2025, quality_score=D("82"))
    tree = [{"code": "Q", "name": "质量", "points": 100, "children": [
        {"code": "Q1", "name": "质量增值", "points": 100, "method": "improvement", "params": {"full_gain": 10}}]}]
    scheme = services.scheme_create(actor=city_user, tree=tree, data={
        "region": world.city, "name": "增值", "person_kind": "school", "total": D(100),
        "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})
    cycle = services.cycle_create(actor=city_user, data={
        "region": world.city, "name": "2026", "year": 2026, "kind": "year_end", "scheme": scheme,
        "as_of": dt.date(2026, 12, 1)}, groups=[{"name": "数据", "weight": D(100)}])
    services.subjects_generate(actor=city_user, cycle=cycle)
    services.assignments_create(actor=city_user, cycle=cycle, raters=[reviewer_user], group=cycle.groups.get(),
                                subjects=list(cycle.subjects.all()))
    services.cycle_open(actor=city_user, cycle=cycle)
    _score_all(cycle, reviewer_user, {"Q1": "85"})
    services.cycle_close(actor=city_user, cycle=cycle)
    with_quality = Subject.objects.get(cycle=cycle, school=world.school_a)
    without = Subject.objects.get(cycle=cycle, school=world.school_b)
    assert with_quality.total == D(30) and with_quality.result["leaves"]["Q1"]["reason"] == ""
    assert without.total == D(0) and without.result["leaves"]["Q1"]["reason"] == "no_previous"


def test_rating_changes_only_after_closing(assigned, city_user):
    services.cycle_open(actor=city_user, cycle=assigned)
    subject = Subject.objects.filter(cycle=assigned).first()
    with pytest.raises(ValidationError) as error:
        services.rating_change(actor=city_user, subject=subject, to_rating=Rating.EXCELLENT, meeting="会议", reason="x")
    assert error.value.messages == [str(services.MSG_RATING_STATUS)]
    assert not RatingChange.objects.exists()


def test_a_cycle_cannot_open_without_subjects_or_raters(world, city_user, cycle, school_a2):
    with pytest.raises(ValidationError):
        services.cycle_open(actor=city_user, cycle=cycle)
    services.subjects_generate(actor=city_user, cycle=cycle, region=world.county_a)
    with pytest.raises(ValidationError) as error:
        services.cycle_open(actor=city_user, cycle=cycle)
    assert error.value.messages == [str(services.MSG_NO_ASSIGNMENTS)]
    assert Cycle.objects.get(pk=cycle.pk).status == Cycle.Status.DRAFT


def test_raters_assigned_per_indicator_group_score_only_their_section(assigned, city_user, reviewer_user):
    from tests.conftest import _user_with_role

    satisfaction = _user_with_role("survey", "reviewer")
    section = assigned.scheme.indicators.get(code="C")
    group = assigned.groups.get(name="学校互评")
    services.assignments_create(actor=city_user, cycle=assigned, raters=[satisfaction], group=group,
                                subjects=list(assigned.subjects.all()), section=section)
    services.cycle_open(actor=city_user, cycle=assigned)
    mine = Assignment.objects.filter(rater=satisfaction).first()
    with pytest.raises(ValidationError):
        services.scores_save(actor=satisfaction, assignment=mine, values={"B1": "5"})
    services.scores_save(actor=satisfaction, assignment=mine, values={"C1": "15"}, submit=True)
    assert Assignment.objects.get(pk=mine.pk).submitted_at is not None


QUALIFIED_72 = {**FULL, "B1": "8", "C1": "9"}  # 15 + 15 + 25 + 8 + 9 = 72: 合格


def test_a_collective_decision_after_publication_cannot_pass_the_enforced_quota(assigned, city_user, reviewer_user, reviewer2):
    assigned.quota_unit, assigned.quota_mode, assigned.quota_percent = Cycle.QuotaUnit.CYCLE, Cycle.QuotaMode.ENFORCE, D(50)
    assigned.save()
    _closed_with(assigned, city_user, reviewer_user, reviewer2, QUALIFIED_72)
    services.cycle_publish(actor=city_user, cycle=assigned)  # 2 subjects, 50 %: one place, none used
    first, second = Subject.objects.filter(cycle=assigned).order_by("pk")
    services.rating_change(actor=city_user, subject=first, to_rating=Rating.EXCELLENT, meeting="局务会", reason="集体研究")
    with pytest.raises(ValidationError) as error:
        services.rating_change(actor=city_user, subject=second, to_rating=Rating.EXCELLENT, meeting="局务会", reason="集体研究")
    assert "2026年度小学考核" in " ".join(error.value.messages)
    second.refresh_from_db()
    assert second.final_rating == Rating.QUALIFIED
    assert RatingChange.objects.filter(subject=second).count() == 0


def test_the_school_quota_tells_apart_schools_that_share_a_name(world, city_user, cycle, reviewer_user):
    """A city has a 城关小学 in several counties: each is its own quota unit, named with its code."""
    SchoolFactory(code="A090", name="城关小学", region=world.county_a, stage="primary")
    SchoolFactory(code="B090", name="城关小学", region=world.county_b, stage="primary")
    cycle.quota_unit = Cycle.QuotaUnit.SCHOOL
    cycle.save()
    services.subjects_generate(actor=city_user, cycle=cycle)
    Subject.objects.filter(cycle=cycle, school__name="城关小学").update(final_rating=Rating.EXCELLENT)
    checks = {check.unit: check for check in selectors.quota_checks(cycle)}
    assert checks["城关小学（A090）"].subjects == 1 and checks["城关小学（B090）"].subjects == 1
    assert "城关小学" not in checks


def test_a_cycles_as_of_date_years_away_from_its_year_is_refused(world, city_user, scheme):
    """Found on a new city: a 2026 year-end cycle dated 2019-03-01 took its subjects' schools and posts of 2019."""
    import datetime as dt

    data = {"region": world.city, "name": "2026年度", "year": 2026, "kind": "year_end", "scheme": scheme}
    with pytest.raises(ValidationError) as error:
        services.cycle_create(actor=city_user, data={**data, "as_of": dt.date(2019, 3, 1)}, groups=[{"name": "专家组", "weight": D(100)}])
    assert "2019-03-01" in " ".join(error.value.messages)
    assert not Cycle.objects.filter(name="2026年度").exists()
    for as_of in (dt.date(2025, 12, 26), dt.date(2026, 12, 1), dt.date(2027, 1, 10)):  # one year either side
        cycle = services.cycle_create(actor=city_user, data={**data, "as_of": as_of}, groups=[{"name": "专家组", "weight": D(100)}])
        assert cycle.as_of == as_of


def test_a_previous_cycle_must_be_earlier(world, city_user, scheme):
    import datetime as dt

    data = {"region": world.city, "kind": "year_end", "scheme": scheme}
    later = services.cycle_create(actor=city_user, data={**data, "name": "2026", "year": 2026, "as_of": dt.date(2026, 12, 1)},
                                  groups=[{"name": "专家组", "weight": D(100)}])
    with pytest.raises(ValidationError) as error:
        services.cycle_create(actor=city_user, data={**data, "name": "2025", "year": 2025, "as_of": dt.date(2025, 12, 1),
                                                     "previous": later}, groups=[{"name": "专家组", "weight": D(100)}])
    assert "2026-12-01" in " ".join(error.value.messages)
    assert not Cycle.objects.filter(name="2025").exists()
