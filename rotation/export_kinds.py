"""The export kinds of rotation (org.exporting): the eligibility roster (交流资格名册), a job above the threshold."""

from itertools import islice

from django.utils.translation import gettext_lazy as _

from org import scope
from org.exporting import ExportPlan, ExportRefused, bounded_count, counter, register_export, request_for


def eligibility_plan(user, query, args: dict) -> ExportPlan:
    """The eligibility roster of the visible active staff with the list's filters (?as_of=, ?region=, ?school=, ?q=,
    ?status=, ?reason=: the rows whose status or reason match, as on the list: by the decisions stored for the
    date when it has them).

    Raises ExportRefused(the filter errors) for bad parameters. Counts the staff rows (one COUNT). With a status
    or reason filter the rows are only known once evaluated: `count(limit)` then evaluates the staff (as the list
    page does) until `limit` rows match, so the inline-or-job choice is made on the rows the roster will hold (a
    filter matching nobody is written inline, not as a job); `count()` without a limit stays the staff count (an
    upper bound, the job's progress only). Full ID
    numbers for bureau staff, whose export is recorded as an unmasking (org.services.privacy)."""
    from org.models import Unmasking
    from org.services.privacy import unmaskings_record
    from rotation import exports, selectors
    from rotation.filters import EligibilityFilter
    from rotation.views import as_of_from

    filterset = EligibilityFilter(query, queryset=selectors.eligibility_staff(user=user), request=request_for(user, query))
    if not filterset.is_valid():
        raise ExportRefused(filterset.errors)
    on = as_of_from(filterset.form.cleaned_data.get("as_of"), user)
    full_ids = scope.is_bureau_staff(user)
    staff = filterset.qs
    status, reason = filterset.form.cleaned_data.get("status"), filterset.form.cleaned_data.get("reason")
    # filtered: by the decisions stored for the date when it has them (a join), else decided (inline or as a job)
    stored = bool((status or reason) and selectors.stored_decisions_at(on))
    detail = "交流资格名册 (API)" if args.get("via") == "api" else "交流资格名册"

    def audit():
        if full_ids:
            unmaskings_record(actor=user, staff=staff, kind=Unmasking.Kind.EXPORT, detail=detail)

    def count(limit: int | None = None) -> int:
        if stored:
            return bounded_count(selectors.stored_matching(staff, on, status=status, reason=reason), limit)
        scanned = bounded_count(staff, limit)
        if (not status and not reason) or limit is None or scanned < limit:
            return scanned  # the rows are at most the staff: fewer staff than the limit already decide it
        if not selectors.decide_live(staff):
            return scanned  # too many staff to decide in the request: the upper bound, so a job decides them
        return sum(1 for _ in islice(selectors.evaluate_matching(staff, on, status=status, reason=reason), limit))

    return ExportPlan(
        filename=f"eligibility-{on.isoformat()}.xlsx",
        count=count,
        write=lambda stream: exports.write_eligibility(stream, staff, on, full_ids=full_ids, status=status, reason=reason,
                                                       stored=stored),
        audit=audit,
    )


def roster_plan(user, query, args: dict) -> ExportPlan:
    """The roster (交流名册) as filtered on its list page (AssignmentFilter), in the import layout. Raises
    ExportRefused for bad parameters. Bureau staff get full ID numbers of the staff they manage, recorded as an
    unmasking."""
    from django.utils import timezone

    from org.models import Staff, Unmasking
    from org.services.privacy import unmaskings_record
    from rotation import selectors
    from rotation.filters import AssignmentFilter
    from rotation.importers import roster_importer

    filterset = AssignmentFilter(query, queryset=selectors.assignment_list(user=user), request=request_for(user, query))
    if not filterset.is_valid():
        raise ExportRefused(filterset.errors)
    rows = filterset.qs

    def audit():
        if scope.is_bureau_staff(user):
            managed = scope.manageable(user, Staff).filter(pk__in=rows.values("staff_id"))
            unmaskings_record(actor=user, staff=managed, kind=Unmasking.Kind.EXPORT, detail="交流名册")

    return ExportPlan(
        filename=f"rotation-roster-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: roster_importer.export(stream, user=user, queryset=rows),
        audit=audit,
    )


ROSTER = register_export("rotation.roster", _("Rotation roster"), roster_plan, page="rotation:assignment-list")
ELIGIBILITY = register_export("rotation.eligibility", _("Eligibility roster"), eligibility_plan,
                              page="rotation:eligibility-list")
