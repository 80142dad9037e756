"""Data other apps give rotation's pages, without rotation importing them (DESIGN.md: nothing reads evaluation).

`stint_ratings_provider(func)`: an app registers, in its AppConfig.ready(), a callable
`(staff, stints) -> {key: StintRating}` where `stints` is a list of (key, start, end) of one person's finished
rotation stints. Evaluation registers the ratings of the published assessment cycles covering each stint
(issue 13 item 6). With no provider, or none answering for a stint, the title statement falls back to the
rating typed on the roster, labelled as such.
"""

from dataclasses import dataclass, field
from datetime import date

_STINT_RATINGS = []


@dataclass(frozen=True)
class StintRating:
    """A stint's rating on rotation's scale (excellent, pass, basic, fail) and where it comes from: `source`
    "evaluation" (published cycles, named in `cycles` as (cycle name, year, rating label)) or "typed"."""

    rating: str
    source: str
    cycles: tuple = field(default_factory=tuple)


EVALUATION, TYPED = "evaluation", "typed"


def stint_ratings_provider(func):
    if func not in _STINT_RATINGS:
        _STINT_RATINGS.append(func)
    return func


def stint_ratings(staff, stints: list[tuple[int, date, date]]) -> dict:
    """{key: StintRating} from every registered provider (a later provider does not override an earlier one)."""
    found = {}
    for func in _STINT_RATINGS:
        for key, rating in func(staff, stints).items():
            found.setdefault(key, rating)
    return found
