"""A program's level is its pool's tier: it must match the level of the region that owns it (found creating a
市级 program owned by a county on a new city's empty system, accepted), and the training and intake pages name
a date order in Chinese, not the database constraint."""

import pytest
from django.urls import reverse

from talentpool.models import Program

pytestmark = pytest.mark.django_db


def _program(region, level):
    return {"name": "校长后备人才库", "level": level, "region": region.pk, "start_year": 2026, "years": 3,
            "notice_working_days": 5, "review_interval_years": 3, "description": ""}


def test_a_city_level_program_owned_by_a_county_is_refused(client, world, city_user):
    client.force_login(city_user)
    response = client.post(reverse("talentpool:program-create"), _program(world.county_a, "city"))
    assert response.status_code == 200 and "level" in response.context["form"].errors
    response = client.post(reverse("talentpool:program-create"), _program(world.city, "county"))
    assert response.status_code == 200 and "level" in response.context["form"].errors
    assert not Program.objects.exists()
    assert client.post(reverse("talentpool:program-create"), _program(world.county_a, "county")).status_code == 302
    assert client.post(reverse("talentpool:program-create"), _program(world.city, "city")).status_code == 302


def test_a_training_batch_ending_before_it_starts_is_named_in_chinese(client, world, city_user):
    from django.utils import translation

    client.force_login(city_user)
    with translation.override("zh-hans"):
        response = client.post(reverse("talentpool:training-create"), {
            "name": "影子培训", "kind": "shadow", "region": world.city.pk, "base_school": world.school_a.pk,
            "start": "2026-10-01", "end": "2026-09-01", "planned_hours": 40}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200 and "training_end_after_start" not in page and "结束日期不能早于开始日期" in page
