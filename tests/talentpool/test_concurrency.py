"""Concurrent admissions never exceed the quota: the intake row is locked (PostgreSQL only)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from talentpool import services
from talentpool.models import Nomination
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory

S = Nomination.Status


@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_respect_the_quota(world, intake, city_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    intake.quota = 2
    intake.save()
    nominations = [
        NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), status=S.DECISION) for _ in range(6)
    ]
    barrier = threading.Barrier(len(nominations))
    outcomes = []

    def decide(nomination):
        try:
            barrier.wait()
            services.nomination_decide(
                actor=city_user, nomination=nomination, admit=True, meeting_date=dt.date(2026, 6, 10), minutes_ref="纪要",
            )
            outcomes.append("admitted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()  # each thread has its own connection; close it

    threads = [threading.Thread(target=decide, args=(nomination,)) for nomination in nominations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["admitted"] * 2 + ["refused"] * 4
    assert Nomination.objects.filter(intake=intake, status=S.ADMITTED).count() == 2
    assert intake.track.program.pk and Nomination.objects.filter(intake=intake, status=S.DECISION).count() == 4
