"""Reads shared by rotation pages, exports, commands and the API: scoped, with their joins.

The eligibility roster is evaluated streaming: staff are read in id-ordered chunks as plain
tuples, their work history and approved exemptions fetched once per chunk, and each person
turned into `rules.StaffFacts` and decided by `rules.evaluate`. Memory stays bounded by the
chunk size whatever the number of staff.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from org import scope
from org.lookups import Ids
from org.models import Region, School, Staff, UserRole, WorkHistory
from rotation import hooks, rules
from rotation.models import (
    Assignment,
    EligibilityDecision,
    EligibilityFigure,
    Exemption,
    Notification,
    Plan,
    Policy,
    Progress,
    ProgressWarning,
    Quota,
    Suggestion,
    decision_from,
)

CHUNK_SIZE = 5000


def default_as_of(today: date, policy: Policy | None = None) -> date:
    """The start of the next autumn term (policy default: 1 September), the as-of date of a rotation term."""
    policy = policy or Policy()
    this_year = date(today.year, policy.term_start_month, policy.term_start_day)
    return this_year if today <= this_year else date(today.year + 1, policy.term_start_month, policy.term_start_day)


def _region_chain(user) -> list[int]:
    """The user's region (of their role, else of their school) and the regions above it, nearest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = UserRole.objects.filter(user=user).order_by("id").values_list(
        "region_id", "region__parent_id", "region__parent__parent_id",
        "school__region_id", "school__region__parent_id", "school__region__parent__parent_id",
    )
    for row in roles:
        chain = [region for region in (row[:3] if row[0] else row[3:]) if region]
        if chain:
            return chain
    return []


def default_as_of_for(*, today: date, user=None, region_id: int | None = None) -> date:
    """The next term start by the policy of `region_id` (or of the user's region): its term_start_month/day."""
    if region_id is not None:
        return default_as_of(today, PolicyResolver().policy(region_id))
    chain = _region_chain(user)
    policies = {policy.region_id: policy for policy in Policy.objects.filter(region_id__in=chain)} if chain else {}
    found = next((policies[region] for region in chain if region in policies), None)
    return default_as_of(today, found)


class PolicyResolver:
    """Find each region's policy: its own row, else its parent's (city), else the defaults.

    Built per call (policies are a handful of rows), never cached across requests.
    """

    def __init__(self):
        self._rows = {policy.region_id: policy for policy in Policy.objects.all()}
        self._parents = dict(Region.objects.values_list("id", "parent_id"))
        self._resolved: dict[int, Policy] = {}
        self._rules: dict[int, rules.PolicyData] = {}

    def policy(self, region_id: int | None) -> Policy:
        if region_id in self._resolved:
            return self._resolved[region_id]
        current, found = region_id, None
        while current is not None and found is None:
            found = self._rows.get(current)
            current = self._parents.get(current)
        self._resolved[region_id] = found or Policy()
        return self._resolved[region_id]

    def rules(self, region_id: int | None) -> rules.PolicyData:
        if region_id not in self._rules:
            self._rules[region_id] = self.policy(region_id).as_rules()
        return self._rules[region_id]


def policy_for(region: Region | None) -> Policy:
    """The policy that applies in a region (county row, else city row, else the defaults)."""
    return PolicyResolver().policy(region.pk if region else None)


def policy_list(*, user) -> QuerySet[Policy]:
    return scope.visible_to(user, Policy).select_related("region")


# --- eligibility -------------------------------------------------------------------------

# What the rules read of a staff member, after the id: `_decisions` takes these as a row's last eight values.
FACT_COLUMNS = (
    "gender", "birth_date", "post", "school_id", "school__location", "school__region_id", "school_start", "post_start",
)
STAFF_COLUMNS = ("id", "id_number", "name", "school__code", "school__name", *FACT_COLUMNS)
LEADERS = frozenset(Staff.LEADER_POSTS)
URBAN, RURAL = School.Location.URBAN, School.Location.RURAL


@dataclass(frozen=True, slots=True)
class EligibilityRow:
    staff_id: int
    id_number: str
    name: str
    post: str
    school_code: str
    school_name: str
    region_id: int
    decision: rules.Decision
    school_id: int = 0


