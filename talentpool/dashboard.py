"""The talent-pool section of the home page: aggregate reads only (`.values().annotate()`), scoped to the user.

Figures (issue 14, item 3): active members by pool type, tier, stage, age band, gender and title; intakes
against their quotas; nominations by workflow step and how long the oldest has waited; promotions out of the
pool per year and post against the configurable targets (talentpool.models.PromotionTarget, seed 000's
first-period figures in the demo); principals appointed from outside the pool. Each figure links to the list
that produced it with the same filters (the member and nomination lists export those rows to Excel).
"""

from datetime import date

from django.db.models import Case, CharField, Count, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from org import scope
from org.charts import list_link as link
from org.models import School, Staff
from talentpool import selectors
from talentpool.models import Appointment, Level, Nomination, PoolMember, PoolType, PromotionTarget

S = Nomination.Status
WAITING = (S.SUBMITTED, S.RETURNED, S.ASSESSMENT, S.NOTICE, S.DECISION)
AGE_BANDS = ((None, 35), (35, 45), (45, 55), (55, None))  # [from, to) full years


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_bands(today: date) -> list[dict]:
    """Each band's label and birth-date bounds: age >= a ⇔ born on or before today − a years; age < b ⇔ born
    after today − b years."""
    bands = []
    for low, high in AGE_BANDS:
        label = (_("under %(age)d") % {"age": high} if low is None else
                 _("%(age)d and over") % {"age": low} if high is None else f"{low}–{high - 1}")
        bands.append({"key": f"{low or 0}-{high or 99}", "label": label,
                      "born_after": _years_before(today, high) if high else None,
                      "born_by": _years_before(today, low) if low else None})
    return bands


def members(*, user, today: date) -> dict:
    """Active members counted by each dimension, from one grouped query."""
    bands = age_bands(today)
    band = Case(*[When(Q(**({"staff__birth_date__gt": b["born_after"]} if b["born_after"] else {})),
                       **({"staff__birth_date__lte": b["born_by"]} if b["born_by"] else {}), then=Value(b["key"]))
                  for b in bands], output_field=CharField())
    rows = (scope.visible_to(user, PoolMember).filter(status=PoolMember.Status.ACTIVE).annotate(band=band)
            .values("pool_type", "tier", "staff__school__stage", "band", "staff__gender", "staff__title")
            .annotate(n=Count("*")).order_by())
    dims = {"pool_type": {}, "tier": {}, "staff__school__stage": {}, "band": {}, "staff__gender": {}, "staff__title": {}}
    total = 0
    for row in rows:  # aggregate rows (one per combination), not members
        total += row["n"]
        for dim, counts in dims.items():
            counts[row[dim]] = counts.get(row[dim], 0) + row["n"]
    base = {"status": PoolMember.Status.ACTIVE}
    url = lambda **params: link("talentpool:member-list", **base, **params)  # noqa: E731
    labels = {"pool_type": dict(PoolType.choices), "tier": dict(Level.choices),
              "staff__school__stage": dict(School.Stage.choices), "staff__gender": dict(Staff.Gender.choices)}
    params = {"pool_type": "pool_type", "tier": "tier", "staff__school__stage": "stage", "staff__gender": "gender",
              "staff__title": "title"}
    sections = []
    for dim, title in (("pool_type", _("pool type")), ("tier", _("tier")), ("staff__school__stage", _("stage")),
                       ("band", _("age")), ("staff__gender", _("gender")), ("staff__title", _("professional title"))):
        if dim == "band":
            items = [(b["label"], dims["band"].get(b["key"], 0), url(born_after=b["born_after"], born_by=b["born_by"]))
                     for b in bands]
        else:
            items = [(str(labels.get(dim, {}).get(key, key or _("(none)"))), n,
                      url(**{params[dim]: key}) if key else None) for key, n in sorted(dims[dim].items(), key=lambda kv: -kv[1])]
        sections.append({"title": title, "items": items})
    return {"total": total, "total_link": url(), "sections": sections}


