"""Every create and edit page answers each role with the exact status code, in Chinese."""

import pytest
from django.urls import reverse

from talentpool.models import EligibilityRule

pytestmark = pytest.mark.django_db

ROLES = ["city_user", "county_user", "principal_user", "supervisor_user", "reviewer_user"]


def _pages(intake):
    track = intake.track
    rule = EligibilityRule.objects.create(track=track, kind="min_leader_years", number=3)
    return {
        "program-create": reverse("talentpool:program-create"),
        "program-edit": reverse("talentpool:program-edit", args=[track.program.pk]),
        "track-create": reverse("talentpool:track-create", args=[track.program.pk]),
        "track-edit": reverse("talentpool:track-edit", args=[track.pk]),
        "rule-create": reverse("talentpool:rule-create", args=[track.pk]),
        "rule-edit": reverse("talentpool:rule-edit", args=[rule.pk]),
        "intake-create": reverse("talentpool:intake-create", args=[track.pk]),
        "intake-edit": reverse("talentpool:intake-edit", args=[intake.pk]),
        "training-create": reverse("talentpool:training-create"),
        "studio-create": reverse("talentpool:studio-create"),
        "appointment-create": reverse("talentpool:appointment-create"),
        "nomination-create": reverse("talentpool:nomination-create", args=[intake.pk]),
    }


ALL_200 = dict.fromkeys(
    ["program-create", "program-edit", "track-create", "track-edit", "rule-create", "rule-edit", "intake-create", "intake-edit",
     "training-create", "studio-create", "appointment-create", "nomination-create"], 200,
)
IN_REGION = {**ALL_200, "program-edit": 404}  # only the city's bureau runs (and edits) the city's program
# Create pages refuse (403, the Chinese reason) who may not create there instead of a form failing on submit:
# the city program's tracks, rules and intakes are the city bureau's; region rows need a bureau managing a
# region; nominating needs a principal or bureau staff.
NOT_RUNNER = {"track-create": 403, "rule-create": 403, "intake-create": 403}
NOT_MANAGER = {"program-create": 403, "training-create": 403, "studio-create": 403, "appointment-create": 403}
EXPECTED = {
    "city_user": ALL_200,
    "county_user": {**IN_REGION, **NOT_RUNNER},
    "principal_user": {**IN_REGION, **NOT_RUNNER, **NOT_MANAGER},
    "supervisor_user": {**IN_REGION, **NOT_RUNNER, **NOT_MANAGER, "nomination-create": 403},
    "reviewer_user": {  # a reviewer's scope holds no region: the program's rows answer 404
        **ALL_200, "program-edit": 404, "track-create": 404, "track-edit": 404, "rule-create": 404, "rule-edit": 404, "intake-create": 404,
        "intake-edit": 404, "nomination-create": 404, **NOT_MANAGER,
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_create_and_edit_pages_answer_each_role_exactly(client, request, world, intake, role):
    client.force_login(request.getfixturevalue(role))
    pages = _pages(intake)
    got = {name: client.get(url).status_code for name, url in pages.items()}
    assert got == EXPECTED[role]
    posted = {name: client.post(url, {}).status_code for name, url in pages.items()}  # an empty form re-renders
    assert posted == EXPECTED[role]


def test_form_page_title_is_the_verbose_name(client, world, intake, city_user):
    client.force_login(city_user)
    body = client.get(reverse("talentpool:intake-edit", args=[intake.pk])).content.decode()
    assert "<title>遴选批次</title>" in body and "编辑" in body
