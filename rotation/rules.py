"""Rotation rules as pure functions over plain data (DESIGN.md, "Rotation eligibility", "Targets").

No database access: callers turn policy rows and staff rows into the dataclasses below. Every
decision carries its reason codes and the numbers behind them, with a Chinese 说明 through
gettext (English msgids; the UI language is zh-hans).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from django.utils.translation import gettext, gettext_lazy, gettext_noop

UNKNOWN, EXEMPT, MUST_ROTATE, ELIGIBLE, NOT_YET = "UNKNOWN", "EXEMPT", "MUST_ROTATE", "ELIGIBLE", "NOT_YET"
STATUSES = (UNKNOWN, EXEMPT, MUST_ROTATE, ELIGIBLE, NOT_YET)

DATA_MISSING = "DATA_MISSING"
EX_FIRST_TERM = "EX_FIRST_TERM"
EX_AGE = "EX_AGE"
EX_KEY_PROJECT = "EX_KEY_PROJECT"
EX_PREGNANCY_NURSING = "EX_PREGNANCY_NURSING"
EX_ILLNESS = "EX_ILLNESS"
EX_EXPERIENCED = "EX_EXPERIENCED"
MUST_LEADER_TENURE = "MUST_LEADER_TENURE"
MUST_TEACHER_TENURE = "MUST_TEACHER_TENURE"
ELIGIBLE_TENURE = "ELIGIBLE_TENURE"
EXEMPTION_RECORD_CODES = (EX_KEY_PROJECT, EX_PREGNANCY_NURSING, EX_ILLNESS)
REASON_CODES = (DATA_MISSING, EX_FIRST_TERM, EX_AGE, EX_KEY_PROJECT, EX_PREGNANCY_NURSING, EX_ILLNESS, EX_EXPERIENCED,
                MUST_LEADER_TENURE, MUST_TEACHER_TENURE, ELIGIBLE_TENURE)

MALE, FEMALE = "M", "F"


@dataclass(frozen=True, slots=True)
class PolicyData:
    """The numbers of a region's rotation policy that the rules read."""

    eligible_years: int
    must_rotate_years: int
    term_years: int
    age_limit_men: int
    age_limit_women: int
    experience_schools: int
    experience_years_per_school: int
    rural_years: int


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One 任职经历 row: a school, whether that school is rural, and the dates (end None = still there)."""

    school_id: int
    is_rural: bool
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class ExemptionRow:
    """An approved 暂不交流 record: its reason code (EX_KEY_PROJECT, ...), start and end (None = open)."""

    code: str
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class StaffFacts:
    gender: str
    birth_date: date
    is_leader: bool
    school_id: int
    school_is_urban: bool
    school_start: date | None
    post_start: date | None
    history: tuple = ()
    exemptions: tuple = ()


# The 说明 texts (English msgids, translated when rendered). Decisions keep the msgid and the
# numbers; the text is rendered only when shown, so counting 500,000 people translates nothing.
MSG_DATA_SCHOOL_START = gettext_noop("No start date at the current school")
MSG_DATA_POST_START = gettext_noop("No start date in the current leader post")
MSG_FIRST_TERM = gettext_noop("%(years)d years in the current leader post, less than one term (%(term)d years)")
MSG_AGE = gettext_noop("Aged %(age)d, having reached the age limit of %(limit)d")  # the rule is >=, not >
MSG_RECORD = gettext_noop("Approved exemption (%(kind)s) from %(start)s to %(end)s")
MSG_TWO_SCHOOLS = gettext_noop("Worked at %(schools)d other schools for at least %(years)d years each")
MSG_RURAL_YEARS = gettext_noop("An urban teacher with %(years)d years in rural schools, at least %(limit)d")
MSG_LEADER_TENURE = gettext_noop("%(years)d years in leader posts at the current school, %(limit)d or more must rotate")
MSG_TEACHER_TENURE = gettext_noop("%(years)d years at the current school, %(limit)d or more must rotate")
MSG_ELIGIBLE_TENURE = gettext_noop("%(years)d years at the current school, %(limit)d or more may rotate")
MSG_NOT_YET = gettext_noop("%(years)d years at the current school, fewer than %(limit)d")
EXEMPTION_LABELS = {
    EX_KEY_PROJECT: gettext_noop("key project"),
    EX_PREGNANCY_NURSING: gettext_noop("pregnancy or nursing"),
    EX_ILLNESS: gettext_noop("illness"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    msgid: str
    params: dict | None = None

    def render(self, translate=gettext) -> str:
        if not self.params:
            return translate(self.msgid)
        params = self.params
        if "kind" in params:
            params = {**params, "kind": translate(params["kind"])}
        return translate(self.msgid) % params

    @property
    def text(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    reasons: tuple  # of Reason, in rule order
    note: Reason | None = None  # what decided a NOT_YET (it has no reason code)

    @property
    def codes(self) -> tuple:
        return tuple(reason.code for reason in self.reasons)

    def explain(self, translate=gettext) -> str:
        """The 说明: every reason's text, or what decided a NOT_YET; `translate` may be a per-call cache."""
        if self.reasons:
            return "；".join(reason.render(translate) for reason in self.reasons)
        return self.note.render(translate) if self.note else ""

    @property
    def explanation(self) -> str:
        return self.explain()


