"""The award fund allocation, the senior-title post ratios and the evaluation policy pages (issue 13 item 5,
BoundPolicy editing): services, pages, exports read back, API twins, scope (one in, one out), query pins."""

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation.models import (
    BoundPolicy,
    Cycle,
    FundAllocation,
    FundPolicy,
    Subject,
    TitleRatioFigure,
    TitleRatioPolicy,
)
from evaluation.services_figures import title_ratio_figures_compute
from evaluation.services_incentives import fund_allocate, region_policy_save
from org.models import School, Staff, UserRole
from org.ratings import Rating
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.conftest import _user_with_role
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

FUND = 300_000_001  # 3,000,000.01 yuan


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def county_b_user(world):
    return _user_with_role("county_b", UserRole.Role.COUNTY_STAFF, region=world.county_b)


@pytest.fixture
def funded(world, city_user, cycle, school_a2):
    """County A, year 2026, a closed year-end cycle: 咸安实验小学 优秀 (composite 88.5 as the bound rules stored it),
    咸安二小 优秀 (total 75 of 100, leads no group), a member school 咸安三小 合格; 赵老师 (优秀) at the member school
    from 28 August (September to December: 4 months), 孙老师 (合格) at a rural school all year (12 months),
    周老师 rotated but not rated (no share), 吴老师 rated but rotated to an urban non-member school (no share)."""
    lead, member = world.school_a, SchoolFactory(code="A003", name="咸安三小", region=world.county_a)
    rural = SchoolFactory(code="A009", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)
    city_school = SchoolFactory(code="A010", name="咸安城区小学", region=world.county_a, location=School.Location.URBAN)
    MembershipFactory(group=GroupFactory(region=world.county_a, lead_school=lead), school=member)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    Subject.objects.create(cycle=cycle, school=lead, total=D(92), final_rating=Rating.EXCELLENT,
                           result={"composite": [{"group": "g", "total": "88.50", "parts": {}}]})
    Subject.objects.create(cycle=cycle, school=school_a2, total=D(75), final_rating=Rating.EXCELLENT)
    Subject.objects.create(cycle=cycle, school=member, total=D(80), final_rating=Rating.QUALIFIED)
    people = {name: StaffFactory(name=name, school=lead) for name in ("赵老师", "孙老师", "周老师", "吴老师")}
    AssignmentFactory(staff=people["赵老师"], to_school=member, arrived_on=dt.date(2026, 8, 28), start=dt.date(2026, 8, 28),
                      state="in_place")
    AssignmentFactory(staff=people["孙老师"], to_school=rural, arrived_on=dt.date(2025, 8, 25), start=dt.date(2025, 8, 25),
                      planned_end=dt.date(2027, 8, 24), state="in_place")
    AssignmentFactory(staff=people["周老师"], to_school=rural, arrived_on=dt.date(2026, 8, 28), state="in_place")
    AssignmentFactory(staff=people["吴老师"], to_school=city_school, arrived_on=dt.date(2026, 8, 28), state="in_place")
    for name, rating in (("赵老师", Rating.EXCELLENT), ("孙老师", Rating.QUALIFIED), ("吴老师", Rating.EXCELLENT)):
        Subject.objects.create(cycle=cycle, school=lead, staff=people[name], post=Staff.Post.TEACHER, final_rating=rating)
    FundPolicy.objects.create(region=world.county_a, fund_fen=FUND, staff_percent=D(60))
    return people


def test_the_fund_is_allocated_to_the_fen_with_its_basis(world, county_user, funded):
    allocation = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    shares = {(s.staff.name if s.staff_id else s.school.name): s for s in allocation.shares.select_related("school", "staff")}
    assert set(shares) == {"咸安实验小学", "咸安二小", "赵老师", "孙老师"}
    assert sum(s.amount_fen for s in shares.values()) + allocation.unallocated_fen == FUND
    assert allocation.unallocated_fen == 0
    assert allocation.staff_pool_fen == 180_000_001 and allocation.school_pool_fen == 120_000_000
    # staff: 赵 2 × 4 = 8, 孙 1 × 12 = 12 -> 8/20 and 12/20 of 180000001
    assert (shares["赵老师"].weight, shares["孙老师"].weight) == (8, 12)
    assert shares["赵老师"].amount_fen + shares["孙老师"].amount_fen == 180_000_001
    assert shares["赵老师"].basis == {"rating": "excellent", "rating_weight": 2, "months": 4}
    assert shares["赵老师"].school == world.school_a  # the sending school
    # schools: composite 88.50 and total 75 % -> weights 8850 and 7500
    assert shares["咸安实验小学"].basis["composite"] == "88.50" and shares["咸安二小"].basis["composite"] == "75.00"
    assert shares["咸安实验小学"].amount_fen + shares["咸安二小"].amount_fen == 120_000_000
    assert allocation.history.count() == 1


