"""The evaluation section: scope (subjects and missing scores of another county never count), the figure
equal to the cycle page's subject list, and the pinned query count."""

import pytest

from evaluation import dashboard, selectors, services
from evaluation.models import Cycle, Subject
from org.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(world, city_user, assigned):
    services.subjects_generate(actor=city_user, cycle=assigned, region=world.county_b)
    services.cycle_open(actor=city_user, cycle=assigned)
    return assigned


def test_a_draft_cycle_is_not_shown(cycle, city_user):
    assert dashboard.evaluation_dashboard(user=city_user) == {"cycle": None}


def test_subjects_and_missing_scores_of_another_county_never_count(opened, county_user, city_user):
    mine = dashboard.evaluation_dashboard(user=county_user)
    assert mine["subjects"] == 2 and mine["missing_total"] == 4  # two raters x two county A schools
    city = dashboard.evaluation_dashboard(user=city_user)
    assert city["subjects"] == Subject.objects.filter(cycle=opened).count() == 3


def test_the_subject_figure_equals_the_cycle_page(client, opened, county_user):
    result = dashboard.evaluation_dashboard(user=county_user)
    client.force_login(county_user)
    assert client.get(result["detail"]).context["subject_count"] == result["subjects"]


def test_the_section_reads_a_fixed_number_of_queries(opened, city_user, django_assert_num_queries):
    with django_assert_num_queries(5):
        dashboard.evaluation_dashboard(user=city_user)


@pytest.mark.parametrize(("unit", "rounding", "places"), [
    (Cycle.QuotaUnit.SCHOOL, "half_up", 0),  # three schools of one subject: 20 % of 1 = 0.2 → 0 each
    (Cycle.QuotaUnit.CYCLE, "half_up", 1),  # 20 % of 3 = 0.6 → 1
    (Cycle.QuotaUnit.SCHOOL, "ceiling", 3),  # 0.2 → 1 each (进一法)
])
def test_the_quota_is_the_cycle_pages_whole_places(opened, city_user, unit, rounding, places):
    """The home page's 优秀 quota is the same whole number of places the cycle page lists (rules.check_quota per
    quota unit), never quota_percent × subjects before rounding (0.6)."""
    Cycle.objects.filter(pk=opened.pk).update(quota_unit=unit, rounding=rounding, quota_percent=20)
    opened.refresh_from_db()
    quota = dashboard.evaluation_dashboard(user=city_user)["quota"]
    assert quota == places == sum(check.limit + check.rotated_limit for check in selectors.quota_checks(opened))


def test_two_schools_of_one_name_are_two_quota_units(opened, city_user):
    """A city has several 城关小学 in as many counties: each its own unit, as the cycle page counts them (by code)."""
    Cycle.objects.filter(pk=opened.pk).update(quota_unit=Cycle.QuotaUnit.SCHOOL, rounding="ceiling", quota_percent=20)
    opened.refresh_from_db()
    School.objects.filter(pk__in=opened.subjects.values("school_id")).update(name="城关小学")
    quota = dashboard.evaluation_dashboard(user=city_user)["quota"]
    assert quota == 3 == sum(check.limit + check.rotated_limit for check in selectors.quota_checks(opened))