def eligibility_staff(*, user, region: Region | None = None) -> QuerySet[Staff]:
    """The active staff whose eligibility the user may see (optionally within one region)."""
    queryset = scope.visible_to(user, Staff).filter(status=Staff.Status.ACTIVE)
    return _within(queryset, region)


def all_active_staff(region: Region | None = None) -> QuerySet[Staff]:
    """For system jobs (commands, beat): every active staff member, optionally within one region."""
    return _within(Staff.objects.filter(status=Staff.Status.ACTIVE), region)


def _within(queryset, region):
    if region is None:
        return queryset
    return queryset.filter(school__region__in=scope.region_tree(region))


def evaluate_staff(queryset: QuerySet[Staff], on: date, *, chunk_size: int = CHUNK_SIZE,
                   resolver: "PolicyResolver | None" = None) -> Iterator[EligibilityRow]:
    """Decide every staff member of `queryset` at `on`, streaming.

    One id-ordered query read through a cursor (`iterator`), cut into chunks; per chunk, one
    query for work history and one for approved exemptions of exactly the chunk's staff ids.
    """
    for row, decision in _decisions(queryset, on, STAFF_COLUMNS, chunk_size, resolver or PolicyResolver()):
        (staff_id, id_number, name, code, school_name, _gender, _birth, post, school_id, _location, region_id,
         _school_start, _post_start) = row
        yield EligibilityRow(staff_id, id_number, name, post, code, school_name, region_id, decision, school_id)


def _decisions(queryset, on, columns, chunk_size, resolver) -> Iterator[tuple[tuple, rules.Decision]]:
    """(row, decision) for each staff member of `queryset`, rows read as `columns` (id first, FACT_COLUMNS last)."""
    rows = queryset.order_by("id").values_list(*columns).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        history = _history_by_staff(ids)
        exemptions = _exemptions_by_staff(ids, on)
        for row in chunk:
            staff_id = row[0]
            gender, birth, post, school_id, location, region_id, school_start, post_start = row[-8:]
            facts = rules.StaffFacts(gender, birth, post in LEADERS, school_id, location == URBAN, school_start, post_start,
                                     history.get(staff_id, ()), exemptions.get(staff_id, ()))
            yield row, rules.evaluate(facts, on, resolver.rules(region_id))


def evaluate_matching(queryset: QuerySet[Staff], on: date, *, status: str | None = None,
                      reason: str | None = None) -> Iterator[EligibilityRow]:
    """The rows of `evaluate_staff` whose status is `status` and whose reasons include `reason` (either optional):
    the eligibility list's, export's and dashboard figures' one definition of a filtered roster."""
    for row in evaluate_staff(queryset, on):
        if (not status or row.decision.status == status) and (not reason or reason in row.decision.codes):
            yield row


# A status or reason filter over more visible staff than this needs the decisions stored for the as-of date
# (EligibilityDecision); up to it, the staff are decided live in the request (a county, a school: well under a second).
LIVE_MAX_STAFF = 20_000
STORED_COLUMNS = ("id", "id_number", "name", "post", "school__code", "school__name", "school__region_id", "school_id",
                  "decided__status", "decided__reasons", "decided__note")


def stored_decisions_at(on: date) -> datetime | None:
    """When the decisions stored for `on` were computed, None when that date has none (one query on the index)."""
    stored = EligibilityDecision.objects.filter(as_of=on).values_list("computed_at", flat=True)[:1]
    return stored[0] if stored else None


def decide_live(queryset: QuerySet[Staff]) -> bool:
    """Whether a filtered roster of `queryset` may be decided in the request: fewer than LIVE_MAX_STAFF staff
    (one COUNT bounded by LIVE_MAX_STAFF)."""
    return queryset.order_by()[:LIVE_MAX_STAFF].count() < LIVE_MAX_STAFF


def stored_matching(queryset: QuerySet[Staff], on: date, *, status: str | None = None,
                    reason: str | None = None) -> QuerySet:
    """The staff of `queryset` (already scoped) whose decision stored for `on` has `status` and carries `reason`
    (either optional), as STORED_COLUMNS tuples in id order, like evaluate_matching's rows; `stored_row` makes
    them EligibilityRows. A join on the date's status rows, and a semi-join on its reason rows for `reason`."""
    rows = queryset.annotate(decided=FilteredRelation(
        "eligibility_decisions", condition=Q(eligibility_decisions__as_of=on, eligibility_decisions__reason="")))
    rows = rows.filter(decided__status=status) if status else rows.filter(decided__status__isnull=False)
    if reason:
        rows = rows.filter(Exists(EligibilityDecision.objects.filter(
            as_of=on, reason=reason, staff_id=OuterRef("pk"), **({"status": status} if status else {}))))
    return rows.order_by("id").values_list(*STORED_COLUMNS)


