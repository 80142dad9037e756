"""Every write of the evaluation app: keyword-only, atomic, audited with the actor (issue 12).

Errors are ValidationError / PermissionDenied with the Chinese messages below; nothing changes when
one is raised. The numbers come from evaluation.rules.
"""

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import permissions, rules, selectors
from evaluation.models import (
    Assignment,
    Cycle,
    CycleEvent,
    Indicator,
    RaterGroup,
    RatingChange,
    Scheme,
    SchoolQuality,
    Score,
    Subject,
)
from org import scope
from org.models import School, Staff, WorkHistory
from org.ratings import Rating
from org.services import save_audited

MSG_NOT_MANAGER = _("Only bureau staff of the region running it may change this.")
MSG_FROZEN = _("This scheme version is used by a cycle and frozen; edit a new version.")
MSG_SCHEME_INVALID = _("The scheme does not add up: %(problems)s")
MSG_STATUS = _("This cannot be done while the cycle is “%(status)s”.")
MSG_MISSING = _("Scores are missing, the cycle cannot close: %(list)s")
MSG_MISSING_MORE = _("and %(count)s more")
MSG_REASON = _("Give a reason.")
MSG_NOT_YOURS = _("This assignment is not yours.")
MSG_SUBMITTED = _("You have submitted these scores; changes now go through the cycle administrator.")
MSG_NOT_OPEN = _("The cycle is not open for scoring.")
MSG_PUBLISHED = _("The cycle is published; its scores can no longer change.")
MSG_INCOMPLETE = _("Score every indicator before submitting: %(names)s")
MSG_UNKNOWN_INDICATOR = _("Indicator %(code)s is not part of this assignment.")
MSG_BAD_VALUE = _("Indicator %(code)s: %(problem)s")
MSG_QUOTA_ENFORCED = _("Publication refused, the 优秀 quota is exceeded: %(list)s")
MSG_NO_SUBJECTS = _("The cycle has no subjects.")
MSG_NO_ASSIGNMENTS = _("No rater is assigned yet.")
MSG_SAME_RATING = _("The rating is already %(rating)s.")
MSG_QUOTA_ENFORCED_CHANGE = _("The change is refused, it would exceed the enforced 优秀 quota of the published cycle: %(list)s")
MSG_MEETING = _("Give the meeting reference of the collective decision.")
MSG_RATING_STATUS = _("Ratings change only after the cycle has closed.")
MSG_AS_OF_YEAR = _("The as-of date %(as_of)s is more than a year away from the cycle's year %(year)s: check the year.")
MSG_PREVIOUS_NOT_EARLIER = _("The previous cycle %(previous)s (as of %(on)s) is not earlier than this cycle's as-of date %(as_of)s.")
MSG_SECTION = _("The indicator group must be a section of the cycle's scheme.")
MSG_RATER_GROUP_CYCLE = _("The rater group belongs to another cycle.")

MISSING_SHOWN = 20



def ensure_manages_region(actor: User, region_id: int) -> None:
    if not permissions.may_manage_region(actor, region_id):
        raise PermissionDenied(MSG_NOT_MANAGER)


def cycle_locked(cycle: Cycle) -> Cycle:
    """The cycle row, locked for this transaction: a rater's save (which locks its assignment with the
    cycle, scores_save) and a close or publish cannot interleave."""
    return Cycle.objects.select_for_update().select_related("scheme").get(pk=cycle.pk)


def _require_status(cycle: Cycle, *allowed) -> None:
    if cycle.status not in allowed:
        raise ValidationError(MSG_STATUS % {"status": cycle.get_status_display()})


# --- schemes ---------------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(*, actor: User, data: dict, tree: list[dict] | None = None) -> Scheme:
    """Create version 1 of a scheme; `tree` (nested dicts with code, name, points, role, method, params,
    help_text, children) is checked with rules.check_scheme and refused with the level and the sum."""
    ensure_manages_region(actor, data["region"].pk)
    scheme = Scheme(**data, lineage=uuid.uuid4().hex, version=1)
    save_audited(scheme, actor=actor)
    if tree is not None:
        _create_indicators(scheme, tree, parent=None, actor=actor)
        problems = selectors.scheme_problems(scheme)
        if problems:
            raise ValidationError(MSG_SCHEME_INVALID % {"problems": "；".join(problems)})
    return scheme


