"""Reads shared by pages, exports and the API: scoped to the user, carrying their joins."""

from django.db.models import QuerySet

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


def history_of(obj, *, limit: int = 50):
    """Return the audit trail of one row, newest first: [{record, changes: [(field, old, new)], reason}],
    who made each change, what changed, and the change reason in the reader's language."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [_shown(change.field, change.old, change.new) for change in delta.changes]
        entries.append({"record": newer, "changes": changes, "reason": reason_text(newer.history_change_reason)})
    return entries[:limit]


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
