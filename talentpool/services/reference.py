"""Reference tables the city bureau keeps: scoring forms with their items, and the public-holiday table.

They are shared by every county (a county's intake uses the city's scoring form; the notice period
counts working days against one holiday table), so only city bureau staff (and operators) change
them; everyone signed in reads them. Items already scored are kept: their weight, maximum and
existence decide saved scores (Score.item is protected).
"""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from org.services import save_audited
from talentpool.models import Holiday, Score, ScoringForm, ScoringItem
from talentpool.permissions import may_edit_reference_tables

MSG_CITY_ONLY = _("Only city bureau staff may change scoring forms and the holiday table.")
MSG_ITEM_SCORED = _("The item %(name)s has been scored already; it cannot be removed or its weight and maximum changed.")
MSG_NO_ITEMS = _("A scoring form needs at least one item.")
MSG_HOLIDAY_EXISTS = _("%(date)s is already in the holiday table.")


def _require_city(actor) -> None:
    if not may_edit_reference_tables(actor):
        raise PermissionDenied(MSG_CITY_ONLY)


@transaction.atomic
def scoring_form_save(*, actor: User, form: ScoringForm | None, name: str, items: list[dict]) -> ScoringForm:
    """Create or change a scoring form and its items in one go.

    `items`: [{"id": int | None, "name": str, "weight": Decimal, "max_score": int, "order": int, "delete": bool}].
    Errors: PermissionDenied (not city staff); ValidationError when no item is left, or when an item
    already scored would be removed or re-weighted.
    """
    _require_city(actor)
    form = form or ScoringForm()
    form.name = name
    save_audited(form, actor=actor)
    scored = set(Score.objects.filter(item__form=form).values_list("item_id", flat=True))
    existing = {item.pk: item for item in form.items.all()}
    kept = 0
    for row in items:
        item = existing.get(row.get("id")) or ScoringItem(form=form)
        if item.pk in scored and (row.get("delete") or (row["weight"], row["max_score"]) != (item.weight, item.max_score)):
            raise ValidationError(MSG_ITEM_SCORED % {"name": item.name})
        if row.get("delete"):
            if item.pk:
                item.delete()
            continue
        item.name, item.weight, item.max_score, item.order = row["name"], row["weight"], row["max_score"], row["order"]
        save_audited(item, actor=actor)
        kept += 1
    if not kept:
        raise ValidationError(MSG_NO_ITEMS)
    return form


@transaction.atomic
def holiday_add(*, actor: User, date: dt.date, name: str) -> Holiday:
    """Add a public holiday (skipped when counting a notice's working days)."""
    _require_city(actor)
    if Holiday.objects.filter(date=date).exists():
        raise ValidationError({"date": MSG_HOLIDAY_EXISTS % {"date": date.isoformat()}})
    holiday = Holiday(date=date, name=name)
    save_audited(holiday, actor=actor)
    return holiday


@transaction.atomic
def holiday_delete(*, actor: User, holiday: Holiday) -> None:
    """Remove a public holiday; its history keeps who removed it."""
    _require_city(actor)
    holiday._history_user = actor
    holiday.delete()


__all__ = ["MSG_CITY_ONLY", "MSG_ITEM_SCORED", "MSG_NO_ITEMS", "MSG_HOLIDAY_EXISTS", "scoring_form_save", "holiday_add",
           "holiday_delete"]
