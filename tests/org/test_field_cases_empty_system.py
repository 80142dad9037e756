"""The field cases (../shared/field-cases, README there) on an EMPTY system: a new bureau brings its own city.

tests/org/test_field_cases.py builds the demo's regions and schools with factories; here nothing exists but a
superuser, who imports the city, its county and the schools through the upload page (preview, then commit), and
the new county's user then imports each case through the same page. Each gives what the README says."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from org.models import ImportJob, Region, School, Staff, UserRole, WorkHistory
from tests.factories import UserFactory, UserRoleFactory
from tests.org.conftest import write_book
from tests.org.test_field_cases import FIELD_CASES, RURAL, URBAN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FIELD_CASES.is_dir(), reason="../shared/field-cases is not beside the clone"),
]


def upload(client, name, content, capture):
    before = ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with capture(execute=True):
        response = client.post(reverse("org:import-index"),
                               {"kind": "base_data", "file": SimpleUploadedFile(name, content)})
    return response, ImportJob.objects.filter(pk__gt=before).first()


def commit(client, job, capture):
    with capture(execute=True):
        client.post(reverse("org:import-commit", args=[job.pk]))
    job.refresh_from_db()
    return job


@pytest.fixture
def new_bureau(client, tmp_path, django_capture_on_commit_callbacks):
    """An empty system; the superuser imports 咸宁市, 咸安区 and its schools through the web."""
    assert not Region.objects.exists() and not School.objects.exists()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    path = write_book(tmp_path / "setup.xlsx", {
        "区县": [["421200", "咸宁市", ""], ["421202", "咸安区", "421200"]],
        "学校": [[code, f"学校{code[-4:]}", "421202", "小学", "城区" if code in URBAN else "乡村", "否"]
                 for code in URBAN + RURAL],
    })
    _response, job = upload(client, "setup.xlsx", path.read_bytes(), django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert commit(client, job, django_capture_on_commit_callbacks).status == ImportJob.Status.COMMITTED
    assert School.objects.filter(region__code="421202").count() == 6
    user = UserFactory(username="xianan")
    UserRoleFactory(user=user, role=UserRole.Role.COUNTY_STAFF, region=Region.objects.get(code="421202"))
    client.force_login(user)
    return user


# file -> (staff stored after the commit, or None when refused)
CASES = {
    "03-two-row-header.xlsx": 3,
    "04-merged-school-code.xlsx": 4,
    "05-xls-biff8.xls": 3,
    "08-id-apostrophe-invisible-chars.xlsx": 6,
    "11-history-month-end.xlsx": 1,
    "12-history-zhijin.xlsx": 1,
    "15-hidden-stale-sheet.xlsx": 2,
    "17a-sheet-named-Sheet1.xlsx": None,
    "18b-formulas-not-calculated.xlsx": None,
    "20-ideographic-space-names.xlsx": 3,
    "21c-stray-space-XFD1048576.xlsx": 3,
    "24-header-synonym-start-date.xlsx": 3,
    "37b-id-zeroed-passes-check.xlsx": None,
    "38-password-protected-xlsx.xlsx": None,
}


@pytest.mark.parametrize(("name", "staff"), CASES.items())
def test_each_field_case_through_the_web_on_an_empty_system(new_bureau, client, name, staff,
                                                            django_capture_on_commit_callbacks):
    response, job = upload(client, name, (FIELD_CASES / name).read_bytes(), django_capture_on_commit_callbacks)
    if staff is None:
        assert job is None or job.status == ImportJob.Status.FAILED, job and job.status
        if job is None:
            assert "密码" in response.content.decode()
        assert not Staff.objects.exists()
        return
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert not Staff.objects.exists()  # the preview writes nothing
    assert commit(client, job, django_capture_on_commit_callbacks).status == ImportJob.Status.COMMITTED
    assert Staff.objects.count() == staff
    assert not Staff.objects.exclude(school__region__code="421202").exists()
    if name.startswith("11"):
        assert sorted(WorkHistory.objects.values_list("end", flat=True))[-1].isoformat() == "2016-08-31"
    if name.startswith("12"):
        assert WorkHistory.objects.filter(end=None).count() == 1
    if name.startswith("20"):
        assert {"董明", "萧宁"} <= set(Staff.objects.values_list("name", flat=True))
