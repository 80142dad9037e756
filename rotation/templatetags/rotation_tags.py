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
