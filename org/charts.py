"""Chart specs for static/js/charts.js (Apache ECharts) and their table twins.

A spec is plain JSON: the page passes it through `json_script` and `templates/includes/chart.html` renders the
chart and, from the same spec, a table twin (visually hidden, read by screen readers, reachable by keyboard and
printed) whose cells link where the chart's segments link.
"""

from dataclasses import dataclass, field


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
    from urllib.parse import urlencode

    from django.urls import reverse

    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)
