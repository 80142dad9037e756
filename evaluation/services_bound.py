"""Applying the bound rules (捆绑评价, issue 13; seed 003 三(三), seed 002) to a closed cycle.

`bound_rules_apply` reads the cycle's subjects, the education groups and their members (alliances),
the staff dispatched from a lead school to a member (rotation's roster: approved, in place or
completed, arrived by the end of the cycle's year and not ended before it began) and the schools'
quality figures (SchoolQuality, this year and the year before); it evaluates the pure rules of
evaluation/rules.py and writes one RatingChange of kind "rule" per subject whose rating changes,
with the rule, the inputs and their numbers, the rating before and after.

Who is bound, per group type:
- tight, hand-in-hand, township and cross-county groups: per member school, the lead school's
  principal and vice principals (领导班子) and the staff dispatched to that member (member_quality);
- senior-high 1+1: the lead (helper) school's own subject and its people as above, judged by the
  helped school's gain; an exchanged teacher's teaching-result gain is the teacher's total in this
  cycle minus the total in the cycle's previous cycle (senior_pair);
- preschool lead-building: the lead kindergarten's subject follows its partners' assessments, the
  final ratings of the partners in the region's term-process and school-year summative cycles of the
  same year (preschool_lead);
- every school: the vice principals bound to the principal's rating after the rules above
  (principal_deputies, mode from the region's BoundPolicy).

Idempotent: the rules start from each subject's rating before any rule (its original rating when
only rules changed it); a subject whose outcome is the same keeps its row untouched, a changed outcome
replaces it. A subject with a collective decision (集体研究) keeps it: the rules leave it alone.
Refused on a cycle that is not closed (a published cycle's ratings are final).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from alliances.models import Group, GroupType, Membership, membership_from_q
from evaluation import rules
from evaluation.models import BoundPolicy, Cycle, CycleEvent, RatingChange, SchoolQuality, Subject
from evaluation.services import cycle_locked, ensure_manages_region
from org.models import Staff
from rotation.models import Assignment

MSG_BOUND_PUBLISHED = _("The cycle is published; the bound rules can no longer change its ratings.")
MSG_BOUND_STATUS = _("The bound rules apply to a closed cycle; this one is “%(status)s”.")
MSG_REFUSED = _("优秀 refused, the quota of %(unit)s is full (%(excellent)s of %(limit)s places taken): %(names)s")
MSG_REFUSED_SEPARATE = _("; separate quota for rotated staff %(separate_excellent)s of %(separate_limit)s")
MSG_BOUND_EVENT = _("Bound rules: %(changed)s ratings changed, %(refused)s refused")

DISPATCH_STATES = (Assignment.State.APPROVED, Assignment.State.IN_PLACE, Assignment.State.COMPLETED)
LEADERSHIP_POSTS = (Staff.Post.VICE_PRINCIPAL,)
PRESCHOOL_CYCLE_KINDS = (Cycle.Kind.TERM_PROCESS, Cycle.Kind.YEAR_SUMMATIVE)


SUBJECT_FIELDS = ("id", "cycle_id", "school_id", "staff_id", "post", "rotated", "total", "original_rating",
                  "final_rating", "school__name", "school__region__name", "staff__name")


@dataclass(slots=True)
class _Row:
    """A subject as the rules read it, from one values_list row (no model instances: a cycle may hold
    500,000 subjects, bench_assessment); the ratings that change are written set-based (_save_ratings)."""

    pk: int
    cycle_id: int
    school_id: int
    staff_id: int | None
    post: str
    rotated: bool
    total: object
    original_rating: str
    final_rating: str
    school_name: str
    region_name: str
    staff_name: str | None

    def __str__(self):
        return self.staff_name if self.staff_id else self.school_name


@dataclass
class BoundRun:
    changed: int = 0
    kept: int = 0  # rule changes already in place from an earlier run
    undone: int = 0  # earlier rule changes no longer called for
    refusals: list[str] = field(default_factory=list)


def _unit(cycle: Cycle, subject: Subject) -> str:
    if cycle.quota_unit == Cycle.QuotaUnit.SCHOOL:
        return subject.school_name
    if cycle.quota_unit == Cycle.QuotaUnit.COUNTY:
        return subject.region_name
    return cycle.name


def refusal_message(refusal: rules.Refusal) -> str:
    text = str(MSG_REFUSED % {"unit": refusal.unit, "excellent": refusal.excellent, "limit": refusal.limit,
                              "names": "、".join(refusal.names)})
    if refusal.separate_limit:
        text += str(MSG_REFUSED_SEPARATE % {"separate_excellent": refusal.separate_excellent,
                                            "separate_limit": refusal.separate_limit})
    return text


@transaction.atomic
def bound_rules_apply(*, actor: User | None, cycle: Cycle) -> BoundRun:
    """Apply the bound rules to a closed cycle (see the module docstring). `actor` None: the yearly job.
    Raises ValidationError (published or not closed: nothing changes). Returns the counts and the
    refusal messages (quota full), which are also kept as a cycle event when anything changed."""
    cycle = cycle_locked(cycle)
    if actor is not None:
        ensure_manages_region(actor, cycle.region_id)
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(MSG_BOUND_PUBLISHED)
    if cycle.status != Cycle.Status.CLOSED:
        raise ValidationError(MSG_BOUND_STATUS % {"status": cycle.get_status_display()})
    policy = BoundPolicy.for_region(cycle.region)
    # `result` (the scored tree) is left in the database: only the lead schools' composites touch it
    subjects = [_Row(*row) for row in Subject.objects.filter(cycle=cycle).order_by(*Subject._meta.ordering[1:])
                .values_list(*SUBJECT_FIELDS).iterator(chunk_size=20000)]
    earlier = defaultdict(list)
    for change in RatingChange.objects.filter(subject__cycle=cycle).order_by("at", "id"):
        earlier[change.subject_id].append(change)
    collective = {sid for sid, rows in earlier.items() if any(r.kind == RatingChange.Kind.COLLECTIVE for r in rows)}
    # the rating before any rule: the scores' own (original) when only rules changed it, so a re-run after
    # the scores were recomputed starts from the new scores; with a collective decision, the decision's
    base = {s.pk: (s.original_rating if earlier.get(s.pk) and s.pk not in collective else s.final_rating)
            for s in subjects}
    people = {str(s.pk): rules.BoundPerson(str(s.pk), str(s), base[s.pk], s.post or "", s.rotated, _unit(cycle, s))
              for s in subjects if base[s.pk]}
    effects, composites = _effects(cycle, subjects, people, policy)
    _store_composites(subjects, composites)
    effects = [e for e in effects if int(e.key) not in collective]
    first = rules.resolve_bound(people, effects, _quota(cycle))
    after = {key: p.rating for key, p in people.items()} | {c.key: c.after for c in first.changes}
    effects += [e for e in _deputy_effects(subjects, people, after, policy) if int(e.key) not in collective]
    outcome = rules.resolve_bound(people, effects, _quota(cycle))
    return _write(cycle, subjects, earlier, collective, base, outcome, actor)


def _quota(cycle: Cycle) -> rules.QuotaRule:
    return rules.QuotaRule(cycle.quota_percent, cycle.rounding, cycle.rotated_percent)


def _effects(cycle: Cycle, subjects: list[Subject], people: dict, policy: rules.BoundPolicy) -> tuple[list, dict]:
    """The bound effects of the cycle, and the lead schools' composites ({subject id: [composite dicts]})."""
    year_start, year_end = dt.date(cycle.year, 1, 1), dt.date(cycle.year, 12, 31)
    groups = list(Group.objects.active_between(year_start, year_end).filter(lead_school__in={s.school_id for s in subjects}))
    if not groups:
        return [], {}
    members = defaultdict(list)
    for m in Membership.objects.filter(membership_from_q(year_start), group__in=groups, role=Membership.Role.MEMBER,
                                       joined_on__lte=year_end).select_related("school"):
        members[m.group_id].append(m.school)
    member_ids = {school.pk for schools in members.values() for school in schools}
    quality, figures_now = defaultdict(dict), {}
    for row in SchoolQuality.objects.filter(school_id__in=member_ids, year__in=(cycle.year, cycle.year - 1)):
        quality[row.school_id][row.year] = row.quality_score
        if row.year == cycle.year:
            figures_now[row.school_id] = row
    dispatched = defaultdict(set)  # (from, to) -> staff ids
    for from_id, to_id, staff_id in Assignment.objects.filter(
            state__in=DISPATCH_STATES, arrived_on__isnull=False, arrived_on__lte=year_end,
            from_school_id__in={g.lead_school_id for g in groups}, to_school_id__in=member_ids).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=year_start)).values_list("from_school_id", "to_school_id", "staff_id"):
        dispatched[(from_id, to_id)].add(staff_id)
    by_staff = {s.staff_id: s for s in subjects if s.staff_id}
    school_subject = {s.school_id: s for s in subjects if not s.staff_id}
    at_school = defaultdict(list)
    for s in subjects:
        if s.staff_id:
            at_school[s.school_id].append(s)
    previous_totals = _previous_totals(cycle)

    def bound(subject, role):
        key = str(subject.pk)
        return rules.BoundPerson(key, str(subject), people[key].rating, role, subject.rotated, people[key].unit) \
            if key in people else None

    effects, composites = [], defaultdict(list)
    for group in groups:
        lead_subject = school_subject.get(group.lead_school_id)
        if lead_subject is not None and lead_subject.total is not None and group.type != GroupType.PRESCHOOL:
            figures = [rules.MemberFigures(school.name, getattr(figures_now.get(school.pk), "quality_score", None),
                                           getattr(figures_now.get(school.pk), "student_increase", None),
                                           getattr(figures_now.get(school.pk), "staff_exchanged", None))
                       for school in members[group.pk]]
            result = rules.lead_composite(lead_subject.total, cycle.scheme.total, figures, policy)
            composites[lead_subject.pk].append({"group": group.name, "total": str(result.total),
                                                "parts": {k: list(v) for k, v in result.parts.items()}})
        leaders = [bound(s, rules.LEAD_PRINCIPAL if s.post == Staff.Post.PRINCIPAL else rules.LEADERSHIP)
                   for s in at_school[group.lead_school_id] if s.post in (Staff.Post.PRINCIPAL, *LEADERSHIP_POSTS)]
        if group.type == GroupType.PRESCHOOL:
            lead = school_subject.get(group.lead_school_id)
            if lead is not None and str(lead.pk) in people:
                partners = _partner_ratings(cycle, [school.pk for school in members[group.pk]])
                effects += rules.preschool_lead_effects(bound(lead, rules.LEAD_KINDERGARTEN), partners, policy)
            continue
        for school in members[group.pk]:
            figures = quality.get(school.pk, {})
            progress = rules.Progress(school.name, figures.get(cycle.year), figures.get(cycle.year - 1))
            sent = [by_staff[i] for i in dispatched[(group.lead_school_id, school.pk)] if i in by_staff]
            if group.type == GroupType.SENIOR_PAIR:
                helper = [p for p in leaders if p]
                if group.lead_school_id in school_subject:
                    helper.append(bound(school_subject[group.lead_school_id], rules.HELPER_SCHOOL))
                teachers = {}
                for s in sent:
                    gain = (s.total - previous_totals[s.staff_id]) if s.total is not None and s.staff_id in previous_totals else None
                    teachers[str(s.pk)] = (bound(s, rules.EXCHANGED_TEACHER), gain)
                effects += rules.senior_pair_effects(progress, [p for p in helper if p],
                                                     {k: v for k, v in teachers.items() if v[0]}, policy)
            else:
                bound_people = [p for p in leaders + [bound(s, rules.DISPATCHED) for s in sent] if p]
                effects += rules.member_quality_effects(progress, bound_people, policy)
    return effects, composites


