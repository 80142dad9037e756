"""Pool pages: scoped lists with pinned query counts, member actions, training, studios, appointments."""

import datetime as dt

import pytest
from django.urls import reverse

from talentpool.models import Appointment, PoolMember, Studio, TrainingBatch
from tests.factories import StaffFactory
from tests.talentpool.factories import PoolMemberFactory

pytestmark = pytest.mark.django_db


def test_member_list_scoped_and_query_count_pinned(client, world, county_user, django_assert_num_queries):
    for _ in range(12):
        PoolMemberFactory(staff=StaffFactory(school=world.school_a))
    outside = PoolMemberFactory(staff=world.staff_b)
    client.force_login(county_user)
    with django_assert_num_queries(8):
        response = client.get(reverse("talentpool:member-list"))
    assert len(response.context["object_list"]) == 12 and outside not in response.context["object_list"]
    assert client.get(outside.get_absolute_url()).status_code == 404


def test_member_detail_actions(client, world, county_user):
    member = PoolMemberFactory(staff=world.staff_a, tier="county")
    client.force_login(county_user)
    assert client.get(member.get_absolute_url()).status_code == 200
    client.post(reverse("talentpool:member-tier", args=[member.pk]), {"to_tier": "city", "moved_on": "2025-09-01", "reason": "优秀"})
    response = client.post(reverse("talentpool:member-tier", args=[member.pk]), {"to_tier": "city", "moved_on": "2025-09-02"}, follow=True)
    assert "已在该层级" in response.content.decode()
    client.post(reverse("talentpool:member-summary", args=[member.pk]), {"year": 2025, "content": "阶段总结"})
    client.post(reverse("talentpool:member-annual-review", args=[member.pk]), {"year": 2025, "grade": "good"})
    response = client.post(reverse("talentpool:member-final-evaluation", args=[member.pk]), {
        "ethics": "excellent", "management_innovation": "excellent", "leadership": "good", "school_practice": "good",
        "overall": "good", "award_recommended": "on", "evaluated_on": "2027-07-01"}, follow=True)
    assert "综合评定为优秀" in response.content.decode()
    client.post(reverse("talentpool:member-mentor", args=[member.pk]),
                {"mentor": StaffFactory(school=world.school_a).pk, "start": "2025-09-01"})
    member.refresh_from_db()
    assert member.tier == "city" and member.tier_moves.count() == 1 and member.summaries.count() == 1
    assert member.annual_reviews.get().grade == "good" and member.mentors.count() == 1
    assert not hasattr(member, "final_evaluation") or member.final_evaluation is None
    page = client.get(member.get_absolute_url()).content.decode()
    assert "阶段总结" in page and "county_a" in page
    client.post(reverse("talentpool:member-status", args=[member.pk]), {"status": "withdrawn", "reason": "调离"})
    assert PoolMember.objects.get(pk=member.pk).status == "withdrawn"


def test_principal_submits_summary_for_own_member_only(client, world, principal_user):
    own = PoolMemberFactory(staff=world.staff_a)
    other = PoolMemberFactory(staff=world.staff_b)
    client.force_login(principal_user)
    client.post(reverse("talentpool:member-summary", args=[own.pk]), {"year": 2025, "content": "总结"})
    assert own.summaries.count() == 1
    assert client.post(reverse("talentpool:member-summary", args=[other.pk]), {"year": 2025, "content": "x"}).status_code == 404
    assert client.post(reverse("talentpool:member-tier", args=[own.pk]), {"to_tier": "city", "moved_on": "2025-09-01"}).status_code == 403


def test_training_pages(client, world, city_user, county_user, django_assert_num_queries):
    client.force_login(city_user)
    client.post(reverse("talentpool:training-create"), {"name": "第一批影子培训", "kind": "shadow", "region": world.city.pk,
                                                       "base_school": world.school_a.pk, "start": "2024-05-06", "end": "2024-05-10", "hours": "40"})
    batch = TrainingBatch.objects.get()
    member = PoolMemberFactory(staff=world.staff_a)
    client.post(reverse("talentpool:training-attendance", args=[batch.pk]), {"member": member.pk, "attended": "on", "hours": "32"})
    assert batch.attendance.get().hours == 32
    for n in range(8):
        TrainingBatch.objects.create(name=f"批次{n}", region=world.city, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 2), hours=8)
    with django_assert_num_queries(7):
        assert client.get(reverse("talentpool:training-list")).status_code == 200
    client.force_login(county_user)
    assert client.get(batch.get_absolute_url()).status_code == 200  # the city's batch is visible to its counties
    response = client.post(reverse("talentpool:training-attendance", args=[batch.pk]), {"member": member.pk, "hours": "8"})
    assert response.status_code == 403


def test_studio_pages(client, world, county_user, django_assert_num_queries):
    client.force_login(county_user)
    client.post(reverse("talentpool:studio-create"), {"name": "名校长工作室", "kind": "principal", "host": world.staff_a.pk,
                                                     "school": world.school_a.pk, "founded": "2023-03-01"})
    studio = Studio.objects.get()
    client.post(reverse("talentpool:studio-member", args=[studio.pk]), {"staff": StaffFactory(school=world.school_a).pk, "joined": "2023-04-01"})
    assert studio.memberships.count() == 1
    other = Studio.objects.create(name="嘉鱼名师工作室", kind="teacher", host=world.staff_b, school=world.school_b, founded=dt.date(2023, 1, 1))
    with django_assert_num_queries(7):
        body = client.get(reverse("talentpool:studio-list")).content.decode()
    assert "名校长工作室" in body and other.name not in body


def test_appointment_pages_warn_and_report(client, world, county_user, django_assert_num_queries):
    PoolMemberFactory(staff=world.staff_a, pool_type="principal_reserve")
    outsider = StaffFactory(school=world.school_a)
    client.force_login(county_user)
    client.post(reverse("talentpool:appointment-create"), {"staff": world.staff_a.pk, "to_post": "principal",
                                                          "school": world.school_a.pk, "appointed_on": "2025-08-01"})
    response = client.post(reverse("talentpool:appointment-create"), {"staff": outsider.pk, "to_post": "principal",
                                                                     "school": world.school_a.pk, "appointed_on": "2025-08-01"}, follow=True)
    assert "不是从校长后备人才库中产生" in response.content.decode()
    assert Appointment.objects.filter(outside_pool_warning=True).get().staff == outsider
    Appointment.objects.create(staff=world.staff_b, to_post="principal", school=world.school_b, appointed_on=dt.date(2025, 8, 1),
                               recorded_by=county_user)
    with django_assert_num_queries(8):
        response = client.get(reverse("talentpool:appointment-list"))
    assert response.context["report"] == {2025: {"principal": 1, "vice_principal": 0, "middle_cadre": 0}}
    assert len(response.context["object_list"]) == 2
