"""Cross-county transfers (跨县调动, issue 10, 11): a county's row for a person of another county becomes a
request the city bureau decides; the person's record then moves with its history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from org import services
from org.importers import base_data_importer
from org.models import Staff, TransferRequest, WorkHistory
from tests.org.conftest import staff_row

pytestmark = pytest.mark.django_db


def import_transfer(book, world, county_user, **extra):
    path = book({"教职工": [staff_row("乙老师调入", world.staff_b.id_number, "A001", school_start="2026-09-01",
                                  **extra)]})
    return base_data_importer.run(path, user=county_user, commit=True)


def test_a_row_for_a_person_of_another_county_becomes_a_transfer_request(world, book, county_user):
    result = import_transfer(book, world, county_user)
    assert result.ok and result.committed, result.problems.as_list()
    request = TransferRequest.objects.get()
    assert (request.staff, request.from_region, request.to_school) == (world.staff_b, world.county_b, world.school_a)
    assert request.state == TransferRequest.State.PENDING and request.requested_by == county_user
    assert "跨县调动" in result.sheets[0].note
    world.staff_b.refresh_from_db()
    assert world.staff_b.school == world.school_b  # nothing moves before the city decides
    assert result.sheets[0].preview == {"created": [], "updated": [], "unchanged": []}  # nothing of county B shown


def test_importing_the_same_file_twice_requests_once(world, book, county_user):
    import_transfer(book, world, county_user)
    import_transfer(book, world, county_user)
    assert TransferRequest.objects.count() == 1


def test_the_city_approves_and_the_record_moves_with_its_history(world, book, county_user, city_user):
    world.staff_b.school_start = date(2015, 9, 1)
    world.staff_b.save()
    import_transfer(book, world, county_user)
    request = services.transfer_decide(actor=city_user, request=TransferRequest.objects.get(), approve=True)
    assert request.state == TransferRequest.State.APPROVED and request.decided_by == city_user
    staff = Staff.objects.get(pk=world.staff_b.pk)
    assert (staff.school, staff.school_start, staff.name) == (world.school_a, date(2026, 9, 1), "乙老师调入")
    stint = WorkHistory.objects.get(staff=staff)
    assert (stint.school, stint.start, stint.end) == (world.school_b, date(2015, 9, 1), date(2026, 8, 31))
    assert staff.history.first().history_user == city_user


def test_a_county_may_not_decide_and_a_decision_is_final(world, book, county_user, city_user):
    import_transfer(book, world, county_user)
    request = TransferRequest.objects.get()
    with pytest.raises(PermissionDenied):
        services.transfer_decide(actor=county_user, request=request, approve=True)
    services.transfer_decide(actor=city_user, request=request, approve=False)
    with pytest.raises(ValidationError):
        services.transfer_decide(actor=city_user, request=request, approve=True)
    assert Staff.objects.get(pk=world.staff_b.pk).school == world.school_b


def test_the_requesting_county_sees_its_row_and_the_state_only(world, book, client, county_user, city_user):
    import_transfer(book, world, county_user)
    client.force_login(county_user)
    page = client.get(reverse("org:transfer-list")).content.decode()
    assert "乙老师调入" in page and "待市局审批" in page
    assert world.school_b.name not in page and world.staff_b.id_number not in page
    assert 'data-testid="transfer-approve"' not in page
    client.force_login(city_user)
    response = client.post(reverse("org:transfer-decide", args=[TransferRequest.objects.get().pk]),
                           {"decision": "approve"})
    assert response.status_code == 302
    assert Staff.objects.get(pk=world.staff_b.pk).school == world.school_a


def test_a_user_of_an_unrelated_county_sees_no_transfer(world, book, county_user, client):
    from org.models import UserRole
    from tests.factories import RegionFactory, UserFactory, UserRoleFactory

    import_transfer(book, world, county_user)
    other = RegionFactory(code="421222", name="通城县", parent=world.city)
    user = UserFactory(username="tongcheng")
    UserRoleFactory(user=user, role=UserRole.Role.COUNTY_STAFF, region=other)
    client.force_login(user)
    assert "乙老师" not in client.get(reverse("org:transfer-list")).content.decode()
    assert client.post(reverse("org:transfer-decide", args=[TransferRequest.objects.get().pk]),
                       {"decision": "approve"}).status_code == 404


def test_history_rows_for_a_person_being_transferred_say_so(world, book, county_user):
    path = book({"教职工": [staff_row("乙老师调入", world.staff_b.id_number, "A001", school_start="2026-09-01")],
                 "任职经历": [[world.staff_b.id_number, "A001", "专任教师", "2010-09-01", "2012-08-31"]]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("任职经历", 2, "身份证号")]
    assert "第 2 行" in result.problems.items[0].message
    assert not TransferRequest.objects.exists()  # all or nothing


def test_a_row_for_a_person_of_another_city_is_refused_naming_no_place(world, book, county_user):
    from org.models import Region
    from tests.factories import RegionFactory, SchoolFactory, StaffFactory

    province = RegionFactory(code="420000", name="湖北省", level=Region.Level.PROVINCE)
    Region.objects.filter(pk=world.city.pk).update(parent=province)
    other_city = RegionFactory(code="421000", name="襄阳市", level=Region.Level.CITY, parent=province)
    other_county = RegionFactory(code="421002", name="襄城区", parent=other_city)
    school = SchoolFactory(code="X001", name="襄城小学", region=other_county)
    person = StaffFactory(school=school)
    path = book({"教职工": [staff_row("跨市老师", person.id_number, "A001", school_start="2026-09-01")]})
    result = base_data_importer.run(path, user=county_user, commit=True)
    assert not result.committed and TransferRequest.objects.count() == 0
    messages = " ".join(str(p) for p in result.problems.as_list())
    assert "跨市调动须由原单位办理调出" in messages
    assert "襄阳" not in messages and "襄城" not in messages and "X001" not in messages
    assert Staff.objects.get(pk=person.pk).school == school


def test_the_list_names_the_county_left_to_the_city_and_the_requester(world, book, client, county_user, city_user):
    import_transfer(book, world, county_user)
    client.force_login(city_user)
    page = client.get(reverse("org:transfer-list")).content.decode()
    assert "调出区县" in page and "申请人" in page
    assert f'data-testid="transfer-from">{world.county_b.name}<' in page
    assert f'data-testid="transfer-requester">{county_user.username}<' in page
    client.force_login(county_user)
    page = client.get(reverse("org:transfer-list")).content.decode()
    assert world.county_b.name not in page and 'data-testid="transfer-from">—<' in page


def test_other_rows_of_a_person_of_another_city_point_to_their_refused_staff_row(world, book, county_user):
    """Their 任职经历 row points to the refused 教职工 row; it never says the ID is not in the 教职工 sheet."""
    from org.models import Region
    from tests.factories import RegionFactory, SchoolFactory, StaffFactory

    province = RegionFactory(code="420000", name="湖北省", level=Region.Level.PROVINCE)
    Region.objects.filter(pk=world.city.pk).update(parent=province)
    other_city = RegionFactory(code="421000", name="襄阳市", level=Region.Level.CITY, parent=province)
    school = SchoolFactory(code="X001", name="襄城小学", region=RegionFactory(code="421002", parent=other_city))
    person = StaffFactory(school=school)
    path = book({"教职工": [staff_row("跨市老师", person.id_number, "A001", school_start="2026-09-01")],
                 "任职经历": [[person.id_number, "A001", "", "2001.09", "2002.08"]]})
    result = base_data_importer.run(path, user=county_user, commit=False)
    history = [p for p in result.problems if p.sheet == "任职经历"]
    assert [(p.row, p.column) for p in history] == [(2, "身份证号")]
    assert "第 2 行" in history[0].message and "既不在" not in history[0].message
    assert "襄阳" not in history[0].message and "X001" not in history[0].message