def _create_indicators(scheme, nodes: list[dict], *, parent, actor) -> None:
    for order, node in enumerate(nodes):
        row = Indicator(scheme=scheme, parent=parent, order=order, code=node["code"], name=node["name"],
                        points=Decimal(str(node.get("points", 0))), role=node.get("role", rules.STANDARD),
                        method=node.get("method", rules.POINTS), params=node.get("params", {}),
                        help_text=node.get("help_text", ""))
        save_audited(row, actor=actor)
        _create_indicators(scheme, node.get("children", []), parent=row, actor=actor)


def _ensure_editable(actor: User, scheme: Scheme) -> None:
    ensure_manages_region(actor, scheme.region_id)
    if scheme.is_frozen:
        raise ValidationError(MSG_FROZEN)


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, data: dict) -> Scheme:
    """Change a scheme's fields; a frozen scheme is left alone and a new version takes the change."""
    ensure_manages_region(actor, scheme.region_id)
    if scheme.is_frozen:
        scheme = scheme_new_version(actor=actor, scheme=scheme)
    for name, value in data.items():
        setattr(scheme, name, value)
    save_audited(scheme, actor=actor)
    return scheme


@transaction.atomic
def scheme_new_version(*, actor: User, scheme: Scheme) -> Scheme:
    """Copy a scheme and its indicator tree into version n+1 (not frozen), the editable successor."""
    ensure_manages_region(actor, scheme.region_id)
    latest = Scheme.objects.filter(lineage=scheme.lineage).order_by("-version").values_list("version", flat=True).first()
    indicators = list(scheme.indicators.all())
    copy = Scheme.objects.get(pk=scheme.pk)
    copy.pk, copy.id, copy.version, copy.frozen_at = None, None, latest + 1, None
    save_audited(copy, actor=actor)
    mapping = {}
    pending = list(indicators)
    while pending:  # parents before children
        ready = [row for row in pending if row.parent_id is None or row.parent_id in mapping]
        for row in ready:
            old = row.pk
            row.pk, row.id, row.scheme = None, None, copy
            row.parent_id = mapping.get(row.parent_id) if row.parent_id else None
            save_audited(row, actor=actor)
            mapping[old] = row.pk
        pending = [row for row in pending if row not in ready]
    return copy


@transaction.atomic
def indicator_save(*, actor: User, indicator: Indicator) -> Indicator:
    """Add or change one indicator of an unfrozen scheme (the sums are checked when a cycle opens)."""
    _ensure_editable(actor, indicator.scheme)
    save_audited(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    _ensure_editable(actor, indicator.scheme)
    indicator.delete()


# --- cycles ------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(*, actor: User, data: dict, groups: list[dict] | None = None) -> Cycle:
    """Create a cycle in draft over a sound scheme and freeze that scheme version. `groups`: dicts of
    RaterGroup fields (name, weight, combine, trim, is_self); their weights must add up to 100."""
    ensure_manages_region(actor, data["region"].pk)
    _check_cycle_dates(data)
    scheme = data["scheme"]
    problems = selectors.scheme_problems(scheme)
    if problems:
        raise ValidationError(MSG_SCHEME_INVALID % {"problems": "；".join(problems)})
    cycle = Cycle(**data, created_by=actor)
    save_audited(cycle, actor=actor)
    for group in groups or []:
        save_audited(RaterGroup(cycle=cycle, **group), actor=actor)
    _check_weights(cycle)
    if not scheme.frozen_at:
        scheme.frozen_at = timezone.now()
        save_audited(scheme, actor=actor, reason="used by a cycle")
    return cycle


def _check_cycle_dates(data: dict) -> None:
    """The as-of date decides each subject's school and post: a typo in its year (2019 for 2026) must not pass,
    nor a "previous" cycle (the base of 增值) that is not earlier. A year-end assessment may be dated into
    January, an academic year's into July: one year either side of the cycle's year is allowed."""
    as_of = data.get("as_of")
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    if as_of is None or data.get("year") is None:
        return
    problems = {}
    if abs(as_of.year - int(data["year"])) > 1:
        problems["as_of"] = MSG_AS_OF_YEAR % {"as_of": as_of.isoformat(), "year": data["year"]}
    previous = data.get("previous")
    if previous is not None and previous.as_of >= as_of:
        problems["previous"] = MSG_PREVIOUS_NOT_EARLIER % {
            "previous": previous.name, "on": previous.as_of.isoformat(), "as_of": as_of.isoformat()}
    if problems:
        raise ValidationError(problems)


def _check_weights(cycle: Cycle) -> None:
    weights = [g.weight for g in cycle.groups.all() if not g.is_self]
    if weights:
        problems = rules.check_weights(weights)
        if problems:
            raise ValidationError(problems)


@transaction.atomic
def rater_group_save(*, actor: User, group: RaterGroup) -> RaterGroup:
    ensure_manages_region(actor, group.cycle.region_id)
    _require_status(group.cycle, Cycle.Status.DRAFT)
    save_audited(group, actor=actor)
    return group


def _school_at(staff: Staff, as_of: dt.date, history: list[WorkHistory]) -> tuple[int, str]:
    """The school and post a person had at the as-of date: the current ones unless a past stint covers it."""
    if staff.school_start and as_of < staff.school_start:
        for row in history:
            if row.start <= as_of and (row.end is None or as_of <= row.end):
                return row.school_id, row.post or staff.post
    return staff.school_id, staff.post


@transaction.atomic
def subjects_generate(*, actor: User, cycle: Cycle, region=None, stage: str = "", location: str = "",
                      posts: tuple[str, ...] = (), rotated_ids: set[int] | None = None) -> int:
    """Add in bulk every school (school schemes) or person (the others) matching the filter within the
    actor's scope, with the school and post at the cycle's as-of date. Idempotent: returns the number added."""
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.DRAFT, Cycle.Status.OPEN)
    schools = scope.manageable(actor, School).filter(_school_filter(cycle, region, stage, location))
    if cycle.scheme.person_kind == "school":
        existing = set(cycle.subjects.filter(staff__isnull=True).values_list("school_id", flat=True))
        new = [Subject(cycle=cycle, school_id=pk) for pk in schools.values_list("pk", flat=True) if pk not in existing]
    else:
        new = _person_subjects(cycle, schools, posts, rotated_ids or set())
    Subject.objects.bulk_create(new)
    if new:
        CycleEvent.objects.create(cycle=cycle, action="subjects", reason=str(len(new)), actor=actor)
    return len(new)


