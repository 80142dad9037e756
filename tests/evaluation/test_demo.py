"""load_demo_evaluation: seed 001's schemes, two cycles relative to today, idempotent."""

import pytest
from django.core.management import call_command

from evaluation import selectors
from evaluation.models import Assignment, Cycle, Scheme, SchoolQuality
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_seed_schemes_and_cycles_once(world, city_user, reviewer_user):
    SchoolFactory(code="A002", name="咸安二小", region=world.county_a)
    call_command("load_demo_evaluation")
    call_command("load_demo_evaluation")
    office = Scheme.objects.get(name="机关科室千分考核")
    assert office.total == 1000 and selectors.scheme_problems(office) == []
    assert [i.name for i in office.indicators.filter(parent__isnull=True)] == ["底线工作", "创新工作", "满意度"]
    researcher = Scheme.objects.get(name="教研员考核")
    sections = researcher.indicators.filter(parent__isnull=True)
    assert [s.name for s in sections] == ["学科教学质量", "教学常规落实", "个人专业发展", "基层学校满意度"]
    assert researcher.indicators.filter(parent__isnull=False).count() == 22 and selectors.scheme_problems(researcher) == []
    published, open_ = Cycle.objects.order_by("year")
    assert (published.status, open_.status) == (Cycle.Status.PUBLISHED, Cycle.Status.OPEN)
    assert open_.previous == published and published.subjects.count() == 2
    assert all(s.final_rating for s in published.subjects.all())
    assert selectors.missing_scores(open_) and Assignment.objects.filter(cycle=open_, submitted_at__isnull=False).exists()
    assert SchoolQuality.objects.count() == 4