def test_allocating_again_replaces_the_shares_with_the_same_numbers(world, county_user, funded):
    first = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    before = sorted(first.shares.values_list("school_id", "staff_id", "amount_fen"), key=str)
    again = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    assert again.pk == first.pk and FundAllocation.objects.count() == 1
    assert sorted(again.shares.values_list("school_id", "staff_id", "amount_fen"), key=str) == before


def test_a_published_cycle_is_read_and_an_open_one_is_not(world, county_user, funded, cycle):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    assert fund_allocate(actor=county_user, region=world.county_a, year=2026).shares.count() == 4
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN)
    with pytest.raises(ValidationError) as refused:
        fund_allocate(actor=county_user, region=world.county_a, year=2026)
    assert "没有" in refused.value.messages[0] and "2026" in refused.value.messages[0]


def test_no_cycle_of_the_year_is_refused_and_nothing_is_written(world, county_user, funded):
    with pytest.raises(ValidationError):
        fund_allocate(actor=county_user, region=world.county_a, year=2025)
    assert not FundAllocation.objects.exists()


def test_zero_eligible_recipients_leave_the_fund_unallocated(world, county_b_user, funded):
    allocation = fund_allocate(actor=county_b_user, region=world.county_b, year=2026)  # nobody of county B is rated
    assert allocation.shares.count() == 0 and allocation.unallocated_fen == allocation.fund_fen == 300_000_000


def test_only_the_regions_bureau_may_allocate(world, county_b_user, funded):
    with pytest.raises(PermissionDenied):
        fund_allocate(actor=county_b_user, region=world.county_a, year=2026)
    assert not FundAllocation.objects.exists()