def _store_composites(subjects: list[Subject], composites: dict) -> None:
    """Keep each lead school's composite (rules.lead_composite) in its result, rewritten only when it changed."""
    changed = []
    if not subjects:
        return
    holding = set(Subject.objects.filter(cycle_id=subjects[0].cycle_id, result__has_key="composite")
                  .values_list("pk", flat=True))
    involved = holding | set(composites)
    for subject in Subject.objects.filter(pk__in=involved).only("pk", "result") if involved else []:
        wanted = composites.get(subject.pk)
        if (subject.result or {}).get("composite") != wanted and (wanted or "composite" in (subject.result or {})):
            subject.result = {**(subject.result or {}), "composite": wanted} if wanted else \
                {k: v for k, v in subject.result.items() if k != "composite"}
            changed.append(subject)
    Subject.objects.bulk_update(changed, ["result"])


def _previous_totals(cycle: Cycle) -> dict:
    if cycle.previous_id is None:
        return {}
    return dict(Subject.objects.filter(cycle_id=cycle.previous_id, staff__isnull=False, total__isnull=False)
                .values_list("staff_id", "total"))


def _partner_ratings(cycle: Cycle, school_ids: list[int]) -> list[str]:
    """The partners' semester and year assessments of the cycle's year in the region (final ratings)."""
    return list(Subject.objects.filter(
        cycle__region_id=cycle.region_id, cycle__year=cycle.year, cycle__kind__in=PRESCHOOL_CYCLE_KINDS,
        school_id__in=school_ids, staff__isnull=True).exclude(final_rating="").values_list("final_rating", flat=True))


