"""The pages and API lists to load, discovered from the URL configuration (new pages are covered).

Kept: every route without a URL parameter that answers GET with a page or a list: list pages,
landing pages and dashboards, report pages, API list actions (a viewset route whose GET maps to
`list`) and plain API views. Left out: routes with parameters (detail and action routes), create and
edit forms, exports and downloads (.xlsx, export/), the admin, the API schema and docs, login,
logout, the language switch, the API's root index and the token view; the home page's sections
(a parameter with a few known values) are kept, one endpoint each. The login page is the
reference and is measured separately.
"""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SKIP_NAMESPACES = {"admin"}
SKIP_NAMES = {"login", "logout", "set_language", "api-root", "api-token", "api-schema", "api-docs", "password-change",
              "user-initial-passwords"}
SKIP_NAME = re.compile(r"-(create|add|new|edit|export|batch|solve|template|upload|import)$|-batch-|notice-batch")
SKIP_ROUTE = re.compile(r"(\.xlsx|\.docx|\.csv|/new/|/add/|/export/|/batch/|/upload/)$")
PARAMETER = re.compile(r"<|\(")
# Computations that need their inputs in the query string to do their work (by URL name); the bench's
# as-of date. A page whose form renders empty without them would measure only the form.
QUERIES = {
    "rotation:split": "target=1000&as_of=2026-09-01",
    "api:split-list": "target=1000&as_of=2026-09-01",
}


@dataclass(frozen=True)
class Endpoint:
    path: str  # "/org/staff/"
    name: str  # "org:staff-list" or "api:staff-list"
    kind: str  # "page" or "api"


def _route(pattern) -> str:
    text = str(pattern.pattern)
    return text.removeprefix("^").removesuffix("$")


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIP_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, prefix + _route(entry), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + _route(entry), namespace, entry.name, entry.callback


def _is_list(route: str, name: str | None, callback) -> bool:
    if not name or name in SKIP_NAMES or PARAMETER.search(route) or SKIP_NAME.search(name) or SKIP_ROUTE.search(route):
        return False
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route: keep the GET list
        return actions.get("get") == "list"
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view is None:
        return False
    return "get" in getattr(view, "http_method_names", ()) and hasattr(view, "get")


def _expanded(route: str, name: str | None) -> list[tuple[str, str]]:
    """A route whose parameter takes a few known values, as one (route, name) per value: the home page's sections,
    each loaded after the page from its own URL (org.views.DashboardSectionView)."""
    if name != "dashboard-section":
        return []
    from org import hooks

    return [(route.replace("<slug:name>", section), f"{name}-{section}") for section in hooks.dashboard_names()]


def discover(urlconf=None) -> list[Endpoint]:
    """Every list page, dashboard and API list of `urlconf` (default ROOT_URLCONF), in URL order."""
    found, seen = [], set()
    for route, namespace, name, callback in _walk(get_resolver(urlconf).url_patterns, "", None):
        for path, label in _expanded(route, name):
            found.append(Endpoint(path="/" + path, name=f"page:{label}", kind="page"))
        if not _is_list(route, name, callback):
            continue
        path = "/" + route
        if path in seen:
            continue
        seen.add(path)
        kind = "api" if path.startswith("/api/") else "page"
        label = f"{namespace or kind}:{name}"
        if label in QUERIES:
            path += "?" + QUERIES[label]
        found.append(Endpoint(path=path, name=label, kind=kind))
    return found
