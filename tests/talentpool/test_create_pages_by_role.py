"""Who may open the talent pool's create pages: each role either gets the form (200) or a clear Chinese refusal
(403 with the reason; 404 where the row is not visible at all), never a form that fails on submit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from org.web import MSG_MANAGERS_ONLY
from talentpool.services.workflow import MSG_PROGRAM_OUT_OF_SCOPE
from talentpool.views import MSG_NOMINATORS_ONLY
from tests.talentpool.factories import IntakeFactory

pytestmark = pytest.mark.django_db

ROLES = ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"]
MANAGERS = {"city_user": 200, "county_user": 200, "principal_user": 403, "supervisor_user": 403, "reviewer_user": 403}
# a city program's tracks, rules and intakes: run by the city bureau only; the county and its schools see them;
# a reviewer with no region does not
CITY_RUN = {"city_user": 200, "county_user": 403, "principal_user": 403, "supervisor_user": 403, "reviewer_user": 404}
# nominating into the city's open intake: principals (their own staff) and bureau staff
NOMINATE = {"city_user": 200, "county_user": 200, "principal_user": 200, "supervisor_user": 403, "reviewer_user": 404}


@pytest.fixture
def open_intake(intake):
    today = dt.date.today()
    intake.opens, intake.closes = today - dt.timedelta(days=1), today + dt.timedelta(days=30)
    intake.save()
    return intake


def urls(intake):
    track, program = intake.track, intake.track.program
    return {
        "program": (reverse("talentpool:program-create"), MANAGERS, MSG_MANAGERS_ONLY),
        "training": (reverse("talentpool:training-create"), MANAGERS, MSG_MANAGERS_ONLY),
        "studio": (reverse("talentpool:studio-create"), MANAGERS, MSG_MANAGERS_ONLY),
        "appointment": (reverse("talentpool:appointment-create"), MANAGERS, MSG_MANAGERS_ONLY),
        "track": (reverse("talentpool:track-create", args=[program.pk]), CITY_RUN, MSG_PROGRAM_OUT_OF_SCOPE),
        "rule": (reverse("talentpool:rule-create", args=[track.pk]), CITY_RUN, MSG_PROGRAM_OUT_OF_SCOPE),
        "intake": (reverse("talentpool:intake-create", args=[track.pk]), CITY_RUN, MSG_PROGRAM_OUT_OF_SCOPE),
        "nomination": (reverse("talentpool:nomination-create", args=[intake.pk]), NOMINATE, MSG_NOMINATORS_ONLY),
    }


@pytest.mark.parametrize("page", ["program", "training", "studio", "appointment", "track", "rule", "intake",
                                  "nomination"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_form_or_a_chinese_refusal(client, world, open_intake, request, role, page):
    user = request.getfixturevalue(role)
    url, expected, message = urls(open_intake)[page]
    client.force_login(user)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == expected[role], (page, role, response.status_code)
    body = response.content.decode()
    if expected[role] == 200:
        assert "<form" in body
    elif expected[role] == 403:
        with translation.override("zh-hans"):
            assert str(message) in body  # the reason, in Chinese
        assert 'type="submit"' not in body.split("</nav>", 1)[-1].split("<footer", 1)[0]  # no form to fail


def test_a_county_user_may_nominate_into_its_own_countys_intake(client, world, county_user):
    from tests.talentpool.factories import ProgramFactory, TrackFactory

    today = dt.date.today()
    intake = IntakeFactory(track=TrackFactory(program=ProgramFactory(region=world.county_a)),
                           opens=today - dt.timedelta(days=1), closes=today + dt.timedelta(days=30))
    client.force_login(county_user)
    assert client.get(reverse("talentpool:track-create", args=[intake.track.program.pk])).status_code == 200
    assert client.get(reverse("talentpool:nomination-create", args=[intake.pk])).status_code == 200
