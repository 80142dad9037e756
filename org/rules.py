"""Org rules as pure functions over plain dates (no database): what a staff record's dates cannot be.

Source: issue 8, item 3 (dates that cannot be true); the working age of 16 is the PRC Labour Law's minimum.
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

MINIMUM_WORKING_AGE = 16

MSG_SCHOOL_START_IN_FUTURE = _("The start at the current school (%(start)s) is in the future (today is %(today)s).")
MSG_SCHOOL_START_TOO_YOUNG = _("The start at the current school (%(start)s) is before the person turned 16 "
                               "(%(sixteen)s, born %(birth)s).")


def birthday(born: date, years: int) -> date:
    """The day a person born on `born` turns `years` (29 February → 28 February in a common year)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def school_start_refusals(*, school_start: date, birth_date: date, today: date) -> dict[str, list[str]]:
    """A current-school start is today at the latest, and on or after the person's 16th birthday."""
    errors: list[str] = []
    if school_start > today:
        errors.append(MSG_SCHOOL_START_IN_FUTURE % {"start": school_start, "today": today})
    sixteen = birthday(birth_date, MINIMUM_WORKING_AGE)
    if school_start < sixteen:
        errors.append(MSG_SCHOOL_START_TOO_YOUNG % {"start": school_start, "sixteen": sixteen, "birth": birth_date})
    return {"school_start": errors} if errors else {}
