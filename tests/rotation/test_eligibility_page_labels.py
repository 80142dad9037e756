"""The eligibility page speaks the bureau's words: reasons as their Chinese labels (the code only as a tooltip),
the reason filter offers labels, the wide table scrolls inside .table-responsive, and the as-of date input
shows the date the page actually used (the policy's next term start when none was asked)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from rotation import rules, selectors
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def page(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("rotation:eligibility-list"), query)
    assert response.status_code == 200
    return response, response.content.decode()


def table(body: str) -> str:
    return body[body.index('data-testid="eligibility-table"'):body.index("</table>")]


def test_reasons_show_their_chinese_labels_with_the_code_as_tooltip(client, world, county_user):
    _response, body = page(client, county_user, as_of="2026-09-01")
    cells = table(body)
    label = "在本校任职满六年"  # rules.reason_label(MUST_TEACHER_TENURE) in Chinese
    assert label in cells
    assert f'title="{rules.MUST_TEACHER_TENURE}"' in cells
    assert f">{rules.MUST_TEACHER_TENURE}<" not in cells and "<code>" not in cells  # no bare code as text
    assert "原因代码" not in cells


def test_the_reason_filter_offers_labels_and_keeps_codes_as_values(client, world, county_user):
    _response, body = page(client, county_user)
    select = body[body.index('name="reason"'):]
    select = select[:select.index("</select>")]
    assert f'<option value="{rules.MUST_TEACHER_TENURE}">在本校任职满六年</option>' in select
    assert f">{rules.MUST_TEACHER_TENURE}</option>" not in select
    _response, body = page(client, county_user, as_of="2026-09-01", reason=rules.MUST_TEACHER_TENURE)
    assert "甲老师" in table(body)  # the filter still works by code


def test_the_wide_table_scrolls_inside_table_responsive(client, world, county_user):
    _response, body = page(client, county_user)
    assert re.search(r'<div class="table-responsive">\s*<table[^>]*data-testid="eligibility-table"', body)


def test_the_as_of_input_shows_the_date_used_when_none_was_asked(client, world, county_user):
    StaffFactory(name="新来的", school=world.school_a, school_start=dt.date(2025, 9, 1))
    response, body = page(client, county_user)
    used = response.context["as_of"]
    assert used == selectors.default_as_of_for(today=response.context["today"], user=county_user)
    assert re.search(rf'name="as_of"[^>]*value="{used:%Y-%m-%d}"', body)
    _response, body = page(client, county_user, status="NOT_YET")  # other filters given, still no date
    assert re.search(rf'name="as_of"[^>]*value="{used:%Y-%m-%d}"', body)


def test_an_asked_as_of_date_is_kept_in_the_input(client, world, county_user):
    _response, body = page(client, county_user, as_of="2026-09-01")
    assert re.search(r'name="as_of"[^>]*value="2026-09-01"', body)
    _response, body = page(client, county_user, as_of="2026-13-45")  # refused: the input keeps what was typed
    assert re.search(r'name="as_of"[^>]*value="2026-13-45"', body)
