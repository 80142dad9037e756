"""The evaluation API does what the pages do, scoped, with the Chinese refusals."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation.models import Assignment, Cycle, Scheme, Score, Subject
from tests.evaluation.conftest import FULL, SMALL_TREE

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


SCHEME = {"name": "API方案", "person_kind": "school", "category": "primary", "total": "100",
          "excellent_min": "90", "qualified_min": "70", "basic_min": "60", "veto_cap": "basic"}


def test_scheme_created_with_its_tree_and_refused_when_a_level_does_not_add_up(world, city_user):
    client = api(city_user)
    bad = [dict(SMALL_TREE[0], points=59), *SMALL_TREE[1:]]
    response = client.post("/api/v1/evaluation/schemes/", {**SCHEME, "region": world.city.pk, "tree": bad}, format="json")
    assert response.status_code == 400 and "59.00" in str(response.data) and "60.00" in str(response.data)
    assert not Scheme.objects.exists()
    response = client.post("/api/v1/evaluation/schemes/", {**SCHEME, "region": world.city.pk, "tree": SMALL_TREE}, format="json")
    assert response.status_code == 201 and response.data["problems"] == []
    assert Scheme.objects.get().indicators.count() == 10


def test_whole_cycle_through_the_api(world, city_user, scheme, school_a2, reviewer_user, reviewer2):
    admin = api(city_user)
    response = admin.post("/api/v1/evaluation/cycles/", {
        "region": world.city.pk, "name": "API周期", "year": 2026, "kind": "year_end", "scheme": scheme.pk,
        "as_of": "2026-12-01", "groups": [{"name": "专家组", "weight": "70"}, {"name": "学校互评", "weight": "30"}]},
        format="json")
    assert response.status_code == 201, response.data
    cycle_id = response.data["id"]
    groups = {g["name"]: g["id"] for g in response.data["groups"]}
    base = f"/api/v1/evaluation/cycles/{cycle_id}/"
    assert admin.post(base + "generate/", {"region": world.county_a.pk}, format="json").data["added"] == 2
    admin.post(base + "assign/", {"raters": [reviewer_user.pk], "group": groups["专家组"]}, format="json")
    admin.post(base + "assign/", {"raters": [reviewer2.pk], "group": groups["学校互评"]}, format="json")
    assert admin.post(base + "open/").data["status"] == "open"
    for rater in (reviewer_user, reviewer2):
        client = api(rater)
        rows = client.get("/api/v1/evaluation/assignments/").data["results"]
        assert len(rows) == 2 and {row["id"] for row in rows} == set(
            Assignment.objects.filter(rater=rater).values_list("pk", flat=True))
        assert {row["rater"] for row in rows} == {None}  # raters are named to bureau staff only
        response = client.post(f"/api/v1/evaluation/assignments/{rows[0]['id']}/scores/", {"values": FULL, "submit": True},
                               format="json")
        assert response.data["submitted_at"]
    response = admin.post(base + "close/")
    assert response.status_code == 400 and "reviewer" in str(response.data)
    assert len(admin.get(base + "missing/").data) == 2
    for rater in (reviewer_user, reviewer2):
        for assignment in Assignment.objects.filter(rater=rater, submitted_at__isnull=True):
            api(rater).post(f"/api/v1/evaluation/assignments/{assignment.pk}/scores/", {"values": FULL, "submit": True},
                            format="json")
    assert admin.post(base + "close/").data["status"] == "closed"
    distribution = admin.get(base + "distribution/").data
    assert distribution["ratings"]["excellent"] == 2 and distribution["quota"][0]["limit"] == 0
    response = admin.post(base + "publish/")
    assert response.data["status"] == "published" and len(response.data["warnings"]) == 2
    subject = Subject.objects.get(cycle_id=cycle_id, school__code="A001")
    detail = admin.get(f"/api/v1/evaluation/subjects/{subject.pk}/").data
    assert detail["total"] == "92.00" and detail["contributions"] == {"专家组": "64.40", "学校互评": "27.60"}


def test_submitted_scores_are_locked_in_the_api(assigned, city_user, reviewer_user):
    from evaluation import services

    services.cycle_open(actor=city_user, cycle=assigned)
    client = api(reviewer_user)
    assignment = Assignment.objects.filter(rater=reviewer_user).first()
    url = f"/api/v1/evaluation/assignments/{assignment.pk}/scores/"
    client.post(url, {"values": FULL, "submit": True}, format="json")
    response = client.post(url, {"values": {"B1": "1"}}, format="json")
    assert response.status_code == 400
    assert Score.objects.get(assignment=assignment, indicator__code="B1").value == 18
    response = client.post(f"/api/v1/evaluation/assignments/{assignment.pk}/correct/", {"values": {"B1": "1"}, "reason": "x"},
                           format="json")
    assert response.status_code == 403
    response = api(city_user).post(f"/api/v1/evaluation/assignments/{assignment.pk}/correct/",
                                   {"values": {"B1": "1"}, "reason": "复核更正"}, format="json")
    assert response.status_code == 200 and response.data["values"]["B1"] == "1.00"


def test_raters_stay_anonymous_and_scope_holds(world, assigned, city_user, reviewer_user, reviewer2, principal_user):
    from evaluation import services
    from tests.conftest import _user_with_role

    services.cycle_open(actor=city_user, cycle=assigned)
    for rater in (reviewer_user, reviewer2):
        for assignment in Assignment.objects.filter(rater=rater):
            services.scores_save(actor=rater, assignment=assignment, values=FULL, submit=True)
    services.cycle_close(actor=city_user, cycle=assigned)
    services.cycle_publish(actor=city_user, cycle=assigned)
    principal = api(principal_user)
    assert principal.get("/api/v1/evaluation/assignments/").data["count"] == 0
    subjects = principal.get("/api/v1/evaluation/subjects/").data["results"]
    assert [s["school"] for s in subjects] == [world.school_a.pk]
    assert "reviewer" not in str(subjects)
    theirs = Assignment.objects.filter(rater=reviewer_user).first()
    assert api(reviewer2).get(f"/api/v1/evaluation/assignments/{theirs.pk}/").status_code == 404
    assert api(reviewer2).get("/api/v1/evaluation/subjects/").data["count"] == 0
    county_b = _user_with_role("county_b", "county_staff", region=world.county_b)
    assert api(county_b).get("/api/v1/evaluation/subjects/").data["count"] == 0
    assert api(county_b).post(f"/api/v1/evaluation/cycles/{assigned.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert Cycle.objects.get(pk=assigned.pk).status == Cycle.Status.PUBLISHED


def test_api_lists_pin_their_queries(assigned, city_user, django_assert_num_queries):
    client = api(city_user)
    client.get("/api/v1/evaluation/subjects/")  # warm the content types
    with django_assert_num_queries(3):  # count, rows, the cycle's groups
        assert client.get("/api/v1/evaluation/subjects/").data["count"] == 2
    with django_assert_num_queries(3):  # count, rows, their scores with indicators
        assert client.get("/api/v1/evaluation/assignments/").data["count"] == 4


def test_schema_lists_the_evaluation_endpoints(client, city_user):
    client.force_login(city_user)
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/v1/evaluation/cycles/{id}/close/", "/api/v1/evaluation/assignments/{id}/scores/",
                 "/api/v1/evaluation/subjects/{id}/rating/", "/api/v1/evaluation/quality/"):
        assert path in schema


def test_score_sheet_download_and_upload_through_the_api(assigned, city_user, reviewer2):
    import io

    import openpyxl

    from evaluation import services

    services.cycle_open(actor=city_user, cycle=assigned)
    client = api(reviewer2)
    response = client.get(f"/api/v1/evaluation/cycles/{assigned.pk}/score-sheet/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        for index, header in enumerate(headers):
            code = str(header).split(" ")[0]
            if code in FULL:
                sheet.cell(row=row, column=index + 1, value=FULL[code] if row == 2 else "99")

    def upload(submit):
        stream = io.BytesIO()
        book.save(stream)
        stream.seek(0)
        stream.name = "sheet.xlsx"
        return client.post(f"/api/v1/evaluation/cycles/{assigned.pk}/score-sheet/upload/", {"file": stream, "submit": submit},
                           format="multipart")

    response = upload(True)
    assert response.status_code == 400 and {p["row"] for p in response.data["problems"]} == {3}
    assert not Score.objects.exists()
    for index, header in enumerate(headers):
        code = str(header).split(" ")[0]
        if code in FULL:
            sheet.cell(row=3, column=index + 1, value=FULL[code])
    response = upload(True)
    assert response.status_code == 200 and response.data["committed"]
    assert Assignment.objects.filter(rater=reviewer2, submitted_at__isnull=False).count() == 2


def test_an_out_of_scope_rater_is_refused_like_an_unknown_one(world, cycle, city_user):
    from org.models import Account, Region, UserRole
    from tests.conftest import _user_with_role
    from tests.factories import RegionFactory

    other_county = RegionFactory(code="420102", name="江岸区",
                                 parent=RegionFactory(code="420100", name="武汉市", level=Region.Level.CITY))
    outsider = _user_with_role("outsider_reviewer", UserRole.Role.REVIEWER)
    Account.objects.update_or_create(user=outsider, defaults={"region": other_county})
    group = cycle.groups.get(name="专家组")
    response = api(city_user).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assign/",
                                   {"raters": [outsider.pk], "group": group.pk}, format="json")
    assert response.status_code == 400
    assert not Assignment.objects.filter(rater=outsider).exists()
