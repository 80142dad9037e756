"""Alliances pages and API: scope (one in, one out), query counts pinned, refusals shown, drill-down, downloads."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from alliances import rules, services
from alliances.models import Activity, ActivityAttachment, Compliance, Group, GroupType, ItinerantSlot
from org.models import School, Staff
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def groups(world):
    """One tight group in county A (inside county A's scope), one in county B (outside)."""
    inside = GroupFactory(name="咸安实验集团", region=world.county_a, lead_school=world.school_a)
    MembershipFactory(group=inside, school=SchoolFactory(region=world.county_a, stage="junior", name="咸安成员校"))
    outside = GroupFactory(name="嘉鱼集团", region=world.county_b, lead_school=world.school_b)
    MembershipFactory(group=outside, school=SchoolFactory(region=world.county_b))
    return inside, outside


@pytest.fixture
def api(county_user):
    client = APIClient()
    client.force_authenticate(county_user)
    return client


def test_group_list_shows_visible_groups_only_with_pinned_queries(client, county_user, groups, world, django_assert_num_queries):
    for _n in range(3):
        group = GroupFactory(region=world.county_a, lead_school=SchoolFactory(region=world.county_a))
        MembershipFactory(group=group)
    client.force_login(county_user)
    client.get(reverse("alliances:group-list"))  # warm the session and scope
    with django_assert_num_queries(8):  # whatever the number of rows; one of them counts the term's activities
        response = client.get(reverse("alliances:group-list"))
    names = [group.name for group in response.context["object_list"]]
    assert "咸安实验集团" in names and "嘉鱼集团" not in names and len(names) == 4


def test_other_countys_group_answers_404(client, county_user, groups):
    client.force_login(county_user)
    assert client.get(groups[0].get_absolute_url()).status_code == 200
    assert client.get(groups[1].get_absolute_url()).status_code == 404


def test_principal_sees_the_groups_of_own_school_only(client, principal_user, groups):
    client.force_login(principal_user)
    assert client.get(groups[0].get_absolute_url()).status_code == 200
    assert client.get(groups[1].get_absolute_url()).status_code == 404


def test_create_page_founds_a_group_and_refusals_are_shown(client, county_user, world):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    client.force_login(county_user)
    data = {"name": "咸安一集团", "type": "tight", "region": world.county_a.pk, "lead_school": world.school_a.pk,
            "members": [member.pk], "founded_on": "2026-09-01"}
    response = client.post(reverse("alliances:group-create"), data)
    group = Group.objects.get(name="咸安一集团")
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    data.update(name="咸安二集团", lead_school=SchoolFactory(region=world.county_a).pk)
    response = client.post(reverse("alliances:group-create"), data)
    assert response.status_code == 200 and "咸安二小已属于紧密型教育集团咸安一集团" in response.content.decode()
    assert not Group.objects.filter(name="咸安二集团").exists()


def test_detail_shows_gaps_and_drill_down_lists_the_assignments(client, county_user, groups, world):
    group = groups[0]
    member = group.memberships.get(role="member").school
    rows = [AssignmentFactory(staff=StaffFactory(school=world.school_a, honour_level=Staff.Honour.CITY), to_school=member,
                              start=dt.date(2026, 8, 25)) for _ in range(4)]
    services.compliance_compute(term=rules.Term(2026, "autumn"), group_ids=[group.pk])
    client.force_login(county_user)
    response = client.get(group.get_absolute_url() + "?term=2026-autumn")
    assert "咸安成员校：初中骨干教师派出 4 人，少于 6 人" in response.content.decode()
    item = Compliance.objects.get(group=group).items.get(kind=rules.KEY_TEACHERS_JUNIOR)
    response = client.get(reverse("alliances:compliance-item", args=[item.pk]))
    assert {a.pk for a in response.context["assignments"]} == {r.pk for r in rows}
    other = Compliance.objects.create(group=groups[1], term="2026-autumn", computed_on=dt.date.today(), computed_at="2026-09-02T00:00Z",
                                      met=True, gap_count=0)
    hidden = other.items.create(kind=rules.MANAGEMENT_TEAM, met=True, count=0, needed=3)
    assert client.get(reverse("alliances:compliance-item", args=[hidden.pk])).status_code == 404


def test_band_recorded_on_the_drill_down_page(client, county_user, groups, world):
    member = groups[0].memberships.get(role="member").school
    row = AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=member)
    client.force_login(county_user)
    response = client.post(reverse("alliances:dispatch-detail", args=[row.pk]), {"band": "upper", "subject": "英语"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.alliance_detail.band, row.alliance_detail.subject) == ("upper", "英语")


def _township(world, county_user):
    central = SchoolFactory(region=world.county_a, location=School.Location.TOWN, name="中心小学", enrolment=800)
    small_1 = SchoolFactory(region=world.county_a, location=School.Location.RURAL, name="一村小", enrolment=40)
    small_2 = SchoolFactory(region=world.county_a, location=School.Location.RURAL, name="二村小", enrolment=50)
    group = services.group_create(actor=county_user, name="乡镇联盟", type=GroupType.TOWNSHIP, region=world.county_a,
                                  lead_school=central, members=[small_1, small_2], founded_on=dt.date(2026, 9, 1))
    return group, central, small_1, small_2


def test_zoujiao_double_booking_is_refused_and_coverage_shows_uncovered(client, county_user, world):
    group, central, small_1, small_2 = _township(world, county_user)
    teacher = StaffFactory(school=central, subject="音乐", name="赵老师")
    services.course_need_save(actor=county_user, group=group, school=small_1, subject="音乐")
    services.course_need_save(actor=county_user, group=group, school=small_1, subject="美术")
    client.force_login(county_user)
    slot = {"school": small_1.pk, "staff": teacher.pk, "subject": "音乐", "weekday": 2, "starts_at": "09:00",
            "ends_at": "09:40", "valid_from": "2026-09-01"}
    assert client.post(reverse("alliances:itinerant", args=[group.pk]), slot).status_code == 302
    clash = {**slot, "school": small_2.pk, "starts_at": "09:30", "ends_at": "10:10"}
    response = client.post(reverse("alliances:itinerant", args=[group.pk]), clash)
    assert "赵老师在星期二 09:00-09:40已在一村小上课" in response.content.decode()
    assert ItinerantSlot.objects.count() == 1
    later = {**clash, "starts_at": "09:40", "ends_at": "10:20"}  # back to back is fine
    assert client.post(reverse("alliances:itinerant", args=[group.pk]), later).status_code == 302
    other_day = {**clash, "weekday": 3}
    assert client.post(reverse("alliances:itinerant", args=[group.pk]), other_day).status_code == 302
    response = client.get(reverse("alliances:itinerant", args=[group.pk]))
    first = next(row for row in response.context["coverage"] if row.school == small_1)
    assert first.uncovered == ["美术"]


def test_double_booking_over_disjoint_dates_is_allowed(world, county_user):
    group, central, small_1, small_2 = _township(world, county_user)
    teacher = StaffFactory(school=central)
    common = {"actor": county_user, "group": group, "staff": teacher, "subject": "体育", "weekday": 1,
              "starts_at": dt.time(8), "ends_at": dt.time(9)}
    services.slot_create(school=small_1, valid_from=dt.date(2026, 9, 1), valid_to=dt.date(2026, 12, 31), **common)
    services.slot_create(school=small_2, valid_from=dt.date(2027, 1, 1), **common)
    with pytest.raises(Exception) as error:
        services.slot_create(school=small_2, valid_from=dt.date(2026, 12, 31), **common)
    assert "不能同时" in " ".join(error.value.messages)


def test_activity_with_attachment_is_served_by_the_scoped_view_only(client, county_user, groups, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = groups[0]
    client.force_login(county_user)
    data = {"kind": "joint_research", "held_on": "2026-10-10", "title": "数学联合教研", "summary": "同课异构",
            "schools": [world.school_a.pk], "participants": [world.staff_a.pk],
            "attachment": SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")}
    response = client.post(reverse("alliances:activity-create", args=[group.pk]), data)
    activity = Activity.objects.get(title="数学联合教研")
    assert response.status_code == 302 and list(activity.participants.all()) == [world.staff_a]
    attachment = activity.attachments.get()
    assert "private" in attachment.file.path and attachment.size == len(PDF)
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(_other_county_clerk(world))
    assert client.get(attachment.get_absolute_url()).status_code == 404


def _other_county_clerk(world):
    from tests.conftest import _user_with_role

    return _user_with_role("county_b", "county_staff", region=world.county_b)


@pytest.mark.parametrize("name, content, message", [
    ("纪要.exe", b"MZ....", "不是可接受的文件"),
    ("纪要.pdf", b"<html>", "的内容与其类型"),
])
def test_attachment_type_is_checked(client, county_user, groups, world, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(county_user)
    data = {"kind": "forum", "held_on": "2026-10-10", "title": "论坛", "schools": [world.school_a.pk],
            "attachment": SimpleUploadedFile(name, content)}
    response = client.post(reverse("alliances:activity-create", args=[groups[0].pk]), data)
    assert message in response.content.decode() and not Activity.objects.exists()


def test_attachment_size_is_limited(county_user, groups, world, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 10  # one limit for every attachment (org.attachments)
    with pytest.raises(Exception) as error:
        services.activity_create(actor=county_user, group=groups[0], kind="forum", held_on=dt.date(2026, 10, 1), title="t",
                                 files=[SimpleUploadedFile("a.pdf", PDF)])
    assert "附件最大" in " ".join(error.value.messages)
    assert not ActivityAttachment.objects.exists()


def test_coverage_page_counts_lead_and_member_schools(client, city_user, groups):
    client.force_login(city_user)
    response = client.get(reverse("alliances:coverage"))
    totals = response.context["totals"]
    assert (totals["lead"], totals["member"]) == (2, 2)
    assert {g.name for g in response.context["idle"]} == {"咸安实验集团", "嘉鱼集团"}


def test_exports_are_scoped(client, county_user, groups):
    import io

    from openpyxl import load_workbook

    client.force_login(county_user)
    response = client.get(reverse("alliances:export", args=["groups"]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[0] for row in book["集团"].iter_rows(min_row=2, values_only=True)]
    assert names == ["咸安实验集团"]
    for kind in ("requirements", "activities", "compliance"):
        assert client.get(reverse("alliances:export", args=[kind])).status_code == 200


def test_api_group_list_is_scoped_with_pinned_queries(api, groups, world, django_assert_num_queries):
    for n in range(3):
        MembershipFactory(group=GroupFactory(name=f"集团{n}", region=world.county_a, lead_school=SchoolFactory(region=world.county_a)))
    api.get("/api/v1/alliances/groups/")
    with django_assert_num_queries(2):  # count, page (scope cached on the user)
        response = api.get("/api/v1/alliances/groups/")
    names = [row["name"] for row in response.json()["results"]]
    assert "咸安实验集团" in names and "嘉鱼集团" not in names and len(names) == 4
    assert api.get(f"/api/v1/alliances/groups/{groups[1].pk}/").status_code == 404


def test_api_creates_a_group_and_answers_refusals_in_chinese(api, world):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    body = {"name": "API集团", "type": "tight", "region": world.county_a.pk, "lead_school": world.school_a.pk,
            "members": [member.pk], "founded_on": "2026-09-01"}
    assert api.post("/api/v1/alliances/groups/", body, format="json").status_code == 201
    body.update(name="API二集团", lead_school=SchoolFactory(region=world.county_a).pk)
    response = api.post("/api/v1/alliances/groups/", body, format="json")
    assert response.status_code == 400 and "咸安二小已属于紧密型教育集团API集团" in response.content.decode()
    body.update(members=[world.school_b.pk])
    assert api.post("/api/v1/alliances/groups/", body, format="json").status_code == 400


def test_api_requirement_override_for_own_region_only(api, world):
    body = {"group_type": "tight", "kind": "key_teachers_junior", "region": world.county_a.pk, "minimum": 5}
    response = api.post("/api/v1/alliances/requirements/", body, format="json")
    assert response.status_code == 201 and response.json()["minimum"] == 5
    body.update(region=world.county_b.pk)
    assert api.post("/api/v1/alliances/requirements/", body, format="json").status_code == 400
    body.update(region=None)
    assert api.post("/api/v1/alliances/requirements/", body, format="json").status_code == 403


def test_api_compliance_and_slots_are_scoped(api, groups, world, county_user):
    services.compliance_compute(term=rules.Term(2026, "autumn"), group_ids=[g.pk for g in groups])
    rows = api.get("/api/v1/alliances/compliance/").json()["results"]
    assert {row["group"] for row in rows} == {groups[0].pk}
    assert api.get("/api/v1/alliances/coverage/").status_code == 200
    schema = api.get("/api/v1/schema/").content.decode()
    assert "/api/v1/alliances/groups/" in schema and "/api/v1/alliances/itinerant-slots/" in schema


def test_group_list_counts_this_terms_activities(client, county_user, groups, world):
    Activity.objects.create(group=groups[0], kind="forum", held_on=dt.date(2026, 10, 1), title="论坛")
    Activity.objects.create(group=groups[0], kind="forum", held_on=dt.date(2026, 3, 1), title="上学期论坛")
    client.force_login(county_user)
    response = client.get(reverse("alliances:group-list") + "?term=2026-autumn")
    assert [g.term_activities for g in response.context["object_list"]] == [1]


def test_api_dispatch_detail_sets_the_band_of_a_visible_row_only(api, groups, world):
    member = groups[0].memberships.get(role="member").school
    row = AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=member)
    response = api.post("/api/v1/alliances/dispatch-details/", {"assignment": row.pk, "band": "upper", "subject": "英语"},
                        format="json")
    assert response.status_code == 201 and row.__class__.objects.get(pk=row.pk).alliance_detail.band == "upper"
    outside = AssignmentFactory(staff=world.staff_b, to_school=SchoolFactory(region=world.county_b))
    response = api.post("/api/v1/alliances/dispatch-details/", {"assignment": outside.pk, "band": "upper"}, format="json")
    assert response.status_code == 400 and not hasattr(outside, "alliance_detail")


def test_admin_lists_groups_read_only(client, groups):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/alliances/group/").status_code == 200
    assert client.get("/admin/alliances/group/add/").status_code == 403


def test_member_leaves_through_the_page_and_refusals_come_back_as_messages(client, county_user, groups, world):
    group = groups[0]
    extra = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a))
    client.force_login(county_user)
    response = client.post(reverse("alliances:member-end", args=[extra.pk]), {"left_on": "2027-01-31"})
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    extra.refresh_from_db()
    assert extra.left_on == dt.date(2027, 1, 31)
    last = group.memberships.get(role="member", left_on__isnull=True)
    response = client.post(reverse("alliances:member-end", args=[last.pk]), {"left_on": "2027-01-31"}, follow=True)
    assert "至少有两所学校" in response.content.decode()
    last.refresh_from_db()
    assert last.left_on is None
    outside = groups[1].memberships.get(role="member")
    assert client.post(reverse("alliances:member-end", args=[outside.pk]), {"left_on": "2027-01-31"}).status_code == 404