def stored_row(row: tuple) -> EligibilityRow:
    staff_id, id_number, name, post, code, school_name, region_id, school_id, status, reasons, note = row
    return EligibilityRow(staff_id, id_number, name, post, code, school_name, region_id,
                          decision_from(status, reasons, note), school_id)


def _history_by_staff(staff_ids: list[int]) -> dict[int, tuple]:
    """The chunk's work history, by exactly its staff ids (an id range could reach other counties' rows);
    `.order_by()` drops the model's default ordering and the joins it needs."""
    found: dict[int, list] = {}
    rows = WorkHistory.objects.filter(staff_id__any=Ids(staff_ids)).order_by().values_list(
        "staff_id", "school_id", "school__location", "start", "end"
    )
    for staff_id, school_id, location, start, end in rows:
        found.setdefault(staff_id, []).append(rules.HistoryRow(school_id, location == RURAL, start, end))
    return {staff_id: tuple(items) for staff_id, items in found.items()}


def _exemptions_by_staff(staff_ids: list[int], on: date) -> dict[int, tuple]:
    found: dict[int, list] = {}
    rows = Exemption.objects.filter(
        staff_id__any=Ids(staff_ids), state=Exemption.State.APPROVED, start__lte=on
    ).order_by().values_list("staff_id", "kind", "start", "end")
    for staff_id, kind, start, end in rows:
        found.setdefault(staff_id, []).append(rules.ExemptionRow(kind, start, end))
    return {staff_id: tuple(items) for staff_id, items in found.items()}


def staff_decision(staff: Staff, on: date, *, resolver: PolicyResolver | None = None) -> rules.Decision:
    """The decision for one (already visible) staff member (`resolver`: shared across the rows of an import)."""
    rows = list(evaluate_staff(Staff.objects.filter(pk=staff.pk), on, resolver=resolver))
    return rows[0].decision if rows else None


def eligibility_counts(queryset: QuerySet[Staff], on: date) -> dict[int, dict[str, int]]:
    """Per county (region id): how many staff have each status."""
    counts: dict[int, dict[str, int]] = {}
    for row, decision in _decisions(queryset, on, ("id", *FACT_COLUMNS), CHUNK_SIZE, PolicyResolver()):
        per_status = counts.get(row[6])
        if per_status is None:
            per_status = counts[row[6]] = dict.fromkeys(rules.STATUSES, 0)
        per_status[decision.status] += 1
    return counts


def split_rows(*, counties: QuerySet[Region], staff: QuerySet[Staff], on: date, target: int) -> list[rules.SplitShare]:
    """Split a target across `counties` by their MUST_ROTATE + ELIGIBLE counts (largest remainder)."""
    counts = eligibility_counts(staff, on)
    bases = []
    for county in counties.order_by("code"):
        per_status = counts.get(county.id, {})
        bases.append((county.code, county.name, per_status.get(rules.MUST_ROTATE, 0) + per_status.get(rules.ELIGIBLE, 0)))
    return rules.split_target(target, bases)


def counties_under(*, user=None, region: Region | None = None) -> QuerySet[Region]:
    """The county-level regions under `region` (or all), visible to `user` when given."""
    queryset = Region.objects.filter(level=Region.Level.COUNTY)
    if user is not None:
        queryset = scope.visible_to(user, queryset)
    if region is not None:
        if region.level == Region.Level.COUNTY:
            return queryset.filter(id=region.id)
        queryset = queryset.filter(id__in=scope.region_tree(region).exclude(id=region.id))
    return queryset.order_by("code")


def exemption_list(*, user) -> QuerySet[Exemption]:
    return scope.visible_to(user, Exemption).select_related("staff", "staff__school", "decided_by", "applied_by")


def exemption_get(*, user, pk: int) -> Exemption:
    return scope.get_visible_or_404(user, exemption_list(user=user), pk=pk)