def full_years(start: date, end: date) -> int:
    """Full years between two dates (DESIGN.md): a birthday-style count, 29 February included."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def add_years(start: date, years: int) -> date:
    """The same day `years` later (29 February → 28 February in a common year)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def served_years(start: date, last_day: date) -> int:
    """Full years served when `last_day` is the last day worked (结束时间): counted to the day after it,
    so 2012-09-01 → 2015-08-31 is 3 years and → 2015-08-30 is 2."""
    return full_years(start, last_day + timedelta(days=1))


def history_years(row: HistoryRow, on: date) -> int:
    """Full years of a 任职经历 row at `on`: an open row (or one ending on or after `on`) counts up to `on`."""
    if row.end is None or row.end >= on:
        return full_years(row.start, on)
    return served_years(row.start, row.end)


def _records_in_force(exemptions: tuple, on: date) -> tuple:
    """(code, start, end) of the first approved record of each kind in force at `on`, in EXEMPTION_RECORD_CODES order."""
    found = []
    for code in EXEMPTION_RECORD_CODES:
        for record in exemptions:
            if record.code == code and record.start <= on and (record.end is None or on <= record.end):
                found.append((code, record.start, record.end))
                break
    return tuple(found)


def _experience(facts: StaffFacts, on: date, policy: PolicyData) -> tuple[int, int]:
    """(other schools with enough full years each, full years in rural schools) from the work history."""
    per_school: dict[int, int] = {}
    rural = 0
    for row in facts.history:
        if row.start >= on:
            continue
        years = history_years(row, on)
        if row.is_rural:
            rural += years
        if row.school_id != facts.school_id:
            per_school[row.school_id] = per_school.get(row.school_id, 0) + years
    return sum(1 for years in per_school.values() if years >= policy.experience_years_per_school), rural


def evaluate(facts: StaffFacts, on: date, policy: PolicyData) -> Decision:
    """Decide one staff member's rotation status at date `on`; all matching reasons, first status wins.

    The dates and records are first reduced to the numbers the rules read (full years, the records in force,
    the experience counts); `_decision` turns those numbers into the Decision, and is memoized: half a million
    staff have a few thousand distinct combinations, so a city's roster builds each Decision once."""
    leader = facts.is_leader
    if facts.school_start is None or (leader and facts.post_start is None):
        return _decision(policy, facts.school_start is None, leader and facts.post_start is None, leader)
    return _decision(
        policy, False, False, leader,
        full_years(facts.post_start, on) if leader else 0,
        facts.gender == MALE,
        full_years(facts.birth_date, on - timedelta(days=1)),
        _records_in_force(facts.exemptions, on) if facts.exemptions else (),
        *(_experience(facts, on, policy) if facts.history else (0, 0)),
        facts.school_is_urban,
        full_years(facts.school_start, on),
    )


