"""Pure talent-pool rules: eligibility of a nominee for a track, the working days of a public notice,
the combination of reviewers' scores, and the pool's review dates. No database access: plain data
in, a decision with reason codes, Chinese explanations and the numbers behind them out.

Head-teacher years: the staff record has `is_head_teacher` but no start date, and work history
does not record the duty. The years therefore come from the date the nominating school states
on the nomination (`head_teacher_since`); when the track requires head-teacher years and no date
is stated, the rule fails with HEAD_TEACHER_UNKNOWN rather than guessing.

Leader years: the continuous leader service at the current school (`post_start` while the post
is principal or vice principal) plus every work-history row with a leader post at another school.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

LEADER_POSTS = ("principal", "vice_principal")


def full_years(start: dt.date, end: dt.date) -> int:
    """Full years from start to end (DESIGN.md): end.year - start.year - (end before the anniversary)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- eligibility ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    birth_date: dt.date
    post: str
    stage: str
    title: str = ""
    post_start: dt.date | None = None  # start of continuous leader service at the current school
    other_leader_periods: tuple[tuple[dt.date, dt.date | None], ...] = ()
    head_teacher_since: dt.date | None = None


@dataclass(frozen=True)
class RuleRow:
    kind: str
    number: int | None = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    code: str
    passed: bool
    message: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: tuple[Reason, ...]

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(reason for reason in self.reasons if not reason.passed)

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "reasons": [
                {"code": r.code, "passed": r.passed, "message": r.message, "numbers": r.numbers} for r in self.reasons
            ],
        }


def leader_years(candidate: Candidate, as_of: dt.date) -> int:
    years = 0
    if candidate.post in LEADER_POSTS and candidate.post_start and candidate.post_start <= as_of:
        years += full_years(candidate.post_start, as_of)
    for start, end in candidate.other_leader_periods:
        stop = min(end or as_of, as_of)
        if start <= stop:
            years += full_years(start, stop)
    return years


def _min_leader_years(candidate: Candidate, row: RuleRow, as_of: dt.date) -> Reason:
    actual = leader_years(candidate, as_of)
    numbers = {"required": row.number, "actual": actual}
    if actual >= row.number:
        return Reason("LEADER_YEARS_OK", True, _("%(actual)d full years as principal or vice principal (at least %(required)d required).") % numbers, numbers)
    return Reason("LEADER_YEARS_SHORT", False, _("Only %(actual)d full years as principal or vice principal; at least %(required)d required.") % numbers, numbers)


def _min_head_teacher_years(candidate: Candidate, row: RuleRow, as_of: dt.date) -> Reason:
    if candidate.head_teacher_since is None:
        numbers = {"required": row.number}
        return Reason("HEAD_TEACHER_UNKNOWN", False, _("Head-teacher start date not stated; at least %(required)d years required.") % numbers, numbers)
    actual = max(full_years(candidate.head_teacher_since, as_of), 0)
    numbers = {"required": row.number, "actual": actual}
    if actual >= row.number:
        return Reason("HEAD_TEACHER_YEARS_OK", True, _("%(actual)d full years as head teacher (at least %(required)d required).") % numbers, numbers)
    return Reason("HEAD_TEACHER_YEARS_SHORT", False, _("Only %(actual)d full years as head teacher; at least %(required)d required.") % numbers, numbers)


def _max_age(candidate: Candidate, row: RuleRow, as_of: dt.date) -> Reason:
    age = full_years(candidate.birth_date, as_of)
    numbers = {"maximum": row.number, "age": age}
    if age <= row.number:
        return Reason("AGE_OK", True, _("Age %(age)d (at most %(maximum)d).") % numbers, numbers)
    return Reason("AGE_OVER", False, _("Age %(age)d exceeds the maximum of %(maximum)d.") % numbers, numbers)


