"""The API does everything the pages do (issue 9, item 10): assigning (the reviewers one may assign),
scoring (the form's items; the scores as saved), resubmitting, pool-member status and review,
mentoring, training attendance, studio membership; user accounts shown by name to bureau staff only."""

import datetime as dt
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from talentpool.models import (
    MentoringPair,
    Nomination,
    PoolMember,
    ReviewerAssignment,
    Score,
    Studio,
    StudioMembership,
    TrainingAttendance,
    TrainingBatch,
    Transition,
)
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status
BASE = "/api/v1/talentpool/"


@pytest.fixture
def assessed(world, intake, principal_user):
    return NominationFactory(intake=intake, staff=world.staff_a, nominated_by=principal_user, status=S.ASSESSMENT)


# --- assigning and scoring ------------------------------------------------------------------------------


def test_the_bureau_running_the_program_lists_the_reviewers_it_may_assign(client, assessed, city_user, reviewer_user,
                                                                           other_reviewer):
    ReviewerAssignment.objects.create(nomination=assessed, reviewer=reviewer_user, assigned_by=city_user)
    reviewer_user.last_name, reviewer_user.first_name = "王", "专家"
    reviewer_user.save()
    client.force_login(city_user)
    rows = client.get(f"{BASE}nominations/{assessed.pk}/reviewers/").json()
    assert rows == [
        {"id": reviewer_user.pk, "username": "reviewer", "name": "王专家", "assigned": True},
        {"id": other_reviewer.pk, "username": "reviewer2", "name": "reviewer2", "assigned": False},
    ]


def test_reviewers_are_refused_to_those_who_do_not_run_the_program(client, world, intake, assessed, county_user,
                                                                   principal_user):
    client.force_login(county_user)  # sees the nomination (its county) but does not run the city's program
    refused = client.get(f"{BASE}nominations/{assessed.pk}/reviewers/")
    assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    outside = NominationFactory(intake=intake, staff=world.staff_b, status=S.ASSESSMENT)
    assert client.get(f"{BASE}nominations/{outside.pk}/reviewers/").status_code == 404
    client.force_login(principal_user)
    assert client.get(f"{BASE}nominations/{assessed.pk}/reviewers/").status_code == 403


def test_a_reviewer_reads_the_scoring_form_of_an_assignment(client, assessed, city_user, reviewer_user):
    ReviewerAssignment.objects.create(nomination=assessed, reviewer=reviewer_user, assigned_by=city_user)
    client.force_login(reviewer_user)
    assignment = client.get(f"{BASE}assignments/").json()["results"][0]
    form = assessed.intake.track.scoring_form
    assert assignment["scoring_form"] == form.pk
    body = client.get(f"{BASE}scoring-forms/{form.pk}/").json()
    assert body["name"] == "考察评分表"
    assert [(item["name"], item["weight"], item["max_score"]) for item in body["items"]] == [
        ("政治素养", "40.00", 100), ("办学实绩", "60.00", 50)]


def test_the_scores_post_answers_the_scores_as_saved_and_a_correction_replaces_them(client, assessed, city_user,
                                                                                    reviewer_user):
    assignment = ReviewerAssignment.objects.create(nomination=assessed, reviewer=reviewer_user, assigned_by=city_user)
    first, second = assessed.intake.track.scoring_form.items.values_list("pk", flat=True)
    client.force_login(reviewer_user)
    url = f"{BASE}assignments/{assignment.pk}/scores/"
    body = client.post(url, {"values": {str(first): 80, str(second): 50}}, content_type="application/json").json()
    assert body["scores"] == {str(first): "80.00", str(second): "50.00"} and body["total"] == "92.00"
    body = client.post(url, {"values": {str(first): 70, str(second): 40}, "comment": "复核"},
                       content_type="application/json").json()
    assert body["scores"] == {str(first): "70.00", str(second): "40.00"} and body["comment"] == "复核"
    assert dict(Score.objects.filter(assignment=assignment).values_list("item_id", "value")) == {
        first: Decimal("70.00"), second: Decimal("40.00")}


