"""Writes of the incentives (issue 13 item 5) and of the per-region evaluation policies.

`fund_allocate` allocates a region's yearly award fund (seed 003 四(四)3: 300——500万元 a year for the 先进
units of the bound evaluation, up to 60 % of it for staff who rotated to member or township schools) by
the region's FundPolicy and the pure rule `rules.allocate_fund`, from the year's closed or published
year-end cycles (year-end 年终 and school-year summative 学年终结性) run by the region or a region above it:

- schools: each school subject of those cycles in the region with a final rating; its basis is its
  composite (the mean of the lead-school composites the bound rules stored, rules.lead_composite), or,
  for a school that leads no group, its total as a percentage of the scheme's total;
- staff: each person of the region (by the sending school) on rotation's roster (approved, in place,
  completed or converted, arrived) whose stint covers part of the year at a member school of an education
  group, a rural school or a weak school; the months are rules.months_at_destination summed over the
  person's stints (at most 12); the rating is the person's final rating in those cycles (none: no share).

`region_policy_save` creates or changes a region's own row of BoundPolicy, FundPolicy, TitleRatioPolicy or
AssessmentSchedule (the region's yearly assessment date, issue 13 item 4).
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alliances.models import Membership, membership_from_q
from evaluation import rules
from evaluation.models import (
    AssessmentSchedule,
    BoundPolicy,
    Cycle,
    FundAllocation,
    FundPolicy,
    FundShare,
    Subject,
    TitleRatioPolicy,
)
from org import scope
from org.models import Region, School
from org.services import save_audited
from rotation.models import Assignment

MSG_FUND_FORBIDDEN = _("Only the bureau staff of this region (or of a region above it) may allocate its award fund.")
MSG_FUND_NO_CYCLE = _("No closed or published year-end assessment cycle of %(year)s covers %(region)s: nothing to "
                      "allocate from.")
MSG_POLICY_FORBIDDEN = _("Only the bureau staff of this region (or of a region above it) may change its policy.")

FUND_CYCLE_KINDS = (Cycle.Kind.YEAR_END, Cycle.Kind.YEAR_SUMMATIVE)
FUND_CYCLE_STATES = (Cycle.Status.CLOSED, Cycle.Status.PUBLISHED)
ROTATED_STATES = (Assignment.State.APPROVED, Assignment.State.IN_PLACE, Assignment.State.COMPLETED,
                  Assignment.State.CONVERTED)
POLICY_MODELS = {"bound": BoundPolicy, "fund": FundPolicy, "title": TitleRatioPolicy, "schedule": AssessmentSchedule}
BOUND_FIELDS = ("improvement_threshold", "weight_own", "weight_quality", "weight_students", "weight_exchange",
                "students_full", "exchange_full", "teacher_marked_gain", "deputies", "preschool_excellent_share")
SCHEDULE_FIELDS = ("month", "day", "previous_year", "enabled")
POLICY_FIELDS = {"bound": BOUND_FIELDS, "fund": FundPolicy.FIELDS, "title": TitleRatioPolicy.FIELDS,
                 "schedule": SCHEDULE_FIELDS}


def fund_cycles(region: Region, year: int):
    """The cycles a region's fund of `year` reads (see the module docstring), oldest first."""
    chain, node = [], region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    return Cycle.objects.filter(region_id__in=chain, year=year, kind__in=FUND_CYCLE_KINDS,
                                status__in=FUND_CYCLE_STATES).select_related("scheme").order_by("id")


def _school_basis(subject: Subject, scheme_total) -> Decimal:
    composites = [Decimal(c["total"]) for c in (subject.result or {}).get("composite") or []]
    if composites:
        return rules.q(sum(composites) / len(composites))
    if subject.total is None or not scheme_total:
        return rules.ZERO
    return rules.q(Decimal(subject.total) * 100 / Decimal(scheme_total))


def _fund_inputs(region: Region, year: int, cycles: list[Cycle]):
    tree = scope.region_tree(region)
    subjects = list(Subject.objects.filter(cycle__in=cycles, school__region__in=tree).exclude(final_rating="")
                    .select_related("cycle__scheme").order_by("cycle_id", "id"))
    schools, ratings = {}, {}
    for s in subjects:  # a later cycle's rating wins
        if s.staff_id:
            ratings[s.staff_id] = s.final_rating
        else:
            schools[s.school_id] = rules.FundSchool(str(s.school_id), s.final_rating, _school_basis(s, s.cycle.scheme.total))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = set(Membership.objects.filter(membership_from_q(start), role=Membership.Role.MEMBER, joined_on__lte=end)
                  .values_list("school_id", flat=True))
    months, home = defaultdict(int), {}
    for a in (Assignment.objects.filter(state__in=ROTATED_STATES, arrived_on__isnull=False, arrived_on__lte=end,
                                        from_school__region__in=tree)
              .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
              .select_related("to_school").order_by("staff_id", "start")):
        to = a.to_school
        if not (to.pk in members or to.location == School.Location.RURAL or to.is_weak):
            continue
        months[a.staff_id] += rules.months_at_destination(max(a.arrived_on, a.start), a.ended_on, year)
        home[a.staff_id] = a.from_school_id
    people = [rules.FundPerson(str(staff_id), ratings[staff_id], min(n, 12)) for staff_id, n in sorted(months.items())
              if staff_id in ratings]
    return list(schools.values()), people, home