def evaluate_page(staff: list[Staff], on: date) -> list[EligibilityRow]:
    """Decide a page of staff, keeping the page's order."""
    found = {row.staff_id: row for row in evaluate_staff(Staff.objects.filter(pk__in=[s.pk for s in staff]), on)}
    return [found[s.pk] for s in staff if s.pk in found]


@dataclass(frozen=True)
class StoredSplit:
    shares: list[rules.SplitShare]
    as_of: date
    computed_at: datetime


def split_for_user(*, user, target: int, as_of: date, region: Region | None = None) -> StoredSplit | None:
    """The split of `target` over the counties the user sees (under `region` when given), by the MUST_ROTATE +
    ELIGIBLE counts stored for `as_of` (EligibilityFigure: deciding 500,000 staff live takes seconds); None when
    no figures are stored for that date (services.eligibility_figures_request queues them). Three queries."""
    stored = EligibilityFigure.objects.filter(as_of=as_of).values_list("computed_at", flat=True)[:1]  # unordered:
    if not stored:  # the as-of index finds a row or none (first() would walk the primary key past other dates)
        return None
    computed_at = stored[0]
    figures = scope.visible_to(user, EligibilityFigure).filter(
        as_of=as_of, reason="", status__in=(rules.MUST_ROTATE, rules.ELIGIBLE))
    if region is not None:
        figures = figures.filter(school__region__in=scope.region_tree(region))
    counts = dict(figures.values("school__region_id").annotate(n=Sum("count")).values_list("school__region_id", "n")
                  .order_by())
    bases = [(county.code, county.name, counts.get(county.id, 0)) for county in counties_under(user=user, region=region)]
    return StoredSplit(rules.split_target(target, bases), as_of, computed_at)


# --- plans and the roster --------------------------------------------------------------------


def plan_list(*, user) -> QuerySet:
    return scope.visible_to(user, Plan).select_related("region")


def plan_get(*, user, pk: int):
    return scope.get_visible_or_404(user, plan_list(user=user), pk=pk)


def quota_rows(*, user, plan) -> list[dict]:
    """The plan's visible quotas with each county's approved / in-place / key-teacher counts."""
    counts = plan_counts(plan)
    committed = committed_by_county(plan)
    rows = []
    for quota in scope.visible_to(user, Quota).filter(plan=plan).select_related("county").order_by("county__code"):
        numbers = counts.get(quota.county_id, {"approved": 0, "in_place": 0, "key": 0})
        rows.append({"quota": quota, "committed": committed.get(quota.county_id, 0), **numbers})
    return rows


def plan_counts(plan) -> dict[int, dict[str, int]]:
    """Per county (of the sending school): approved, in place and key-teacher counts."""
    rows = (
        Assignment.objects.filter(plan=plan, state__in=Assignment.COUNTED_STATES)
        .values("from_school__region_id")
        .annotate(
            approved=Count("id", filter=Q(state=Assignment.State.APPROVED)),
            in_place=Count("id", filter=Q(state=Assignment.State.IN_PLACE)),
            key=Count("id", filter=Q(is_key_teacher=True)),
        )
    )
    return {row.pop("from_school__region_id"): row for row in rows}


def committed_by_county(plan) -> dict[int, int]:
    """How many assignments each county has approved (or taken further) in a plan."""
    rows = (
        Assignment.objects.filter(plan=plan, state__in=Assignment.COMMITTED_STATES)
        .values("from_school__region_id").annotate(n=Count("*"))
    )
    return {row["from_school__region_id"]: row["n"] for row in rows}


def assignment_list(*, user) -> QuerySet:
    return scope.visible_to(user, Assignment).select_related(
        "staff", "from_school", "from_school__region", "to_school", "plan"
    )


def assignment_get(*, user, pk: int):
    return scope.get_visible_or_404(user, assignment_list(user=user), pk=pk)


