"""Reads shared by pages, exports and the API: scoped to the user, carrying their joins."""

import dataclasses

from django.db import models
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

from org import idcard, scope
from org.history_reasons import reason_text
from org.models import Region, School, Staff, WorkHistory


def region_list(*, user) -> QuerySet[Region]:
    return scope.visible_to(user, Region).select_related("parent")


def school_list(*, user) -> QuerySet[School]:
    return scope.visible_to(user, School).select_related("region")


def school_get(*, user, pk: int) -> School:
    return scope.get_visible_or_404(user, school_list(user=user), pk=pk)


def staff_list(*, user) -> QuerySet[Staff]:
    return scope.visible_to(user, Staff).select_related("school", "school__region")


def staff_get(*, user, pk: int) -> Staff:
    return scope.get_visible_or_404(user, staff_list(user=user), pk=pk)


def work_history_list(*, user) -> QuerySet[WorkHistory]:
    return scope.visible_to(user, WorkHistory).select_related("staff", "school")


def history_of(obj, *, limit: int = 50, user=None):
    """Return the audit trail of one row, newest first: [{record, changes: [(field, old, new)], shown: [(label,
    old, new)], reason}], who made each change, what changed, and the change reason in the reader's language.
    `changes` holds the field names and stored values (the API's); `shown` what a page shows: each field's
    verbose name and display values (choice labels, 是/否, dates, related rows by name where `user` may see
    them, else their id), masked alike."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [_shown(change.field, change.old, change.new) for change in delta.changes]
        entries.append({"record": newer, "changes": changes, "reason": reason_text(newer.history_change_reason)})
    entries = entries[:limit]
    names = _related_names(type(obj), [change for entry in entries for change in entry["changes"]], user)
    for entry in entries:
        entry["shown"] = [displayed(type(obj), *change, names=names) for change in entry["changes"]]
    return entries


def _related_names(model, changes, user) -> dict:
    """{(related model, pk): its name} of the foreign keys in `changes` that `user` may see (a query per model)."""
    wanted: dict = {}
    for field_name, old, new in changes:
        field = _field(model, field_name)
        if user is not None and isinstance(field, models.ForeignKey):
            wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v is not None)
    names = {}
    for related, pks in wanted.items():
        for pk, row in scope.visible_to(user, related).in_bulk(pks).items():
            names[(related, pk)] = str(row)
    return names


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field since removed: shown by its name
        return None


def displayed(model, field_name: str, old, new, *, names: dict | None = None) -> tuple:
    """(verbose name, old, new) of one change as a page shows it (values already masked by _shown)."""
    field = _field(model, field_name)
    if field is None:
        return field_name, old, new
    label = capfirst(str(field.verbose_name))
    return label, _display_value(field, field_name, old, names or {}), _display_value(field, field_name, new, names or {})


def _display_value(field, field_name: str, value, names: dict):
    if value is None or value == "":
        return value
    if field_name in MASKED_FIELDS or field_name in YEAR_ONLY_FIELDS:
        return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.ForeignKey):
        if not isinstance(value, int | str):  # the admin's diff gives the related row itself
            return str(value)
        return names.get((field.related_model, value), f"#{value}")
    if isinstance(field, models.DateTimeField):
        return date_format(value, "Y-m-d H:i") if hasattr(value, "year") else value
    if isinstance(field, models.DateField):
        return date_format(value, "Y-m-d") if hasattr(value, "year") else value
    return value


MASKED_FIELDS = {"id_number"}
YEAR_ONLY_FIELDS = {"birth_date"}  # beside a masked ID number a full birth date would rebuild it


def _shown(field: str, old, new) -> tuple:
    """A history row never reveals a full ID number, nor a birth date beyond its year, whoever reads the page."""
    if field in MASKED_FIELDS:
        return field, idcard.mask(old or ""), idcard.mask(new or "")
    if field in YEAR_ONLY_FIELDS:
        return field, _year(old), _year(new)
    return field, old, new


def _year(value):
    return getattr(value, "year", value)


class HistoryAdminHelper(HistoricalRecordContextHelper):
    """The admin's history list (django-simple-history): verbose names and display values, masked like the pages."""

    def format_delta_change(self, change):
        old, new = _shown(change.field, change.old, change.new)[1:]
        label, old, new = displayed(self.model, change.field, old, new)
        return dataclasses.replace(change, field=label, old=old, new=new)