def _school_filter(cycle, region, stage, location) -> Q:
    query = Q()
    if region is not None:
        query &= Q(region=region) | Q(region__parent=region)
    category = cycle.scheme.category
    if stage or category:
        query &= Q(stage=stage or category)
    if location:
        query &= Q(location=location)
    return query


def _person_subjects(cycle, schools, posts, rotated_ids) -> list[Subject]:
    staff = Staff.objects.filter(school__in=schools, status=Staff.Status.ACTIVE)
    if posts:
        staff = staff.filter(post__in=posts)
    staff = list(staff.only("id", "school_id", "post", "school_start"))
    existing = set(cycle.subjects.filter(staff__isnull=False).values_list("staff_id", flat=True))
    histories = defaultdict(list)
    for row in WorkHistory.objects.filter(staff_id__in=[s.pk for s in staff]):
        histories[row.staff_id].append(row)
    new = []
    for person in staff:
        if person.pk in existing:
            continue
        school_id, post = _school_at(person, cycle.as_of, histories[person.pk])
        new.append(Subject(cycle=cycle, school_id=school_id, staff_id=person.pk, post=post, rotated=person.pk in rotated_ids))
    return new


@transaction.atomic
def assignments_create(*, actor: User, cycle: Cycle, raters, group: RaterGroup, subjects, section: Indicator | None = None) -> int:
    """Assign each rater to each subject for one group (and one section of the scheme, or all). Idempotent."""
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.DRAFT, Cycle.Status.OPEN)
    if group.cycle_id != cycle.pk:
        raise ValidationError(MSG_RATER_GROUP_CYCLE)
    if section is not None and (section.scheme_id != cycle.scheme_id or section.parent_id is not None):
        raise ValidationError(MSG_SECTION)
    existing = set(Assignment.objects.filter(cycle=cycle, group=group, section=section).values_list("subject_id", "rater_id"))
    new = [Assignment(cycle=cycle, subject=subject, rater=rater, group=group, section=section)
           for subject in subjects for rater in raters if (subject.pk, rater.pk) not in existing]
    Assignment.objects.bulk_create(new)
    return len(new)


def _event(cycle, action, actor, reason="") -> None:
    CycleEvent.objects.create(cycle=cycle, action=action, reason=reason, actor=actor)


