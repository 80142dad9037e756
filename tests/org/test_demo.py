from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Count

from alliances.models import Group
from org import demo, idcard
from org.models import Region, School, Staff, UserRole, WorkHistory
from tests.alliances.test_demo_and_tasks import demo_alliances

pytestmark = pytest.mark.django_db


def counts():
    from rotation.models import Assignment, Plan, Quota
    from talentpool.models import PoolMember

    models = (Region, School, Staff, WorkHistory, UserRole, Plan, Quota, Assignment, PoolMember)
    return [m.objects.count() for m in models] + [Staff.history.count(), Assignment.history.count()]


def test_load_demo_builds_xianning_with_its_plan_and_alliances_a_random_superuser_password_and_is_idempotent():
    """One forced load under the test settings (DEBUG=0, production) checked four ways: the city and its
    rotation plan, its alliances (tests/alliances/test_demo_and_tasks.py), the superuser's random password printed
    once, and a second load changing nothing (the demo is the slowest setup of the suite, so these share it)."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    with override_settings(DEBUG=False):
        out = StringIO()
        call_command("load_demo", force=True, stdout=out)
        first = counts()
        admin = get_user_model().objects.get(is_superuser=True)
        assert not admin.check_password(demo.PASSWORD)
        shown = out.getvalue().split("not the demo one: ")[1].split()[0]
        assert admin.check_password(shown)
        _rotation_plan_with_counties_ahead_and_behind()
        _pool_with_last_years_intake()
        groups = demo_alliances()
        call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    assert counts() == first
    assert Group.objects.count() == groups
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


def _pool_with_last_years_intake():
    from talentpool.models import PoolMember

    members = PoolMember.objects.filter(status="active")
    assert dict(members.values_list("pool_type").annotate(n=Count("*")).order_by()) == {"principal_reserve": 12,
                                                                                       "head_teacher": 40}
    assert not members.filter(pool_type="principal_reserve").exclude(staff__post="vice_principal").exists()
    assert members.values("staff__school__region").distinct().count() >= 3  # the dashboards have counties to tell apart
    assert {m.joined for m in members} == {date(demo.today().year - 1, 9, 1)}


def _rotation_plan_with_counties_ahead_and_behind():
    from rotation.models import Assignment, Plan, Progress

    plan = Plan.objects.get()
    assert sum(plan.quotas.values_list("share", flat=True)) == plan.target == 240
    assert Assignment.objects.filter(plan=plan, state="approved").exists()
    from rotation.management.commands.load_demo_rotation import plan_dates

    # arrivals are confirmed only once the stints have started (an arrival in the future is refused)
    start = plan_dates(demo.today())["start"]
    assert Assignment.objects.filter(plan=plan, state="in_place").exists() is (start <= demo.today())
    assert Progress.objects.filter(plan=plan).count() >= plan.quotas.count()  # today's figures per county


@pytest.mark.parametrize("day", [date(2031, 2, 10), date(2031, 10, 5)])
def test_the_demo_never_expires_and_with_debug_the_superuser_gets_the_demo_password(monkeypatch, day, settings):
    """Loaded in any year, the demo shows a running plan and an open intake (issue 10, 13); loaded with DEBUG=1,
    the superuser's password is the demo one (checked on the same load)."""
    from django.contrib.auth import get_user_model

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
    assert get_user_model().objects.get(username="admin").check_password(demo.PASSWORD)


def test_load_demo_refuses_production_settings_unless_forced(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Region.objects.count() == Staff.objects.count() == 0