def progress_series(*, user, plan) -> list[dict]:
    """Per visible county: its daily progress rows (for the chart) and its warning history."""
    counties: dict[int, dict] = {}
    rows = scope.visible_to(user, Progress).filter(plan=plan).select_related("county").order_by("county__code", "computed_on")
    for row in rows:
        entry = counties.setdefault(row.county_id, {"county": row.county, "days": [], "warnings": []})
        entry["days"].append(row)
    warnings = scope.visible_to(user, ProgressWarning).filter(plan=plan).order_by("raised_on", "id")
    for warning in warnings:
        if warning.county_id in counties:
            counties[warning.county_id]["warnings"].append(warning)
    resolver = PolicyResolver()
    for county_id, entry in counties.items():
        policy = resolver.policy(county_id)
        entry["rates"] = progress_rates(entry["days"][-1])
        entry["guidance"] = {"rate": policy.guidance_rate_percent, "key": policy.key_teacher_percent}
    return list(counties.values())


def chart_data(series: list[dict]) -> list[dict]:
    """Plain data for Chart.js, one chart per county."""
    return [
        {
            "code": entry["county"].code, "name": entry["county"].name,
            "labels": [day.computed_on.isoformat() for day in entry["days"]],
            "counted": [day.counted for day in entry["days"]],
            "in_place": [day.in_place for day in entry["days"]],
            "expected": [float(day.expected) for day in entry["days"]],
            "share": entry["days"][-1].share if entry["days"] else 0,
            **progress_rates(entry["days"][-1] if entry["days"] else None),
        }
        for entry in series
    ]


def progress_rates(day) -> dict:
    """Percentages of a county's latest day: key teachers among those counted, counted among the eligible."""
    if day is None:
        return {"key_teacher_percent": None, "eligible_percent": None}
    counted = day.counted
    return {
        "key_teacher_percent": round(100 * day.key_teachers / counted, 1) if counted else None,
        "eligible_percent": round(100 * counted / day.eligible, 1) if day.eligible else None,
    }


def notification_list(*, user) -> QuerySet:
    return scope.visible_to(user, Notification)


# --- suggestion inputs ---------------------------------------------------------------------------


def suggestion_candidates(*, staff: QuerySet[Staff], plan: Plan, limit_per_county: dict[int, int]) -> list[rules.Candidate]:
    """Must-rotate staff of strong schools (not weak, not rural) without an open assignment, longest tenure
    first, at most `limit_per_county` per county."""
    busy = Assignment.objects.filter(state__in=Assignment.OPEN_STATES).values("staff_id")
    source = staff.filter(school__is_weak=False).exclude(school__location=RURAL).exclude(id__in=busy)
    must = [row.staff_id for row in evaluate_staff(source, plan.term_start) if row.decision.status == rules.MUST_ROTATE]
    taken: dict[int, int] = {}
    candidates = []
    rows = Staff.objects.filter(id__in=must).order_by("school_start", "id").values_list(
        "id", "school_id", "school__region_id", "school__stage", "subject")
    for staff_id, school_id, county_id, stage, subject in rows:
        if taken.get(county_id, 0) < limit_per_county.get(county_id, 0):
            taken[county_id] = taken.get(county_id, 0) + 1
            candidates.append(rules.Candidate(staff_id, school_id, county_id, stage, subject))
    return candidates


def suggestion_destinations(*, schools: QuerySet[School], slots: int) -> list[rules.Destination]:
    """Rural or weak schools with their teacher count per subject and their stage's county average."""
    targets = list(schools.filter(Q(location=RURAL) | Q(is_weak=True)).values_list(
        "id", "region_id", "stage", "location", "is_weak"))
    counts: dict[int, dict[str, int]] = {}
    totals: dict[tuple, dict[str, list]] = {}
    rows = (Staff.objects.filter(status=Staff.Status.ACTIVE, school__region_id__in={t[1] for t in targets})
            .values("school_id", "school__region_id", "school__stage", "subject").annotate(n=Count("id")).order_by()
            .values_list("school_id", "school__region_id", "school__stage", "subject", "n"))
    for school_id, region_id, stage, subject, n in rows:
        counts.setdefault(school_id, {})[subject] = n
        totals.setdefault((region_id, stage), {}).setdefault(subject, []).append(n)
    groups = School.objects.values("region_id", "stage").annotate(n=Count("id")).order_by()
    schools_per_group = {(group["region_id"], group["stage"]): group["n"] for group in groups}
    destinations = []
    for school_id, region_id, stage, location, is_weak in targets:
        group = totals.get((region_id, stage), {})
        average = {subject: sum(values) / schools_per_group.get((region_id, stage), 1) for subject, values in group.items()}
        destinations.append(rules.Destination(school_id, region_id, stage, location == RURAL, is_weak,
                                              counts.get(school_id, {}), average, slots))
    return destinations


