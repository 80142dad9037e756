"""History pages show change reasons in Chinese ("Excel import #2", "created" were shown in English)."""

import pytest
from django.urls import reverse

from org.history_reasons import reason_text
from org.services.people import save_audited

pytestmark = pytest.mark.django_db


def test_the_staff_history_shows_the_reasons_in_chinese(client, world, county_user):
    staff = world.staff_a
    staff.name = "甲老师一"
    save_audited(staff, actor=county_user, reason="Excel import #2")
    staff.name = "甲老师二"
    save_audited(staff, actor=county_user, reason="created")
    client.force_login(county_user)
    page = client.get(reverse("org:staff-detail", args=[staff.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Excel 导入（任务 #2）" in page and "· 新建" in page
    assert "Excel import" not in page and "· created" not in page


def test_an_unknown_reason_is_shown_as_stored():
    assert reason_text("某原因") == "某原因" and reason_text(None) == ""
