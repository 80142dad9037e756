"""Pure rules at their edges: terms, minimum durations, 走教 clashes."""

import datetime as dt

import pytest

from alliances import rules


@pytest.mark.parametrize("day, code", [
    (dt.date(2026, 8, 31), "2026-spring"), (dt.date(2026, 9, 1), "2026-autumn"),
    (dt.date(2027, 1, 31), "2026-autumn"), (dt.date(2027, 2, 1), "2027-spring"),
])
def test_term_edges(day, code):
    term = rules.term_of(day)
    assert term.code == code and term.start <= day <= term.end


def test_parse_and_previous_term():
    assert rules.parse_term("2026-autumn").end == dt.date(2027, 1, 31)
    assert rules.previous_term(rules.Term(2026, "autumn")).code == "2026-spring"
    assert rules.previous_term(rules.Term(2026, "spring")).code == "2025-autumn"
    with pytest.raises(ValueError):
        rules.parse_term("2026-summer")


def _dispatch(start, end, post="teacher"):
    return rules.Dispatch(1, "某", post, "数学", 2, 1, 2, start, end)


@pytest.mark.parametrize("end, years, ok", [
    (dt.date(2027, 8, 30), 1, False), (dt.date(2027, 8, 31), 1, True),  # the day before / on a full year
    (dt.date(2029, 8, 30), 3, False), (dt.date(2029, 8, 31), 3, True),
])
def test_minimum_duration_counts_the_last_day(end, years, ok):
    assert rules.lasts(_dispatch(dt.date(2026, 9, 1), end), years) is ok


def _slot(weekday=1, starts=8, ends=9, valid_from=dt.date(2026, 9, 1), valid_to=None, staff=1):
    return rules.Slot(staff, 5, weekday, dt.time(starts), dt.time(ends), valid_from, valid_to)


def test_clashes_only_for_the_same_teacher_weekday_time_and_dates():
    booked = [_slot()]
    assert rules.clashes(_slot(starts=8, ends=10), booked)
    assert not rules.clashes(_slot(starts=9, ends=10), booked)  # back to back
    assert not rules.clashes(_slot(weekday=2), booked)
    assert not rules.clashes(_slot(staff=2), booked)
    assert not rules.clashes(_slot(valid_from=dt.date(2027, 1, 1)), [_slot(valid_to=dt.date(2026, 12, 31))])


def test_hand_in_hand_counts_urban_to_non_urban_only():
    lead = rules.SchoolInfo(1, "城区校", 1, "primary", "urban")
    rural = rules.SchoolInfo(2, "乡村校", 1, "primary", "rural")
    facts = rules.GroupFacts(rules.HAND_IN_HAND, lead, (rural,))
    req = {rules.STAFF_PER_TERM: rules.Requirement(rules.STAFF_PER_TERM, 3, 5)}
    back = rules.Dispatch(9, "回", "teacher", "数学", 0, 2, 1, dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    out = [rules.Dispatch(n, "出", "teacher", "数学", 0, 1, 2, dt.date(2026, 9, 1), dt.date(2027, 8, 31)) for n in range(3)]
    (finding,) = rules.evaluate(facts, req, out[:2] + [back])
    assert (finding.met, finding.count) == (False, 2)
    (finding,) = rules.evaluate(facts, req, out)
    assert finding.met
