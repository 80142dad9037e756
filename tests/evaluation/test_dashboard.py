"""The evaluation section: scope (subjects and missing scores of another county never count), the figure
equal to the cycle page's subject list, and the pinned query count."""

import pytest

from evaluation import dashboard, services
from evaluation.models import Subject

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