def test_the_export_adds_up_to_the_fund_to_the_fen(client, world, county_user, funded):
    allocation = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    client.force_login(county_user)
    response = client.get(reverse("evaluation:fund-export", args=[allocation.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book["奖励资金分配"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    fen, yuan = header.index("金额（分）"), header.index("金额（元）")
    shares, unallocated, total = body[:-2], body[-2], body[-1]
    assert len(shares) == 4 and unallocated[0] == "未分配" and total[0] == "合计"
    assert sum(row[fen] for row in shares) + unallocated[fen] == total[fen] == FUND
    assert sum(D(str(row[yuan])) for row in shares) + D(str(unallocated[yuan])) == D("3000000.01") == D(str(total[yuan]))
    assert {row[4] for row in shares} == {None, "赵老师", "孙老师"}  # a blank cell for the schools


def test_fund_pages_are_scoped_and_pinned(client, world, county_user, county_b_user, city_user, funded,
                                          django_assert_num_queries):
    allocation = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    fund_allocate(actor=county_b_user, region=world.county_b, year=2026)
    client.force_login(county_user)
    with django_assert_num_queries(7):
        body = client.get(reverse("evaluation:fund-list")).content.decode()
    assert "咸安区" in body and "嘉鱼县" not in body
    with django_assert_num_queries(7):  # the 7th: what changed in the cycles since (fund_changes_since)
        body = client.get(allocation.get_absolute_url()).content.decode()
    assert "3000000.01" in body and "赵老师" in body
    client.force_login(county_b_user)
    assert client.get(allocation.get_absolute_url()).status_code == 404
    assert client.get(reverse("evaluation:fund-export", args=[allocation.pk])).status_code == 404
    client.force_login(city_user)  # the city sees its counties'
    assert client.get(allocation.get_absolute_url()).status_code == 200


def test_the_detail_page_says_where_the_staff_share_went_when_no_staff_qualify(client, world, county_user, county_b_user,
                                                                             city_user, funded):
    """No rotated person qualifies: the staff pool is 0 and the 60 % went to the schools; the page says so rather than
    showing "0.00（60.00 %）" beside the school pool."""
    empty = fund_allocate(actor=county_b_user, region=world.county_b, year=2026)
    full = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    client.force_login(city_user)
    body = client.get(empty.get_absolute_url()).content.decode()
    assert empty.staff_pool_fen == 0 and "0.00（60.00 %）" not in body
    assert "没有符合条件的交流教师" in body and "60.00 %" in body
    body = client.get(full.get_absolute_url()).content.decode()
    assert "1800000.01（60.00 %）" in body and "没有符合条件的交流教师" not in body


def test_fund_and_title_ratio_pages_read_the_same_queries_at_two_sizes(client, world, county_user, funded, titled,
                                                                      django_assert_num_queries):
    """The fund's detail page, its list and the title-ratio page pinned at two sizes: more shares, allocations and
    schools (in other regions' policies' reach too), the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluation.models import FundShare

    allocation = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    client.force_login(county_user)
    urls = (allocation.get_absolute_url(), reverse("evaluation:fund-list"), reverse("evaluation:title-ratios"))
    for url in urls:
        client.get(url)
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts[url] = len(captured)
    for i in range(4):
        school = SchoolFactory(code=f"A07{i}", region=world.county_a)
        person = StaffFactory(school=school, title="高级教师")
        FundShare.objects.create(allocation=allocation, kind="school", school=school, rating=Rating.EXCELLENT,
                                 weight=1, amount_fen=0, basis={"composite": "80.00"})
        FundShare.objects.create(allocation=allocation, kind="staff", school=school, staff=person,
                                 rating=Rating.QUALIFIED, weight=1, amount_fen=0, basis={"months": 4})
        FundAllocation.objects.create(region=world.county_a, year=2010 + i, fund_fen=1, staff_percent=0, staff_pool_fen=0,
                                      school_pool_fen=1, unallocated_fen=1, computed_by=county_user)
    TitleRatioPolicy.objects.create(region=world.county_a)
    for url in urls:
        with django_assert_num_queries(counts[url]):
            client.get(url)


def test_the_compute_page_allocates_and_refuses_in_chinese(client, world, county_user, funded):
    client.force_login(county_user)
    response = client.post(reverse("evaluation:fund-compute"), {"region": world.county_a.pk, "year": 2025}, follow=True)
    assert "2025" in response.content.decode() and not FundAllocation.objects.exists()
    response = client.post(reverse("evaluation:fund-compute"), {"region": world.county_a.pk, "year": 2026})
    allocation = FundAllocation.objects.get()
    assert response.url == allocation.get_absolute_url()
    response = client.post(reverse("evaluation:fund-compute"), {"region": world.county_b.pk, "year": 2026})
    assert FundAllocation.objects.count() == 1  # county B is not a choice for county A's bureau


def test_fund_api_allocates_lists_and_scopes(world, county_user, county_b_user, funded, django_assert_num_queries):
    response = api(county_user).post("/api/v1/evaluation/fund/", {"region": world.county_a.pk, "year": 2026}, format="json")
    assert response.status_code == 201 and response.data["fund_fen"] == FUND
    pk = response.data["id"]
    shares = api(county_user).get(f"/api/v1/evaluation/fund/{pk}/shares/").data
    assert sum(row["amount_fen"] for row in shares) == FUND
    assert {row["amount_yuan"] for row in shares if row["kind"] == "staff"} == {"720000.00", "1080000.01"}  # 72000000.4 and 108000000.6 fen: the odd fen to the larger remainder
    client = api(county_user)
    with django_assert_num_queries(2):  # count, rows (the scope is already on the forced user object)
        assert client.get("/api/v1/evaluation/fund/").data["count"] == 1
    assert api(county_b_user).get("/api/v1/evaluation/fund/").data["count"] == 0
    assert api(county_b_user).get(f"/api/v1/evaluation/fund/{pk}/shares/").status_code == 404
    refused = api(county_b_user).post("/api/v1/evaluation/fund/", {"region": world.county_a.pk, "year": 2026}, format="json")
    assert refused.status_code == 404  # a region it does not see
    refused = api(county_user).post("/api/v1/evaluation/fund/", {"region": world.county_a.pk, "year": 2025}, format="json")
    assert refused.status_code == 400 and "2025" in str(refused.data)


# --- senior-title post ratios ----------------------------------------------------------------------------

@pytest.fixture
def titled(world):
    """咸安实验小学 (primary, 10 %): 20 staff, 3 高级教师 -> over (ceiling 2); 咸安一中 (junior, 30 %): 10 staff,
    2 senior -> under (ceiling 3); county B's school: 10 staff, 1 senior -> at (ceiling 1)."""
    junior = SchoolFactory(code="A020", name="咸安一中", region=world.county_a, stage=School.Stage.JUNIOR)
    for school, staff, senior in ((world.school_a, 19, 3), (junior, 10, 2), (world.school_b, 9, 1)):
        for i in range(staff):
            StaffFactory(school=school, title="高级教师" if i < senior else "一级教师")
    StaffFactory(school=junior, title="正高级教师", status=Staff.Status.RETIRED)  # not counted
    title_ratio_figures_compute()  # what the nightly job stores
    return junior


def test_title_ratio_page_lists_over_and_under_with_numbers(client, world, county_user, titled, django_assert_num_queries):
    client.force_login(county_user)
    for i in range(3):  # more schools, the same queries
        StaffFactory(school=SchoolFactory(code=f"A09{i}", region=world.county_a), title="高级教师")
    title_ratio_figures_compute()
    # session, user, roles, regions below (scope); the filter's regions; the counts by status (the page's count
    # too); the page's rows; when computed
    with django_assert_num_queries(8):
        response = client.get(reverse("evaluation:title-ratios"))
    rows = {row.school.name: row.ratio for row in response.context["object_list"]}
    assert {"咸安实验小学", "咸安一中"} <= set(rows) and "嘉鱼实验小学" not in rows  # county B's school is outside
    assert (rows["咸安实验小学"].posts, rows["咸安实验小学"].senior, rows["咸安实验小学"].ceiling,
            rows["咸安实验小学"].status) == (20, 3, 2, "over")
    assert (rows["咸安一中"].posts, rows["咸安一中"].senior, rows["咸安一中"].ceiling, rows["咸安一中"].status) == (10, 2, 3, "under")
    assert response.context["counts"]["over"] == 4 and response.context["computed_at"] is not None
    response = client.get(reverse("evaluation:title-ratios"), {"status": "under"})
    assert [row.school.name for row in response.context["object_list"]] == ["咸安一中"]
    response = client.get(reverse("evaluation:title-ratios"), {"stage": "junior"})
    assert [row.school.name for row in response.context["object_list"]] == ["咸安一中"]


def test_title_ratio_page_says_when_nothing_is_computed_and_bureau_staff_compute_now(
        client, world, county_user, principal_user, titled, django_capture_on_commit_callbacks):
    TitleRatioFigure.objects.all().delete()
    client.force_login(principal_user)
    response = client.get(reverse("evaluation:title-ratios"))
    assert response.context["computed_at"] is None and not response.context["may_compute"]
    assert client.post(reverse("evaluation:title-ratios")).status_code == 403
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):  # queued on commit; tasks run eagerly in tests
        assert client.post(reverse("evaluation:title-ratios")).status_code == 302
    assert TitleRatioFigure.objects.filter(school=world.school_a, status="over").exists()


def test_title_ratios_follow_the_regions_policy(client, world, city_user, county_user, titled,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the checks are recomputed once the policy is saved
        region_policy_save(actor=city_user, kind="title", region=world.county_a, data={"primary": D(15)})
    client.force_login(county_user)
    response = client.get(reverse("evaluation:title-ratios"), {"stage": "primary"})
    assert response.context["object_list"][0].ratio.status == "at"  # 15 % of 20 = 3


def test_title_ratio_export_reads_back(client, world, city_user, titled):
    client.force_login(city_user)
    response = client.get(reverse("evaluation:title-ratios-export"), {"status": "over"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book["高级职称岗位比例"].iter_rows(values_only=True))
    assert rows[0][:6] == ("学校代码", "学校", "区县", "学段", "在岗人数", "高级职称人数")
    assert [r[:2] + r[4:6] + r[8:] for r in rows[1:]] == [("A001", "咸安实验小学", 20, 3, 2, 1, "超过比例")]


def test_title_ratio_api_is_scoped(world, county_user, city_user, titled, django_assert_num_queries):
    client = api(county_user)
    with django_assert_num_queries(4):  # roles, regions below (scope); the page's count and rows
        data = client.get("/api/v1/evaluation/title-ratios/").data
    assert {r["school_name"] for r in data["results"]} == {"咸安实验小学", "咸安一中"} and data["count"] == 2
    assert all(r["computed_at"] for r in data["results"])
    rows = api(city_user).get("/api/v1/evaluation/title-ratios/", {"status": "at"}).data["results"]
    assert [(r["school_name"], r["posts"], r["senior"], r["ceiling"]) for r in rows] == [("嘉鱼实验小学", 10, 1, 1)]
    assert api(county_user).get("/api/v1/evaluation/title-ratios/", {"region": world.county_b.pk}).status_code == 404


# --- the policy pages ------------------------------------------------------------------------------------

def test_bound_policy_edit_page_saves_through_the_service_with_audit(client, world, county_user):
    client.force_login(county_user)
    url = reverse("evaluation:bound-policy-edit", args=[world.county_a.pk])
    assert client.get(url).status_code == 200
    data = {"improvement_threshold": "6", "weight_own": "50", "weight_quality": "30", "weight_students": "10",
            "weight_exchange": "10", "students_full": "100", "exchange_full": "10", "teacher_marked_gain": "5",
            "deputies": "follow", "preschool_excellent_share": "50"}
    response = client.post(url, {**data, "weight_own": "55"})
    assert response.status_code == 200 and "综合评价权重合计 105.00%，应为 100%。" in response.content.decode()
    assert not BoundPolicy.objects.filter(region=world.county_a).exists()
    assert client.post(url, data).status_code == 302
    policy = BoundPolicy.objects.get(region=world.county_a)
    assert (policy.improvement_threshold, policy.deputies) == (D(6), "follow")
    assert policy.history.first().history_user == county_user
    assert BoundPolicy.for_region(world.county_a).improvement_threshold == D(6)


def test_policy_pages_are_scoped(client, world, county_user, city_user, supervisor_user):
    client.force_login(county_user)
    assert client.get(reverse("evaluation:bound-policy-edit", args=[world.county_b.pk])).status_code == 404
    assert client.get(reverse("evaluation:fund-policy-edit", args=[world.city.pk])).status_code == 404  # above it
    client.force_login(supervisor_user)  # sees county A, runs nothing
    assert client.get(reverse("evaluation:fund-policy-edit", args=[world.county_a.pk])).status_code == 403
    assert client.post(reverse("evaluation:fund-policy-edit", args=[world.county_a.pk]), {"fund_yuan": "1"}).status_code == 403
    assert not FundPolicy.objects.exists()
    client.force_login(city_user)  # the city edits its counties
    assert client.get(reverse("evaluation:title-policy-edit", args=[world.county_b.pk])).status_code == 200
    body = client.get(reverse("evaluation:policy-list")).content.decode()
    assert "嘉鱼县" in body and reverse("evaluation:fund-policy-edit", args=[world.county_b.pk]) in body


def test_fund_policy_page_caps_the_staff_share_at_60(client, world, county_user):
    client.force_login(county_user)
    url = reverse("evaluation:fund-policy-edit", args=[world.county_a.pk])
    data = {"fund_yuan": "3000000.01", "staff_percent": "61", "school_excellent": "1", "school_qualified": "0",
            "staff_excellent": "2", "staff_qualified": "1"}
    response = client.post(url, data)
    assert response.status_code == 200 and not FundPolicy.objects.exists()
    assert "60" in response.content.decode()
    assert client.post(url, {**data, "staff_percent": "60"}).status_code == 302
    assert FundPolicy.objects.get(region=world.county_a).fund_fen == FUND


def test_fund_policy_with_every_school_weight_zero_is_refused_in_chinese(client, world, county_user):
    """A rule under which no school can receive anything is refused at the service (page, API), nothing saved."""
    with pytest.raises(ValidationError) as refused:
        region_policy_save(actor=county_user, kind="fund", region=world.county_a,
                           data={"school_excellent": 0, "school_qualified": 0})
    assert "学校" in " ".join(refused.value.messages) and not FundPolicy.objects.exists()
    with pytest.raises(ValidationError):
        region_policy_save(actor=county_user, kind="fund", region=world.county_a,
                           data={"staff_percent": D(30), "staff_excellent": 0, "staff_qualified": 0})
    assert not FundPolicy.objects.exists()
    region_policy_save(actor=county_user, kind="fund", region=world.county_a,  # no staff share: staff weights unused
                       data={"staff_percent": D(0), "staff_excellent": 0, "staff_qualified": 0})
    client.force_login(county_user)
    data = {"fund_yuan": "3000000.01", "staff_percent": "60", "school_excellent": "0", "school_qualified": "0",
            "staff_excellent": "2", "staff_qualified": "1"}
    response = client.post(reverse("evaluation:fund-policy-edit", args=[world.county_a.pk]), data)
    assert response.status_code == 200 and "学校" in response.content.decode()
    assert FundPolicy.objects.get(region=world.county_a).staff_percent == 0
    refused = api(county_user).patch(f"/api/v1/evaluation/policies/{world.county_a.pk}/fund/",
                                     {"school_excellent": 0, "school_qualified": 0}, format="json")
    assert refused.status_code == 400 and FundPolicy.objects.get(region=world.county_a).school_excellent == 1


def test_a_fund_rule_saved_with_every_school_weight_zero_is_not_allocated(world, county_user, funded):
    FundPolicy.objects.filter(region=world.county_a).update(school_excellent=0, school_qualified=0)  # an older row
    with pytest.raises(ValidationError) as refused:
        fund_allocate(actor=county_user, region=world.county_a, year=2026)
    assert "学校" in " ".join(refused.value.messages) and not FundAllocation.objects.exists()


def test_policy_list_and_api_are_pinned(client, world, county_user, city_user, django_assert_num_queries):
    region_policy_save(actor=city_user, kind="fund", region=world.county_b, data={"staff_percent": D(50)})
    client.force_login(county_user)
    with django_assert_num_queries(9):
        body = client.get(reverse("evaluation:policy-list")).content.decode()
    assert "咸安区" in body and "嘉鱼县" not in body
    client.force_login(city_user)  # three regions, the same reads: one per policy kind
    with django_assert_num_queries(9):
        body = client.get(reverse("evaluation:policy-list")).content.decode()
    assert "嘉鱼县" in body and "50.00 %" in body
    client = api(city_user)
    with django_assert_num_queries(5):  # the regions, then one read per policy kind (the schedule included)
        rows = client.get("/api/v1/evaluation/policies/").data
    assert {row["region"]: row["fund"]["staff_percent"] for row in rows}[world.county_b.pk] == "50.00"


def test_policy_api_reads_and_changes_a_region(world, county_user, supervisor_user):
    rows = api(county_user).get("/api/v1/evaluation/policies/").data
    assert {row["region"] for row in rows} >= {world.county_a.pk} and world.county_b.pk not in {r["region"] for r in rows}
    response = api(county_user).patch(f"/api/v1/evaluation/policies/{world.county_a.pk}/title/", {"senior": "40"},
                                      format="json")
    assert response.status_code == 200 and response.data["title"]["senior"] == "40.00"
    assert TitleRatioPolicy.objects.get(region=world.county_a).senior == D(40)
    refused = api(county_user).patch(f"/api/v1/evaluation/policies/{world.county_a.pk}/bound/", {"weight_own": "70"},
                                     format="json")
    assert refused.status_code == 400 and "100" in str(refused.data)
    assert api(county_user).patch(f"/api/v1/evaluation/policies/{world.county_b.pk}/fund/", {"staff_percent": "10"},
                                  format="json").status_code == 404
    assert api(supervisor_user).patch(f"/api/v1/evaluation/policies/{world.county_a.pk}/fund/", {"staff_percent": "10"},
                                      format="json").status_code == 403
    assert not FundPolicy.objects.exists()


# --- the yearly assessment date (issue 13 item 4) ---------------------------------------------------------

def test_schedule_page_sets_the_regions_yearly_date_with_audit(client, world, county_user):
    from evaluation.models import AssessmentSchedule

    client.force_login(county_user)
    url = reverse("evaluation:schedule-policy-edit", args=[world.county_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"month": "2", "day": "30", "enabled": "on"})
    assert response.status_code == 200 and "2月30日不是有效的日期。" in response.content.decode()
    assert not AssessmentSchedule.objects.exists()
    response = client.post(url, {"month": "13", "day": "1", "enabled": "on"})
    assert response.status_code == 200 and not AssessmentSchedule.objects.exists()
    assert client.post(url, {"month": "2", "day": "29", "previous_year": "on", "enabled": "on"}).status_code == 302
    schedule = AssessmentSchedule.objects.get(region=world.county_a)
    assert (schedule.month, schedule.day, schedule.previous_year, schedule.enabled) == (2, 29, True, True)
    assert schedule.history.first().history_user == county_user
    body = client.get(reverse("evaluation:policy-list")).content.decode()
    assert "每年2月29日（考核上一年度）" in body and url in body


def test_schedule_is_the_regions_own_not_inherited(world, city_user):
    from evaluation.models import AssessmentSchedule
    from evaluation.services_incentives import policy_in_force

    region_policy_save(actor=city_user, kind="schedule", region=world.city, data={"month": 1, "day": 15})
    assert policy_in_force("schedule", world.county_a).pk is None  # the city's date is the city's cycles' only
    region_policy_save(actor=city_user, kind="schedule", region=world.county_a, data={"month": 12, "day": 31})
    assert AssessmentSchedule.objects.get(region=world.county_a).day == 31
    with pytest.raises(ValidationError):
        region_policy_save(actor=city_user, kind="schedule", region=world.county_a, data={"month": 4, "day": 31})
    with pytest.raises(ValidationError):
        region_policy_save(actor=city_user, kind="schedule", region=world.county_b, data={"enabled": True})  # no date
    assert not AssessmentSchedule.objects.filter(region=world.county_b).exists()
    region_policy_save(actor=city_user, kind="schedule", region=world.county_a, data={"month": 4, "day": 30})
    assert AssessmentSchedule.objects.get(region=world.county_a).month == 4


def test_schedule_pages_are_scoped(client, world, county_user, city_user, supervisor_user):
    from evaluation.models import AssessmentSchedule

    client.force_login(county_user)
    assert client.get(reverse("evaluation:schedule-policy-edit", args=[world.county_b.pk])).status_code == 404
    client.force_login(supervisor_user)  # sees county A, runs nothing
    url = reverse("evaluation:schedule-policy-edit", args=[world.county_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"month": "3", "day": "1", "enabled": "on"}).status_code == 403
    assert not AssessmentSchedule.objects.exists()
    client.force_login(city_user)  # the city edits its counties
    url = reverse("evaluation:schedule-policy-edit", args=[world.county_b.pk])
    assert client.post(url, {"month": "3", "day": "1", "enabled": "on"}).status_code == 302
    assert AssessmentSchedule.objects.get(region=world.county_b).month == 3


def test_schedule_api_reads_and_changes_a_region(world, county_user, supervisor_user):
    from evaluation.models import AssessmentSchedule

    rows = api(county_user).get("/api/v1/evaluation/policies/").data
    assert {r["region"]: r["schedule"]["month"] for r in rows}[world.county_a.pk] is None
    path = f"/api/v1/evaluation/policies/{world.county_a.pk}/schedule/"
    refused = api(county_user).patch(path, {"month": 2, "day": 30}, format="json")
    assert refused.status_code == 400 and "2月30日" in str(refused.data)
    response = api(county_user).patch(path, {"month": 2, "day": 28, "previous_year": True}, format="json")
    assert response.status_code == 200 and response.data["schedule"]["day"] == 28
    assert response.data["schedule"]["previous_year"] is True and response.data["schedule"]["enabled"] is True
    assert api(county_user).patch(f"/api/v1/evaluation/policies/{world.county_b.pk}/schedule/", {"month": 1, "day": 1},
                                  format="json").status_code == 404
    assert api(supervisor_user).patch(path, {"enabled": False}, format="json").status_code == 403
    assert AssessmentSchedule.objects.get(region=world.county_a).enabled is True


def test_a_rating_changed_after_the_allocation_marks_it_out_of_date(client, world, county_user, city_user, funded, cycle):
    """Found on a new city: the bureau's collective decision took a school from 优秀 to 合格 after the fund was
    allocated; the fund page still paid it its share, silently. It says now the allocation is out of date."""
    from evaluation import services

    allocation = fund_allocate(actor=county_user, region=world.county_a, year=2026)
    client.force_login(county_user)
    assert 'data-testid="fund-stale"' not in client.get(allocation.get_absolute_url()).content.decode()
    lead = Subject.objects.get(cycle=cycle, school=world.school_a, staff__isnull=True)
    services.rating_change(actor=city_user, subject=lead, to_rating=Rating.QUALIFIED, meeting="局务会", reason="集体研究")
    body = client.get(allocation.get_absolute_url()).content.decode()
    assert 'data-testid="fund-stale"' in body
    fund_allocate(actor=county_user, region=world.county_a, year=2026)
    assert 'data-testid="fund-stale"' not in client.get(allocation.get_absolute_url()).content.decode()
