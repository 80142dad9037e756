"""Management commands: the seed-000 demo program (idempotent) and the benchmark (smoke run)."""

import io

import pytest
from django.core.management import call_command

from talentpool.models import Intake, Program

pytestmark = pytest.mark.django_db


def test_demo_program_matches_seed_000_and_is_idempotent(world):
    out = io.StringIO()
    call_command("load_demo_talentpool", stdout=out)
    call_command("load_demo_talentpool", stdout=out)
    program = Program.objects.get()
    assert "390" in out.getvalue()
    assert [(t.name, t.annual_quota) for t in program.tracks.order_by("id")] == [("校长培养对象", 30), ("班主任培养对象", 100)]
    assert Intake.objects.count() == 6


def test_bench_prints_figures_and_leaves_nothing():
    out = io.StringIO()
    call_command("bench_talentpool", rows=20, import_rows=5, stdout=out)
    assert "rows/s" in out.getvalue() and "nominations import (commit)" in out.getvalue()
    assert not Program.objects.exists()
