"""Rotation pages: scope (one in, one out), query counts, the staff page section, exemption workflow."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rotation import services
from rotation.models import EligibilityFigure, Exemption, Policy
from tests.factories import StaffFactory
from tests.rotation.factories import ExemptionFactory

pytestmark = pytest.mark.django_db


def test_staff_page_shows_rotation_status_and_reasons(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert 'data-testid="rotation-section"' in body
    assert "MUST_TEACHER_TENURE" in body and "满 6 年应交流" in body


def test_eligibility_list_is_scoped_and_filterable(client, world, county_user):
    StaffFactory(name="新来的", school=world.school_a, school_start=dt.date(2025, 9, 1))
    client.force_login(county_user)
    response = client.get(reverse("rotation:eligibility-list"), {"as_of": "2026-09-01"})
    names = {row.name for row in response.context["object_list"]}
    assert names == {"甲老师", "新来的"}
    response = client.get(reverse("rotation:eligibility-list"), {"as_of": "2026-09-01", "status": "NOT_YET"})
    assert [row.name for row in response.context["object_list"]] == ["新来的"]
    assert "未满 3 年" in response.content.decode()


QUERIES = {"": 15, "MUST_ROTATE": 15}  # exact per filter, over 32 rows (filtered, no stored decisions: 2 to find none and count the staff)


@pytest.mark.parametrize("status", ["", "MUST_ROTATE"])
def test_eligibility_list_query_count(client, world, city_user, django_assert_num_queries, status):
    StaffFactory.create_batch(30, school=world.school_a)
    client.force_login(city_user)
    with django_assert_num_queries(QUERIES[status]):
        response = client.get(reverse("rotation:eligibility-list"), {"status": status})
    assert len(response.context["object_list"]) == 32


def test_eligibility_export_is_scoped(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("rotation:eligibility-export"), {"as_of": "2026-09-01"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("身份证号", "姓名", "学校代码", "学校名称", "状态代码", "状态", "原因代码", "说明")
    assert [row[1] for row in rows[1:]] == ["甲老师"]
    assert rows[1][4:7] == ("MUST_ROTATE", "应交流", "MUST_TEACHER_TENURE;ELIGIBLE_TENURE")


def test_split_page_covers_visible_counties_only(client, world, county_user, city_user, django_assert_max_num_queries):
    services.eligibility_figures_compute(on=dt.date(2026, 9, 1))
    client.force_login(city_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("rotation:split"), {"target": "9", "as_of": "2026-09-01"})
    assert [(s.code, s.share) for s in response.context["shares"]] == [("421202", 5), ("421221", 4)]
    assert 'data-testid="split-freshness"' in response.content.decode()
    client.force_login(county_user)
    response = client.get(reverse("rotation:split"), {"target": "9", "as_of": "2026-09-01"})
    assert [(s.code, s.share) for s in response.context["shares"]] == [("421202", 9)]


def test_split_page_without_figures_offers_to_compute_them(client, world, county_user, principal_user,
                                                          django_capture_on_commit_callbacks):
    query = {"target": "9", "as_of": "2026-09-01"}
    client.force_login(principal_user)
    response = client.get(reverse("rotation:split"), query)
    assert response.context["missing"] and 'data-testid="split-missing"' in response.content.decode()
    assert client.post(reverse("rotation:split"), query).status_code == 403
    assert client.post(reverse("rotation:split"), {"target": "9"}).status_code == 400  # no date: the form's errors
    assert not EligibilityFigure.objects.exists()
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):  # queued on commit; tasks run eagerly in tests
        response = client.post(reverse("rotation:split"), query)
    assert response.status_code == 302 and "as_of=2026-09-01" in response["Location"]
    assert set(EligibilityFigure.objects.values_list("as_of", flat=True)) == {dt.date(2026, 9, 1)}
    response = client.get(reverse("rotation:split"), query)
    assert [(s.code, s.share) for s in response.context["shares"]] == [("421202", 9)]


def test_figures_of_several_dates_are_kept_apart(world):
    services.eligibility_figures_compute(on=dt.date(2026, 9, 1))
    services.eligibility_figures_compute(on=dt.date(2027, 9, 1))
    services.eligibility_figures_compute(on=dt.date(2026, 9, 1))  # replaces its own date only
    assert set(EligibilityFigure.objects.values_list("as_of", flat=True)) == {dt.date(2026, 9, 1), dt.date(2027, 9, 1)}
    EligibilityFigure.objects.create(school=world.school_a, as_of=dt.date(2024, 9, 1), status="ELIGIBLE", count=1,
                                     computed_at=timezone.now())
    dates = services.eligibility_figures_refresh(today=dt.date(2026, 11, 30))  # coming term start: 2027-09-01
    assert dates == [dt.date(2026, 9, 1), dt.date(2027, 9, 1)]
    assert set(EligibilityFigure.objects.values_list("as_of", flat=True)) == set(dates)


def test_policy_pages(client, world, city_user, county_user):
    client.force_login(county_user)
    body = client.get(reverse("rotation:policy-list")).content.decode()
    assert "咸安区" in body and "嘉鱼县" not in body
    assert client.get(reverse("rotation:policy-edit", args=[world.county_b.pk])).status_code == 404
    form = {name: Policy._meta.get_field(name).default for name in Policy.NUMBER_FIELDS}
    assert client.post(reverse("rotation:policy-edit", args=[world.county_a.pk]), {**form, "term_years": 4}).status_code == 403
    client.force_login(city_user)
    response = client.post(reverse("rotation:policy-edit", args=[world.county_a.pk]), {**form, "term_years": 4})
    assert response.status_code == 302
    assert Policy.objects.get(region=world.county_a).term_years == 4


def test_policy_form_rejects_a_window_that_ends_before_it_starts(client, world, city_user):
    client.force_login(city_user)
    form = {name: Policy._meta.get_field(name).default for name in Policy.NUMBER_FIELDS}
    response = client.post(reverse("rotation:policy-edit", args=[world.city.pk]), {**form, "filing_end_month": 6})
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    assert not Policy.objects.exists()


def test_principal_applies_and_county_approves_an_exemption(client, world, principal_user, county_user):
    client.force_login(principal_user)
    response = client.post(reverse("rotation:exemption-create"), {
        "staff": world.staff_a.pk, "kind": "EX_ILLNESS", "start": "2026-08-01", "end": "2027-07-31", "grounds": "诊断证明",
        "attachment": SimpleUploadedFile("proof.pdf", b"%PDF-1.4", content_type="application/pdf"),
    })
    exemption = Exemption.objects.get()
    assert response.status_code == 302 and exemption.state == "applied" and exemption.applied_by == principal_user
    assert client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {"approve": "1", "reason": "x"}).status_code == 403
    client.force_login(county_user)
    page = client.get(exemption.get_absolute_url()).content.decode()
    assert "exemption-decide" in page or "decide" in page
    response = client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {"approve": "1", "reason": "情况属实"})
    exemption.refresh_from_db()
    assert exemption.state == "approved" and exemption.decided_by == county_user
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert "患病" in body and "已批准" in body


def test_principal_cannot_apply_for_another_schools_staff(client, world, principal_user):
    client.force_login(principal_user)
    response = client.post(reverse("rotation:exemption-create"), {
        "staff": world.staff_b.pk, "kind": "EX_ILLNESS", "start": "2026-08-01",
    })
    assert response.status_code == 200 and not Exemption.objects.exists()


def test_exemption_pages_are_scoped(client, world, county_user, django_assert_num_queries):
    inside = ExemptionFactory(staff=world.staff_a)
    outside = ExemptionFactory(staff=world.staff_b)
    ExemptionFactory.create_batch(10, staff__school=world.school_a)
    client.force_login(county_user)
    with django_assert_num_queries(8):
        response = client.get(reverse("rotation:exemption-list"))
    listed = set(response.context["object_list"])
    assert inside in listed and outside not in listed
    assert client.get(outside.get_absolute_url()).status_code == 404
    assert client.post(reverse("rotation:exemption-decide", args=[outside.pk]), {"approve": "1", "reason": "x"}).status_code == 404


def test_decision_requires_a_reason_and_a_pending_exemption(client, world, county_user):
    exemption = ExemptionFactory(staff=world.staff_a, state=Exemption.State.APPLIED)
    client.force_login(county_user)
    response = client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {"approve": "0", "reason": " "})
    assert response.status_code == 200
    exemption.refresh_from_db()
    assert exemption.state == "applied"
    client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {"approve": "0", "reason": "材料不全"})
    exemption.refresh_from_db()
    assert exemption.state == "rejected" and exemption.decision_reason == "材料不全"
    response = client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {"approve": "1", "reason": "改批"})
    assert "已审批" in response.content.decode()
    exemption.refresh_from_db()
    assert exemption.state == "rejected"


def test_index_links_sections(client, world, county_user):
    client.force_login(county_user)
    body = client.get(reverse("rotation:index")).content.decode()
    assert reverse("rotation:eligibility-list") in body and reverse("rotation:exemption-list") in body


@pytest.mark.parametrize("name", ["rotation:policy-edit", "rotation:exemption-decide", "rotation:inspection-create",
                                  "rotation:suggestion-decide", "rotation:eligibility-list", "rotation:assignment-list"])
def test_anonymous_users_are_sent_to_login(client, world, name):
    url = reverse(name, args=[1]) if name not in ("rotation:eligibility-list", "rotation:assignment-list") else reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


POLICY_LIST = 7
POLICY_API = 5


def test_policy_list_and_api_pin_their_queries_over_several_regions(client, world, city_user, django_assert_num_queries):
    """The policy in force per visible region: all policies and regions read once, whatever the regions."""
    from rest_framework.test import APIClient

    from tests.factories import RegionFactory

    def add_counties(count):
        for _ in range(count):
            county = RegionFactory(parent=world.city)
            Policy.objects.create(region=county, term_years=4)
            RegionFactory(parent=world.city)  # a county without a row of its own: the city's applies

    add_counties(2)
    client.force_login(city_user)
    api = APIClient()
    api.force_authenticate(city_user)
    with django_assert_num_queries(POLICY_LIST):
        assert client.get(reverse("rotation:policy-list")).status_code == 200
    with django_assert_num_queries(POLICY_API):
        assert api.get("/api/v1/rotation/policies/").json()["count"] == 2
    add_counties(4)
    with django_assert_num_queries(POLICY_LIST):
        response = client.get(reverse("rotation:policy-list"))
    assert len(response.context["rows"]) == 15 and sum(policy.term_years == 4 for _region, policy in response.context["rows"]) == 6
    api.force_authenticate(type(city_user).objects.get(pk=city_user.pk))  # a fresh user: its scope read anew, as per request
    with django_assert_num_queries(POLICY_API):
        assert api.get("/api/v1/rotation/policies/").json()["count"] == 6
