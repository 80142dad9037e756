"""Alliances fixtures on top of the root `world`: Chinese messages, a term, a tight group with staff."""

import datetime as dt

import pytest
from django.utils import translation

from alliances import rules

TERM = rules.Term(2026, "autumn")  # 2026-09-01 .. 2027-01-31


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def term():
    return TERM


DAY = dt.date(2026, 9, 1)
