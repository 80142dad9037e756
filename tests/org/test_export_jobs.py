"""Export jobs (issue 15, item 4): above EXPORT_INLINE_MAX_ROWS an export is a Celery job kept for its owner.

The threshold is tested at its edges with a small setting; the job (eager here) writes the same workbook
as the inline answer, re-applies the user's scope in the worker, and its file is the owner's only.
"""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from org import services
from org.exporting import bounded_count
from org.models import ExportJob, Staff
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ELIGIBILITY = "rotation:eligibility-export"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_INLINE_MAX_ROWS = 5


def _rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _county_staff(world, total: int) -> None:
    """`total` active staff in county A (the world has one already)."""
    StaffFactory.create_batch(total - 1, school=world.school_a)


def _export(client, django_capture_on_commit_callbacks, url, **params):
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(url, params)


@pytest.mark.parametrize(("staff", "inline"), [(4, True), (5, True), (6, False)])
def test_threshold_edges_inline_at_or_below_a_job_above(client, world, county_user, django_capture_on_commit_callbacks,
                                                         staff, inline):
    _county_staff(world, staff)
    client.force_login(county_user)
    response = _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    if inline:
        assert response.status_code == 200 and len(_rows(_body(response))) == staff + 1
        assert not ExportJob.objects.exists()
        return
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.user == county_user and job.kind == "rotation.eligibility" and job.query == {"as_of": ["2026-09-01"]}
    assert job.status == ExportJob.Status.DONE and job.rows_done == job.rows_total == staff and job.finished_at


def test_job_writes_the_same_workbook_as_inline(client, world, county_user, settings,
                                                django_capture_on_commit_callbacks):
    _county_staff(world, 8)
    client.force_login(county_user)
    settings.EXPORT_INLINE_MAX_ROWS = 100
    inline = _rows(_body(client.get(reverse(ELIGIBILITY), {"as_of": "2026-09-01"})))
    settings.EXPORT_INLINE_MAX_ROWS = 5
    _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    job = ExportJob.objects.get()
    download = client.get(reverse("org:export-download", args=[job.pk]))
    assert download.status_code == 200 and job.filename == "eligibility-2026-09-01.xlsx"
    assert 'filename="eligibility-2026-09-01.xlsx"' in download["Content-Disposition"]
    assert _rows(_body(download)) == inline and len(inline) == 9


def test_the_worker_applies_the_users_scope_again(client, world, county_user, city_user,
                                                  django_capture_on_commit_callbacks):
    """The job stores the filters, not the rows: a county user's job never holds another county's staff,
    even when the query names the other county (the filter's choices are scoped too)."""
    _county_staff(world, 7)
    StaffFactory.create_batch(10, school=world.school_b, name="乙县老师")
    client.force_login(county_user)
    _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    job = ExportJob.objects.get()
    names = {row[1] for row in _rows(_body(client.get(reverse("org:export-download", args=[job.pk]))))[1:]}
    assert "甲老师" in names and not names & {"乙老师", "乙县老师"} and job.rows_done == 7
    # a stored query that names the other county is refused by the worker, never widened
    bad = ExportJob.objects.create(user=county_user, kind="rotation.eligibility", filename="x.xlsx",
                                   query={"region": [str(world.county_b.pk)]})
    services.export_job_run(job_id=bad.pk)
    bad.refresh_from_db()
    assert bad.status == ExportJob.Status.FAILED and bad.error.startswith("导出未能生成") and not bad.file
    assert "<" not in bad.error


def test_only_the_owner_downloads_another_user_gets_404(client, world, county_user, city_user, settings,
                                                        django_capture_on_commit_callbacks):
    _county_staff(world, 7)
    client.force_login(county_user)
    _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    job = ExportJob.objects.get()
    urls = [reverse(name, args=[job.pk]) for name in ("org:export-detail", "org:export-status", "org:export-download")]
    assert all(client.get(url).status_code == 200 for url in urls)
    for other in (city_user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(other)  # the city above the county and a superuser: still not their file
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
        assert job.filename not in client.get(reverse("org:export-list")).content.decode()
        api = APIClient()
        api.force_authenticate(other)
        assert api.get(f"/api/v1/exports/{job.pk}/").status_code == 404
        assert api.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404


def test_an_expired_file_is_deleted_and_no_longer_served(client, world, county_user, settings,
                                                         django_capture_on_commit_callbacks):
    _county_staff(world, 7)
    client.force_login(county_user)
    _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    job = ExportJob.objects.get()
    path = job.file.path
    download = reverse("org:export-download", args=[job.pk])
    keep = timedelta(hours=settings.EXPORT_KEEP_HOURS)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - keep + timedelta(minutes=1))
    assert services.export_files_expire() == 0 and client.get(download).status_code == 200  # the minute before
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - keep - timedelta(minutes=1))
    assert client.get(download).status_code == 404  # past its time: not served even before the sweep ran
    assert services.export_files_expire() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not job.file
    import os

    assert not os.path.exists(path) and client.get(download).status_code == 404
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已到期" in page


