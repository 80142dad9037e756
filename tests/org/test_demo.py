import pytest
from django.core.management import call_command
from django.utils import timezone

from org import idcard
from org.models import Region, School, Staff, UserRole, WorkHistory

pytestmark = pytest.mark.django_db


def counts():
    from rotation.models import Assignment, Plan, Quota

    models = (Region, School, Staff, WorkHistory, UserRole, Plan, Quota, Assignment)
    return [m.objects.count() for m in models] + [Staff.history.count(), Assignment.history.count()]


def test_load_demo_builds_xianning_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == first
    assert set(Region.objects.filter(level="county").values_list("code", flat=True)) == {
        "421202", "421221", "421222", "421223", "421224", "421281"
    }
    assert Staff.objects.count() > 2000
    assert set(School.objects.values_list("stage", flat=True)) == set(School.Stage.values)
    assert set(School.objects.values_list("location", flat=True)) == set(School.Location.values)
    assert set(UserRole.objects.values_list("role", flat=True)) == set(UserRole.Role.values)
    for staff in Staff.objects.all()[:500]:
        info = idcard.parse(staff.id_number)
        assert (info.birth_date, info.gender) == (staff.birth_date, staff.gender)


def test_load_demo_includes_a_rotation_plan_with_counties_ahead_and_behind():
    from rotation.models import Assignment, Plan, Progress

    call_command("load_demo", stdout=open("/dev/null", "w"))
    plan = Plan.objects.get()
    assert sum(plan.quotas.values_list("share", flat=True)) == plan.target == 240
    assert Assignment.objects.filter(plan=plan, state="approved").exists()
    from rotation.management.commands.load_demo_rotation import START

    # arrivals are confirmed only once the stints have started (an arrival in the future is refused)
    assert Assignment.objects.filter(plan=plan, state="in_place").exists() is (START <= timezone.localdate())
    assert Progress.objects.filter(plan=plan).count() >= plan.quotas.count()  # today's figures per county
