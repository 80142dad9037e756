"""Chart specs for static/js/charts.js (Apache ECharts) and their table twins.

A spec is plain JSON: the page passes it through `json_script` and `templates/includes/chart.html` renders the
chart and, from the same spec, a table twin (visually hidden, read by screen readers, reachable by keyboard and
printed) whose cells link where the chart's segments link.
"""

from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode


@dataclass
class Series:
    name: str
    data: list
    links: list = field(default_factory=list)
    dashed: bool = False


def spec(*, chart_id: str, title: str, kind: str, categories: list, series: list[Series], percent: bool = False,
         max_value=None, map_name: str = "") -> dict:
    """A chart: `kind` is bar, stack, line or map (`map_name` registered by a static/vendor/echarts/cities script;
    without it the browser draws bars). Values are numbers or None; `links` parallel to `data` (URL or None)."""
    return {
        "id": chart_id, "title": str(title), "kind": kind, "categories": [str(c) for c in categories], "percent": percent,
        "max": max_value, "map": map_name,
        "series": [{"name": str(s.name), "data": list(s.data), "links": list(s.links) or [None] * len(s.data),
                    "dashed": s.dashed} for s in series],
    }


def twin_rows(chart: dict) -> list[tuple[str, list[tuple]]]:
    """The table twin of a spec: one row per category, one (value, link) cell per series."""
    return [
        (category, [(s["data"][i], s["links"][i] if i < len(s["links"]) else None) for s in chart["series"]])
        for i, category in enumerate(chart["categories"])
    ]


def list_link(name: str, **params) -> str:
    """The URL of a list (URL name) with its filters as the query string (None and "" left out)."""
    return links_to(name)(**params)


def links_to(name: str):
    """`list_link` of one list for many figures: the list's URL is reversed once (a city's county table has a few
    hundred links; reversing each took ~40 µs, a tenth of the rotation section at 100 counties)."""
    from django.urls import reverse

    return partial(_with_query, reverse(name))


def _with_query(url: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{url}?{query}" if query else url