def test_a_stuck_job_is_queued_again_then_failed(world, county_user, settings):
    job = ExportJob.objects.create(user=county_user, kind="rotation.eligibility", filename="x.xlsx",
                                   status=ExportJob.Status.RUNNING, query={"as_of": ["2026-09-01"]})
    stale = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS + 1)
    ExportJob.objects.filter(pk=job.pk).update(heartbeat_at=stale, restarts=settings.IMPORT_MAX_RESTARTS - 1)
    assert services.export_jobs_sweep() == {"restarted": 1, "failed": 0}
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE  # the eager re-run wrote it
    job2 = ExportJob.objects.create(user=county_user, kind="rotation.eligibility", filename="y.xlsx",
                                    status=ExportJob.Status.RUNNING, heartbeat_at=stale,
                                    restarts=settings.IMPORT_MAX_RESTARTS)
    ExportJob.objects.filter(pk=job2.pk).update(heartbeat_at=stale)
    assert services.export_jobs_sweep() == {"restarted": 0, "failed": 1}
    job2.refresh_from_db()
    assert job2.status == ExportJob.Status.FAILED and "中断 3 次" in job2.error


def test_a_live_job_is_not_claimed_twice(world, county_user):
    job = ExportJob.objects.create(user=county_user, kind="rotation.eligibility", filename="x.xlsx",
                                   status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.RUNNING and not job.file


def test_api_export_answers_202_with_the_job_then_the_file(world, county_user, django_capture_on_commit_callbacks):
    _county_staff(world, 7)
    api = APIClient()
    api.force_authenticate(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.get("/api/v1/rotation/eligibility/export/", {"as_of": "2026-09-01"})
    job = ExportJob.objects.get()
    assert response.status_code == 202 and response.json()["url"].endswith(f"/api/v1/exports/{job.pk}/")
    assert response["Location"] == response.json()["url"]
    data = api.get(f"/api/v1/exports/{job.pk}/").json()
    assert data["status"] == "done" and data["rows_done"] == 7 and data["download_url"].endswith("/download/")
    rows = _rows(_body(api.get(f"/api/v1/exports/{job.pk}/download/")))
    assert len(rows) == 8
    api.force_authenticate(county_user)
    assert api.get("/api/v1/rotation/eligibility/export/", {"as_of": "bad"}).status_code == 400


def test_bad_filters_answer_400_before_any_job(client, world, county_user):
    _county_staff(world, 7)
    client.force_login(county_user)
    assert client.get(reverse(ELIGIBILITY), {"as_of": "not-a-date"}).status_code == 400
    assert not ExportJob.objects.exists()


def test_my_exports_lists_own_jobs_with_pinned_queries(client, world, county_user, city_user,
                                                       django_assert_num_queries):
    for number in range(3):
        ExportJob.objects.create(user=county_user, kind="rotation.eligibility", filename=f"mine-{number}.xlsx")
    ExportJob.objects.create(user=city_user, kind="rotation.eligibility", filename="theirs.xlsx")
    client.force_login(county_user)
    client.get(reverse("org:export-list"))  # warm the session
    with django_assert_num_queries(6):  # session, user, roles, regions once (scope and the menu), count, page
        response = client.get(reverse("org:export-list"))
    body = response.content.decode()
    assert "mine-2.xlsx" in body and "theirs.xlsx" not in body
    ExportJob.objects.create(user=county_user, kind="org.workbook", filename="more.xlsx")
    with django_assert_num_queries(6):  # the same with one more row
        client.get(reverse("org:export-list"))
    api = APIClient()
    api.force_authenticate(county_user)
    api.get("/api/v1/exports/")  # the scope is then cached on the user object
    with django_assert_num_queries(2):  # count, page
        data = api.get("/api/v1/exports/").json()
    assert {row["filename"] for row in data["results"]} == {"mine-0.xlsx", "mine-1.xlsx", "mine-2.xlsx", "more.xlsx"}


def test_every_registered_export_goes_through_the_threshold(client, world, county_user,
                                                            django_capture_on_commit_callbacks):
    """The base-data workbook (数据导入导出 → 导出) above the threshold is a job too, written in the worker."""
    _county_staff(world, 7)
    client.force_login(county_user)
    response = _export(client, django_capture_on_commit_callbacks, reverse("org:import-export", args=["base_data"]))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.kind == "org.workbook" and job.args == {"kind": "base_data"}
    assert job.status == ExportJob.Status.DONE
    book = openpyxl.load_workbook(io.BytesIO(_body(client.get(reverse("org:export-download", args=[job.pk])))))
    staff_sheet = next(sheet for sheet in book.worksheets if sheet.title == "教职工")
    assert staff_sheet.max_row == 8


def test_bounded_count_stops_at_its_limit(world):
    _county_staff(world, 7)
    assert bounded_count(Staff.objects.all()) == 8
    assert bounded_count(Staff.objects.all(), 6) == 6 and bounded_count(Staff.objects.all(), 100) == 8


def test_a_crashing_export_marks_its_job_failed_in_chinese(client, world, county_user, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from rotation import exports

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    _county_staff(world, 7)
    monkeypatch.setattr(exports, "write_eligibility", boom)
    client.force_login(county_user)
    response = _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportJob.Status.FAILED and job.error.startswith("导出因内部错误")
    page = client.get(job.get_absolute_url()).content.decode()
    assert job.error in page and 'data-running="0"' in page


# --- review r3: a roster filtered after evaluation is sized by the rows it holds, not the staff scanned -------


def test_filtered_eligibility_export_matching_nobody_is_inline_not_a_job(client, world, county_user,
                                                                          django_capture_on_commit_callbacks):
    _county_staff(world, 8)  # 8 staff scanned > EXPORT_INLINE_MAX_ROWS (5), none of them nursing
    client.force_login(county_user)
    response = _export(client, django_capture_on_commit_callbacks, reverse(ELIGIBILITY), as_of="2026-09-01",
                       reason="EX_PREGNANCY_NURSING")
    assert response.status_code == 200 and len(_rows(_body(response))) == 1  # the header only
    assert not ExportJob.objects.exists()


def test_a_finished_job_counts_the_rows_written_and_my_exports_shows_them(client, world, county_user,
                                                                          django_capture_on_commit_callbacks):
    _county_staff(world, 8)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.export_job_create(actor=county_user, kind="rotation.eligibility", filename="e.xlsx", args={},
                                         query={"as_of": ["2026-09-01"], "reason": ["EX_PREGNANCY_NURSING"]},
                                         rows_total=0)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.rows_done == job.rows_total == 0  # not 0 / 8 (staff scanned)
    client.force_login(county_user)
    body = client.get(reverse("org:export-list")).content.decode()
    cell = body.split(f'data-testid="export-rows-{job.pk}">')[1].split("</td>")[0]
    assert cell == "0"


# --- review r3: refused filters answer the same way for every kind: the list page with its Chinese errors ------


def test_out_of_scope_region_answers_the_list_page_with_the_form_error(client, world, county_user):
    _county_staff(world, 2)
    client.force_login(county_user)
    response = client.get(reverse(ELIGIBILITY), {"region": world.county_b.pk})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body and "请检查参数" in body and "选择一个有效的选项" in body
    assert world.county_b.name not in body  # the other county is not named
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["talentpool:nomination-export", "talentpool:member-export",
                                  "rotation:assignment-export"])
def test_every_filtered_kind_refuses_an_out_of_scope_filter(client, world, county_user, name):
    client.force_login(county_user)
    response = client.get(reverse(name), {"region": world.county_b.pk})
    assert response.status_code == 400 and 'data-testid="filter-errors"' in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/talentpool/nominations/export/", "/api/v1/talentpool/members/export/"])
def test_talentpool_api_exports_refuse_an_out_of_scope_filter(world, county_user, path):
    api = APIClient()
    api.force_authenticate(county_user)
    response = api.get(path, {"region": world.county_b.pk})
    assert response.status_code == 400 and "region" in response.json()


def test_the_groups_export_refuses_an_out_of_scope_filter_on_its_list_page(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("alliances:export", args=["groups"]), {"region": world.county_b.pk})
    assert response.status_code == 400 and 'data-testid="filter-errors"' in response.content.decode()
    assert not ExportJob.objects.exists()
