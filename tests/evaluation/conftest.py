"""Evaluation fixtures: a small 100-point school scheme, a cycle over county A's primary schools,
an expert and a school rater group, and two reviewers."""

import datetime as dt
from decimal import Decimal as D

import pytest

from evaluation import rules, services
from org.models import Account, UserRole
from tests.conftest import _user_with_role
from tests.factories import SchoolFactory

SMALL_TREE = [
    {"code": "A", "name": "底线", "points": 60, "role": rules.BASELINE, "children": [
        {"code": "A1", "name": "安全管理", "points": 30, "children": [
            {"code": "A1a", "name": "安全制度", "points": 15},
            {"code": "A1b", "name": "安全演练", "points": 15, "method": rules.THRESHOLD},
        ]},
        {"code": "A2", "name": "常规管理", "points": 30},
    ]},
    {"code": "B", "name": "创新", "points": 20, "role": rules.INNOVATION, "children": [
        {"code": "B1", "name": "特色创新", "points": 20},
    ]},
    {"code": "C", "name": "满意度", "points": 20, "role": rules.SATISFACTION, "children": [
        {"code": "C1", "name": "家长满意度", "points": 20},
        {"code": "V", "name": "重大安全责任事故", "points": 0, "role": rules.VETO},
    ]},
]


def _county_reviewer(username, county):
    """A reviewer whose account county A's bureau manages (org.accounts), so the city may assign it."""
    user = _user_with_role(username, UserRole.Role.REVIEWER)
    Account.objects.update_or_create(user=user, defaults={"region": county})
    return user


@pytest.fixture
def reviewer_user(world):
    return _county_reviewer("reviewer", world.county_a)


@pytest.fixture
def reviewer2(world):
    return _county_reviewer("reviewer2", world.county_a)


@pytest.fixture
def scheme(world, city_user):
    return services.scheme_create(actor=city_user, tree=SMALL_TREE, data={
        "region": world.city, "name": "小学办学考核", "person_kind": "school", "category": "primary",
        "total": D(100), "excellent_min": D(90), "qualified_min": D(70), "basic_min": D(60)})


@pytest.fixture
def cycle(world, city_user, scheme):
    return services.cycle_create(actor=city_user, data={
        "region": world.city, "name": "2026年度小学考核", "year": 2026, "kind": "year_end", "scheme": scheme,
        "as_of": dt.date(2026, 12, 1)}, groups=[
        {"name": "专家组", "weight": D(70)}, {"name": "学校互评", "weight": D(30)},
        {"name": "自评", "weight": D(0), "is_self": True}])


@pytest.fixture
def school_a2(world):
    return SchoolFactory(code="A002", name="咸安二小", region=world.county_a)


@pytest.fixture
def assigned(world, city_user, cycle, school_a2, reviewer_user, reviewer2):
    """Subjects: county A's two primary schools; reviewer scores all for the experts, reviewer2 all for the schools."""
    services.subjects_generate(actor=city_user, cycle=cycle, region=world.county_a)
    experts, schools = cycle.groups.get(name="专家组"), cycle.groups.get(name="学校互评")
    subjects = list(cycle.subjects.all())
    services.assignments_create(actor=city_user, cycle=cycle, raters=[reviewer_user], group=experts, subjects=subjects)
    services.assignments_create(actor=city_user, cycle=cycle, raters=[reviewer2], group=schools, subjects=subjects)
    return cycle


FULL = {"A1a": "0", "A1b": "1", "A2": "5", "B1": "18", "C1": "19"}  # 100 - 5 deduction... = 15+15+25+18+19 = 92
