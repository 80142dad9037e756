"""The demo loads (twice, changing nothing the second time) and the nightly job recomputes every group."""

import pytest
from django.core.management import call_command

from alliances.models import Compliance, Group, GroupType
from alliances.tasks import compute_compliance
from config.celery_app import app

pytestmark = pytest.mark.django_db


def test_load_demo_builds_the_alliances_and_is_idempotent():
    call_command("load_demo")
    groups = dict(Group.objects.values_list("name", "type"))
    assert sum(kind == GroupType.CROSS_COUNTY for kind in groups.values()) == 5
    assert "咸宁市实验小学—崇阳县实验二小跨县域教联体" in groups
    latest = {c.group.name: c for c in Compliance.objects.select_related("group")}
    assert latest["咸安实验小学教育集团"].met and not latest["咸安区第二初级中学教育集团"].met
    gaps = [item.text for item in latest["咸安区第二初级中学教育集团"].items.filter(met=False)]
    assert any("初中骨干教师派出 4 人，少于 6 人" in gap for gap in gaps)
    assert Group.objects.get(type=GroupType.PRESCHOOL).memberships.filter(role="member").count() == 4
    assert Group.objects.get(type=GroupType.TOWNSHIP).itinerant_slots.exists()
    count = Group.objects.count()
    call_command("load_demo")
    assert Group.objects.count() == count


def test_nightly_job_is_in_beat_and_recomputes_all_groups(world):
    from tests.alliances.factories import GroupFactory, MembershipFactory

    assert app.conf.beat_schedule["alliances-compliance-nightly"]["task"] == "alliances.tasks.compute_compliance"
    for _n in range(2):
        MembershipFactory(group=GroupFactory(region=world.county_a))
    assert compute_compliance() == 2
    assert compute_compliance("2026-autumn") == 2
    assert Compliance.objects.filter(term="2026-autumn").count() == 2


def test_bench_command_runs_small_and_leaves_nothing(capsys):
    from django.core.management import call_command

    call_command("bench_alliances", schools=200, groups=30, dispatches=4)
    out = capsys.readouterr().out
    assert "nightly run 1: 30 groups" in out and "one group after a roster change" in out
    assert not Group.objects.exists() and not Compliance.objects.exists()