def _deputy_effects(subjects, people, after, policy) -> list[rules.BoundEffect]:
    by_school = defaultdict(lambda: ([], []))
    for s in subjects:
        if s.staff_id and str(s.pk) in people:
            if s.post == Staff.Post.PRINCIPAL:
                by_school[s.school_id][0].append(s)
            elif s.post == Staff.Post.VICE_PRINCIPAL:
                by_school[s.school_id][1].append(s)
    effects = []
    for principals, deputies in by_school.values():
        if len(principals) != 1 or not deputies:
            continue
        principal = principals[0]
        head = rules.BoundPerson(str(principal.pk), str(principal), after[str(principal.pk)], rules.LEAD_PRINCIPAL)
        effects += rules.principal_deputy_effects(
            head, [rules.BoundPerson(str(d.pk), str(d), people[str(d.pk)].rating, rules.DEPUTY, d.rotated,
                                     people[str(d.pk)].unit) for d in deputies], policy)
    return effects


def _save_ratings(ratings: dict[int, str], actor: User | None) -> None:
    """Write the final ratings {subject id: rating} and one history row per subject ("~", the actor, reason
    "Bound rules"), as simple_history's bulk_update_with_history does, but set-based: per rating one UPDATE
    of its subjects and one INSERT … SELECT copying the updated rows into the history table, with no
    model instances read (their scored trees are large: bench_assessment rates tens of thousands).
    PostgreSQL passes the ids as one array; other databases in chunks within their parameter limit."""
    history = Subject.history.model
    tracked = [f.column for f in history.tracked_fields]
    table, history_table = connection.ops.quote_name(Subject._meta.db_table), connection.ops.quote_name(history._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in tracked)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    reason, user_id = str(_("Bound rules")), getattr(actor, "pk", None)
    by_rating = defaultdict(list)
    for pk, rating in ratings.items():
        by_rating[rating].append(pk)
    postgres = connection.vendor == "postgresql"
    size = connection.features.max_query_params or 10000
    with connection.cursor() as cursor:
        for rating, ids in by_rating.items():
            ids.sort()
            for start in range(0, len(ids), len(ids) if postgres else size - 10):
                chunk = ids[start:start + (len(ids) if postgres else size - 10)]
                where, params = ("id = ANY(%s)", [chunk]) if postgres else (
                    "id IN (" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
                cursor.execute(f"UPDATE {table} SET final_rating = %s WHERE {where}", [rating, *params])
                if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
                    continue
                cursor.execute(
                    f"INSERT INTO {history_table} ({columns}, history_date, history_change_reason, history_type, "
                    f"history_user_id) SELECT {columns}, %s, %s, '~', %s FROM {table} WHERE {where} ORDER BY id",
                    [now, reason, user_id, *params])


def _details(change: rules.BoundChange, name: str) -> dict:
    deciding = change.effects[0]
    return {"rule": deciding.rule, "reason": deciding.reason, "effect": deciding.effect, "name": name,
            "before": change.before, "after": change.after, "numbers": dict(deciding.numbers),
            "separate": change.via_separate,
            "also": [{"rule": e.rule, "reason": e.reason, "numbers": dict(e.numbers)} for e in change.effects[1:]]}


def _write(cycle, subjects, earlier, collective, base, outcome: rules.BoundOutcome, actor) -> BoundRun:
    """Store the outcome: per subject whose rule change differs from the one in place, its old rule
    changes deleted, the new one created and its final rating saved with a history row (actor, reason
    "Bound rules"), all in bulk (bench_assessment changes tens of thousands)."""
    run = BoundRun(refusals=[refusal_message(r) for r in outcome.refusals])
    wanted = {int(c.key): c for c in outcome.changes}
    stale, created, ratings = [], [], {}
    with translation.override("zh-hans"):  # the traces' words, entered once (not per trace: 500,000 subjects)
        for subject in subjects:
            if subject.pk in collective:
                continue
            old = [r for r in earlier.get(subject.pk, []) if r.kind == RatingChange.Kind.RULE]
            change = wanted.get(subject.pk)
            details = _details(change, str(subject)) if change else None
            if change and len(old) == 1 and old[0].to_rating == change.after and old[0].details == details:
                run.kept += 1
                continue
            if not old and not change:
                continue
            stale += [r.pk for r in old]
            if change is None:
                run.undone += 1
                ratings[subject.pk] = base[subject.pk]
            else:
                run.changed += 1
                reason = rules.trace_text(details)  # in Chinese: the loop runs under translation.override("zh-hans")
                created.append(RatingChange(subject_id=subject.pk, kind=RatingChange.Kind.RULE, from_rating=change.before,
                                            to_rating=change.after, reason=reason, details=details, actor=actor))
                ratings[subject.pk] = change.after
    RatingChange.objects.filter(pk__in=stale).delete()
    RatingChange.objects.bulk_create(created, batch_size=2000)
    if ratings:
        _save_ratings(ratings, actor)
    if run.changed or run.undone:
        CycleEvent.objects.create(cycle=cycle, action="bound_rules", actor=actor or cycle.created_by,
                                  reason="\n".join([str(MSG_BOUND_EVENT % {"changed": run.changed,
                                                                           "refused": len(outcome.refusals)}),
                                                    *run.refusals]))
    return run
