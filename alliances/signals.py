"""Recompute compliance when a roster row changes, without rotation knowing about alliances.

Every assignment change goes through rotation's audited services, which write a history row;
alliances listens to that (infrastructure, not a business rule) and queues its own task after
the commit. Bulk imports that bypass history are caught by the nightly job.
"""

from django.db import transaction


def roster_changed(sender, instance, **kwargs) -> None:
    from alliances.models import Membership
    from alliances.rules import term_of
    from alliances.tasks import compute_compliance_for_schools

    school_ids = [instance.from_school_id, instance.to_school_id]
    if Membership.objects.filter(school_id__in=school_ids).exists():  # most roster rows touch no group
        term = term_of(instance.start).code  # the term the row starts in, besides today's
        transaction.on_commit(lambda: compute_compliance_for_schools.delay(school_ids, [term]))


def connect() -> None:
    from simple_history.signals import post_create_historical_record

    from rotation.models import Assignment

    post_create_historical_record.connect(roster_changed, sender=Assignment.history.model,
                                          dispatch_uid="alliances-roster-changed")
