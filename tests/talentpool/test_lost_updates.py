"""No lost updates (issue 16.3) in the talent pool: nominations, programs, tracks, rules, intakes and pool
members, each with two sessions; the second save from a stale page is refused, naming what changed."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from org.models import UserRole
from talentpool.models import EligibilityRule, Intake, Nomination, PoolMember, Program, Track
from tests.conftest import _user_with_role
from tests.lost_updates import edit_page_post, flash, page_error, session
from tests.talentpool.factories import EligibilityRuleFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_county_clerk(world):
    return _user_with_role("county_a2", UserRole.Role.COUNTY_STAFF, region=world.county_a)


@pytest.fixture
def second_city_clerk(world):
    return _user_with_role("city2", UserRole.Role.CITY_STAFF, region=world.city)


def _label(model, name) -> str:
    with translation.override("zh-hans"):
        return str(model._meta.get_field(name).verbose_name)


def test_second_nomination_step_from_a_stale_page_is_refused(world, nomination_a, county_user, second_county_clerk):
    first, second = session(county_user), session(second_county_clerk)
    page = nomination_a.get_absolute_url()
    for client in (first, second):
        assert 'name="version" value="1"' in client.get(page).content.decode()

    pass_url = reverse("talentpool:nomination-county-pass", args=[nomination_a.pk])
    return_url = reverse("talentpool:nomination-return", args=[nomination_a.pk])
    assert first.post(pass_url, {"comment": "", "version": 1}).status_code == 302
    response = second.post(return_url, {"reason": "材料不全", "version": 1}, follow=True)

    message = flash(response)
    assert _label(Nomination, "status") in message and "county_a" in message
    nomination = Nomination.objects.get(pk=nomination_a.pk)
    assert (nomination.status, nomination.version) == (Nomination.Status.ASSESSMENT, 2)
    assert not nomination.transitions.filter(to_status=Nomination.Status.RETURNED).exists()


def test_a_principal_is_told_what_changed_but_not_by_whom(world, nomination_a, county_user, principal_user):
    principal = session(principal_user)
    county = session(county_user)
    county.post(reverse("talentpool:nomination-return", args=[nomination_a.pk]), {"reason": "补充材料", "version": 1})
    assert Nomination.objects.get(pk=nomination_a.pk).status == Nomination.Status.RETURNED
    county.post(reverse("talentpool:nomination-resubmit", args=[nomination_a.pk]),
                {"reasons": "县局代为补充", "version": 2})
    response = principal.post(reverse("talentpool:nomination-resubmit", args=[nomination_a.pk]),
                              {"reasons": "学校补充的理由", "version": 2}, follow=True)

    message = flash(response)
    assert _label(Nomination, "reasons") in message and "county_a" not in message
    assert Nomination.objects.get(pk=nomination_a.pk).reasons == "县局代为补充"


def test_nomination_api_if_match_412_and_body_version_409(world, nomination_a, county_user, second_county_clerk):
    first, second = APIClient(), APIClient()
    first.force_authenticate(county_user)
    second.force_authenticate(second_county_clerk)
    url = f"/api/v1/talentpool/nominations/{nomination_a.pk}/"
    etag = second.get(url)["ETag"]

    assert first.post(f"{url}county-pass/", {"comment": ""}, HTTP_IF_MATCH=etag).status_code == 200
    by_header = second.post(f"{url}return/", {"reason": "材料不全"}, HTTP_IF_MATCH=etag)
    by_body = second.post(f"{url}return/", {"reason": "材料不全", "version": 1})

    assert by_header.status_code == 412 and "county_a" in by_header.json()["detail"]
    assert by_body.status_code == 409 and _label(Nomination, "status") in by_body.json()["detail"]
    assert Nomination.objects.get(pk=nomination_a.pk).status == Nomination.Status.ASSESSMENT
    assert second.get(url).json()["version"] == 2


def _edit_urls(program, intake):
    rule = EligibilityRuleFactory(track=intake.track)
    return [
        (Program, program, reverse("talentpool:program-edit", args=[program.pk]), {"years": 4}, {"description": "乙"}),
        (Track, intake.track, reverse("talentpool:track-edit", args=[intake.track.pk]), {"annual_quota": 5},
         {"name": "另一名称"}),
        (EligibilityRule, rule, reverse("talentpool:rule-edit", args=[rule.pk]), {"number": 45}, {"number": 48}),
        (Intake, intake, reverse("talentpool:intake-edit", args=[intake.pk]), {"quota": 3}, {"quota": 9}),
    ]


def test_every_talentpool_edit_page_refuses_the_second_save(world, program, intake, city_user, second_city_clerk):
    for model, row, url, first_change, second_change in _edit_urls(program, intake):
        first, second = session(city_user), session(second_city_clerk)
        first_post = edit_page_post(first, url, first_change)
        second_post = edit_page_post(second, url, second_change)

        assert first.post(url, first_post).status_code == 302, (model, page_error(first.post(url, first_post)))
        response = second.post(url, second_post)

        name, _value = next(iter(first_change.items()))
        message = page_error(response)
        assert response.status_code == 200 and _label(model, name) in message and "city" in message, (model, message)
        saved = model.objects.get(pk=row.pk)
        assert getattr(saved, name) == first_change[name] and saved.version == 2, model


def test_second_tier_move_from_a_stale_member_page_is_refused(world, city_user, second_city_clerk):
    member = PoolMemberFactory(staff=world.staff_a)
    first, second = session(city_user), session(second_city_clerk)
    url = reverse("talentpool:member-tier", args=[member.pk])
    assert 'name="version" value="1"' in second.get(member.get_absolute_url()).content.decode()

    first.post(url, {"to_tier": "county", "moved_on": "2026-06-01", "reason": "", "version": 1})
    response = second.post(url, {"to_tier": "county", "moved_on": "2026-06-02", "reason": "", "version": 1},
                           follow=True)

    assert _label(PoolMember, "tier") in flash(response)
    assert PoolMember.objects.get(pk=member.pk).tier_moves.count() == 1
