"""Rotation fixtures on top of the root `world`: fixed as-of date, staff with known tenure."""

import datetime as dt

import pytest
from django.utils import translation

AS_OF = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def as_of():
    return AS_OF