@transaction.atomic
def fund_allocate(*, actor: User, region: Region, year: int) -> FundAllocation:
    """Allocate (or re-allocate) a region's award fund of `year` (see the module docstring). The region's bureau
    staff or a region above it (PermissionDenied otherwise); ValidationError when no cycle of the year is closed
    or published, or when the fund rule in force could not allocate (FundRule.problems), nothing changed.
    Returns the allocation; its shares plus its unallocated amount equal the fund to the fen."""
    if not scope.runs_region(actor, region.pk):
        raise PermissionDenied(MSG_FUND_FORBIDDEN)
    cycles = list(fund_cycles(region, year))
    if not cycles:
        raise ValidationError(MSG_FUND_NO_CYCLE % {"year": year, "region": region.name})
    policy = FundPolicy.for_region(region)
    rule = policy.as_rule()
    problems = rule.problems()  # a row saved before its validation refused it (e.g. every school weight 0)
    if problems:
        raise ValidationError(problems)
    schools, people, home = _fund_inputs(region, year, cycles)
    outcome = rules.allocate_fund(rule, schools, people)
    allocation = FundAllocation.objects.select_for_update().filter(region=region, year=year).first() \
        or FundAllocation(region=region, year=year)
    allocation.fund_fen, allocation.staff_percent = rule.fund_fen, rule.staff_percent
    allocation.staff_pool_fen, allocation.school_pool_fen = outcome.staff_pool, outcome.school_pool
    allocation.unallocated_fen, allocation.computed_by = outcome.unallocated, actor
    allocation.rule = {name: str(getattr(policy, name)) for name in FundPolicy.FIELDS} | {
        "source": policy.region.name if policy.pk else str(_("defaults"))}
    allocation.cycles = [{"id": c.pk, "name": c.name, "status": c.status} for c in cycles]
    save_audited(allocation, actor=actor, reason=str(_("Award fund allocated")))
    allocation.shares.all().delete()
    FundShare.objects.bulk_create([
        FundShare(allocation=allocation, kind=row.kind, school_id=int(row.key) if row.kind == "school" else home[int(row.key)],
                  staff_id=int(row.key) if row.kind == "staff" else None, rating=row.basis["rating"], weight=row.weight,
                  amount_fen=row.amount_fen, basis=dict(row.basis))
        for row in outcome.shares])
    return allocation


@transaction.atomic
def region_policy_save(*, actor: User, kind: str, region: Region, data: dict):
    """Create or change a region's own row of a per-region evaluation policy (`kind`: "bound", "fund", "title"
    or "schedule", the yearly assessment date: month, day, previous_year, enabled); the bureau staff of the region or of one above it (PermissionDenied otherwise). `data`: field
    name → value from POLICY_FIELDS[kind] (another key: TypeError). The row's own validation refuses impossible
    numbers with Chinese messages (weights not adding to 100, a staff share above 60 %, no senior title, a yearly
    date that is no date such as 2月30日: rules.yearly_date_problem), nothing changed. A region without its own row
    starts from the policy it used so far (a schedule: no date, enabled)."""
    from org.services.people import stated_fields

    stated_fields(data, POLICY_FIELDS[kind], "region_policy_save")
    if not scope.runs_region(actor, region.pk):
        raise PermissionDenied(MSG_POLICY_FORBIDDEN)
    model = POLICY_MODELS[kind]
    policy = model.objects.select_for_update().filter(region=region).first()
    if policy is None:
        policy = policy_in_force(kind, region)
        policy.pk, policy.id, policy.region = None, None, region
        policy._state.adding = True
    for name, value in data.items():
        setattr(policy, name, value)
    save_audited(policy, actor=actor, reason=str(_("Policy changed")))
    if kind == "title":  # the stored senior-title checks follow the new ratios
        from evaluation.services_figures import queue_title_ratio_figures

        queue_title_ratio_figures()
    return policy


class PolicyRows:
    """The policy rows of each kind, read once (one query per kind, on first use), resolved per region."""

    def __init__(self):
        self.rows = {}

    def in_force(self, kind: str, region: Region):
        """The row a region uses for a policy kind: its own, its nearest ancestor's, the default row (bound rules),
        or an unsaved row with the defaults (seed 003's figures for bound rules and the fund, seed 002's ratios).
        The yearly assessment date ("schedule") is not inherited: the region's own row or an unsaved one without
        a date (the job then only runs when started by hand)."""
        model = POLICY_MODELS[kind]
        if kind not in self.rows:
            self.rows[kind] = {row.region_id: row for row in model.objects.all()}
        rows, node = self.rows[kind], region
        if kind == "schedule":
            return rows.get(region.pk) or AssessmentSchedule(region=region)
        while node is not None:
            if node.pk in rows:
                return rows[node.pk]
            node = node.parent
        if kind == "bound":
            return rows.get(None) or BoundPolicy()
        return model(region=region)


def policy_in_force(kind: str, region: Region):
    """PolicyRows().in_force for one region and one kind."""
    return PolicyRows().in_force(kind, region)