def intakes(*, user) -> list[dict]:
    """The visible intakes of the latest two years: quota, admitted and in progress (visible nominations). One query
    (each count a subquery over the visible nominations of the intake)."""
    visible = scope.visible_to(user, Nomination).filter(intake=OuterRef("pk")).order_by()

    def counted(condition: Q):
        return Coalesce(Subquery(visible.filter(condition).values("intake").annotate(n=Count("*")).values("n")), 0)

    rows = (selectors.intake_list(user=user).order_by("-year", "id")
            .annotate(admitted=counted(Q(status=S.ADMITTED)), waiting=counted(Q(status__in=WAITING)))
            .values("id", "year", "quota", "track__name", "track__program__name", "admitted", "waiting")[:12])
    return [{
        "name": f'{row["track__program__name"]} · {row["track__name"]} · {row["year"]}', "quota": row["quota"],
        "admitted": row["admitted"], "waiting": row["waiting"],
        "admitted_link": link("talentpool:nomination-list", intake=row["id"], status=S.ADMITTED),
    } for row in rows]


def nominations(*, user, now) -> list[dict]:
    """Nominations waiting at each workflow step: how many, and the days since the oldest was submitted."""
    rows = (scope.visible_to(user, Nomination).filter(status__in=WAITING).values("status")
            .annotate(n=Count("*"), oldest=Min("submitted_at")).order_by())
    found = {row["status"]: row for row in rows}
    labels = dict(S.choices)
    return [{"label": str(labels[status]), "n": found[status]["n"],
             "days": (now - found[status]["oldest"]).days if found[status]["oldest"] else None,
             "link": link("talentpool:nomination-list", status=status)}
            for status in WAITING if status in found]


def promotions(*, user) -> dict:
    """Appointments per year and post: from the pool, against the target; principals from outside the pool."""
    rows = (scope.visible_to(user, Appointment).values("appointed_on__year", "to_post")
            .annotate(n=Count("*"), pool=Count("id", filter=Q(from_pool__isnull=False)),
                      outside=Count("id", filter=Q(outside_pool_warning=True))).order_by("-appointed_on__year"))
    targets = {(row["year"], row["to_post"]): row["n"] for row in (
        scope.visible_to(user, PromotionTarget).values("year", "to_post").annotate(n=Sum("number")).order_by())}
    found = {(row["appointed_on__year"], row["to_post"]): row for row in rows}
    labels = dict(Appointment.ToPost.choices)
    years = sorted({year for year, _post in found} | {year for year, _post in targets}, reverse=True)[:5]
    table = [{"year": year, "cells": [{
        "pool": found.get((year, post), {}).get("pool", 0), "target": targets.get((year, post)),
        "link": link("talentpool:appointment-list", year=year, to_post=post, from_pool="true")}
        for post in Appointment.ToPost.values]} for year in years]
    outside = sum(row["outside"] for row in found.values())
    return {"posts": [str(labels[post]) for post in Appointment.ToPost.values], "years": table, "outside": outside,
            "outside_link": link("talentpool:appointment-list", outside_pool_warning="true")}


def talentpool_dashboard(*, user, today: date) -> dict:
    """Everything the talent-pool section shows (six queries; the region-owned rows' scope read once by the page)."""
    return {"members": members(user=user, today=today), "intakes": intakes(user=user),
            "nominations": nominations(user=user, now=timezone.now()), "promotions": promotions(user=user)}


def section(user, today: date):
    return "talentpool/dashboard.html", talentpool_dashboard(user=user, today=today)


def inbox(user) -> list[tuple[str, int, str]]:
    """The talent-pool inbox's sections (talentpool.selectors.inbox), counted: the nomination sections in one query
    (a conditional count per section over the waiting nominations; every section is a waiting step), the
    reviewer's scoring section apart."""
    url = link("talentpool:inbox")
    sections = selectors.inbox(user=user)
    steps = {key: rows for key, rows in sections.items() if rows.model is Nomination}
    counts = Nomination.objects.filter(status__in=WAITING).aggregate(
        **{key: Count("pk", filter=Q(pk__in=rows.values("pk"))) for key, rows in steps.items()}) if steps else {}
    return [(str(selectors.INBOX_TITLES[key]), counts[key] if key in steps else rows.count(), url)
            for key, rows in sections.items()]
