"""Every talent-pool page renders for every role, in Chinese (create and edit pages: test_forms_pages.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from talentpool.models import Appointment, Studio, TrainingBatch
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db

LISTS = ["index", "inbox", "program-list", "intake-list", "nomination-list", "member-list", "training-list", "studio-list",
         "appointment-list"]


@pytest.mark.parametrize("role", ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"])
def test_every_page_renders_for_every_role(client, request, world, intake, role):
    user = request.getfixturevalue(role)
    nomination = NominationFactory(intake=intake, staff=world.staff_a)
    member = PoolMemberFactory(staff=world.staff_a, source=nomination)
    batch = TrainingBatch.objects.create(name="影子培训", region=world.city, start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 10), hours=40)
    studio = Studio.objects.create(name="名师工作室", kind="teacher", host=world.staff_a, school=world.school_a, founded=dt.date(2023, 1, 1))
    Appointment.objects.create(staff=world.staff_a, to_post="principal", school=world.school_a, appointed_on=dt.date(2025, 8, 1),
                               recorded_by=user, from_pool=member)
    client.force_login(user)
    for name in LISTS:
        response = client.get(reverse(f"talentpool:{name}"))
        assert response.status_code == 200, name
        assert "人才库" in response.content.decode() or name != "index"
    details = [nomination.get_absolute_url(), member.get_absolute_url(), batch.get_absolute_url(), studio.get_absolute_url(),
               intake.get_absolute_url(), intake.track.program.get_absolute_url(),
               reverse("talentpool:intake-notice", args=[intake.pk]), reverse("talentpool:nomination-create", args=[intake.pk])]
    expected = 404 if role == "reviewer_user" else 200  # a reviewer without assignments has no scope at all
    nominate = 403 if role == "supervisor_user" else expected  # a supervisor nominates nobody: refused, no form
    assert [client.get(url).status_code for url in details] == [expected] * (len(details) - 1) + [nominate]
    if role in ("city_user", "county_user", "principal_user", "supervisor_user"):
        assert client.get(nomination.get_absolute_url()).status_code == 200
    else:
        assert client.get(nomination.get_absolute_url()).status_code == 404  # not assigned to this reviewer
