"""rotation.rules: dates a roster entry, an inspection and a plan cannot have (issue 8, item 3), each on the
day before, on and after its edge; every message names both dates (pure: no database)."""

from datetime import date

import pytest
from django.utils import translation

from rotation import rules

TODAY = date(2027, 9, 10)
START = date(2027, 9, 1)


def one(errors: dict, field: str) -> str:
    with translation.override("zh-hans"):
        return " ".join(str(message) for message in errors[field])


@pytest.mark.parametrize(("arrived", "refused"), [
    (date(2027, 8, 31), True), (START, False), (date(2027, 9, 2), False),
])
def test_arrival_not_before_the_start(arrived, refused):
    errors = rules.arrival_refusals(arrived_on=arrived, start=START, today=TODAY)
    assert bool(errors) is refused
    if refused:
        assert "2027-08-31" in one(errors, "on") and "2027-09-01" in one(errors, "on")


@pytest.mark.parametrize(("arrived", "refused"), [
    (date(2027, 9, 9), False), (TODAY, False), (date(2027, 9, 11), True),
])
def test_arrival_not_in_the_future(arrived, refused):
    errors = rules.arrival_refusals(arrived_on=arrived, start=START, today=TODAY)
    assert bool(errors) is refused
    if refused:
        assert "2027-09-11" in one(errors, "on") and "2027-09-10" in one(errors, "on")


@pytest.mark.parametrize(("ended", "refused"), [
    (date(2030, 8, 30), True), (date(2030, 8, 31), False), (date(2030, 9, 1), False),
])
def test_completion_not_before_the_planned_end(ended, refused):
    errors = rules.completion_refusals(ended_on=ended, planned_end=date(2030, 8, 31))
    assert bool(errors) is refused
    if refused:
        assert "2030-08-30" in one(errors, "on") and "2030-08-31" in one(errors, "on")


@pytest.mark.parametrize(("ended", "refused"), [
    (date(2027, 9, 4), True), (date(2027, 9, 5), False), (date(2027, 9, 6), False),
])
def test_early_end_not_before_the_arrival(ended, refused):
    errors = rules.early_end_refusals(ended_on=ended, arrived_on=date(2027, 9, 5))
    assert bool(errors) is refused
    if refused:
        assert "2027-09-04" in one(errors, "on") and "2027-09-05" in one(errors, "on")


def test_early_end_before_any_arrival_is_not_checked():
    assert rules.early_end_refusals(ended_on=date(2000, 1, 1), arrived_on=None) == {}


@pytest.mark.parametrize(("visited", "refused"), [
    (date(2027, 9, 9), False), (TODAY, False), (date(2027, 9, 11), True),
])
def test_inspection_not_in_the_future(visited, refused):
    errors = rules.inspection_refusals(visited_on=visited, today=TODAY)
    assert bool(errors) is refused
    if refused:
        assert "2027-09-11" in one(errors, "visited_on") and "2027-09-10" in one(errors, "visited_on")


@pytest.mark.parametrize(("deadline", "refused"), [
    (date(2028, 8, 31), False), (date(2028, 9, 1), False), (date(2028, 9, 2), True),
])
def test_plan_deadline_not_after_the_term_start(deadline, refused):
    errors = rules.plan_date_refusals(term_start=date(2028, 9, 1), deadline=deadline, today=TODAY)
    assert ("deadline" in errors) is refused
    if refused:
        assert "2028-09-02" in one(errors, "deadline") and "2028-09-01" in one(errors, "deadline")


@pytest.mark.parametrize(("term_start", "refused"), [
    (date(2026, 9, 9), True), (date(2026, 9, 10), False), (date(2026, 9, 11), False),
])
def test_plan_term_not_long_past(term_start, refused):
    errors = rules.plan_date_refusals(term_start=term_start, deadline=date(2026, 1, 1), today=TODAY)
    assert ("term_start" in errors) is refused
    if refused:
        assert term_start.isoformat() in one(errors, "term_start") and "2027-09-10" in one(errors, "term_start")
