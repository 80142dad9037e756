"""The one rating scale shared by the apps that rate people and schools.

Rotation stints are rated 优秀/合格/基本合格/不合格; the talent pool grades 优秀/良好/合格/不合格;
evaluation cycles rate 优秀/合格/基本合格/不合格 (issue 12). All draw from this scale, so a rating
recorded by one app compares with another's (`RANK`: higher is better).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    QUALIFIED = "qualified", _("Qualified")
    BASIC = "basic", _("Basically qualified")
    UNQUALIFIED = "unqualified", _("Unqualified")


RANK = {
    Rating.EXCELLENT: 5, Rating.GOOD: 4, Rating.QUALIFIED: 3, Rating.BASIC: 2, Rating.UNQUALIFIED: 1,
}

# The four-step scale of evaluation cycles and rotation stints (no 良好).
EVALUATION_SCALE = (Rating.EXCELLENT, Rating.QUALIFIED, Rating.BASIC, Rating.UNQUALIFIED)


def at_least(rating: str, floor: str) -> bool:
    """Whether `rating` is `floor` or better."""
    return RANK[rating] >= RANK[floor]


def lower_of(first: str, second: str) -> str:
    """The worse of two ratings."""
    return first if RANK[first] <= RANK[second] else second
