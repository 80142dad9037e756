from django import template

from rotation import rules

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return rules.status_label(status) if status in rules.STATUSES else status
