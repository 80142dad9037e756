from datetime import date

import pytest
from django.core.management import call_command

from org import demo, idcard
from org.models import Region, School, Staff, UserRole, WorkHistory

pytestmark = pytest.mark.django_db


def counts():
    from rotation.models import Assignment, Plan, Quota

    models = (Region, School, Staff, WorkHistory, UserRole, Plan, Quota, Assignment)
    return [m.objects.count() for m in models] + [Staff.history.count(), Assignment.history.count()]


def test_load_demo_builds_xianning_and_is_idempotent():
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    first = counts()
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
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

    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    plan = Plan.objects.get()
    assert sum(plan.quotas.values_list("share", flat=True)) == plan.target == 240
    assert Assignment.objects.filter(plan=plan, state="approved").exists()
    from rotation.management.commands.load_demo_rotation import plan_dates

    # arrivals are confirmed only once the stints have started (an arrival in the future is refused)
    start = plan_dates(demo.today())["start"]
    assert Assignment.objects.filter(plan=plan, state="in_place").exists() is (start <= demo.today())
    assert Progress.objects.filter(plan=plan).count() >= plan.quotas.count()  # today's figures per county


@pytest.mark.parametrize("day", [date(2031, 2, 10), date(2031, 10, 5)])
def test_the_demo_never_expires(monkeypatch, day, settings):
    """Loaded in any year, the demo shows a running plan and an open intake (issue 10, 13)."""
    from rotation.models import Plan
    from talentpool.models import Intake

    settings.DEBUG = True  # load_demo refuses production settings
    monkeypatch.setattr(demo, "today", lambda: day)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    plan = Plan.objects.get()
    assert plan.opens_on <= day <= plan.deadline and plan.term_start > day
    assert plan.assignments.exists()
    assert Intake.objects.filter(opens__lte=day, closes__gte=day).exists()
    assert not Staff.objects.filter(school_start__gt=date(day.year + 1, 9, 1)).exists()


def test_load_demo_refuses_production_settings_unless_forced(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Region.objects.count() == Staff.objects.count() == 0


def test_forced_load_demo_in_production_gives_the_superuser_a_random_password(settings):
    from io import StringIO

    from django.contrib.auth import get_user_model

    from org import demo

    settings.DEBUG = False
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    admin = get_user_model().objects.get(is_superuser=True)
    assert not admin.check_password(demo.PASSWORD)
    shown = out.getvalue().split("not the demo one: ")[1].split()[0]
    assert admin.check_password(shown)


def test_load_demo_with_debug_gives_the_demo_password(settings):
    from django.contrib.auth import get_user_model

    from org import demo

    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert get_user_model().objects.get(username="admin").check_password(demo.PASSWORD)
