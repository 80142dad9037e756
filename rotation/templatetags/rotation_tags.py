from django import template

from rotation import rules

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return rules.status_label(status) if status in rules.STATUSES else status


@register.filter
def rotation_rating(code: str) -> str:
    """A stint rating code (excellent, pass, basic, fail) as its label."""
    from rotation.models import Rating

    return str(Rating(code).label) if code in Rating.values else "—"


@register.filter
def reason_label(code: str) -> str:
    """A reason code in the bureau's words (rules.reason_label); the page keeps the code as a tooltip."""
    return rules.reason_label(code)
