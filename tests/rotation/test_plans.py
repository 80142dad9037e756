"""Plans: the split on creation, share edits kept to the target and above approved counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rotation import services
from rotation.models import Plan, Quota
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def make_plan(actor, world, target=10):
    return services.plan_create(actor=actor, region=world.city, name="2026年秋季", term_start=dt.date(2026, 9, 1),
                                opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=target)


def shares_of(plan):
    return dict(Quota.objects.filter(plan=plan).values_list("county__code", "share"))


def test_plan_create_splits_by_must_rotate_and_eligible(world, city_user):
    StaffFactory.create_batch(2, school=world.school_a)  # 11 years at school: must rotate
    plan = make_plan(city_user, world)
    assert shares_of(plan) == {"421202": 8, "421221": 2}
    assert dict(Quota.objects.filter(plan=plan).values_list("county__code", "base")) == {"421202": 3, "421221": 1}
    assert plan.history.latest().history_user == city_user


def test_only_city_staff_create_plans(world, county_user):
    with pytest.raises(PermissionDenied):
        make_plan(county_user, world)
    assert not Plan.objects.exists()


def test_shares_must_add_up_to_the_target(world, city_user):
    plan = make_plan(city_user, world)
    with pytest.raises(ValidationError) as error:
        services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.id: 6})
    assert "合计为 11" in " ".join(error.value.messages)
    services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.id: 6, world.county_b.id: 4})
    assert shares_of(plan) == {"421202": 6, "421221": 4}
    services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.id: 7}, target=11)
    plan.refresh_from_db()
    assert plan.target == 11 and shares_of(plan) == {"421202": 7, "421221": 4}


def test_share_never_below_what_the_county_approved(world, city_user):
    plan = make_plan(city_user, world)
    rural = SchoolFactory(region=world.county_b)
    for state in ("approved", "in_place", "completed"):
        AssignmentFactory(plan=plan, staff=StaffFactory(school=world.school_b), to_school=rural, state=state)
    AssignmentFactory(plan=plan, staff=StaffFactory(school=world.school_b), to_school=rural, state="planned")
    with pytest.raises(ValidationError) as error:
        services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.id: 8, world.county_b.id: 2})
    assert "嘉鱼县已批准 3 人" in " ".join(error.value.messages)
    assert shares_of(plan) == {"421202": 5, "421221": 5}
    services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.id: 7, world.county_b.id: 3})
    assert shares_of(plan) == {"421202": 7, "421221": 3}


def test_county_staff_cannot_edit_shares(world, city_user, county_user):
    plan = make_plan(city_user, world)
    with pytest.raises(PermissionDenied):
        services.plan_set_shares(actor=county_user, plan=plan, shares={world.county_a.id: 10, world.county_b.id: 0})
