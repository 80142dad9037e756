"""rotation.rules.assignment_date_refusals: the minimum duration, the summer window and the cadre filing
window, each on the day before, on and after its date (pure: no database)."""

from datetime import date

import pytest

from rotation.rules import assignment_date_refusals

WINDOW = (date(2027, 7, 1), date(2027, 8, 31))
FILING = (date(2027, 3, 1), date(2027, 4, 30))


def refusals(*, start=date(2027, 8, 1), planned_end=date(2030, 7, 31), filed_on=date(2027, 3, 15), filing=None,
             minimum=3):
    return assignment_date_refusals(post_label="专任教师", minimum_years=minimum, start=start, planned_end=planned_end,
                                    window=WINDOW, filed_on=filed_on, filing_window=filing)


def test_dates_inside_every_rule_are_accepted():
    assert refusals() == {}
    assert refusals(filing=FILING) == {}


@pytest.mark.parametrize(("planned_end", "refused"), [
    (date(2030, 7, 30), True),   # the day before three full years are served
    (date(2030, 7, 31), False),  # the last day of the third year
    (date(2030, 8, 1), False),   # the day after
])
def test_minimum_duration(planned_end, refused):
    assert ("planned_end" in refusals(planned_end=planned_end)) is refused


@pytest.mark.parametrize(("start", "refused"), [
    (date(2027, 6, 30), True), (date(2027, 7, 1), False), (date(2027, 7, 2), False),
    (date(2027, 8, 30), False), (date(2027, 8, 31), False), (date(2027, 9, 1), True),
])
def test_summer_window(start, refused):
    errors = refusals(start=start, planned_end=date(start.year + 3, start.month, start.day))
    assert ("start" in errors) is refused
    if refused:
        assert str(start) in str(errors["start"][0])


@pytest.mark.parametrize(("filed_on", "refused"), [
    (date(2027, 2, 28), True), (date(2027, 3, 1), False), (date(2027, 3, 2), False),
    (date(2027, 4, 29), False), (date(2027, 4, 30), False), (date(2027, 5, 1), True),
])
def test_cadre_filing_window(filed_on, refused):
    assert ("filed_on" in refusals(filed_on=filed_on, filing=FILING)) is refused
    assert "filed_on" not in refusals(filed_on=filed_on)  # not a cadre secondment: no filing window


def test_every_refusal_at_once_by_field():
    errors = refusals(start=date(2027, 9, 1), planned_end=date(2028, 9, 1), filed_on=date(2027, 5, 1), filing=FILING)
    assert set(errors) == {"planned_end", "start", "filed_on"}