@lru_cache(maxsize=65536)
def _decision(policy: PolicyData, no_school_start: bool, no_post_start: bool, leader: bool, leader_years: int = 0,
              male: bool = False, age_yesterday: int = 0, records: tuple = (), schools: int = 0, rural: int = 0,
              urban: bool = False, school_years: int = 0) -> Decision:
    """The Decision behind `evaluate`'s numbers (pure: the same numbers always give an equal Decision).

    Decisions and their reasons are immutable and shared between the staff members who have the same numbers."""
    if no_school_start or no_post_start:
        missing = []
        if no_school_start:
            missing.append(Reason(DATA_MISSING, MSG_DATA_SCHOOL_START))
        if no_post_start:
            missing.append(Reason(DATA_MISSING, MSG_DATA_POST_START))
        return Decision(UNKNOWN, tuple(missing))
    reasons = []
    if leader and leader_years < policy.term_years:
        reasons.append(Reason(EX_FIRST_TERM, MSG_FIRST_TERM, {"years": leader_years, "term": policy.term_years}))
    limit = policy.age_limit_men if male else policy.age_limit_women
    if age_yesterday >= limit:
        reasons.append(Reason(EX_AGE, MSG_AGE, {"age": age_yesterday, "limit": limit}))
    for code, start, end in records:
        reasons.append(Reason(code, MSG_RECORD, {"kind": EXEMPTION_LABELS[code], "start": start, "end": end or "—"}))
    if schools >= policy.experience_schools:
        reasons.append(Reason(EX_EXPERIENCED, MSG_TWO_SCHOOLS, {"schools": schools, "years": policy.experience_years_per_school}))
    elif urban and rural >= policy.rural_years:
        reasons.append(Reason(EX_EXPERIENCED, MSG_RURAL_YEARS, {"years": rural, "limit": policy.rural_years}))
    status = EXEMPT if reasons else None
    if leader:
        if leader_years >= policy.must_rotate_years:
            values = {"years": leader_years, "limit": policy.must_rotate_years}
            reasons.append(Reason(MUST_LEADER_TENURE, MSG_LEADER_TENURE, values))
            status = status or MUST_ROTATE
    elif school_years >= policy.must_rotate_years:
        values = {"years": school_years, "limit": policy.must_rotate_years}
        reasons.append(Reason(MUST_TEACHER_TENURE, MSG_TEACHER_TENURE, values))
        status = status or MUST_ROTATE
    if school_years >= policy.eligible_years:
        reasons.append(Reason(ELIGIBLE_TENURE, MSG_ELIGIBLE_TENURE, {"years": school_years, "limit": policy.eligible_years}))
        status = status or ELIGIBLE
    if status is None:
        note = Reason("", MSG_NOT_YET, {"years": max(school_years, 0), "limit": policy.eligible_years})
        return Decision(NOT_YET, tuple(reasons), note)
    return Decision(status, tuple(reasons))


def reason_label(code: str) -> str:
    """A reason code in the bureau's words (DESIGN.md "Rotation eligibility")."""
    labels = {
        DATA_MISSING: gettext("Data incomplete"),
        EX_FIRST_TERM: gettext("Leader in the first term"),
        EX_AGE: gettext("Age limit reached"),
        EX_KEY_PROJECT: gettext("Key project or course"),
        EX_PREGNANCY_NURSING: gettext("Pregnancy or nursing"),
        EX_ILLNESS: gettext("Illness"),
        EX_EXPERIENCED: gettext("Already rotated enough"),
        MUST_LEADER_TENURE: gettext("Leader: two terms at the school"),
        MUST_TEACHER_TENURE: gettext("Six years at the school"),
        ELIGIBLE_TENURE: gettext("Three years at the school"),
    }
    return labels.get(code, code)


