"""The home page's active-staff figure is stored per school by a periodic job (org.services.figures; counting
500,000 staff on every visit is too slow, issue 14 item 8): scoped through the school (a county user's figure counts
their county only, a principal's their school), equal to its list's rows once computed, shown with its computation
time (the list it links to is live, so a figure may lag it), and said to be missing before the first run."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery_app import app
from org import services
from org.models import Staff, StaffFigure
from org.tasks import compute_staff_figures
from tests.dashboards.helpers import list_count
from tests.factories import SchoolFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    """County A: 3 active (school A 2, a second school 1) and 1 retired; county B: 2 active."""
    StaffFactory(school=world.school_a)
    StaffFactory(school=SchoolFactory(region=world.county_a))
    StaffFactory(school=world.school_a, status=Staff.Status.RETIRED)
    StaffFactory(school=world.school_b)
    return world


def _page(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


def test_the_job_stores_each_schools_active_staff_and_replaces_the_last_run(staff):
    assert compute_staff_figures() == 3  # three schools with active staff
    assert {row.school_id: row.active for row in StaffFigure.objects.all()} == {
        staff.school_a.pk: 2, staff.school_b.pk: 2, StaffFigure.objects.exclude(
            school__in=[staff.school_a, staff.school_b]).get().school_id: 1}
    Staff.objects.filter(school=staff.school_b).update(status=Staff.Status.RETIRED)
    assert services.staff_figures_compute() == 2 and not StaffFigure.objects.filter(school=staff.school_b).exists()


@pytest.mark.parametrize(("role", "n"), [("city_user", 5), ("county_user", 3), ("supervisor_user", 3), ("principal_user", 2)])
def test_the_figure_counts_the_users_scope_only_and_equals_its_list(client, staff, role, n, request):
    services.staff_figures_compute()
    response = _page(client, request.getfixturevalue(role))
    assert response.context["staff_count"] == n
    assert list_count(client, f"{reverse('org:staff-list')}?status=active") == n


def test_the_figure_may_lag_the_live_list_and_says_when_it_was_computed(client, staff, county_user):
    services.staff_figures_compute()
    at = StaffFigure.objects.values_list("computed_at", flat=True).first()
    StaffFactory(school=staff.school_a)  # after the run: the list shows it, the stored figure not yet
    response = _page(client, county_user)
    body = response.content.decode()
    assert response.context["staff_count"] == 3 and response.context["staff_computed_at"] == at
    assert list_count(client, f"{reverse('org:staff-list')}?status=active") == 4
    assert timezone.localtime(at).strftime("%Y年%-m月%-d日 %H:%M") in body and 'data-testid="staff-computed"' in body
    services.staff_figures_compute()  # the next run catches up
    assert _page(client, county_user).context["staff_count"] == 4


def test_before_the_first_run_the_page_says_so_and_links_the_list(client, staff, county_user):
    body = _page(client, county_user).content.decode()
    assert 'data-testid="staff-not-computed"' in body and 'data-testid="staff-count"' not in body
    assert f'href="{reverse("org:staff-list")}?status=active"' in body


def test_beat_runs_the_job_every_half_hour():
    entry = app.conf.beat_schedule["org-staff-figures"]
    assert entry["task"] == "org.compute_staff_figures"
    assert entry["schedule"].is_due(timezone.now() - dt.timedelta(minutes=31))[0]