def _member_of(code_ok: str, code_bad: str, label: str):
    def check(candidate: Candidate, row: RuleRow, as_of: dt.date) -> Reason:
        value = getattr(candidate, label)
        numbers = {"value": value, "allowed": "、".join(row.choices)}
        if value in row.choices:
            return Reason(code_ok, True, _("%(value)s is allowed (%(allowed)s).") % numbers, numbers)
        return Reason(code_bad, False, _("%(value)s is not among the allowed values (%(allowed)s).") % {**numbers, "value": value or "—"}, numbers)

    return check


CHECKS = {
    "min_leader_years": _min_leader_years,
    "min_head_teacher_years": _min_head_teacher_years,
    "max_age": _max_age,
    "post_in": _member_of("POST_OK", "POST_NOT_ALLOWED", "post"),
    "stage_in": _member_of("STAGE_OK", "STAGE_NOT_ALLOWED", "stage"),
    "title_in": _member_of("TITLE_OK", "TITLE_NOT_ALLOWED", "title"),
}


def evaluate_eligibility(candidate: Candidate, rules: Iterable[RuleRow], as_of: dt.date) -> Decision:
    """Check every rule row of a track; eligible when all pass. Every reason is reported."""
    reasons = tuple(CHECKS[row.kind](candidate, row, as_of) for row in rules)
    return Decision(all(reason.passed for reason in reasons), reasons)


# --- workflow -------------------------------------------------------------------------------------

TRANSITIONS = {
    "": {"submitted"},
    "submitted": {"assessment", "returned", "rejected", "withdrawn"},
    "returned": {"submitted", "rejected", "withdrawn"},
    "assessment": {"notice", "rejected", "withdrawn"},
    "notice": {"decision", "rejected", "withdrawn"},
    "decision": {"admitted", "rejected", "withdrawn"},
    "admitted": set(),
    "rejected": set(),
    "withdrawn": set(),
}


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())


# --- public notice ----------------------------------------------------------------------------------


def working_days(start: dt.date, end: dt.date, holidays: Iterable[dt.date] = ()) -> int:
    """Working days from start to end inclusive: weekdays that are not public holidays."""
    closed = set(holidays)
    days = 0
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in closed:
            days += 1
        day += dt.timedelta(days=1)
    return days


def check_notice_period(start: dt.date, end: dt.date, minimum: int, holidays: Iterable[dt.date] = ()) -> Reason:
    counted = working_days(start, end, holidays) if end >= start else 0
    numbers = {"days": counted, "minimum": minimum}
    if counted >= minimum:
        return Reason("NOTICE_OK", True, _("Public notice of %(days)d working days (at least %(minimum)d).") % numbers, numbers)
    return Reason("NOTICE_TOO_SHORT", False, _("The public notice covers only %(days)d working days; at least %(minimum)d are required.") % numbers, numbers)


def notice_over(end: dt.date, today: dt.date) -> bool:
    """The notice is over on the day after its last day."""
    return today > end


# --- scores -------------------------------------------------------------------------------------------

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    id: int
    weight: Decimal
    max_score: int


def sheet_total(items: Sequence[Item], values: dict[int, Decimal]) -> Decimal:
    """One reviewer's score on a 100-point scale: each item's share of its maximum, weighted."""
    total_weight = sum((item.weight for item in items), Decimal(0))
    weighted = sum((Decimal(values[item.id]) / item.max_score * item.weight for item in items), Decimal(0))
    return (weighted / total_weight * 100).quantize(TWO_PLACES, ROUND_HALF_UP)


def combine(totals: Sequence[Decimal]) -> Decimal | None:
    """The combined score of a nomination: the mean of its reviewers' totals."""
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(TWO_PLACES, ROUND_HALF_UP)


# --- the pool -------------------------------------------------------------------------------------------


def review_due(joined: dt.date, interval_years: int) -> dt.date:
    return add_years(joined, interval_years)


def is_review_due(due: dt.date, today: dt.date) -> bool:
    """A member is due for review from the due date on."""
    return today >= due


