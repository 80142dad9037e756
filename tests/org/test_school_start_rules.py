"""org.rules.school_start_refusals: a current-school start is not in the future and not before the person
turned 16, each on the day before, on and after (pure: no database)."""

from datetime import date

import pytest

from org.rules import school_start_refusals

TODAY = date(2027, 9, 10)
BORN = date(1990, 3, 15)


@pytest.mark.parametrize(("start", "refused"), [
    (date(2027, 9, 9), False), (TODAY, False), (date(2027, 9, 11), True),
])
def test_not_in_the_future(start, refused):
    errors = school_start_refusals(school_start=start, birth_date=BORN, today=TODAY)
    assert bool(errors) is refused
    if refused:
        text = " ".join(str(message) for message in errors["school_start"])
        assert "2027-09-11" in text and "2027-09-10" in text


@pytest.mark.parametrize(("start", "refused"), [
    (date(2006, 3, 14), True), (date(2006, 3, 15), False), (date(2006, 3, 16), False),
])
def test_not_before_sixteen(start, refused):
    errors = school_start_refusals(school_start=start, birth_date=BORN, today=TODAY)
    assert bool(errors) is refused
    if refused:
        text = " ".join(str(message) for message in errors["school_start"])
        assert "2006-03-14" in text and "1990-03-15" in text

