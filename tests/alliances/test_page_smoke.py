"""Every alliances page renders for the county clerk on the demo-like data (exact status codes)."""

import datetime as dt

import pytest
from django.urls import reverse

from alliances import rules, services
from alliances.models import Activity, ComplianceItem, DispatchRequirement, GroupType
from org.models import School, Staff
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_every_page_renders(client, world, county_user):
    central = SchoolFactory(region=world.county_a, location=School.Location.TOWN, name="中心小学")
    small = SchoolFactory(region=world.county_a, location=School.Location.RURAL, enrolment=50)
    township = services.group_create(actor=county_user, name="联盟", type=GroupType.TOWNSHIP, region=world.county_a,
                                     lead_school=central, members=[small], founded_on=dt.date(2026, 9, 1))
    tight = services.group_create(actor=county_user, name="集团", type=GroupType.TIGHT, region=world.county_a,
                                  lead_school=world.school_a, members=[SchoolFactory(region=world.county_a)],
                                  founded_on=dt.date(2026, 9, 1))
    member = tight.memberships.get(role="member").school
    vice = StaffFactory(school=world.school_a, post=Staff.Post.VICE_PRINCIPAL)
    row = AssignmentFactory(staff=vice, to_school=member)
    services.compliance_compute(term=rules.Term(2026, "autumn"))
    activity = Activity.objects.create(group=tight, kind="forum", held_on=dt.date(2026, 10, 1), title="论坛")
    item = ComplianceItem.objects.filter(compliance__group=tight).first()
    requirement = DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=rules.MANAGEMENT_TEAM,
                                                     region=world.county_a, minimum=3)
    client.force_login(county_user)
    pages = [
        reverse("alliances:index"), reverse("alliances:group-list"), reverse("alliances:group-create"),
        tight.get_absolute_url() + "?term=2026-autumn", reverse("alliances:member-add", args=[tight.pk]),
        reverse("alliances:group-dissolve", args=[tight.pk]), reverse("alliances:post-appoint", args=[tight.pk]),
        reverse("alliances:group-suggest", args=[tight.pk]), reverse("alliances:activity-create", args=[tight.pk]),
        reverse("alliances:itinerant", args=[township.pk]), reverse("alliances:compliance-item", args=[item.pk]),
        reverse("alliances:dispatch-detail", args=[row.pk]), reverse("alliances:requirement-list"),
        reverse("alliances:requirement-edit", args=[requirement.pk]),
        reverse("alliances:activity-list"), reverse("alliances:activity-detail", args=[activity.pk]),
        reverse("alliances:coverage"),
    ]
    assert {page: client.get(page).status_code for page in pages} == dict.fromkeys(pages, 200)
    response = client.get(reverse("alliances:post-appoint", args=[tight.pk]) + f"?school={member.pk}")
    assert response.context["form"].initial == {"kind": "executive", "school": member.pk, "staff": vice.pk}


def test_requirement_edit_page_saves_a_region_row(client, world, county_user):
    default = DispatchRequirement.objects.filter(region__isnull=True, kind=rules.KEY_TEACHERS_JUNIOR).first() or \
        DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=rules.KEY_TEACHERS_JUNIOR, minimum=6)
    client.force_login(county_user)
    data = {"region": world.county_a.pk, "minimum": 4, "maximum": "", "subjects": "", "key_honour": 2, "active": "on"}
    response = client.post(reverse("alliances:requirement-edit", args=[default.pk]), data)
    assert response.status_code == 302
    assert DispatchRequirement.objects.get(region=world.county_a, kind=rules.KEY_TEACHERS_JUNIOR).minimum == 4
    default.refresh_from_db()
    assert default.minimum == 6
    response = client.post(reverse("alliances:requirement-edit", args=[default.pk]), {**data, "region": world.county_b.pk})
    assert response.status_code == 200 and DispatchRequirement.objects.filter(region=world.county_b).count() == 0


def test_the_requirements_page_names_no_seed_and_no_other_region(client, world, county_user):
    client.force_login(county_user)
    page = client.get(reverse("alliances:requirement-list")).content.decode()
    assert "默认值来自集团化办学实施意见" in page
    assert "种子" not in page and "卧龙" not in page


def test_principals_and_supervisors_get_403_on_the_write_pages(client, world, principal_user):
    client.force_login(principal_user)
    for name in ("alliances:group-create", "evaluation:scheme-create", "evaluation:quality-create",
                 "evaluation:cycle-create"):
        response = client.get(reverse(name))
        assert response.status_code == 403, name


def test_a_groups_write_pages_answer_403_to_those_who_may_only_read_it(client, world, county_user, city_user):
    """A city supervisor sees the group; its member, post, dissolve and activity forms were shown and failed on
    submit. They answer 403 now, as the group page hides their links; the county clerk still gets the forms."""
    from tests.conftest import _user_with_role

    group = services.group_create(actor=county_user, name="集团", type=GroupType.TIGHT, region=world.county_a,
                                  lead_school=world.school_a, members=[SchoolFactory(region=world.county_a)],
                                  founded_on=dt.date(2026, 9, 1))
    names = ("alliances:member-add", "alliances:group-dissolve", "alliances:post-appoint", "alliances:activity-create")
    client.force_login(_user_with_role("city_supervisor", "supervisor", region=world.city))
    assert client.get(group.get_absolute_url()).status_code == 200
    for name in names:
        assert client.get(reverse(name, args=[group.pk])).status_code == 403, name
    client.force_login(county_user)
    for name in names:
        assert client.get(reverse(name, args=[group.pk])).status_code == 200, name


def test_a_requirements_upper_limit_below_its_lower_is_refused_on_the_page_in_chinese(client, world, county_user):
    default = DispatchRequirement.objects.filter(region__isnull=True, kind=rules.STAFF_PER_TERM).first() or \
        DispatchRequirement.objects.create(group_type=GroupType.HAND_IN_HAND, kind=rules.STAFF_PER_TERM, minimum=3, maximum=5)
    client.force_login(county_user)
    data = {"region": world.county_a.pk, "minimum": 9, "maximum": 2, "subjects": "", "key_honour": 2, "active": "on"}
    response = client.post(reverse("alliances:requirement-edit", args=[default.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "requirement_max_not_below_min" not in page and "不少于" in page
    assert not DispatchRequirement.objects.filter(region=world.county_a).exists()
