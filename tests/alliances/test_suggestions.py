"""Suggestions that close gaps: lead-school staff who would close them, and the gap pairs passed to rotation as partners."""

import datetime as dt

import pytest

from alliances import rules, selectors, services
from alliances.models import Compliance, DispatchRequirement, GroupType
from org.models import School, Staff
from rotation import services as rotation_services
from rotation.models import Quota, Suggestion
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import PlanFactory

pytestmark = pytest.mark.django_db
TERM = rules.Term(2027, "autumn")


@pytest.fixture
def gapped(world):
    """A tight group whose rural member lacks a management team (1 needed in county A; peers and bands switched off)."""
    DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=rules.MANAGEMENT_TEAM, region=world.county_a, minimum=1)
    for kind in (rules.PEER_RETURN, rules.KEY_TEACHERS_PRIMARY_BAND):
        DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=kind, region=world.county_a, minimum=1, active=False)
    group = GroupFactory(region=world.county_a, lead_school=world.school_a)
    member = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a, location=School.Location.RURAL,
                                                                 name="咸安村小")).school
    services.compliance_compute(term=TERM, group_ids=[group.pk])
    return group, member


def test_gap_candidates_are_lead_staff_who_would_close_a_gap(world, county_user, gapped):
    group, _member = gapped
    key = StaffFactory(school=world.school_a, honour_level=Staff.Honour.CITY, name="骨干甲")
    StaffFactory(school=world.school_a, honour_level=Staff.Honour.NONE, name="普通乙")
    StaffFactory(school=world.school_a, school_start=dt.date(2026, 9, 1), honour_level=Staff.Honour.CITY, name="新来丙")
    compliance = selectors.compliance_latest(group, TERM)
    rows = selectors.gap_candidates(user=county_user, group=group, compliance=compliance, on=dt.date(2027, 9, 1))
    assert [row.staff for row in rows] == [key]
    assert rows[0].status == "MUST_ROTATE" and "咸安村小：管理团队派出 0 人，少于 1 人" in rows[0].closes


def test_gap_pairs_go_to_rotation_as_partners_and_accepting_files_a_roster_row(world, county_user, principal_user, gapped):
    group, member = gapped
    StaffFactory(school=world.school_a, honour_level=Staff.Honour.CITY, name="骨干甲")
    plan = PlanFactory(region=world.city, term_start=dt.date(2027, 9, 1), opens_on=dt.date(2026, 9, 1), deadline=dt.date(2027, 8, 31))
    Quota.objects.create(plan=plan, county=world.county_a, base=5, share=5)
    rows = services.gap_suggestions_generate(actor=county_user, group=group, plan=plan, term=TERM)
    ours = [row for row in rows if row.to_school_id == member.pk]
    key = next(row for row in ours if row.staff.name == "骨干甲")
    assert "伙伴学校" in key.explanation  # rotation's partner term, earned from the pairs passed in
    suggestion = Suggestion.objects.get(pk=key.pk)
    rotation_services.suggestion_accept(actor=county_user, suggestion=suggestion, form="exchange", start=dt.date(2027, 9, 1),
                                        planned_end=dt.date(2028, 8, 31))
    suggestion.refresh_from_db()
    assignment = suggestion.assignment
    rotation_services.assignment_approve(actor=county_user, assignment=assignment)
    services.compliance_compute(term=TERM, group_ids=[group.pk])
    latest = Compliance.objects.filter(group=group, term=TERM.code).order_by("-computed_on").first()
    assert latest.met, [item.text for item in latest.items.all() if not item.met]
    assert latest.items.get(kind=rules.MANAGEMENT_TEAM).assignment_ids == [assignment.pk]


def test_partner_pairs_are_the_members_with_gaps(world, gapped):
    group, member = gapped
    other = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a)).school
    assert selectors.partner_pairs(group, selectors.compliance_latest(group, TERM)) == [(world.school_a.pk, member.pk)]
    assert other.pk not in {m for _l, m in selectors.partner_pairs(group, None)}