@transaction.atomic
def cycle_open(*, actor: User, cycle: Cycle) -> Cycle:
    cycle = cycle_locked(cycle)
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.DRAFT)
    if not cycle.subjects.exists():
        raise ValidationError(MSG_NO_SUBJECTS)
    if not cycle.assignments.exists():
        raise ValidationError(MSG_NO_ASSIGNMENTS)
    _check_weights(cycle)
    return _set_status(cycle, Cycle.Status.OPEN, actor, "open")


def _set_status(cycle, status, actor, action, reason="") -> Cycle:
    cycle.status = status
    save_audited(cycle, actor=actor, reason=reason)
    _event(cycle, action, actor, reason)
    return cycle


@transaction.atomic
def cycle_close(*, actor: User, cycle: Cycle) -> Cycle:
    """Close scoring: refused while any assignment is unsubmitted, listing them by rater and subject;
    then every subject is scored and rated (original = final rating)."""
    cycle = cycle_locked(cycle)
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.OPEN)
    missing = selectors.missing_scores(cycle)
    if missing:
        shown = [f"{selectors.rater_label(m['rater'])} — {m['subject']}（{m['group']}）" for m in missing[:MISSING_SHOWN]]
        if len(missing) > MISSING_SHOWN:
            shown.append(str(MSG_MISSING_MORE % {"count": len(missing) - MISSING_SHOWN}))
        raise ValidationError(MSG_MISSING % {"list": "；".join(shown)})
    cycle_compute(cycle=cycle)
    return _set_status(cycle, Cycle.Status.CLOSED, actor, "close")


@transaction.atomic
def cycle_reopen(*, actor: User, cycle: Cycle, reason: str) -> Cycle:
    """Reopen a closed cycle for scoring; the reason is required and recorded."""
    cycle = cycle_locked(cycle)
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.CLOSED)
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON)
    return _set_status(cycle, Cycle.Status.OPEN, actor, "reopen", reason.strip())


@transaction.atomic
def cycle_publish(*, actor: User, cycle: Cycle) -> list[str]:
    """Publish a closed cycle. Over-quota units are refused (enforce) or returned as warnings (warn),
    each with the exact counts."""
    cycle = cycle_locked(cycle)
    ensure_manages_region(actor, cycle.region_id)
    _require_status(cycle, Cycle.Status.CLOSED)
    over = [selectors.quota_message(check) for check in selectors.quota_checks(cycle) if not check.ok]
    if over and cycle.quota_mode == Cycle.QuotaMode.ENFORCE:
        raise ValidationError(MSG_QUOTA_ENFORCED % {"list": "；".join(over)})
    _set_status(cycle, Cycle.Status.PUBLISHED, actor, "publish", "；".join(over))
    return over


# --- scoring -----------------------------------------------------------------------------------------


def _parse_values(assignment: Assignment, values: dict, leaves_by_code: dict) -> dict:
    """{code: Decimal} checked against each leaf's range; every problem at once."""
    parsed, problems = {}, []
    for code, raw in values.items():
        if raw is None or str(raw).strip() == "":
            continue
        leaf = leaves_by_code.get(code)
        if leaf is None:
            problems.append(str(MSG_UNKNOWN_INDICATOR % {"code": code}))
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            problems.append(str(MSG_BAD_VALUE % {"code": code, "problem": _("not a number")}))
            continue
        problem = rules.entry_problem(leaf, value)
        if problem:
            problems.append(str(MSG_BAD_VALUE % {"code": code, "problem": problem}))
        else:
            parsed[code] = value
    if problems:
        raise ValidationError(problems)
    return parsed


def _write_scores(assignment: Assignment, parsed: dict, *, actor, reason: str = "") -> None:
    ids = dict(assignment.cycle.scheme.indicators.filter(code__in=parsed).values_list("code", "pk"))
    current = {score.indicator_id: score for score in assignment.scores.all()}
    for code, value in parsed.items():
        score = current.get(ids[code]) or Score(assignment=assignment, indicator_id=ids[code])
        if score.pk and score.value == value:
            continue
        score.value = value
        save_audited(score, actor=actor, reason=reason)