def quota_left(quota: int, admitted: int) -> int:
    return max(quota - admitted, 0)


# --- the final evaluation and promotions ---------------------------------------------------------

GRADE_ORDER = {"fail": 0, "pass": 1, "good": 2, "excellent": 3}


def check_final_evaluation(dimensions: dict[str, str], overall: str, award: bool) -> tuple[Reason, ...]:
    """Problems of a final evaluation: ethics (师德) failing vetoes the overall grade; overall cannot
    exceed the best dimension; only an excellent overall may be recommended for the award (seed 000)."""
    problems = []
    if dimensions.get("ethics") == "fail" and overall != "fail":
        problems.append(Reason("ETHICS_VETO", False, _("A failing grade in professional ethics makes the overall grade a fail.")))
    best = max((GRADE_ORDER[grade] for grade in dimensions.values()), default=0)
    if GRADE_ORDER[overall] > best:
        problems.append(Reason("OVERALL_ABOVE_DIMENSIONS", False, _("The overall grade cannot be higher than every dimension.")))
    if award and overall != "excellent":
        problems.append(Reason("AWARD_NEEDS_EXCELLENT", False, _("Only members rated excellent overall can be recommended for the award.")))
    return tuple(problems)


@dataclass(frozen=True)
class PromotionRow:
    year: int
    to_post: str
    from_pool: bool


def promotion_report(rows: Iterable[PromotionRow]) -> dict[int, dict[str, int]]:
    """Promotions from the pool per year and post (seed 000: 4 principals, 3 vice principals, 15 middle cadres)."""
    report: dict[int, dict[str, int]] = {}
    for row in rows:
        if row.from_pool:
            year = report.setdefault(row.year, {"principal": 0, "vice_principal": 0, "middle_cadre": 0})
            year[row.to_post] = year.get(row.to_post, 0) + 1
    return dict(sorted(report.items()))


def principal_outside_pool(to_post: str, pool_types: Iterable[str]) -> bool:
    """Seed 002: principals are appointed from the principal reserve pool; warn otherwise."""
    return to_post == "principal" and "principal_reserve" not in set(pool_types)


# --- dates of the notice, its objections and the decision (issue 8, item 3) -------------------------------

MSG_OBJECTION_OUTSIDE_NOTICE = _lazy("The objection was received on %(received)s, outside the notice period "
                                     "(%(start)s to %(end)s).")
MSG_RESOLVED_BEFORE_RECEIVED = _lazy("The objection cannot be resolved on %(resolved)s, before it was received "
                                     "(%(received)s).")
MSG_MEETING_BEFORE_NOTICE_CLOSED = _lazy("The decision meeting (%(meeting)s) is before the notice closed (its last "
                                         "day is %(end)s).")


def objection_received_refusals(*, received: dt.date, notice_start: dt.date, notice_end: dt.date) -> dict[str, list[str]]:
    """An objection is received within its notice period, both days included."""
    if not notice_start <= received <= notice_end:
        return {"received": [MSG_OBJECTION_OUTSIDE_NOTICE % {"received": received, "start": notice_start, "end": notice_end}]}
    return {}


def objection_resolved_refusals(*, resolved: dt.date, received: dt.date) -> dict[str, list[str]]:
    """An objection is resolved on or after the day it was received."""
    if resolved < received:
        return {"resolution": [MSG_RESOLVED_BEFORE_RECEIVED % {"resolved": resolved, "received": received}]}
    return {}


def decision_meeting_refusals(*, meeting_date: dt.date, notice_end: dt.date | None) -> dict[str, list[str]]:
    """The collective decision meets after the notice is over (the day after its last day, `notice_over`);
    nothing to check for a nomination that had no notice."""
    if notice_end is not None and not notice_over(notice_end, meeting_date):
        return {"meeting_date": [MSG_MEETING_BEFORE_NOTICE_CLOSED % {"meeting": meeting_date, "end": notice_end}]}
    return {}
