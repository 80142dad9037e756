"""Compliance: what each group dispatched in a term, read from rotation's roster, never typed in.

Counted roster rows are rotation assignments in state approved or in place (DESIGN.md, targets)
between two schools of the group, overlapping the term while both schools were in the group (a
member that leaves inside the term counts only up to its leave date). Results are stored per
group, term and day (Compliance + ComplianceItem), so a term's compliance can be read back.
"""

from collections import defaultdict
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from alliances import rules
from alliances.models import (
    Compliance,
    ComplianceItem,
    DispatchRequirement,
    Group,
    Membership,
    membership_from_q,
)
from org.models import Region, School
from rotation.models import Assignment

BATCH = 2000
DEFAULTS = {
    (group_type, kind): rules.Requirement(kind, minimum, maximum, tuple(filter(None, subjects.split(","))))
    for group_type, kind, minimum, maximum, subjects in rules.DEFAULT_REQUIREMENTS
}


def requirements_by_region(group_types, region_ids) -> dict[tuple[str, int], dict[str, rules.Requirement]]:
    """For each (type, region): the requirement per kind, the nearest region's row winning over the default."""
    chains = {}
    for region_id, parent, grandparent in Region.objects.filter(pk__in=region_ids).values_list("id", "parent_id", "parent__parent_id"):
        chains[region_id] = [r for r in (region_id, parent, grandparent) if r] + [None]
    rows = DispatchRequirement.objects.filter(group_type__in=group_types).filter(
        Q(region__isnull=True) | Q(region_id__in={r for chain in chains.values() for r in chain if r}))
    table = {(row.group_type, row.kind, row.region_id): row for row in rows}
    result = {}
    for group_type in group_types:
        for region_id, chain in chains.items():
            found = {}
            for kind in rules.REQUIREMENT_KINDS:
                row = next((table[(group_type, kind, r)] for r in chain if (group_type, kind, r) in table), None)
                if row is not None and row.active:
                    found[kind] = row.as_rule()
                elif row is None and (group_type, kind) in DEFAULTS:  # the seed default, should its row be missing
                    found[kind] = DEFAULTS[(group_type, kind)]
            result[(group_type, region_id)] = found
    return result


def _windows(term: rules.Term, group_ids) -> dict[int, dict[int, tuple[date, date, str]]]:
    """Per group: school id → (from, to, role), the part of the term the school was in the group."""
    rows = (Membership.objects.filter(membership_from_q(term.start), group_id__in=group_ids, joined_on__lte=term.end)
            .values_list("group_id", "school_id", "joined_on", "left_on", "role"))
    windows = defaultdict(dict)
    for group_id, school_id, joined, left, role in rows:
        windows[group_id][school_id] = (max(joined, term.start), min(left or term.end, term.end), role)
    return windows


def _dispatches(term: rules.Term, school_ids: set[int]) -> dict[tuple[int, int], list[rules.Dispatch]]:
    """Counted roster rows overlapping the term, keyed by (from school, to school)."""
    rows = (Assignment.objects.filter(state__in=Assignment.COUNTED_STATES, start__lte=term.end, planned_end__gte=term.start)
            .exclude(to_school=F("from_school")))
    if len(school_ids) <= 1000:  # a few groups (a roster change): read their schools' rows only, by index
        rows = rows.filter(from_school_id__in=school_ids, to_school_id__in=school_ids)
    rows = (rows
            .values_list("id", "staff__name", "staff__post", "staff__subject", "staff__honour_level", "from_school_id",
                         "to_school_id", "start", "planned_end", "alliance_detail__band", "alliance_detail__subject",
                         "alliance_detail__senior_three"))
    by_pair = defaultdict(list)
    for (pk, name, post, subject, honour, from_id, to_id, start, end, band, taught, senior_three) in rows.iterator(chunk_size=BATCH):
        if from_id in school_ids and to_id in school_ids:
            by_pair[(from_id, to_id)].append(rules.Dispatch(pk, name, post, taught or subject, honour, from_id, to_id, start, end,
                                                            band or "", bool(senior_three)))
    return by_pair