@transaction.atomic
def scores_save(*, actor: User, assignment: Assignment, values: dict, submit: bool = False) -> Assignment:
    """A rater saves their scores ({indicator code: value}); `submit` locks them, once every
    non-veto indicator is scored. Refused after submission and outside an open cycle."""
    assignment = Assignment.objects.select_for_update().select_related("cycle__scheme").get(pk=assignment.pk)
    if not permissions.may_score(actor, assignment):
        raise PermissionDenied(MSG_NOT_YOURS)
    if assignment.submitted_at is not None:
        raise ValidationError(MSG_SUBMITTED)
    if assignment.cycle.status != Cycle.Status.OPEN:
        raise ValidationError(MSG_NOT_OPEN)
    leaves, by_code = selectors.assignment_context(assignment)
    _write_scores(assignment, _parse_values(assignment, values, by_code), actor=actor)
    if submit:
        entered = set(assignment.scores.values_list("indicator__code", flat=True))
        blank = [leaf.name for leaf in leaves if leaf.role != rules.VETO and leaf.key not in entered]
        if blank:
            raise ValidationError(MSG_INCOMPLETE % {"names": "、".join(blank)})
        assignment.submitted_at = timezone.now()
        save_audited(assignment, actor=actor)
    return assignment


@transaction.atomic
def score_correct(*, actor: User, assignment: Assignment, values: dict, reason: str) -> Assignment:
    """The cycle administrator changes submitted scores, with a reason kept in each score's history.
    Refused once the cycle is published; a closed cycle is rescored at once."""
    assignment = Assignment.objects.select_for_update().select_related("cycle__scheme").get(pk=assignment.pk)
    cycle = assignment.cycle
    ensure_manages_region(actor, cycle.region_id)
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(MSG_PUBLISHED)
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON)
    _leaves, by_code = selectors.assignment_context(assignment)
    _write_scores(assignment, _parse_values(assignment, values, by_code), actor=actor, reason=reason.strip())
    if cycle.status == Cycle.Status.CLOSED:
        cycle_compute(cycle=cycle)
    return assignment


# --- results and ratings ----------------------------------------------------------------------------


def _entries(cycle: Cycle, *, self_only: bool = False) -> dict:
    """{subject id: {leaf code: {group id: [values]}}} from every score of the cycle (one query)."""
    entries = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    rows = Score.objects.filter(assignment__cycle=cycle, assignment__group__is_self=self_only).values_list(
        "assignment__subject_id", "indicator__code", "assignment__group_id", "value")
    for subject_id, code, group_id, value in rows:
        entries[subject_id][code][str(group_id)].append(value)
    return entries


def _previous_values(cycle: Cycle, tree: list[rules.Node], subjects: list[Subject]) -> dict:
    """{subject id: {leaf code: previous value}} for improvement (增值) leaves: the combined value of
    the previous cycle, matched by school (school schemes) or person; for a school without one, its
    quality score (教育教学质量) of the year before the cycle (SchoolQuality, issue 12 item 5)."""
    improvement = [leaf.key for leaf in rules.leaves(tree) if leaf.method == rules.IMPROVEMENT]
    if not improvement:
        return {}
    by_school = cycle.scheme.person_kind == "school"
    earlier = {}
    if cycle.previous_id is not None:
        for row in cycle.previous.subjects.only("school_id", "staff_id", "result"):
            earlier[row.school_id if by_school else row.staff_id] = row.result.get("values", {})
    quality = {}
    if by_school:
        quality = dict(SchoolQuality.objects.filter(school_id__in=[s.school_id for s in subjects], year=cycle.year - 1,
                                                    quality_score__isnull=False).values_list("school_id", "quality_score"))
    previous = {}
    for subject in subjects:
        values = earlier.get(subject.school_id if by_school else subject.staff_id, {})
        found = {code: Decimal(values[code]) for code in improvement if code in values}
        for code in improvement:
            if code not in found and subject.school_id in quality:
                found[code] = quality[subject.school_id]
        if found:
            previous[subject.pk] = found
    return previous


@transaction.atomic
def cycle_compute(*, cycle: Cycle) -> None:
    """Score and rate every subject (rules.score_subjects, rules.rate); self-assessment is scored
    apart. Ratings already changed by a decision keep their final value."""
    tree = selectors.scheme_tree(cycle.scheme)
    groups = {str(g.pk): g.as_rule() for g in cycle.groups.all()}
    subjects = list(cycle.subjects.all())
    entries = _entries(cycle)
    scored = rules.score_subjects(tree, groups, {s.pk: entries.get(s.pk, {}) for s in subjects},
                                  _previous_values(cycle, tree, subjects))
    self_groups = {key: rules.Group(key, Decimal(100)) for key, g in groups.items() if g.is_self}
    self_entries = _entries(cycle, self_only=True)
    self_scored = rules.score_subjects(tree, self_groups, {s.pk: self_entries.get(s.pk, {}) for s in subjects}) if self_groups else {}
    changed = set(RatingChange.objects.filter(subject__cycle=cycle).values_list("subject_id", flat=True))
    for subject in subjects:
        score = scored[subject.pk]
        decision = rules.rate(score.total, cycle.scheme.thresholds, score.vetoed)
        subject.total = score.total
        subject.result = _result_json(score, decision, self_scored.get(subject.pk), entries.get(subject.pk, {}), groups)
        subject.original_rating = decision.rating
        if subject.pk not in changed:
            subject.final_rating = decision.rating
    Subject.objects.bulk_update(subjects, ["total", "result", "original_rating", "final_rating"])


