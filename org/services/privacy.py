"""Unmasking is recorded: each time a bureau user sees a person's full ID number (DESIGN, personal data; issue 8, point 5)."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from org.models import Unmasking

BATCH = 2000


@transaction.atomic
def unmaskings_record(*, actor: User | None, staff: QuerySet | Iterable[int], kind: str, detail: str = "") -> int:
    """Record that `actor` saw the full ID numbers of `staff` (a queryset of Staff or their ids); return the count.

    Opening a record writes one row; an export writes one per person in it, in batches of 2,000.
    The command line (actor None) records nothing: operators' files are not a user's view.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    ids = staff.order_by().values_list("id", flat=True).iterator(chunk_size=BATCH) if isinstance(staff, QuerySet) else staff
    batch, count = [], 0
    for staff_id in ids:
        batch.append(Unmasking(staff_id=staff_id, user=actor, kind=kind, detail=detail[:200]))
        if len(batch) == BATCH:
            count += len(Unmasking.objects.bulk_create(batch))
            batch = []
    if batch:
        count += len(Unmasking.objects.bulk_create(batch))
    return count
