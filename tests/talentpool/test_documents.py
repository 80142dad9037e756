"""Documents: rosters (scope, ID masking, formula neutralising, query counts), the public notice, the importer."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import Workbook, load_workbook

from org.excel import get_importer
from talentpool.models import EligibilityRule, Nomination
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


def sheet_rows(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_nomination_roster_scoped_neutralised_and_pinned(client, world, intake, county_user, django_assert_num_queries):
    NominationFactory(intake=intake, staff=world.staff_a, reasons="=HYPERLINK(\"http://x\")")
    for _ in range(10):
        NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a))
    NominationFactory(intake=intake, staff=world.staff_b)
    client.force_login(county_user)
    with django_assert_num_queries(11):  # 7, plus recording who saw the full ID numbers, plus the bounded COUNT (inline or job)
        response = client.get(reverse("talentpool:nomination-export"))
    rows = sheet_rows(response)
    assert rows[0][:4] == ["身份证号", "姓名", "培养计划", "培养类别"] and "状态" in rows[0]
    assert len(rows) == 12
    names = {row[1] for row in rows[1:]}
    assert world.staff_a.name in names and world.staff_b.name not in names
    first = next(row for row in rows if row[1] == world.staff_a.name)
    assert first[0] == world.staff_a.id_number  # bureau staff export full ID numbers
    assert first[6] == "=HYPERLINK(\"http://x\")"  # a text cell with Excel's quote prefix, not a formula


def test_principal_roster_masks_ids(client, world, intake, principal_user):
    NominationFactory(intake=intake, staff=world.staff_a)
    client.force_login(principal_user)
    rows = sheet_rows(client.get(reverse("talentpool:nomination-export")))
    assert rows[1][0] == world.staff_a.masked_id_number


def test_pool_roster_scoped_and_pinned(client, world, county_user, django_assert_num_queries):
    for _ in range(10):
        PoolMemberFactory(staff=StaffFactory(school=world.school_a, name="-cmd"))
    PoolMemberFactory(staff=world.staff_b)
    client.force_login(county_user)
    with django_assert_num_queries(10):  # 6, plus recording who saw the full ID numbers, plus the bounded COUNT (inline or job)
        response = client.get(reverse("talentpool:member-export"))
    rows = sheet_rows(response)
    assert rows[0][:2] == ["姓名", "身份证号"] and len(rows) == 11
    assert rows[1][0] == "-cmd" and world.staff_b.name not in {row[0] for row in rows}


@pytest.fixture
def on_notice(world, intake):
    kwargs = {"status": S.NOTICE, "notice_start": dt.date(2026, 6, 1), "notice_end": dt.date(2026, 6, 5)}
    return [NominationFactory(intake=intake, staff=world.staff_a, **kwargs),
            NominationFactory(intake=intake, staff=world.staff_b, **kwargs),
            NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a, name="未公示"), status=S.ASSESSMENT)]


def test_notice_page_lists_nominations_on_notice(client, world, intake, city_user, county_user, on_notice):
    client.force_login(city_user)
    body = client.get(reverse("talentpool:intake-notice", args=[intake.pk])).content.decode()
    assert "拟入库人选公示" in body and "2026年6月1日至2026年6月5日" in body
    assert world.staff_a.name in body and world.staff_b.name in body and "未公示" not in body
    client.force_login(county_user)
    body = client.get(reverse("talentpool:intake-notice", args=[intake.pk])).content.decode()
    assert world.staff_a.name in body and world.staff_b.name not in body  # scoped like everything else


def test_notice_docx(client, world, intake, city_user, on_notice):
    client.force_login(city_user)
    response = client.get(reverse("talentpool:intake-notice-docx", args=[intake.pk]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "拟入库人选公示" in text and "咸宁市教育局" in text and "公示期为2026年6月1日至2026年6月5日" in text
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert cells[:3] == ["序号", "姓名", "性别"] and world.staff_a.name in cells and "未公示" not in cells


def write_book(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = "推荐人选"
    sheet.append(["身份证号", "姓名", "培养类别", "年度", "推荐理由", "主要业绩", "担任班主任起始时间"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_importer_registered_and_round_trip(world, intake, principal_user, tmp_path):
    importer = get_importer("talent_nominations")
    path = write_book(tmp_path / "n.xlsx", [[world.staff_a.id_number, world.staff_a.name, intake.track.name, 2026, "实绩突出", "", ""]])
    preview = importer.run(path, user=principal_user, commit=False, today=dt.date(2026, 6, 1))
    assert preview.ok and preview.sheets[0].created == 1 and not Nomination.objects.exists()
    committed = importer.run(path, user=principal_user, commit=True, today=dt.date(2026, 6, 1))
    nomination = Nomination.objects.get()
    assert committed.committed and nomination.nominated_by == principal_user and nomination.transitions.count() == 1
    again = importer.run(path, user=principal_user, commit=True, today=dt.date(2026, 6, 1))
    assert again.sheets[0].unchanged == 1 and Nomination.objects.count() == 1


def test_importer_reports_every_problem_and_commits_nothing(world, intake, principal_user, tmp_path):
    EligibilityRule.objects.create(track=intake.track, kind="min_head_teacher_years", number=2)
    young = StaffFactory(school=world.school_a)
    path = write_book(tmp_path / "n.xlsx", [
        [world.staff_a.id_number, world.staff_a.name, intake.track.name, 2026, "理由", "", "2018-09-01"],  # fine
        [world.staff_b.id_number, "", intake.track.name, 2026, "理由", "", "2018-09-01"],  # another school
        [young.id_number, "", intake.track.name, 2026, "理由", "", "2025-09-01"],  # 1 year as head teacher
        [world.staff_a.id_number, "", intake.track.name, 2026, "理由", "", "2018-09-01"],  # duplicate
        [world.staff_a.id_number, "", "不存在的类别", 2026, "理由", "", ""],
        [world.staff_a.id_number, "错名", intake.track.name, 2026, "理由", "", ""],
    ])
    result = get_importer("talent_nominations").run(path, user=principal_user, commit=True, today=dt.date(2026, 6, 1))
    messages = [(p.row, p.message) for p in result.problems.items]
    assert not result.committed and not Nomination.objects.exists()
    assert [row for row, _ in messages] == [3, 4, 5, 6, 7]
    text = " ".join(message for _, message in messages)
    assert "仅满1年" in text and "管理范围" in messages[0][1] and "2" in messages[2][1] and "错名" in messages[4][1]


def test_importer_window_closed(world, intake, county_user, tmp_path):
    path = write_book(tmp_path / "n.xlsx", [[world.staff_a.id_number, "", intake.track.name, 2026, "理由", "", ""]])
    result = get_importer("talent_nominations").run(path, user=county_user, commit=False, today=dt.date(2027, 1, 1))
    assert not result.ok


def test_nominations_go_through_the_shared_import_jobs(world, intake, county_user, tmp_path, settings,
                                                       django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from org import services as org_services
    from org.excel import importer_kinds
    from org.models import ImportJob

    assert "talent_nominations" in dict(importer_kinds())
    today = timezone.localdate()
    intake.opens, intake.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    intake.save()
    path = write_book(tmp_path / "n.xlsx", [[world.staff_a.id_number, "", intake.track.name, 2026, "实绩突出", "", ""]])
    upload = SimpleUploadedFile("推荐.xlsx", path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        job = org_services.import_job_create(actor=county_user, kind="talent_nominations", upload=upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED and job.error_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        org_services.import_job_commit_request(actor=county_user, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED
    assert Nomination.objects.get().nominated_by == county_user


def test_a_large_pool_roster_is_a_job_of_the_owners_scope(client, world, county_user, settings, tmp_path,
                                                          django_capture_on_commit_callbacks):
    """Above EXPORT_INLINE_MAX_ROWS the roster is written by an export job, with the list's filters and the
    user's scope applied again in the worker (org.exporting); the inline answer below it is unchanged."""
    from org.models import ExportJob

    settings.MEDIA_ROOT, settings.EXPORT_INLINE_MAX_ROWS = tmp_path, 9
    for _ in range(10):
        PoolMemberFactory(staff=StaffFactory(school=world.school_a))
    PoolMemberFactory(staff=world.staff_b)
    client.force_login(county_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("talentpool:member-export"))
    job = ExportJob.objects.get(kind="talentpool.members")
    assert response.status_code == 302 and job.status == ExportJob.Status.DONE and job.rows_done == 10
    rows = sheet_rows(client.get(reverse("org:export-download", args=[job.pk])))
    assert len(rows) == 11 and world.staff_b.name not in {row[0] for row in rows}
    settings.EXPORT_INLINE_MAX_ROWS = 10
    assert client.get(reverse("talentpool:member-export")).status_code == 200
