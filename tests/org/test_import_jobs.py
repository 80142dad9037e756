"""Import jobs through the pages, the API and Celery: upload, check, preview, problems, commit; scoped."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from org import services
from org.models import ImportJob, School, Staff
from tests.factories import UserFactory, UserRoleFactory
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db

SCHOOL_ROW = ["A002", "咸安区第二小学", "421202", "小学", "乡村", "否"]


def upload(path, name="名册.xlsx"):
    return SimpleUploadedFile(name, path.read_bytes())


@pytest.fixture
def good_file(world, book):
    return book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="A002")]})


@pytest.fixture
def bad_file(world, book):
    return book({"学校": [SCHOOL_ROW], "教职工": [staff_row(school="Z9")]})


def post_upload(client, path, name="名册.xlsx", capture=None):
    return client.post(reverse("org:import-index"), {"kind": "base_data", "file": upload(path, name)})


# --- pages -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role_user", ["principal_user", "supervisor_user", "reviewer_user"])
def test_only_bureau_staff_may_use_the_import_pages(client, world, request, role_user):
    client.force_login(request.getfixturevalue(role_user))
    for url in (reverse("org:import-index"), reverse("org:import-template", args=["base_data"]),
                reverse("org:import-export", args=["base_data"])):
        assert client.get(url).status_code == 403


def test_navigation_links_the_import_page_for_bureau_staff_only(client, world, county_user, principal_user):
    client.force_login(county_user)
    assert reverse("org:import-index") in client.get(reverse("home")).content.decode()
    client.force_login(principal_user)
    assert reverse("org:import-index") not in client.get(reverse("home")).content.decode()


def test_template_download_has_every_sheet_and_instructions(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("org:import-template", args=["base_data"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["区县", "学校", "教职工", "任职经历", "暂不交流", "填写说明"]
    assert [c.value for c in book["教职工"][1]][:3] == ["姓名*", "身份证号*", "性别"]


def test_upload_check_preview_and_commit(client, world, county_user, good_file, django_capture_on_commit_callbacks):
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, good_file)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.VALIDATED and job.user == county_user
    assert not School.objects.filter(code="A002").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "咸安区第二小学" in page and 'data-testid="commit-button"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("org:import-commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED and job.committed_at
    assert Staff.objects.get(school__code="A002").history.get().history_user == county_user
    assert job.summary[1]["created"] == 1


def test_problems_show_as_a_table_and_an_error_workbook(client, world, county_user, bad_file,
                                                        django_capture_on_commit_callbacks):
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        post_upload(client, bad_file)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.error_count == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Z9" in page and 'data-testid="problem-table"' in page and "commit-button" not in page
    response = client.get(reverse("org:import-errors", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    staff_sheet = book["教职工"]
    assert "Z9" in staff_sheet.cell(row=2, column=staff_sheet.max_column).value
    assert client.post(reverse("org:import-commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not School.objects.filter(code="A002").exists()


@pytest.mark.parametrize(("content", "expected"), [
    (b"not a workbook", "不是 Excel 工作簿"), (b"PK\x03\x04broken", "已损坏"),
])
def test_non_xlsx_uploads_are_refused_in_chinese(client, world, county_user, tmp_path, content, expected):
    client.force_login(county_user)
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    response = post_upload(client, path)
    assert response.status_code == 200 and expected in response.content.decode()
    assert not ImportJob.objects.exists()


def test_uploads_over_the_size_limit_are_refused(client, world, county_user, good_file, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(county_user)
    response = post_upload(client, good_file)
    assert "文件过大" in response.content.decode() and not ImportJob.objects.exists()


def test_large_jobs_go_to_celery_and_the_status_survives_a_reload(client, world, county_user, good_file, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from org import tasks

    monkeypatch.setattr(services.jobs, "INLINE_MAX_BYTES", 0)
    queued = []
    original = tasks.import_job_validate.delay
    monkeypatch.setattr(tasks.import_job_validate, "delay", lambda job_id: queued.append(job_id) or original(job_id))
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_upload(client, good_file)
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'data-running="1"' in page and "import_job.js" in page
    assert client.get(reverse("org:import-status", args=[job.pk])).json()["running"] is True
    for callback in callbacks:
        callback()
    assert queued == [job.pk]
    status = client.get(reverse("org:import-status", args=[job.pk])).json()
    assert status["status"] == "validated" and status["running"] is False and status["can_commit"] is True
    assert status["sheets"][1]["created"] == 1 and status["rows_done"] == 2


def test_validate_task_is_idempotent(world, county_user, good_file, django_capture_on_commit_callbacks):
    from org.tasks import import_job_validate

    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=county_user, kind="base_data", upload=upload(good_file))
    job.refresh_from_db()
    checked_at = job.validated_at
    import_job_validate(job.pk)
    job.refresh_from_db()
    assert job.validated_at == checked_at and job.status == ImportJob.Status.VALIDATED


def test_jobs_are_visible_to_their_uploader_only(client, world, county_user, good_file,
                                                 django_capture_on_commit_callbacks):
    other = UserFactory(username="county_a2")
    UserRoleFactory(user=other, role="county_staff", region=world.county_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.import_job_create(actor=county_user, kind="base_data", upload=upload(good_file))
    client.force_login(other)
    for name in ("org:import-detail", "org:import-status", "org:import-errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("org:import-commit", args=[job.pk])).status_code == 404
    assert job.original_name not in client.get(reverse("org:import-index")).content.decode()


def test_export_page_downloads_the_users_scope(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("org:import-export", args=["base_data"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    numbers = [row[1] for row in book["教职工"].iter_rows(min_row=2, values_only=True)]
    assert numbers == [world.staff_a.id_number]
    assert [row[0] for row in book["学校"].iter_rows(min_row=2, values_only=True)] == ["A001"]


def test_export_query_count_does_not_grow_with_rows(client, world, county_user, django_assert_num_queries):
    from tests.factories import StaffFactory, WorkHistoryFactory

    for staff in StaffFactory.create_batch(30, school=world.school_a):
        WorkHistoryFactory(staff=staff, school=world.school_b)
    client.force_login(county_user)
    with django_assert_num_queries(15):  # 10, plus recording who saw the full ID numbers, plus the two bounded COUNTs (inline or job)
        response = client.get(reverse("org:import-export", args=["base_data"]))
        b"".join(response.streaming_content)


def test_import_index_query_count_does_not_grow_with_jobs(client, world, county_user, good_file,
                                                          django_assert_num_queries):
    for _ in range(5):
        ImportJob.objects.create(kind="base_data", user=county_user, original_name="a.xlsx", file="imports/a.xlsx")
    client.force_login(county_user)
    with django_assert_num_queries(5):
        assert client.get(reverse("org:import-index")).status_code == 200


# --- API ---------------------------------------------------------------------------------------------

def test_api_upload_status_preview_errors_commit(client, world, county_user, good_file,
                                                 django_capture_on_commit_callbacks):
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "base_data", "file": upload(good_file)})
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    assert client.get(f"/api/v1/imports/{job_id}/status/").json()["status"] == "validated"
    preview = client.get(f"/api/v1/imports/{job_id}/preview/").json()
    assert preview["sheets"][0]["preview"]["created"][0]["label"] == "A002 咸安区第二小学"
    assert client.get(f"/api/v1/imports/{job_id}/errors/").json() == {"id": job_id, "error_count": 0, "errors": []}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/imports/{job_id}/commit/")
    assert response.status_code == 202
    assert ImportJob.objects.get(pk=job_id).status == "committed" and School.objects.filter(code="A002").exists()
    assert client.post(f"/api/v1/imports/{job_id}/commit/").status_code == 409


def test_api_reports_problems_and_refuses_to_commit_them(client, world, county_user, bad_file,
                                                         django_capture_on_commit_callbacks):
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post("/api/v1/imports/", {"kind": "base_data", "file": upload(bad_file)}).json()["id"]
    errors = client.get(f"/api/v1/imports/{job_id}/errors/").json()["errors"]
    assert [(e["sheet"], e["row"], e["column"]) for e in errors] == [("教职工", 2, "学校代码")]
    assert client.post(f"/api/v1/imports/{job_id}/commit/").status_code == 409


def test_api_refuses_bad_files_and_non_bureau_users(client, world, county_user, principal_user, tmp_path, good_file):
    client.force_login(county_user)
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF")
    response = client.post("/api/v1/imports/", {"kind": "base_data", "file": upload(path)})
    assert response.status_code == 400 and "不是 Excel 工作簿" in response.json()["file"][0]
    client.force_login(principal_user)
    assert client.post("/api/v1/imports/", {"kind": "base_data", "file": upload(good_file)}).status_code == 403
    assert client.get("/api/v1/imports/").status_code == 403


def test_api_lists_own_jobs_only_with_pinned_queries(client, world, county_user, city_user,
                                                     django_assert_num_queries):
    for _ in range(5):
        ImportJob.objects.create(kind="base_data", user=county_user, original_name="mine.xlsx", file="imports/a.xlsx")
    theirs = ImportJob.objects.create(kind="base_data", user=city_user, original_name="theirs.xlsx", file="imports/b.xlsx")
    client.force_login(county_user)
    with django_assert_num_queries(6):
        response = client.get("/api/v1/imports/")
    assert response.json()["count"] == 5
    assert client.get(f"/api/v1/imports/{theirs.pk}/status/").status_code == 404
    assert client.get(f"/api/v1/imports/{theirs.pk}/errors/").status_code == 404


def test_a_crashing_job_is_marked_failed_instead_of_polling_forever(client, world, county_user, good_file,
                                                                     monkeypatch, django_capture_on_commit_callbacks):
    from org.importers import BaseDataImporter

    def crash(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(BaseDataImporter, "run", crash)
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(client, good_file)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.error_count == 1
    assert "内部错误" in job.errors[0]["message"]
    assert client.get(reverse("org:import-status", args=[job.pk])).json()["running"] is False
