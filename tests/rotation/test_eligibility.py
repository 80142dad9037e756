"""Policies fall back county → city → defaults; the engine reads staff, history and approved exemptions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from org.models import School
from rotation import rules, selectors, services
from rotation.models import Exemption, Policy
from tests.factories import SchoolFactory, StaffFactory, WorkHistoryFactory
from tests.rotation.conftest import AS_OF
from tests.rotation.factories import ExemptionFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def decide(staff):
    return selectors.staff_decision(staff, AS_OF)


def test_policy_falls_back_from_county_to_city_to_defaults(world):
    assert selectors.policy_for(world.county_a).pk is None
    assert selectors.policy_for(world.county_a).must_rotate_years == Policy._meta.get_field("must_rotate_years").default
    PolicyFactory(region=world.city, must_rotate_years=5)
    assert selectors.policy_for(world.county_a).must_rotate_years == 5
    PolicyFactory(region=world.county_a, must_rotate_years=7)
    assert selectors.policy_for(world.county_a).must_rotate_years == 7
    assert selectors.policy_for(world.county_b).must_rotate_years == 5


def test_engine_uses_the_county_policy(world):
    staff = StaffFactory(school=world.school_a, school_start=dt.date(2020, 9, 1))
    assert decide(staff).status == rules.MUST_ROTATE
    PolicyFactory(region=world.county_a, must_rotate_years=7)
    assert decide(staff).status == rules.ELIGIBLE


def test_engine_reads_work_history_and_school_locations(world):
    rural = SchoolFactory(region=world.county_a, location=School.Location.RURAL)
    staff = StaffFactory(school=world.school_a, school_start=dt.date(2020, 9, 1))
    WorkHistoryFactory(staff=staff, school=rural, start=dt.date(2014, 8, 31), end=dt.date(2020, 8, 31))
    decision = decide(staff)
    assert decision.status == rules.EXEMPT and decision.codes[0] == rules.EX_EXPERIENCED


def test_only_approved_exemptions_count(world):
    staff = StaffFactory(school=world.school_a, school_start=dt.date(2015, 9, 1))
    ExemptionFactory(staff=staff, state=Exemption.State.APPLIED)
    ExemptionFactory(staff=staff, state=Exemption.State.REJECTED, kind=Exemption.Kind.KEY_PROJECT)
    assert decide(staff).status == rules.MUST_ROTATE
    ExemptionFactory(staff=staff, kind=Exemption.Kind.PREGNANCY_NURSING)
    decision = decide(staff)
    assert decision.status == rules.EXEMPT and decision.codes[0] == rules.EX_PREGNANCY_NURSING


def test_streaming_in_small_chunks_gives_the_same_rows(world):
    StaffFactory.create_batch(7, school=world.school_b)
    queryset = selectors.all_active_staff()
    whole = [(row.staff_id, row.decision.status) for row in selectors.evaluate_staff(queryset, AS_OF)]
    chunked = [(row.staff_id, row.decision.status) for row in selectors.evaluate_staff(queryset, AS_OF, chunk_size=2)]
    assert whole == chunked and len(whole) == 9


def test_evaluation_query_count_is_per_chunk(world, django_assert_num_queries):
    StaffFactory.create_batch(20, school=world.school_a)
    with django_assert_num_queries(5):
        rows = list(selectors.evaluate_staff(selectors.all_active_staff(), AS_OF))
    assert len(rows) == 22


def test_left_staff_are_not_evaluated(world):
    StaffFactory(school=world.school_a, status="left")
    assert len(list(selectors.evaluate_staff(selectors.all_active_staff(), AS_OF))) == 2


def test_policy_save_by_city_staff_only(world, city_user, county_user):
    policy = services.policy_save(actor=city_user, region=world.county_a, data={"must_rotate_years": 8})
    assert Policy.objects.get(region=world.county_a).must_rotate_years == 8
    assert policy.history.latest().history_user == city_user
    with pytest.raises(PermissionDenied):
        services.policy_save(actor=county_user, region=world.county_a, data={"must_rotate_years": 4})
    assert Policy.objects.get(region=world.county_a).must_rotate_years == 8


def test_split_counts_must_rotate_and_eligible_per_county(world):
    StaffFactory.create_batch(2, school=world.school_a, school_start=dt.date(2022, 9, 1))  # eligible
    StaffFactory(school=world.school_a, school_start=dt.date(2025, 9, 1))  # not yet
    shares = selectors.split_rows(
        counties=selectors.counties_under(), staff=selectors.all_active_staff(), on=AS_OF, target=10
    )
    assert [(s.code, s.base, s.share) for s in shares] == [("421202", 3, 8), ("421221", 1, 2)]


def test_default_as_of_is_the_next_term_start():
    assert selectors.default_as_of(dt.date(2026, 9, 1)) == dt.date(2026, 9, 1)
    assert selectors.default_as_of(dt.date(2026, 9, 2)) == dt.date(2027, 9, 1)
    assert selectors.default_as_of(dt.date(2026, 3, 1), Policy(term_start_month=2, term_start_day=20)) == dt.date(2027, 2, 20)


def test_policy_rejects_days_that_are_not_in_every_year(world, city_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.policy_save(actor=city_user, region=world.city, data={"window_start_month": 2, "window_start_day": 29})
    assert "window_start_day" in error.value.message_dict
    assert not Policy.objects.exists()
