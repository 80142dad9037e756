"""A principal nominates in the browser; the county clerk finds it in the inbox."""

import datetime as dt

import pytest
from django.utils import timezone

from talentpool.models import Nomination
from tests.talentpool.factories import IntakeFactory, ProgramFactory, TrackFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_principal_nominates_own_staff_and_county_sees_it(world, principal_user, county_user, login, live_server,
                                                           browser):
    today = timezone.localdate()
    track = TrackFactory(program=ProgramFactory(region=world.city), name="班主任培养对象")
    intake = IntakeFactory(track=track, quota=2, opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=30))
    page = login("principal_a")
    page.goto(f"{live_server.url}/talentpool/intakes/{intake.pk}/nominate/")
    options = page.locator("select[name=staff] option").all_inner_texts()
    assert any("甲老师" in o for o in options) and not any("乙老师" in o for o in options)  # own school only
    page.select_option("select[name=staff]", label=next(o for o in options if "甲老师" in o))
    page.fill("textarea[name=reasons]", "带班成绩突出")
    with page.expect_navigation():
        page.click("main button[name=submit]")
    nomination = Nomination.objects.get()
    assert nomination.staff == world.staff_a and nomination.nominated_by == principal_user

    clerk = browser.new_context(locale="en-US").new_page()
    clerk.goto(f"{live_server.url}/accounts/login/")
    clerk.fill("#id_username", "county_a")
    clerk.fill("#id_password", "pw-123456")
    with clerk.expect_navigation():
        clerk.click("button[type=submit]")
    clerk.goto(f"{live_server.url}/talentpool/inbox/")
    assert "甲老师" in clerk.content()