def _result_json(score: rules.SubjectScore, decision, self_score, raw, groups) -> dict:
    values = {}
    for code, by_group in raw.items():
        combined = {g: rules.combine(v, groups[g].method, groups[g].trim) for g, v in by_group.items()}
        value, _shares = rules.weighted(combined, groups)
        if value is not None:
            values[code] = str(value)
    return {
        "nodes": {k: str(v) for k, v in score.nodes.items()},
        "leaves": {k: {"points": str(v.points), "max": str(v.max_points), "reason": v.reason,
                       "by_group": {g: str(rules.q(p)) for g, p in v.by_group.items()}} for k, v in score.leaves.items()},
        "by_group": {k: str(v) for k, v in score.by_group.items()},
        "vetoed": list(score.vetoed),
        "reasons": list(decision.reasons),
        "values": values,
        "self_total": str(self_score.total) if self_score and self_score.leaves and any(
            leaf.reason != "missing" for leaf in self_score.leaves.values()) else None,
    }


# the yearly job (services_job) scores in batches with the same two steps
previous_values = _previous_values
result_json = _result_json


@transaction.atomic
def rating_change(*, actor: User, subject: Subject, to_rating: str, meeting: str, reason: str) -> RatingChange:
    """Change a subject's final rating by the bureau's collective decision (集体研究): who, when,
    the meeting reference and why are recorded; the original rating stays."""
    cycle = subject.cycle
    ensure_manages_region(actor, cycle.region_id)
    if cycle.status not in (Cycle.Status.CLOSED, Cycle.Status.PUBLISHED):
        raise ValidationError(MSG_RATING_STATUS)
    if not (meeting or "").strip():
        raise ValidationError(MSG_MEETING)
    if not (reason or "").strip():
        raise ValidationError(MSG_REASON)
    if to_rating == subject.final_rating:
        raise ValidationError(MSG_SAME_RATING % {"rating": Rating(to_rating).label})
    change = RatingChange.objects.create(subject=subject, kind=RatingChange.Kind.COLLECTIVE, from_rating=subject.final_rating,
                                         to_rating=to_rating, meeting=meeting.strip(), reason=reason.strip(), actor=actor)
    subject.final_rating = to_rating
    save_audited(subject, actor=actor, reason=reason.strip())
    if (cycle.status == Cycle.Status.PUBLISHED and cycle.quota_mode == Cycle.QuotaMode.ENFORCE
            and to_rating == Rating.EXCELLENT):
        # Publication enforced the quota; a later decision must not take the cycle past it (rolled back).
        over = [selectors.quota_message(check) for check in selectors.quota_checks(cycle) if not check.ok]
        if over:
            raise ValidationError(MSG_QUOTA_ENFORCED_CHANGE % {"list": "；".join(over)})
    return change


# --- school quality data -----------------------------------------------------------------------------


@transaction.atomic
def quality_save(*, actor: User, school: School, year: int, data: dict) -> tuple[SchoolQuality, bool]:
    """Create or change a school's yearly quality row; returns (row, created)."""
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_NOT_MANAGER)
    problems = rules.quality_problems(year=year, quality_score=data.get("quality_score"), this_year=timezone.localdate().year)
    if problems:
        raise ValidationError(problems)
    row = SchoolQuality.objects.filter(school=school, year=year).first()
    created = row is None
    row = row or SchoolQuality(school=school, year=year)
    for name, value in data.items():
        setattr(row, name, value)
    save_audited(row, actor=actor)
    return row, created


__all__ = [
    "scheme_create", "scheme_update", "scheme_new_version", "indicator_save", "indicator_delete", "cycle_create",
    "rater_group_save", "subjects_generate", "assignments_create", "cycle_open", "cycle_close", "cycle_reopen",
    "cycle_publish", "scores_save", "score_correct", "cycle_compute", "rating_change", "quality_save",
]
