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
