"""`manage.py bench_pages` over an already populated database: one line per user and page, figures printed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_prints_the_home_page_and_every_section_for_a_city_and_a_county_user(world, city_user, county_user):
    out = io.StringIO()
    call_command("bench_pages", "--requests", "2", "--warmup", "0", stdout=out)
    lines = out.getvalue().splitlines()
    pages = [line.split()[1] for line in lines[1:]]
    assert [line.split()[0] for line in lines[1:]] == ["city"] * 5 + ["county_a"] * 5
    assert pages[:5] == ["home", "rotation", "talentpool", "alliances", "evaluation"]


def test_refuses_an_empty_database(db):
    with pytest.raises(CommandError, match="load the demo"):
        call_command("bench_pages", "--requests", "1", stdout=io.StringIO())
