from django import template

from org.ratings import Rating

register = template.Library()


@register.filter
def lookup(mapping, key):
    """mapping[str(key)] or "" (group contributions are keyed by the group's id as text)."""
    if not mapping:
        return ""
    return mapping.get(str(key), "")


@register.filter
def rating_label(code):
    return Rating(code).label if code in Rating.values else "—"


@register.filter
def yuan(fen):
    """Integer fen as yuan with two places (evaluation.rules.yuan)."""
    from evaluation.rules import yuan as to_yuan

    return "" if fen in (None, "") else to_yuan(int(fen))
