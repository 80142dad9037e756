"""History pages show each field's verbose name and display values (choice labels, 是/否, the school by name),
never the field names or stored choice values; ID numbers stay masked and birth dates shown as years. The admin's
history list alike. The API keeps the field names and stored values (its documented shape)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from org import idcard
from org.models import Staff
from org.selectors import history_of
from tests.factories import SchoolFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(world):
    """甲老师 moved to a second school of county A, became vice principal and head teacher, ID and birth fixed."""
    staff = world.staff_a
    staff.school = SchoolFactory(code="A009", name="咸安第九小学", region=world.county_a)
    staff.post = Staff.Post.VICE_PRINCIPAL
    staff.is_head_teacher = True
    staff.honour_level = Staff.Honour.choices[-1][0]
    staff.birth_date = dt.date(1986, 6, 1)
    staff.id_number = make_id_number(dt.date(1986, 6, 1), "M")
    staff.save()
    return staff


def details(body: str) -> str:
    return body[body.index('data-testid="history"'):body.index("</table>", body.index('data-testid="history"'))]


def test_the_staff_page_history_shows_verbose_names_and_labels(client, world, county_user, changed):
    client.force_login(county_user)
    body = details(client.get(reverse("org:staff-detail", args=[changed.pk])).content.decode())
    for label in ("岗位", "班主任", "学校", "出生日期"):
        assert label in body, label
    for raw in ("<code>", ">post<", "is_head_teacher", "school:", "vice_principal", "birth_date", "id_number",
                "honour_level", f"#{changed.school_id}"):
        assert raw not in body, raw
    assert "副校长" in body and "咸安第九小学" in body and "是" in body
    assert idcard.mask(changed.id_number) in body and changed.id_number not in body  # still masked
    assert "1986" in body and "1986-06-01" not in body  # the birth date as its year


def test_history_of_keeps_names_and_values_and_adds_what_pages_show(world, county_user, changed):
    entry = history_of(changed, user=county_user)[0]
    assert any(name == "post" and new == Staff.Post.VICE_PRINCIPAL for name, _old, new in entry["changes"])
    with translation.override("zh-hans"):
        shown = {label: (old, new) for label, old, new in history_of(changed, user=county_user)[0]["shown"]}
    assert shown["岗位"][1] == "副校长"
    assert shown["班主任"] == ("否", "是")
    assert shown["学校"] == (str(world.school_a), "咸安第九小学")
    assert shown["出生日期"] == (1985, 1986)


def test_a_related_row_the_reader_may_not_see_is_shown_by_id_only(world, principal_user, changed):
    """The principal of school A no longer sees 甲老师's new school: history names neither school it cannot see."""
    with translation.override("zh-hans"):
        shown = {label: (old, new) for label, old, new in history_of(changed, user=principal_user)[0]["shown"]}
    assert shown["学校"] == (str(world.school_a), f"#{changed.school_id}")


def test_the_admin_history_shows_verbose_names_labels_and_masks(client, world, admin_user, changed):
    client.force_login(admin_user)
    with translation.override("zh-hans"):
        body = client.get(reverse("admin:org_staff_history", args=[changed.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = body.content.decode()
    assert "副校长" in body and "vice_principal" not in body
    assert changed.id_number not in body and idcard.mask(changed.id_number) in body
    assert "1986-06-01" not in body
