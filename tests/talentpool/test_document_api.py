"""The API twins of the talent pool's documents (issue 9, point 10): the notice .docx and the nomination and
pool rosters answer the same files as the pages, scoped (one row in, one out), and are in the schema."""

import datetime as dt
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from org.downloads import DOCX, XLSX
from org.models import Unmasking
from talentpool.models import Nomination
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def sheet_names(response, column: int) -> set:
    book = load_workbook(io.BytesIO(body(response)), read_only=True)
    return {row[column] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}


def test_notice_docx_through_the_api_is_the_pages_document_scoped(client, world, intake, county_user):
    kwargs = {"status": S.NOTICE, "notice_start": dt.date(2026, 6, 1), "notice_end": dt.date(2026, 6, 5)}
    NominationFactory(intake=intake, staff=world.staff_a, **kwargs)
    NominationFactory(intake=intake, staff=world.staff_b, **kwargs)
    client.force_login(county_user)
    response = client.get(f"/api/v1/talentpool/intakes/{intake.pk}/notice/")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert f'filename="notice-{intake.pk}.docx"' in response["Content-Disposition"]
    document = Document(io.BytesIO(body(response)))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert world.staff_a.name in cells and world.staff_b.name not in cells  # county A sees only its own


def test_notice_of_an_intake_out_of_scope_is_404(client, world, intake, principal_user):
    client.force_login(principal_user)
    assert client.get("/api/v1/talentpool/intakes/99999999/notice/").status_code == 404


def test_nomination_roster_through_the_api_scoped_filtered_and_recorded(client, world, intake, county_user):
    NominationFactory(intake=intake, staff=world.staff_a)
    NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a, name="已退回"), status=S.RETURNED)
    NominationFactory(intake=intake, staff=world.staff_b)
    client.force_login(county_user)
    response = client.get("/api/v1/talentpool/nominations/export/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    names = sheet_names(response, 1)
    assert world.staff_a.name in names and "已退回" in names and world.staff_b.name not in names
    assert Unmasking.objects.filter(user=county_user, detail="提名名册 (API)").exists()
    filtered = sheet_names(client.get("/api/v1/talentpool/nominations/export/", {"status": S.RETURNED}), 1)
    assert filtered == {"已退回"}  # the list's filters apply


def test_pool_roster_through_the_api_scoped(client, world, county_user):
    PoolMemberFactory(staff=world.staff_a)
    PoolMemberFactory(staff=world.staff_b)
    client.force_login(county_user)
    response = client.get("/api/v1/talentpool/members/export/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    names = sheet_names(response, 0)
    assert world.staff_a.name in names and world.staff_b.name not in names


def test_document_actions_are_in_the_schema(client, city_user):
    client.force_login(city_user)
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    notice = schema["paths"]["/api/v1/talentpool/intakes/{id}/notice/"]["get"]["responses"]["200"]["content"]
    assert DOCX in notice
    for path in ("/api/v1/talentpool/nominations/export/", "/api/v1/talentpool/members/export/"):
        assert XLSX in schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert "/api/v1/rotation/title-statements/{id}/" in schema["paths"]