def _overlaps(dispatch: rules.Dispatch, window_a, window_b) -> bool:
    start, end = max(window_a[0], window_b[0]), min(window_a[1], window_b[1])
    return start <= end and dispatch.start <= end and dispatch.planned_end >= start


def compliance_compute(*, term: rules.Term, group_ids=None, on: date | None = None) -> int:
    """Compute and store the compliance of the active groups (all, or `group_ids`) for a term; returns groups done.

    Idempotent per day: a second run on the same day replaces that day's rows.
    """
    on = on or timezone.localdate()
    groups = Group.objects.active_between(term.start, term.end)
    if group_ids is not None:
        groups = groups.filter(pk__in=list(group_ids))
    groups = list(groups.values_list("id", "type", "region_id", "lead_school_id"))
    if not groups:
        return 0
    windows = _windows(term, [g[0] for g in groups])
    school_ids = {school for per_group in windows.values() for school in per_group}
    infos = {
        row[0]: rules.SchoolInfo(*row)
        for row in School.objects.filter(pk__in=school_ids).values_list("id", "name", "region_id", "stage", "location", "is_weak",
                                                                          "enrolment").iterator(chunk_size=BATCH)
    } if len(school_ids) < 5000 else _all_school_infos(school_ids)
    requirements = requirements_by_region({g[1] for g in groups}, {g[2] for g in groups})
    pairs = _dispatches(term, school_ids)
    now = timezone.now()
    results = []
    for group_id, group_type, region_id, lead_id in groups:
        window = windows.get(group_id, {})
        if lead_id not in window or lead_id not in infos:
            continue
        members = [infos[s] for s, w in window.items() if s != lead_id and w[2] == Membership.Role.MEMBER]
        dispatches = [
            d for member in members for pair in ((lead_id, member.id), (member.id, lead_id))
            for d in pairs.get(pair, ()) if _overlaps(d, window[lead_id], window[member.id])
        ]
        facts = rules.GroupFacts(group_type, infos[lead_id], tuple(members))
        results.append((group_id, rules.evaluate(facts, requirements.get((group_type, region_id), {}), dispatches)))
    _store(term, on, now, results)
    return len(results)


def _all_school_infos(school_ids):
    rows = School.objects.values_list("id", "name", "region_id", "stage", "location", "is_weak", "enrolment")
    return {row[0]: rules.SchoolInfo(*row) for row in rows.iterator(chunk_size=BATCH) if row[0] in school_ids}


@transaction.atomic
def _store(term, on, now, results) -> None:
    group_ids = [group_id for group_id, _findings in results]
    Compliance.objects.filter(term=term.code, computed_on=on, group_id__in=group_ids).delete()
    rows = [
        Compliance(group_id=group_id, term=term.code, computed_on=on, computed_at=now,
                   met=all(f.met for f in findings), gap_count=sum(not f.met for f in findings))
        for group_id, findings in results
    ]
    Compliance.objects.bulk_create(rows, batch_size=BATCH)
    items = [
        ComplianceItem(compliance=row, kind=f.kind, school_id=f.school_id, met=f.met, count=f.count, needed=f.needed,
                       code=f.code, params=f.params, assignment_ids=list(f.assignment_ids))
        for row, (_group, findings) in zip(rows, results, strict=True) for f in findings
    ]
    ComplianceItem.objects.bulk_create(items, batch_size=BATCH)


def groups_of_schools(school_ids) -> list[int]:
    """Groups that have (or had) any of these schools: those a roster change may affect."""
    return list(Membership.objects.filter(school_id__in=school_ids).values_list("group_id", flat=True).distinct())





def gap_suggestions_generate(*, actor: User, group: Group, plan, term: rules.Term) -> list:
    """Ask rotation's assignment problem for suggestions, passing the group's gap pairs as partners.

    Rotation does not read alliances: the (lead, member) pairs with a gap in the latest compliance
    go in as data (`partners=`), earning rotation's partner term; accepting one there files a roster row.
    """
    from alliances import selectors
    from rotation.services import suggestions_generate

    pairs = selectors.partner_pairs(group, selectors.compliance_latest(group, term))
    return suggestions_generate(actor=actor, plan=plan, partners=pairs)
__all__ = ["requirements_by_region", "compliance_compute", "groups_of_schools", "gap_suggestions_generate"]