def test_scores_outside_the_range_are_refused_in_the_one_shape_and_nothing_is_saved(client, assessed, city_user,
                                                                                   reviewer_user):
    assignment = ReviewerAssignment.objects.create(nomination=assessed, reviewer=reviewer_user, assigned_by=city_user)
    first, second = assessed.intake.track.scoring_form.items.values_list("pk", flat=True)
    client.force_login(reviewer_user)
    refused = client.post(f"{BASE}assignments/{assignment.pk}/scores/", {"values": {str(first): 80, str(second): 51}},
                          content_type="application/json")
    assert refused.status_code == 400 and set(refused.json()) == {"detail"}
    assert not Score.objects.exists()


# --- resubmitting -----------------------------------------------------------------------------------------


def test_the_school_resubmits_a_returned_nomination(client, world, intake, principal_user, county_user):
    returned = NominationFactory(intake=intake, staff=world.staff_a, status=S.RETURNED)
    client.force_login(principal_user)
    body = client.post(f"{BASE}nominations/{returned.pk}/resubmit/", {"reasons": "补充了实绩", "comment": "已修改"}).json()
    assert body["status"] == "submitted"
    returned.refresh_from_db()
    assert (returned.status, returned.reasons) == (S.SUBMITTED, "补充了实绩")
    assert Transition.objects.filter(nomination=returned, to_status=S.SUBMITTED, comment="已修改").exists()
    refused = client.post(f"{BASE}nominations/{returned.pk}/resubmit/", {})
    assert refused.status_code == 400 and "reasons" in refused.json()
    other = NominationFactory(intake=intake, staff=world.staff_b, status=S.RETURNED)
    assert client.post(f"{BASE}nominations/{other.pk}/resubmit/", {"reasons": "x"}).status_code == 404


# --- the pool: status, review, mentoring, training, studios ------------------------------------------------


def test_bureau_staff_end_a_membership_early(client, world, county_user, principal_user):
    member = PoolMemberFactory(staff=world.staff_a)
    client.force_login(principal_user)
    assert client.post(f"{BASE}members/{member.pk}/status/", {"status": "withdrawn", "reason": "本人申请"}).status_code == 403
    client.force_login(county_user)
    refused = client.post(f"{BASE}members/{member.pk}/status/", {"status": "active", "reason": "x"})
    assert refused.status_code == 400 and "status" in refused.json()
    body = client.post(f"{BASE}members/{member.pk}/status/", {"status": "withdrawn", "reason": "本人申请"}).json()
    assert body["status"] == "withdrawn" and PoolMember.objects.get(pk=member.pk).status == "withdrawn"
    outside = PoolMemberFactory(staff=world.staff_b)
    assert client.post(f"{BASE}members/{outside.pk}/status/", {"status": "withdrawn", "reason": "x"}).status_code == 404


def test_the_periodic_review_keeps_a_member_or_lets_the_membership_expire(client, world, county_user):
    kept, ended = PoolMemberFactory(staff=world.staff_a), PoolMemberFactory(staff=StaffFactory(school=world.school_a))
    client.force_login(county_user)
    client.post(f"{BASE}members/{kept.pk}/review/", {"reviewed_on": "2027-09-01", "keep": True})
    client.post(f"{BASE}members/{ended.pk}/review/", {"reviewed_on": "2027-09-01", "keep": False, "reason": "考核不合格"})
    kept.refresh_from_db()
    ended.refresh_from_db()
    assert kept.status == "active" and kept.review_due > dt.date(2027, 9, 1)
    assert ended.status == "expired"


def test_bureau_staff_pair_a_member_with_a_mentor_in_their_scope(client, world, county_user):
    member = PoolMemberFactory(staff=world.staff_a)
    mentor = StaffFactory(school=world.school_a)
    client.force_login(county_user)
    refused = client.post(f"{BASE}members/{member.pk}/mentor/", {"mentor": world.staff_b.pk, "start": "2025-09-01"})
    assert refused.status_code == 400 and "mentor" in refused.json() and not MentoringPair.objects.exists()
    created = client.post(f"{BASE}members/{member.pk}/mentor/", {"mentor": mentor.pk, "start": "2025-09-01", "goals": "带教"})
    assert created.status_code == 201 and created.json()["mentor"] == mentor.pk
    assert MentoringPair.objects.get().mentee == member


