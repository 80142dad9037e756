"""The scheduled progress job with a fixed clock: counts, yellow/red warnings raised and cleared, notifications."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from rotation import services, tasks
from rotation.models import Notification, Progress, ProgressWarning
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, PlanFactory, PolicyFactory

pytestmark = pytest.mark.django_db

OPENS, DEADLINE = dt.date(2026, 6, 1), dt.date(2026, 8, 30)  # 90 days: on 1 July a third is expected


@pytest.fixture
def plan(world):
    plan = PlanFactory(region=world.city, opens_on=OPENS, deadline=DEADLINE, target=60)
    plan.quotas.create(county=world.county_a, base=100, share=30)
    plan.quotas.create(county=world.county_b, base=100, share=30)
    return plan


def add(plan, world, n, state="approved", school=None, **kwargs):
    school = school or world.school_a
    rural = SchoolFactory(region=school.region)
    for _ in range(n):
        AssignmentFactory(plan=plan, staff=StaffFactory(school=school), to_school=rural, state=state, **kwargs)


def warning_levels(plan):
    return dict(ProgressWarning.objects.filter(plan=plan, cleared_on__isnull=True).values_list("county__code", "level"))


def test_counts_and_key_teachers_per_county(world, plan):
    add(plan, world, 3, "approved", is_key_teacher=True)
    add(plan, world, 2, "in_place")
    add(plan, world, 4, "planned")
    add(plan, world, 1, "ended_early")
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    row = Progress.objects.get(plan=plan, county=world.county_a)
    assert (row.approved, row.in_place, row.key_teachers, row.share, row.eligible, row.expected) == (3, 2, 3, 30, 100, 10)


def test_yellow_and_red_warnings_at_the_thresholds(world, plan, city_user, county_user):
    add(plan, world, 8)  # county A: 8 of 10 expected = 80 %: no warning
    add(plan, world, 4, school=world.school_b)  # county B: 4 of 10 = 40 %: red
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    assert warning_levels(plan) == {"421221": "red"}
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 4))  # expected 11: A 8/11 = 72.7 % yellow
    assert warning_levels(plan) == {"421202": "yellow", "421221": "red"}
    texts = list(Notification.objects.filter(user=county_user).values_list("text", flat=True))
    assert len(texts) == 1 and "咸安区" in texts[0] and "黄色" in texts[0]
    assert Notification.objects.filter(user=city_user).count() == 2


def test_warnings_clear_and_keep_their_history(world, plan, county_user):
    add(plan, world, 2)
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    assert warning_levels(plan)["421202"] == "red"
    add(plan, world, 4)  # 6 of 10: 60 %: yellow
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    assert warning_levels(plan)["421202"] == "yellow"
    add(plan, world, 5)  # 11 of 11
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 4))
    assert "421202" not in warning_levels(plan)
    history = list(ProgressWarning.objects.filter(plan=plan, county=world.county_a).order_by("id").values_list(
        "level", "raised_on", "cleared_on"))
    assert history == [
        ("red", dt.date(2026, 7, 1), dt.date(2026, 7, 1)),
        ("yellow", dt.date(2026, 7, 1), dt.date(2026, 7, 4)),
    ]
    assert "回到正常进度" in Notification.objects.filter(user=county_user).first().text


def test_rerunning_the_same_day_changes_nothing(world, plan):
    add(plan, world, 2)
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    counts = (Progress.objects.count(), ProgressWarning.objects.count(), Notification.objects.count())
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    assert (Progress.objects.count(), ProgressWarning.objects.count(), Notification.objects.count()) == counts


def test_thresholds_come_from_the_county_policy(world, plan):
    PolicyFactory(region=world.county_a, yellow_percent=90, red_percent=30)
    add(plan, world, 4)  # 40 %: yellow under this policy
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    assert warning_levels(plan)["421202"] == "yellow"


def test_no_warning_before_the_plan_opens(world, plan):
    services.progress_compute(plan=plan, on=OPENS)
    assert warning_levels(plan) == {}


def test_beat_job_with_a_fixed_clock(world, plan, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from tests.factories import UserFactory, UserRoleFactory

    user = UserFactory(username="county_b_mail", email="b@example.org")
    UserRoleFactory(user=user, role="county_staff", region=world.county_b)
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 7, 1)), \
            django_capture_on_commit_callbacks(execute=True):
        assert tasks.compute_all_progress() == 1
    assert Progress.objects.filter(plan=plan, computed_on=dt.date(2026, 7, 1)).count() == 2
    assert warning_levels(plan) == {"421202": "red", "421221": "red"}
    assert [message.to for message in mail.outbox] == [["b@example.org"]]


def test_beat_schedule_is_declared():
    from rotation.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["rotation-progress-daily"]["task"] == "rotation.tasks.compute_all_progress"


def test_progress_rates_key_teachers_and_eligible(world, plan, county_user, client):
    add(plan, world, 2, "approved", is_key_teacher=True)
    add(plan, world, 3, "in_place")
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    client.force_login(county_user)
    entry = client.get(f"/rotation/plans/{plan.pk}/progress/").context["series"][0]
    assert entry["rates"] == {"key_teacher_percent": 40.0, "eligible_percent": 5.0}
    body = client.get(f"/rotation/plans/{plan.pk}/progress/").content.decode()
    assert "占符合条件人数：5.0%" in body and "骨干教师不低于 20%" in body
