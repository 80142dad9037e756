"""Computed rows are computed only: progress follows the roster on commit; no form, admin or API writes them (issue 8, point 2)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from rotation import services
from rotation.models import Assignment, Notification, Progress, ProgressWarning
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    plan = PlanFactory(region=world.city, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=20)
    plan.quotas.create(county=world.county_a, base=100, share=10)
    plan.quotas.create(county=world.county_b, base=100, share=10)
    return plan


def test_approving_a_roster_entry_recomputes_its_plans_progress_on_commit(world, plan, county_user,
                                                                          django_capture_on_commit_callbacks):
    entry = AssignmentFactory(plan=plan, staff=world.staff_a, to_school=SchoolFactory(region=world.county_a),
                              state=Assignment.State.PLANNED)
    assert not Progress.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.assignment_approve(actor=county_user, assignment=entry)
    assert len(callbacks) >= 1
    row = Progress.objects.get(plan=plan, county=world.county_a)
    assert (row.approved, row.in_place) == (1, 0)


def test_nothing_is_queued_when_the_change_is_rolled_back(world, plan, county_user, django_capture_on_commit_callbacks):
    entry = AssignmentFactory(plan=plan, staff=world.staff_a, to_school=SchoolFactory(region=world.county_a),
                              state=Assignment.State.IN_PLACE)
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(ValidationError):
        services.assignment_approve(actor=county_user, assignment=entry)  # refused: already in place
    assert callbacks == [] and not Progress.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/rotation/warnings/", "/api/v1/rotation/notifications/"])
def test_the_api_writes_no_computed_row(client, world, city_user, path):
    client.force_login(city_user)
    response = client.post(path, {"user": city_user.pk, "text": "伪造", "url": "javascript:alert(1)",
                                  "level": "red", "county": world.county_a.pk}, content_type="application/json")
    assert response.status_code == 405
    assert not Notification.objects.exists() and not ProgressWarning.objects.exists()


def test_many_changes_to_one_plan_queue_one_computation(world, plan, county_user, django_capture_on_commit_callbacks):
    from django.db import transaction

    entries = [AssignmentFactory(plan=plan, staff=StaffFactory(school=world.school_a),
                                 to_school=SchoolFactory(region=world.county_a), state=Assignment.State.PLANNED)
               for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        for entry in entries:
            services.assignment_approve(actor=county_user, assignment=entry)
    assert len(callbacks) == 1