def status_label(status: str) -> str:
    labels = {
        EXEMPT: gettext("Exempt for now"),
        MUST_ROTATE: gettext("Must rotate"),
        ELIGIBLE: gettext("May rotate"),
        NOT_YET: gettext("Tenure not reached"),
        UNKNOWN: gettext("Data incomplete"),
    }
    return labels[status]


# --- the target split ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SplitShare:
    code: str
    name: str
    base: int
    share: int


def split_target(target: int, counties: list[tuple[str, str, int]]) -> list[SplitShare]:
    """Split `target` over (code, name, base) rows in proportion to base, by largest remainder.

    The shares add up exactly to the target; the leftover units go to the largest remainders,
    ties to the larger base, then to the lower region code. With every base zero, the target
    is split as if each county had the same base.
    """
    if target < 0:
        raise ValueError("target must not be negative")
    if not counties:
        return []
    bases = [base for _code, _name, base in counties]
    total = sum(bases)
    if total == 0:
        bases, total = [1] * len(counties), len(counties)
    floors = [target * base // total for base in bases]
    remainders = [target * base % total for base in bases]
    leftover = target - sum(floors)
    order = sorted(range(len(counties)), key=lambda i: (-remainders[i], -bases[i], counties[i][0]))
    for index in order[:leftover]:
        floors[index] += 1
    return [
        SplitShare(code, name, base, share)
        for (code, name, base), share in sorted(zip(counties, floors, strict=True), key=lambda pair: pair[0][0])
    ]


# --- progress against a plan ----------------------------------------------------------------

YELLOW, RED = "yellow", "red"


@dataclass(frozen=True, slots=True)
class ProgressDecision:
    expected: Fraction  # straight-line expectation at the date
    level: str | None  # None, YELLOW or RED
    percent: Fraction | None  # counted as a percentage of expected (None before anything is expected)


def expected_by(on: date, opens_on: date, deadline: date, share: int) -> Fraction:
    """The straight-line expectation between a plan's opening (0) and its deadline (the share)."""
    if on <= opens_on:
        return Fraction(0)
    if on >= deadline:
        return Fraction(share)
    return Fraction(share * (on - opens_on).days, (deadline - opens_on).days)


def progress_level(*, counted: int, on: date, opens_on: date, deadline: date, share: int,
                   yellow_percent: int, red_percent: int) -> ProgressDecision:
    """Behind when counted < yellow % (yellow) or < red % (red) of the expectation; nothing expected, no warning."""
    expected = expected_by(on, opens_on, deadline, share)
    if expected == 0:
        return ProgressDecision(expected, None, None)
    percent = Fraction(counted * 100) / expected
    level = RED if percent < red_percent else YELLOW if percent < yellow_percent else None
    return ProgressDecision(expected, level, percent)


# --- suggestions: an assignment problem -------------------------------------------------------

COMPATIBLE_STAGES = {
    "primary": {"primary", "nine_year"}, "junior": {"junior", "nine_year", "complete"},
    "senior": {"senior", "complete"}, "nine_year": {"primary", "junior", "nine_year"},
    "complete": {"junior", "senior", "complete"}, "kindergarten": {"kindergarten"},
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A must-rotate staff member at a source school (urban or town, not weak)."""

    staff_id: int
    school_id: int
    county_id: int
    stage: str
    subject: str


@dataclass(frozen=True, slots=True)
class Destination:
    """A rural or weak school: its teachers per subject, and the average per subject of its stage in its county."""

    school_id: int
    county_id: int
    stage: str
    is_rural: bool
    is_weak: bool
    subject_counts: dict
    subject_average: dict
    slots: int


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """The stated score of a move; each term is a policy of the solver, not a hidden preference."""

    base: int = 10  # any allowed move (must-rotate staff, strong source, rural/weak destination, compatible stage)
    subject_missing: int = 6  # the destination has no teacher of the subject
    subject_short: int = 3  # the destination has fewer teachers of the subject than its stage's county average
    same_county: int = 3
    partner: int = 4  # source and destination are partner schools (alliances pass the pairs in)
    rural_and_weak: int = 1  # the destination is both rural and weak


def move_score(candidate: Candidate, destination: Destination, weights: ScoreWeights,
               partners: frozenset = frozenset()) -> tuple[int, tuple] | None:
    """Score one move (None when not allowed), with the names of the terms that scored."""
    if candidate.school_id == destination.school_id or destination.stage not in COMPATIBLE_STAGES.get(candidate.stage, ()):
        return None
    score, terms = weights.base, ["base"]
    have = destination.subject_counts.get(candidate.subject, 0)
    if have == 0:
        score, terms = score + weights.subject_missing, [*terms, "subject_missing"]
    elif have < destination.subject_average.get(candidate.subject, 0):
        score, terms = score + weights.subject_short, [*terms, "subject_short"]
    if candidate.county_id == destination.county_id:
        score, terms = score + weights.same_county, [*terms, "same_county"]
    if frozenset((candidate.school_id, destination.school_id)) in partners:
        score, terms = score + weights.partner, [*terms, "partner"]
    if destination.is_rural and destination.is_weak:
        score, terms = score + weights.rural_and_weak, [*terms, "rural_and_weak"]
    return score, tuple(terms)


@dataclass(frozen=True, slots=True)
class Match:
    candidate: Candidate
    destination: Destination
    score: int
    terms: tuple


def suggest(candidates: list[Candidate], destinations: list[Destination], *, weights: ScoreWeights = ScoreWeights(),
            partners=frozenset()) -> list[Match]:
    """Maximise the total score of moves, each candidate at most once, each destination up to its slots.

    Solved exactly as a rectangular assignment problem (scipy's linear_sum_assignment) over the
    destinations expanded into slots; pairs that are not allowed are never returned.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    partners = frozenset(frozenset(pair) for pair in partners)
    column_of = [index for index, destination in enumerate(destinations) for _slot in range(destination.slots)]
    if not candidates or not column_of:
        return []
    first_column, column = {}, 0
    for index, destination in enumerate(destinations):
        first_column[index], column = column, column + destination.slots
    scores = np.zeros((len(candidates), len(column_of)))  # not allowed: 0, never returned; allowed scores are > 0
    found = {}
    for row, candidate in enumerate(candidates):
        for index, destination in enumerate(destinations):
            scored = move_score(candidate, destination, weights, partners)
            if scored is not None:
                found[(row, index)] = scored
                scores[row, first_column[index]:first_column[index] + destination.slots] = scored[0]
    rows, cols = linear_sum_assignment(scores, maximize=True)
    matches = []
    for row, column in zip(rows, cols, strict=True):
        index = column_of[column]
        if (row, index) in found:
            score, terms = found[(row, index)]
            matches.append(Match(candidates[row], destinations[index], score, terms))
    return sorted(matches, key=lambda match: (-match.score, match.candidate.staff_id))


# --- title and principal-grade prerequisites (DESIGN.md, "Titles and promotion") ----------------

PASSING = frozenset({"excellent", "pass"})  # 合格 and above
MET, NOT_MET, NOT_REQUIRED = "MET", "NOT_MET", "NOT_REQUIRED"


@dataclass(frozen=True, slots=True)
class Stint:
    """A finished (rated) rotation: its dates, the rating and whether the destination was rural or weak."""

    start: date
    end: date
    rating: str
    rural_or_weak: bool


@dataclass(frozen=True, slots=True)
class TitleDecision:
    senior_title: str  # MET / NOT_MET / NOT_REQUIRED (only urban teachers need it)
    rural_years: int
    principal_grade: str  # MET / NOT_MET for principal grades 1 and 2
    rotation_years: int
    preferred: bool  # enough rotation years to be preferred for principal posts
    reasons: tuple


def stint_years(stint: Stint) -> int:
    """Full years served, the end day included (1 Sep to 31 Aug of the next year is one year)."""
    return served_years(stint.start, stint.end)


def title_prerequisites(stints, *, is_urban: bool, title_rural_years: int, grade_years: int,
                        preferred_years: int) -> TitleDecision:
    """Whether rotation history meets the senior-title and principal-grade prerequisites (rated 合格 or better)."""
    passed = [stint for stint in stints if stint.rating in PASSING]
    rural = sum(stint_years(stint) for stint in passed if stint.rural_or_weak)
    total = sum(stint_years(stint) for stint in passed)
    senior = NOT_REQUIRED if not is_urban else MET if rural >= title_rural_years else NOT_MET
    grade = MET if total >= grade_years else NOT_MET
    reasons = (
        gettext("%(years)d years at rural or weak schools rated Pass or better; a senior title needs %(need)d")
        % {"years": rural, "need": title_rural_years},
        gettext("%(years)d years of rotation rated Pass or better; principal grades 1 and 2 need %(need)d, %(preferred)d make a candidate preferred")
        % {"years": total, "need": grade_years, "preferred": preferred_years},
    )
    return TitleDecision(senior, rural, grade, total, total >= preferred_years, reasons)


def statement_number(*, region_code: str, on: date, staff_id: int) -> str:
    """The title statement's number: the issuing bureau's region code, the issue date and the person
    (one number per person, bureau and day: reprinting on the same day gives the same number)."""
    return f"{region_code}-{on:%Y%m%d}-{staff_id:06d}"


# --- a new assignment's dates (DESIGN.md: minimum durations, the summer window, the cadre filing window) ---

MSG_TOO_SHORT = gettext_lazy("Too short: a %(post)s must rotate for at least %(years)d years (planned: %(start)s to %(end)s).")
MSG_OUTSIDE_WINDOW = gettext_lazy("Rotation starts in the summer window (%(start)s to %(end)s); %(date)s is outside it.")
MSG_CADRE_FILING = gettext_lazy("Cadre secondments are filed between %(start)s and %(end)s; filing on %(date)s is not "
                                "allowed.")


def assignment_date_refusals(*, post_label: str, minimum_years: int, start: date, planned_end: date,
                             window: tuple[date, date], filed_on: date,
                             filing_window: tuple[date, date] | None = None) -> dict[str, list[str]]:
    """The refusals of a new assignment's dates, by field (empty when the dates may stand).

    - planned_end: the stint (start to planned_end, both days served) lasts at least `minimum_years` full
      years (the policy's min_years_leader for cadres, min_years_teacher otherwise);
    - start: inside the summer window (both ends included);
    - filed_on: for a cadre secondment (`filing_window` given), inside the filing window (both ends included).
    Source: DESIGN.md (rotation), seed 001's policy defaults.
    """
    errors: dict[str, list[str]] = {}
    if full_years(start, planned_end + timedelta(days=1)) < minimum_years:
        values = {"post": post_label, "years": minimum_years, "start": start, "end": planned_end}
        errors.setdefault("planned_end", []).append(MSG_TOO_SHORT % values)
    window_start, window_end = window
    if not window_start <= start <= window_end:
        errors.setdefault("start", []).append(MSG_OUTSIDE_WINDOW % {"start": window_start, "end": window_end, "date": start})
    if filing_window is not None:
        filing_start, filing_end = filing_window
        if not filing_start <= filed_on <= filing_end:
            errors.setdefault("filed_on", []).append(
                MSG_CADRE_FILING % {"start": filing_start, "end": filing_end, "date": filed_on})
    return errors


# --- dates a roster entry, an inspection and a plan cannot have (issue 8, item 3) -----------------------------

MSG_ARRIVAL_BEFORE_START = gettext_lazy("The arrival (%(arrived)s) is before the stint starts (%(start)s).")
MSG_ARRIVAL_IN_FUTURE = gettext_lazy("The arrival (%(arrived)s) is in the future (today is %(today)s).")
MSG_COMPLETED_BEFORE_END = gettext_lazy("Completion on %(ended)s is before the planned end (%(planned_end)s); end the "
                                        "assignment early instead.")
MSG_ENDED_BEFORE_ARRIVAL = gettext_lazy("The early end (%(ended)s) is before the arrival (%(arrived)s).")
MSG_INSPECTION_IN_FUTURE = gettext_lazy("The inspection date (%(visited)s) is in the future (today is %(today)s).")
MSG_DEADLINE_AFTER_TERM = gettext_lazy("The deadline (%(deadline)s) is after the term start (%(term_start)s).")
MSG_TERM_LONG_PAST = gettext_lazy("The term start (%(term_start)s) is more than a year before today (%(today)s).")
# A plan is filed for a coming or current term: its term start may lie at most this many years before today
# (issue 8, item 3: "a plan is not recorded years later"). The same for every region (DESIGN.md gives no per-region
# number), so a module constant and not a policy row.
PLAN_TERM_START_MAX_YEARS_PAST = 1


def arrival_refusals(*, arrived_on: date, start: date, today: date) -> dict[str, list[str]]:
    """An arrival (到位) falls on or after the stint's start and on or before today (both days allowed)."""
    errors: dict[str, list[str]] = {}
    if arrived_on < start:
        errors.setdefault("on", []).append(MSG_ARRIVAL_BEFORE_START % {"arrived": arrived_on, "start": start})
    if arrived_on > today:
        errors.setdefault("on", []).append(MSG_ARRIVAL_IN_FUTURE % {"arrived": arrived_on, "today": today})
    return errors


def completion_refusals(*, ended_on: date, planned_end: date) -> dict[str, list[str]]:
    """Completion (期满) is on or after the planned end; ending sooner is an early end, with its reason."""
    if ended_on < planned_end:
        return {"on": [MSG_COMPLETED_BEFORE_END % {"ended": ended_on, "planned_end": planned_end}]}
    return {}


def early_end_refusals(*, ended_on: date, arrived_on: date | None) -> dict[str, list[str]]:
    """An early end of an arrived stint is on or after the arrival (nothing to check before an arrival)."""
    if arrived_on is not None and ended_on < arrived_on:
        return {"on": [MSG_ENDED_BEFORE_ARRIVAL % {"ended": ended_on, "arrived": arrived_on}]}
    return {}


def inspection_refusals(*, visited_on: date, today: date) -> dict[str, list[str]]:
    """An inspection (督导) is recorded on or after its visit: the visit is today at the latest."""
    if visited_on > today:
        return {"visited_on": [MSG_INSPECTION_IN_FUTURE % {"visited": visited_on, "today": today}]}
    return {}


def plan_date_refusals(*, term_start: date, deadline: date, today: date) -> dict[str, list[str]]:
    """A plan's deadline is on or before its term start, and its term start at most
    PLAN_TERM_START_MAX_YEARS_PAST (1) year before today, that day allowed (a plan is filed for a coming or
    current term, not recorded years later)."""
    errors: dict[str, list[str]] = {}
    if deadline > term_start:
        errors["deadline"] = [MSG_DEADLINE_AFTER_TERM % {"deadline": deadline, "term_start": term_start}]
    if term_start < add_years(today, -PLAN_TERM_START_MAX_YEARS_PAST):
        errors["term_start"] = [MSG_TERM_LONG_PAST % {"term_start": term_start, "today": today}]
    return errors