def test_the_running_bureau_records_training_attendance(client, world, city_user, county_user):
    batch = TrainingBatch.objects.create(name="影子培训", region=world.city, start=dt.date(2024, 5, 6),
                                         end=dt.date(2024, 5, 10), hours=40)
    member = PoolMemberFactory(staff=world.staff_a)
    client.force_login(county_user)
    assert client.post(f"{BASE}training-batches/{batch.pk}/attendance/", {"member": member.pk, "hours": "8"}).status_code == 403
    client.force_login(city_user)
    refused = client.post(f"{BASE}training-batches/{batch.pk}/attendance/", {"member": member.pk, "hours": "41"})
    assert refused.status_code == 400 and "40" in str(refused.json()) and not TrainingAttendance.objects.exists()
    created = client.post(f"{BASE}training-batches/{batch.pk}/attendance/", {"member": member.pk, "hours": "32"})
    assert created.status_code == 201
    assert TrainingAttendance.objects.get(batch=batch, member=member).hours == Decimal("32")


def test_bureau_staff_add_a_studio_member_from_their_scope(client, world, county_user):
    studio = Studio.objects.create(name="名校长工作室", kind="principal", host=world.staff_a, school=world.school_a,
                                   founded=dt.date(2023, 3, 1))
    joining = StaffFactory(school=world.school_a)
    client.force_login(county_user)
    refused = client.post(f"{BASE}studios/{studio.pk}/members/", {"staff": world.staff_b.pk, "joined": "2023-04-01"})
    assert refused.status_code == 400 and "staff" in refused.json() and not StudioMembership.objects.exists()
    assert client.post(f"{BASE}studios/{studio.pk}/members/", {"staff": joining.pk, "joined": "2023-04-01"}).status_code == 201
    assert list(studio.memberships.values_list("staff_id", flat=True)) == [joining.pk]


# --- user accounts by name; the schema ---------------------------------------------------------------------


def test_user_fields_come_with_a_name_for_bureau_staff_and_null_for_others(client, world, intake, county_user,
                                                                           principal_user):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, nominated_by=principal_user)
    county_user.last_name, county_user.first_name = "李", "科长"
    county_user.save()
    Transition.objects.create(nomination=nomination, from_status=S.SUBMITTED, to_status=S.ASSESSMENT, actor=county_user)
    client.force_login(county_user)
    row = client.get(f"{BASE}transitions/").json()["results"][0]
    assert (row["actor"], row["actor_name"]) == (county_user.pk, "李科长")
    assert client.get(f"{BASE}nominations/{nomination.pk}/").json()["nominated_by_name"] == "principal_a"
    client.force_login(principal_user)
    row = client.get(f"{BASE}transitions/").json()["results"][0]
    assert (row["actor"], row["actor_name"]) == (None, None)
    assert client.get(f"{BASE}nominations/{nomination.pk}/").json()["nominated_by_name"] is None


def test_the_schema_documents_every_new_action_with_the_error_shape():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, method in [
        ("nominations/{id}/reviewers/", "get"), ("nominations/{id}/resubmit/", "post"), ("scoring-forms/{id}/", "get"),
        ("members/{id}/status/", "post"), ("members/{id}/review/", "post"), ("members/{id}/mentor/", "post"),
        ("training-batches/{id}/attendance/", "post"), ("studios/{id}/members/", "post"),
        ("assignments/{id}/scores/", "post"), ("programs/", "post"), ("tracks/{id}/", "patch"),
        ("eligibility-rules/{id}/", "delete"), ("intakes/", "post"), ("training-batches/", "post"), ("studios/", "post"),
        ("/api/v1/rotation/policies/", "post"),
        ("/api/v1/rotation/plans/{id}/recompute/", "post"), ("/api/v1/schools/{id}/", "patch"), ("/api/v1/staff/{id}/", "patch"),
    ]:
        operation = schema["paths"][path if path.startswith("/") else f"{BASE}{path}"][method]
        assert operation["responses"]["403"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorResponse"}, path
    assert schema["components"]["schemas"]["Transition"]["properties"]["actor_name"]["type"] == "string"
