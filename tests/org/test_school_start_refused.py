"""A current-school start in the future or before the person was 16 is refused on the staff page, in the API
and in imports alike (issue 8, item 3), with a Chinese message naming both dates; nothing changes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from org import services

pytestmark = pytest.mark.django_db


def test_service_refuses_a_start_in_the_future(world, county_user):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    before = world.staff_a.school_start
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        services.staff_update(actor=county_user, staff=world.staff_a, data={"school_start": tomorrow})
    world.staff_a.refresh_from_db()
    assert world.staff_a.school_start == before
    assert tomorrow.isoformat() in " ".join(error.value.messages) and "现校起始时间" in " ".join(error.value.messages)


def test_service_refuses_a_start_before_sixteen(world, county_user):
    born = world.staff_a.birth_date
    fifteen = born.replace(year=born.year + 15)
    with pytest.raises(ValidationError) as error:
        services.staff_update(actor=county_user, staff=world.staff_a, data={"school_start": fifteen})
    assert fifteen.isoformat() in " ".join(error.value.messages) and born.isoformat() in " ".join(error.value.messages)


def test_service_accepts_the_sixteenth_birthday(world, county_user):
    born = world.staff_a.birth_date
    sixteen = born.replace(year=born.year + 16) if not (born.month, born.day) == (2, 29) else dt.date(born.year + 16, 2, 28)
    services.staff_update(actor=county_user, staff=world.staff_a, data={"school_start": sixteen})
    world.staff_a.refresh_from_db()
    assert world.staff_a.school_start == sixteen


def test_unrelated_edit_of_an_old_record_is_not_refused(world, county_user):
    staff = world.staff_a
    type(staff).objects.filter(pk=staff.pk).update(school_start=staff.birth_date.replace(year=staff.birth_date.year + 10))
    staff.refresh_from_db()
    services.staff_update(actor=county_user, staff=staff, data={"name": "甲老师二"})
    staff.refresh_from_db()
    assert staff.name == "甲老师二"


def test_import_refuses_a_start_before_sixteen_or_in_the_future(world, book, county_user):
    from org.models import Staff
    from tests.factories import make_id_number
    from tests.org.conftest import staff_row
    from tests.org.test_importers import run

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = book({"教职工": [
        staff_row("十五岁", make_id_number(dt.date(1995, 1, 1), "F"), school_start="2010-12-31"),
        staff_row("明天", make_id_number(dt.date(1990, 1, 1), "F"), school_start=tomorrow.isoformat()),
        staff_row("十六岁", make_id_number(dt.date(1996, 1, 1), "F"), school_start="2012-01-01"),
    ]})
    with translation.override("zh-hans"):
        result = run(path, county_user)
    messages = {(p.sheet, p.row, p.column): p.message for p in result.problems}
    assert "2010-12-31" in messages[("教职工", 2, "现校起始时间")] and "1995-01-01" in messages[("教职工", 2, "现校起始时间")]
    assert tomorrow.isoformat() in messages[("教职工", 3, "现校起始时间")]
    assert ("教职工", 4, "现校起始时间") not in messages
    assert not Staff.objects.filter(name__in=["十五岁", "明天", "十六岁"]).exists()  # one bad row: nothing written


def test_staff_page_shows_the_refusal_on_the_form(client, world, county_user):
    from django.urls import reverse

    staff = world.staff_a
    before = staff.school_start
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {"name": staff.name, "gender": staff.gender, "birth_date": staff.birth_date.isoformat(),
            "school": staff.school_id, "post": staff.post, "subject": staff.subject, "title": staff.title,
            "honour_level": staff.honour_level, "work_start": "", "school_start": tomorrow.isoformat(),
            "post_start": "", "status": staff.status}
    client.force_login(county_user)
    response = client.post(reverse("org:staff-edit", args=[staff.pk]), data)
    staff.refresh_from_db()
    assert response.status_code == 200 and staff.school_start == before
    assert tomorrow.isoformat() in response.content.decode() and "现校起始时间" in response.content.decode()


def test_dict_taking_services_refuse_a_field_they_do_not_state(world, county_user, city_user):
    from rotation import services as rotation_services

    with pytest.raises(TypeError, match="id_number"):
        services.staff_update(actor=county_user, staff=world.staff_a, data={"id_number": "x"})
    with pytest.raises(TypeError, match="code"):
        services.school_update(actor=county_user, school=world.school_a, data={"code": "Z999"})
    with pytest.raises(TypeError, match="region"):
        rotation_services.policy_save(actor=city_user, region=world.county_a, data={"region": world.county_b})
    assert set(services.STAFF_FIELDS) < set(services.STAFF_CREATE_FIELDS)
