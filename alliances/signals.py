"""Recompute compliance when a roster row changes, without rotation knowing about alliances.

Every assignment change goes through rotation's audited services, which write a history row;
alliances listens to that (infrastructure, not a business rule) and, once the transaction commits,
queues one task for all the schools the transaction touched (no query per row: a roster import of
a thousand rows costs one task). Bulk writes that bypass history are caught by the nightly job.
"""

from django.db import transaction

_PENDING = "_alliances_roster_changes"  # on the database connection: (school id, term) pairs of this transaction


def roster_changed(sender, instance, **kwargs) -> None:
    from alliances.rules import term_of

    connection = transaction.get_connection()
    queued = any(func is _flush for _ids, func, _robust in connection.run_on_commit)
    pending = getattr(connection, _PENDING, None)
    if pending is None or not queued:
        pending = set()  # a first change in this transaction: what a rolled-back one left is dropped
        setattr(connection, _PENDING, pending)
    term = term_of(instance.start).code  # the term the row starts in, besides today's
    pending.update({(instance.from_school_id, term), (instance.to_school_id, term)})
    if not queued:
        transaction.on_commit(_flush)  # once per transaction, like rotation's progress


def _flush() -> None:
    """Queue the recompute for what the committed transaction touched (later callbacks find nothing left)."""
    from alliances.tasks import compute_compliance_for_schools

    pending = getattr(transaction.get_connection(), _PENDING, None)
    if not pending:
        return
    school_ids = sorted({school for school, _term in pending})
    terms = sorted({term for _school, term in pending})
    pending.clear()
    compute_compliance_for_schools.delay(school_ids, terms)


def connect() -> None:
    from simple_history.signals import post_create_historical_record

    from rotation.models import Assignment

    post_create_historical_record.connect(roster_changed, sender=Assignment.history.model,
                                          dispatch_uid="alliances-roster-changed")
