"""The demo's alliances (checked on the twice-loaded demo of tests/org/test_demo.py) and the nightly job recomputes
every group."""

import pytest

from alliances.models import Compliance, Group, GroupType
from alliances.tasks import compute_compliance
from config.celery_app import app

pytestmark = pytest.mark.django_db


def demo_alliances() -> int:
    """The demo's alliances (checked on tests/org/test_demo.py's load, which is loaded twice there: the demo is the
    slowest setup of the suite); returns the number of groups, which a second load must leave unchanged."""
    groups = dict(Group.objects.values_list("name", "type"))
    assert sum(kind == GroupType.CROSS_COUNTY for kind in groups.values()) == 5
    assert "咸宁市实验小学—崇阳县实验二小跨县域教联体" in groups
    latest = {c.group.name: c for c in Compliance.objects.select_related("group")}
    assert latest["咸安实验小学教育集团"].met and not latest["咸安区第二初级中学教育集团"].met
    gaps = [item.text for item in latest["咸安区第二初级中学教育集团"].items.filter(met=False)]
    assert any("初中骨干教师派出 4 人，少于 6 人" in gap for gap in gaps)
    assert Group.objects.get(type=GroupType.PRESCHOOL).memberships.filter(role="member").count() == 4
    assert Group.objects.get(type=GroupType.TOWNSHIP).itinerant_slots.exists()
    return Group.objects.count()


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
