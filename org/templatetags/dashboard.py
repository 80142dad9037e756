"""Template helpers of the dashboards: figures in Chinese number format, chart specs and their table twins."""

from decimal import Decimal

from django import template
from django.utils.html import json_script

from org import charts

register = template.Library()


@register.filter
def figure(value, percent=False):
    """1530 → "1,530"; 12.345 → "12.3"; with `percent` a "%" after; None → "—" (Chinese statistical usage)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, (float, Decimal)):
        text = f"{float(value):,.1f}".removesuffix(".0")
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        return value
    return f"{text}%" if percent else text


@register.filter
def twin(chart):
    return charts.twin_rows(chart)


@register.simple_tag
def chart_json(chart):
    """The spec as a json_script element with the id the chart's div reads."""
    return json_script(chart, f"{chart['id']}-spec")
