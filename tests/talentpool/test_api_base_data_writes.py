"""Programs, tracks, eligibility rules, intakes, training batches and studios are created and changed
through the API as on their pages (issue 9, item 10): the same services, scoped choices, one error shape."""

import pytest

from talentpool.models import EligibilityRule, Intake, Program, Studio, Track, TrainingBatch

pytestmark = pytest.mark.django_db
BASE = "/api/v1/talentpool/"


def test_the_city_bureau_builds_a_program_down_to_an_intake(client, world, city_user):
    client.force_login(city_user)
    program = client.post(f"{BASE}programs/", {"name": "名师培养计划", "level": "city", "region": world.city.pk,
                                               "start_year": 2026, "years": 3, "notice_working_days": 5,
                                               "review_interval_years": 3}).json()
    assert Program.objects.get(pk=program["id"]).region == world.city
    track = client.post(f"{BASE}tracks/", {"program": program["id"], "name": "名师培养对象", "pool_type": "head_teacher",
                                           "annual_quota": 20}).json()
    assert Track.objects.get(pk=track["id"]).program_id == program["id"]
    rule = client.post(f"{BASE}eligibility-rules/", {"track": track["id"], "kind": "max_age", "number": 50}).json()
    assert client.patch(f"{BASE}eligibility-rules/{rule['id']}/", {"number": 45}, content_type="application/json").json()["number"] == 45
    too_many = client.post(f"{BASE}intakes/", {"track": track["id"], "year": 2026, "opens": "2026-03-01", "closes": "2026-03-31",
                                               "quota": 21})
    assert too_many.status_code == 400 and set(too_many.json()) >= {"detail"} and not Intake.objects.exists()
    intake = client.post(f"{BASE}intakes/", {"track": track["id"], "year": 2026, "opens": "2026-03-01", "closes": "2026-03-31",
                                             "quota": 20})
    assert intake.status_code == 201 and intake.json()["remaining"] == 20
    assert client.delete(f"{BASE}eligibility-rules/{rule['id']}/").status_code == 204
    assert not EligibilityRule.objects.exists()


def test_a_county_may_not_create_in_the_citys_program_nor_see_another_countys(client, world, county_user, city_user):
    program = Program.objects.create(name="市计划", level="city", region=world.city, start_year=2026, years=3)
    client.force_login(county_user)
    refused = client.post(f"{BASE}tracks/", {"program": program.pk, "name": "x", "pool_type": "head_teacher", "annual_quota": 1})
    assert refused.status_code == 403 and set(refused.json()) == {"detail"} and not Track.objects.exists()
    refused = client.patch(f"{BASE}programs/{program.pk}/", {"name": "改名"}, content_type="application/json")
    assert refused.status_code == 403 and Program.objects.get(pk=program.pk).name == "市计划"
    theirs = client.post(f"{BASE}programs/", {"name": "嘉鱼县计划", "level": "county", "region": world.county_b.pk,
                                              "start_year": 2026, "years": 3})
    assert theirs.status_code == 400 and "region" in theirs.json() and not Program.objects.filter(region=world.county_b).exists()


def test_training_batches_and_studios_are_created_through_their_services(client, world, city_user, county_user):
    client.force_login(city_user)
    batch = client.post(f"{BASE}training-batches/", {"name": "影子培训", "kind": "shadow", "region": world.city.pk,
                                                     "base_school": world.school_a.pk, "start": "2024-05-06",
                                                     "end": "2024-05-10", "hours": "40"})
    assert batch.status_code == 201 and TrainingBatch.objects.get().hours == 40
    client.force_login(county_user)
    studio = client.post(f"{BASE}studios/", {"name": "名校长工作室", "kind": "principal", "host": world.staff_a.pk,
                                             "school": world.school_a.pk, "founded": "2023-03-01"})
    assert studio.status_code == 201 and Studio.objects.get().school == world.school_a
    outside = client.post(f"{BASE}studios/", {"name": "嘉鱼工作室", "kind": "teacher", "host": world.staff_b.pk,
                                              "school": world.school_b.pk, "founded": "2023-03-01"})
    assert outside.status_code == 400 and Studio.objects.count() == 1