def school_choices(*, user) -> list[tuple[int, str]]:
    """(id, name) of the visible schools, read once per page and shared by every row's form."""
    return list(scope.visible_to(user, School).order_by("code").values_list("id", "name"))


def add_default_dates(suggestions, *, term_start: date) -> None:
    """Give each suggestion its default start (the term start) and planned end: the minimum duration of the
    person's post (leaders and middle cadres vs teachers) by the sending county's policy."""
    resolver = PolicyResolver()
    for suggestion in suggestions:
        policy = resolver.policy(suggestion.from_school.region_id)
        cadre = suggestion.staff.post in (*LEADERS, Staff.Post.MIDDLE_CADRE)
        years = policy.min_years_leader if cadre else policy.min_years_teacher
        suggestion.default_start = term_start
        suggestion.default_end = rules.add_years(term_start, years) - timedelta(days=1)


def suggestion_list(*, user, plan) -> QuerySet:
    return scope.visible_to(user, Suggestion).filter(plan=plan).select_related("staff", "from_school", "to_school")


# --- title prerequisites -------------------------------------------------------------------------


def finished_assignments(staff: Staff, *, today: date) -> QuerySet:
    """The person's completed stints (completed, or converted to a transfer) whose end has passed.

    Issue 8, item 3: a stint ended early, or one whose end (ended_on) is today or later, does not count. Their
    ratings come from `stint_ratings` (issue 13, item 6); a stint rated nowhere is left out by title_statement."""
    return (
        Assignment.objects.filter(staff=staff, state__in=[Assignment.State.COMPLETED, Assignment.State.CONVERTED],
                                  ended_on__lt=today)
        .select_related("from_school", "to_school").order_by("start")
    )


MSG_BUREAU = _("%(region)s Education Bureau")


def title_statement_context(staff: Staff, *, today: date) -> dict:
    """What the printable title statement shows (rotation/title_statement.html), for the page and its API
    twin alike: decision and rows (title_statement), today, the statement number (rules.statement_number)
    and the issuing bureau named after the staff member's region."""
    region = staff.school.region
    decision, rows = title_statement(staff, today=today)
    return {"staff": staff, "decision": decision, "rows": rows, "today": today,
            "number": rules.statement_number(region_code=region.code, on=today, staff_id=staff.pk),
            "bureau": MSG_BUREAU % {"region": region.name}}
def stint_ratings(staff: Staff, assignments: list[Assignment]) -> dict[int, hooks.StintRating]:
    """{assignment id: StintRating} for finished stints: the published assessment cycles covering the stint
    (registered by evaluation through rotation.hooks; issue 13 item 6), else the rating typed on the roster,
    labelled as the fallback (source "typed"). A stint with neither is absent."""
    found = hooks.stint_ratings(staff, [(a.pk, a.start, a.ended_on) for a in assignments])
    for a in assignments:
        if a.pk not in found and a.rating:
            found[a.pk] = hooks.StintRating(a.rating, hooks.TYPED)
    return found


def title_statement(staff: Staff, *, today: date) -> tuple[rules.TitleDecision, list]:
    """The senior-title / principal-grade decision for a (visible) staff member on `today`, with the stints
    behind it: [(assignment, full years, StintRating)] for the finished stints that have a rating
    (see finished_assignments and stint_ratings)."""
    finished = list(finished_assignments(staff, today=today))
    ratings = stint_ratings(staff, finished)
    assignments = [a for a in finished if a.pk in ratings]
    stints = [
        rules.Stint(a.start, a.ended_on, ratings[a.pk].rating, a.to_school.location == RURAL or a.to_school.is_weak)
        for a in assignments
    ]
    policy = policy_for(staff.school.region)
    decision = rules.title_prerequisites(
        stints, is_urban=staff.school.location == URBAN, title_rural_years=policy.title_rural_years,
        grade_years=policy.grade_rotation_years, preferred_years=policy.preferred_rotation_years,
    )
    years = [rules.stint_years(stint) for stint in stints]
    return decision, [(a, y, ratings[a.pk]) for a, y in zip(assignments, years, strict=True)]
