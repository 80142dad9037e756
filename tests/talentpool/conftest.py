"""Talent-pool fixtures: the city's 双培养计划 with an open intake, and a second reviewer."""

import datetime as dt

import pytest

from org.models import UserRole
from tests.conftest import _user_with_role
from tests.talentpool.factories import IntakeFactory, NominationFactory, ProgramFactory, TrackFactory

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def program(world):
    return ProgramFactory(region=world.city)


@pytest.fixture
def intake(program):
    return IntakeFactory(track=TrackFactory(program=program, name="校长培养对象"), quota=2)


@pytest.fixture
def other_reviewer(world):
    return _user_with_role("reviewer2", UserRole.Role.REVIEWER)


@pytest.fixture
def nomination_a(world, intake, principal_user):
    return NominationFactory(intake=intake, staff=world.staff_a, nominated_by=principal_user)


@pytest.fixture
def nomination_b(world, intake, principal_user):
    return NominationFactory(intake=intake, staff=world.staff_b, nominated_by=principal_user)


class Clock:
    """The workflow's idea of today (talentpool.services.workflow._today); tests move it."""

    def __init__(self, value: dt.date):
        self.value = value


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    from talentpool.services import workflow

    current = Clock(timezone.localdate())
    monkeypatch.setattr(workflow, "_today", lambda today=None: today or current.value)
    return current
