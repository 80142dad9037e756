"""Every document twin (page and API) answers a county user's request for another county's EXISTING intake or
person exactly as for an id that does not exist (404, same body; the asked path aside), and the in-scope
document (200). The rosters take the id as a filter: another county's intake, school or region is refused
exactly like a missing one (400, the same errors)."""

import re

import pytest

from talentpool.models import Nomination
from tests.talentpool.factories import (
    IntakeFactory,
    NominationFactory,
    PoolMemberFactory,
    ProgramFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db
S = Nomination.Status
MISSING = 99999999


def comparable(response, path: str = "") -> tuple:
    """Status, type and body, less what differs per request (CSRF tokens, nonces, the asked path)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = re.sub(r'(csrf[^"]*"\s*(value|content)=")[^"]*', r"\1", content.decode("utf-8", "replace"))
    text = text.replace(path, "<path>") if path else text
    text = re.sub(r'nonce="[^"]*"', "", text)
    return response.status_code, response.get("Content-Type"), text


@pytest.fixture
def intake_b(world):
    """An intake of county B's own program: county A does not see it."""
    return IntakeFactory(track=TrackFactory(program=ProgramFactory(region=world.county_b, name="嘉鱼县计划")))


@pytest.fixture
def intake_a(world):
    return IntakeFactory(track=TrackFactory(program=ProgramFactory(region=world.county_a, name="咸安区计划")))


def assert_same_404(client, url_of, existing_pk):
    """The answers for the existing out-of-scope id and the missing one, the asked path itself aside."""
    out, missing = (comparable(client.get(url_of(pk)), url_of(pk)) for pk in (existing_pk, MISSING))
    assert out[0] == 404, out
    assert out == missing


@pytest.mark.parametrize("url", ["/api/v1/talentpool/intakes/{}/notice/", "/talentpool/intakes/{}/notice/",
                                 "/talentpool/intakes/{}/notice.docx", "/api/v1/talentpool/intakes/{}/"])
def test_intake_notice_twins_in_scope_200_other_county_404_like_missing(client, world, county_user, intake_a, intake_b,
                                                                        url):
    NominationFactory(intake=intake_a, staff=world.staff_a, status=S.NOTICE)
    NominationFactory(intake=intake_b, staff=world.staff_b, status=S.NOTICE)
    client.force_login(county_user)
    assert client.get(url.format(intake_a.pk)).status_code == 200
    assert_same_404(client, url.format, intake_b.pk)


@pytest.mark.parametrize("url", ["/api/v1/rotation/title-statements/{}/", "/rotation/staff/{}/title-statement/"])
def test_title_statement_twins_in_scope_200_other_county_404_like_missing(client, world, county_user, url):
    client.force_login(county_user)
    assert client.get(url.format(world.staff_a.pk)).status_code == 200
    assert_same_404(client, url.format, world.staff_b.pk)


@pytest.mark.parametrize("url", ["/api/v1/talentpool/nominations/export/", "/talentpool/nominations/export.xlsx"])
@pytest.mark.parametrize("field", ["intake", "school", "region"])
def test_nomination_roster_filter_of_another_county_answers_like_missing(client, world, county_user, intake_a, intake_b,
                                                                        url, field):
    NominationFactory(intake=intake_a, staff=world.staff_a)
    NominationFactory(intake=intake_b, staff=world.staff_b)
    client.force_login(county_user)
    mine = {"intake": intake_a.pk, "school": world.school_a.pk, "region": world.county_a.pk}[field]
    theirs = {"intake": intake_b.pk, "school": world.school_b.pk, "region": world.county_b.pk}[field]
    assert client.get(url, {field: mine}).status_code == 200
    out, missing = (comparable(client.get(url, {field: pk}), f"{field}={pk}") for pk in (theirs, MISSING))
    assert out[0] in (400, 404)
    assert out == missing


@pytest.mark.parametrize("url", ["/api/v1/talentpool/members/export/", "/talentpool/members/export.xlsx"])
@pytest.mark.parametrize("field", ["school", "region"])
def test_pool_roster_filter_of_another_county_answers_like_missing(client, world, county_user, url, field):
    PoolMemberFactory(staff=world.staff_a)
    PoolMemberFactory(staff=world.staff_b)
    client.force_login(county_user)
    mine = {"school": world.school_a.pk, "region": world.county_a.pk}[field]
    theirs = {"school": world.school_b.pk, "region": world.county_b.pk}[field]
    assert client.get(url, {field: mine}).status_code == 200
    out, missing = (comparable(client.get(url, {field: pk}), f"{field}={pk}") for pk in (theirs, MISSING))
    assert out[0] in (400, 404)
    assert out == missing
