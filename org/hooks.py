"""Sections other apps add to org pages, without org importing them.

An app registers `staff_section(callable)` in its AppConfig.ready(); the callable takes
(request, staff) and returns (template_name, context) or None. The staff page renders each.
"""

_STAFF_SECTIONS = []


def staff_section(func):
    if func not in _STAFF_SECTIONS:
        _STAFF_SECTIONS.append(func)
    return func


def staff_sections(request, staff) -> list:
    sections = (func(request, staff) for func in _STAFF_SECTIONS)
    return [{"template": template, "context": context} for template, context in filter(None, sections)]


# --- the home page (issue 14): each app's dashboard section and inbox items ------------------------------

_DASHBOARDS: list[tuple[int, object]] = []
_INBOX: list[object] = []


def dashboard_section(order: int):
    """Register an app's home-page section: `func(user, today)` returns (template_name, context) or None.
    Sections show in `order`; every role gets the same sections, narrowed by its scope."""

    def decorate(func):
        if all(existing is not func for _order, existing in _DASHBOARDS):
            _DASHBOARDS.append((order, func))
            _DASHBOARDS.sort(key=lambda item: item[0])
        return func

    return decorate


def dashboard_functions() -> list:
    """The registered section builders, in order (bench_pages times each)."""
    return [func for _order, func in _DASHBOARDS]


def dashboard_names() -> list[str]:
    """Each section's name (its app's), in order: the home page loads each after the page from its own URL
    (org.views.DashboardSectionView, issue 14 item 8), so the page itself reads none of their figures."""
    return [_name(func) for _order, func in _DASHBOARDS]


def dashboard_section_named(name: str, user, today) -> dict | None:
    """The section `name` for the user ({"template", "context"}), None when there is no such section or it shows
    nothing to this user."""
    for _order, func in _DASHBOARDS:
        if _name(func) == name:
            found = func(user, today)
            return {"template": found[0], "context": found[1]} if found else None
    return None


def _name(func) -> str:
    return func.__module__.split(".")[0]


def inbox_items(func):
    """Register what waits for a user: `func(user)` returns a list of (label, count, url)."""
    if func not in _INBOX:
        _INBOX.append(func)
    return func


def inbox(user) -> list[tuple[str, int, str]]:
    """Every app's waiting items for the user, those with a count above zero first."""
    items = [item for func in _INBOX for item in func(user)]
    return sorted(items, key=lambda item: item[1] == 0)
