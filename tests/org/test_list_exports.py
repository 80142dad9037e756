"""Excel exports of the staff, school and appointment lists (issue 14, item 7): the list's filters, the user's scope
(one in, one out), an out-of-scope filter refused on the list page (Chinese form errors, 400) and by the API (400 by
field), the import layout's Chinese headers, rows == the list's count, the job above the threshold, and the staff
sheet reading back through the importer unchanged."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from org import sheets
from org.importers import base_data_importer
from org.models import ExportJob, School, Staff, Unmasking
from talentpool.models import Appointment
from tests.factories import SchoolFactory, StaffFactory, WorkHistoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    return list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))


def _appointment(staff, school, **extra):
    from tests.factories import UserFactory

    values = {"to_post": Appointment.ToPost.VICE_PRINCIPAL, "appointed_on": dt.date(2026, 3, 1),
              "recorded_by": UserFactory(), **extra}
    return Appointment.objects.create(staff=staff, school=school, **values)


def _listed(client, name, params) -> int:
    return client.get(reverse(name), params).context["paginator"].count


# --- staff ---------------------------------------------------------------------------------------------------


def test_staff_export_has_the_import_headers_and_the_lists_rows_in_scope(client, world, county_user):
    StaffFactory(school=world.school_a, post=Staff.Post.PRINCIPAL, name="丙校长")
    StaffFactory(school=world.school_b, post=Staff.Post.PRINCIPAL, name="丁校长")  # county B: out of scope
    client.force_login(county_user)
    rows = _rows(client.get(reverse("org:staff-export")))
    assert list(rows[0]) == sheets.STAFF_SPEC.headers
    assert sorted(row[0] for row in rows[1:]) == sorted(["甲老师", "丙校长"])
    filtered = {"post": Staff.Post.PRINCIPAL}
    rows = _rows(client.get(reverse("org:staff-export"), filtered))
    assert [row[0] for row in rows[1:]] == ["丙校长"] and len(rows) - 1 == _listed(client, "org:staff-list", filtered)
    assert Unmasking.objects.filter(user=county_user, kind=Unmasking.Kind.EXPORT, detail="教职工名单").count() == 3  # one per person per export (2 + 1)


def test_staff_export_masks_id_numbers_for_a_principal(client, world, principal_user):
    client.force_login(principal_user)
    rows = _rows(client.get(reverse("org:staff-export")))
    assert [row[0] for row in rows[1:]] == ["甲老师"]
    assert rows[1][1] != world.staff_a.id_number and "*" in rows[1][1] and rows[1][3] is None  # no birth date
    assert not Unmasking.objects.exists()


@pytest.mark.parametrize(("name", "params"), [
    ("org:staff-export", {"region": "county_b"}), ("org:staff-export", {"school": "school_b"}),
    ("org:school-export", {"region": "county_b"}), ("talentpool:appointment-export", {"school": "school_b"}),
    ("org:staff-export", {"status": "nonsense"}), ("org:school-export", {"stage": "nonsense"}),
    ("talentpool:appointment-export", {"year": "abc"}),
])
def test_a_refused_filter_answers_the_list_page_with_its_chinese_errors(client, world, county_user, name, params):
    params = {key: getattr(world, value).pk if hasattr(world, value) else value for key, value in params.items()}
    client.force_login(county_user)
    response = client.get(reverse(name), params)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body and "请检查参数" in body
    assert world.county_b.name not in body and world.school_b.name not in body
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(("path", "field", "value"), [
    ("/api/v1/staff/export/", "region", "county_b"), ("/api/v1/schools/export/", "region", "county_b"),
    ("/api/v1/talentpool/appointments/export/", "school", "school_b"),
])
def test_api_exports_refuse_an_out_of_scope_filter_by_field(world, county_user, path, field, value):
    api = APIClient()
    api.force_authenticate(county_user)
    response = api.get(path, {field: getattr(world, value).pk})
    assert response.status_code == 400 and field in response.json()


def test_api_staff_export_is_the_pages_file(world, county_user, client):
    api = APIClient()
    api.force_authenticate(county_user)
    response = api.get("/api/v1/staff/export/", {"school": world.school_a.pk})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))
    client.force_login(county_user)
    assert rows == _rows(client.get(reverse("org:staff-export"), {"school": world.school_a.pk}))
    assert Unmasking.objects.filter(detail="教职工名单 (API)").count() == 1


def test_exported_staff_import_back_unchanged(world, city_user, client, tmp_path):
    StaffFactory(school=world.school_a, subject="=HYPERLINK(1)", school_start=None, post=Staff.Post.PRINCIPAL,
                 post_start=dt.date(2019, 9, 1), status=Staff.Status.RETIRED, is_head_teacher=True,
                 honour_level=Staff.Honour.CITY, title="一级教师")
    WorkHistoryFactory(staff=world.staff_a, school=world.school_b, post="")
    client.force_login(city_user)
    path = tmp_path / "staff.xlsx"
    path.write_bytes(_body(client.get(reverse("org:staff-export"))))
    before = list(Staff.objects.order_by("id").values())
    result = base_data_importer.run(path, user=city_user, commit=True)
    assert result.ok, result.problems.as_list()
    assert [(s.name, s.created, s.updated, s.unchanged) for s in result.sheets] == [("教职工", 0, 0, 3)]
    assert list(Staff.objects.order_by("id").values()) == before


def test_exported_schools_import_back_unchanged(world, county_user, client, tmp_path):
    SchoolFactory(region=world.county_a, code="A009", is_weak=True, stage=School.Stage.JUNIOR)
    client.force_login(county_user)
    path = tmp_path / "schools.xlsx"
    path.write_bytes(_body(client.get(reverse("org:school-export"))))
    assert list(next(openpyxl.load_workbook(path).active.iter_rows(values_only=True))) == sheets.SCHOOL_SPEC.headers
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert result.ok, result.problems.as_list()
    assert [(s.name, s.created, s.updated, s.unchanged) for s in result.sheets] == [("学校", 0, 0, 2)]


def test_school_export_filters_and_scope(client, world, city_user, county_user):
    SchoolFactory(region=world.county_a, code="A002", is_weak=True)
    SchoolFactory(region=world.county_b, code="B002", is_weak=True)
    client.force_login(county_user)
    assert [row[0] for row in _rows(client.get(reverse("org:school-export")))[1:]] == ["A001", "A002"]
    client.force_login(city_user)
    filtered = {"is_weak": "true"}
    rows = _rows(client.get(reverse("org:school-export"), filtered))
    assert [row[0] for row in rows[1:]] == ["A002", "B002"] == [
        school.code for school in client.get(reverse("org:school-list"), filtered).context["object_list"]]
    rows = _rows(client.get(reverse("org:school-export"), {"region": world.county_b.pk}))
    assert [row[0] for row in rows[1:]] == ["B001", "B002"]


def test_staff_export_above_the_threshold_is_a_job_with_the_same_rows(client, world, county_user, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    StaffFactory.create_batch(3, school=world.school_a, post=Staff.Post.MIDDLE_CADRE)
    StaffFactory(school=world.school_b, post=Staff.Post.MIDDLE_CADRE)
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("org:staff-export"), {"post": Staff.Post.MIDDLE_CADRE})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_total == 3
    rows = _rows(client.get(reverse("org:export-download", args=[job.pk])))
    assert len(rows) - 1 == 3 == _listed(client, "org:staff-list", {"post": Staff.Post.MIDDLE_CADRE})


# --- appointments -------------------------------------------------------------------------------------------


def test_appointment_export_follows_the_lists_filters_and_scope(client, world, county_user, city_user):
    _appointment(world.staff_a, world.school_a, document_ref="咸教〔2026〕1号")
    _appointment(world.staff_a, world.school_a, appointed_on=dt.date(2025, 3, 1), to_post=Appointment.ToPost.PRINCIPAL)
    _appointment(world.staff_b, world.school_b)
    client.force_login(county_user)
    rows = _rows(client.get(reverse("talentpool:appointment-export")))
    assert rows[0][:3] == ("姓名", "身份证号", "任职岗位")
    assert [(row[0], row[6]) for row in rows[1:]] == [("甲老师", "2026-03-01"), ("甲老师", "2025-03-01")]
    assert rows[1][9] == "咸教〔2026〕1号" and rows[1][1] == world.staff_a.id_number
    for params in ({"year": 2025}, {"to_post": "principal"}, {"year": 2024}):
        assert len(_rows(client.get(reverse("talentpool:appointment-export"), params))) - 1 == _listed(
            client, "talentpool:appointment-list", params)
    client.force_login(city_user)
    rows = _rows(client.get(reverse("talentpool:appointment-export"), {"school": world.school_b.pk}))
    assert [row[0] for row in rows[1:]] == ["乙老师"]
    api = APIClient()
    api.force_authenticate(county_user)
    response = api.get("/api/v1/talentpool/appointments/export/", {"year": 2026})
    assert response.status_code == 200
    assert len(list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows())) == 2


@pytest.mark.parametrize(("list_name", "button"), [("org:staff-list", "org:staff-export"),
                                                    ("org:school-list", "org:school-export"),
                                                    ("talentpool:appointment-list", "talentpool:appointment-export")])
def test_the_list_button_carries_the_filters(client, world, county_user, list_name, button):
    client.force_login(county_user)
    body = client.get(reverse(list_name), {"school": world.school_a.pk} if "school" not in list_name else
                      {"region": world.county_a.pk}).content.decode()
    query = f"school={world.school_a.pk}" if "school" not in list_name else f"region={world.county_a.pk}"
    assert f'href="{reverse(button)}?{query}"' in body


# session, user, roles, regions (2), the filters' choice check, COUNT, the rows; the staff export also records the
# unmasking (the ids, one insert per 2,000), and so does the appointment export (bureau staff see full ID numbers).
EXPORT_QUERIES = {"org:staff-export": 10, "org:school-export": 6, "talentpool:appointment-export": 10}


@pytest.mark.parametrize("name", list(EXPORT_QUERIES))
def test_an_export_reads_a_fixed_number_of_queries(client, world, county_user, name):
    """The same queries for a few rows and for five more (no query per row), pinned."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _appointment(world.staff_a, world.school_a)
    client.force_login(county_user)
    client.get(reverse("org:staff-list"))  # warm the session
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert len(_rows(client.get(reverse(name)))) > 1
        counts.append(len(captured.captured_queries))
        school = SchoolFactory(region=world.county_a)
        for _ in range(5):
            _appointment(StaffFactory(school=school), school)
    assert counts[0] == counts[1] == EXPORT_QUERIES[name], counts
