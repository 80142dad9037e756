"""The stored eligibility figures (rotation.models.EligibilityFigure): the dashboards' counts and the target split's
bases, one set per as-of date (a term start)."""

import json
from collections import Counter
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.services.figures import replace_figures
from rotation import selectors
from rotation.models import EligibilityDecision, EligibilityFigure, decision_parts

MSG_FIGURES_FORBIDDEN = _("Only bureau staff may ask for eligibility figures to be computed.")
MSG_AS_OF_TOO_LATE = _("Figures can be computed for as-of dates up to %(last)s (a year after the coming term start); "
                       "%(as_of)s is later.")
KEPT_DAYS = 366  # stored dates older than this before the coming term start are dropped by the nightly job


def eligibility_figures_compute(*, on: date | None = None, chunk_size: int = selectors.CHUNK_SIZE) -> int:
    """Decide every active staff member at `on` (default: the next autumn term start by the default policy) and
    store per school the count of each status and of each (status, reason), and each staff member's decision
    (EligibilityDecision: the list's status and reason filters join on it); replaces that date's figures and
    decisions in one transaction under the job's lock, so a page reads either the old set or the new one.
    Returns the number of figure rows stored.

    A system job (beat, nightly, or queued by eligibility_figures_request): no actor, nothing a user changed."""
    on = on or selectors.default_as_of(timezone.localdate())
    counts: Counter = Counter()
    decisions = []  # (staff id, status, reason, reasons json, note json) rows; reasons/note on the status row only
    for row in selectors.evaluate_staff(selectors.all_active_staff(), on, chunk_size=chunk_size):
        decision = row.decision
        status = decision.status
        counts[(row.school_id, status, "")] += 1
        reasons, note = decision_parts(decision)
        decisions.append((row.staff_id, status, "", _json(reasons), _json(note) if note else None))
        for code in set(decision.codes):
            counts[(row.school_id, status, code)] += 1
            decisions.append((row.staff_id, status, code, None, None))
    now = timezone.now()
    rows = [EligibilityFigure(school_id=school, as_of=on, status=status, reason=reason, count=n, computed_at=now)
            for (school, status, reason), n in counts.items()]
    with transaction.atomic():  # the figures and the decisions of the date together, under the figures' lock
        replace_figures(EligibilityFigure.objects.filter(as_of=on), rows, lock=f"rotation.eligibility_figures.{on.isoformat()}")
        EligibilityDecision.objects.filter(as_of=on).delete()  # nothing points at it: one DELETE
        _store_decisions(on, now, decisions)
    if connection.vendor == "postgresql":  # fresh statistics, or the planner takes ~1.4 million new rows for none
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {EligibilityDecision._meta.db_table}")
    return len(rows)


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


DECISION_COLUMNS = ("staff_id", "as_of", "status", "reason", "reasons", "note", "computed_at")


def _store_decisions(on: date, now, decisions: list[tuple]) -> None:
    """Write a date's decisions: COPY on PostgreSQL (500,000 staff in seconds), large bulk inserts elsewhere."""
    if connection.vendor == "postgresql":
        table = EligibilityDecision._meta.db_table
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({', '.join(DECISION_COLUMNS)}) FROM STDIN") as copy:
            for staff_id, status, reason, reasons, note in decisions:
                copy.write_row((staff_id, on, status, reason, reasons, note, now))
        return
    EligibilityDecision.objects.bulk_create(
        (EligibilityDecision(staff_id=staff_id, as_of=on, status=status, reason=reason,
                             reasons=json.loads(reasons) if reasons else None, note=json.loads(note) if note else None,
                             computed_at=now)
         for staff_id, status, reason, reasons, note in decisions), batch_size=2000)


def eligibility_figures_refresh(*, today: date | None = None) -> list[date]:
    """The nightly job: recompute the coming term start's figures and every other stored date within a year
    before it (a split asked for the current term), drop older dates. Returns the dates computed."""
    coming = selectors.default_as_of(today or timezone.localdate())
    EligibilityFigure.objects.filter(as_of__lt=coming - timedelta(days=KEPT_DAYS)).delete()
    EligibilityDecision.objects.filter(as_of__lt=coming - timedelta(days=KEPT_DAYS)).delete()
    stored = set(EligibilityFigure.objects.values_list("as_of", flat=True).distinct().order_by())
    dates = sorted(stored | {coming})
    for on in dates:
        eligibility_figures_compute(on=on)
    return dates


def latest_as_of(today: date) -> date:
    """The latest as-of date whose figures may be asked for: KEPT_DAYS after the coming term start. The nightly job
    recomputes every stored date that is not older than KEPT_DAYS before it, so a date typed years ahead would cost
    a whole run every night until then; an older date is computed once and dropped that night."""
    return selectors.default_as_of(today) + timedelta(days=KEPT_DAYS)


def eligibility_figures_request(*, actor: User, on: date) -> None:
    """Bureau staff ask for the figures of an as-of date (the split page's "compute" button): queued once the
    current transaction commits; the job replaces that date's figures whole, so asking twice is harmless.
    Errors: PermissionDenied (not bureau staff); ValidationError (a date after `latest_as_of`)."""
    from rotation import tasks  # tasks import the services

    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_FIGURES_FORBIDDEN)
    last = latest_as_of(timezone.localdate())
    if on > last:
        raise ValidationError(MSG_AS_OF_TOO_LATE % {"last": last.isoformat(), "as_of": on.isoformat()})
    transaction.on_commit(lambda: tasks.compute_eligibility_figures.delay(on.isoformat()))
