"""The export kinds of the talent pool (org.exporting): the nomination and pool rosters as filtered on their lists."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.exporting import ExportPlan, ExportRefused, counter, register_export, request_for


def nominations_plan(user, query, args: dict) -> ExportPlan:
    """The nomination roster with the list's filters (talentpool.filters.NominationFilter); one COUNT.
    Raises ExportRefused for bad filters."""
    from talentpool import exports, selectors
    from talentpool.downloads import record_roster_unmasking
    from talentpool.filters import NominationFilter

    filterset = NominationFilter(query, queryset=selectors.nomination_list(user=user), request=request_for(user, query))
    if not filterset.is_valid():  # refused like every kind's bad filters (org.exporting.export_response)
        raise ExportRefused(filterset.errors)
    rows = filterset.qs
    return ExportPlan(
        filename=f"nominations-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.nomination_roster(stream, user=user, queryset=rows),
        audit=lambda: record_roster_unmasking(user, rows, "提名名册 (API)" if args.get("via") == "api" else "提名名册"),
    )


def members_plan(user, query, args: dict) -> ExportPlan:
    """The pool roster with the list's filters (talentpool.filters.PoolMemberFilter); one COUNT.
    Raises ExportRefused for bad filters."""
    from talentpool import exports, selectors
    from talentpool.downloads import record_roster_unmasking
    from talentpool.filters import PoolMemberFilter

    filterset = PoolMemberFilter(query, queryset=selectors.pool_member_list(user=user), request=request_for(user, query))
    if not filterset.is_valid():  # refused like every kind's bad filters (org.exporting.export_response)
        raise ExportRefused(filterset.errors)
    rows = filterset.qs
    return ExportPlan(
        filename=f"pool-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.pool_roster(stream, user=user, queryset=rows),
        audit=lambda: record_roster_unmasking(user, rows, "人才库名册 (API)" if args.get("via") == "api" else "人才库名册"),
    )


def appointments_plan(user, query, args: dict) -> ExportPlan:
    """The appointments (干部任用) with the list's filters (talentpool.filters.AppointmentFilter); one COUNT.
    Raises ExportRefused for bad or out-of-scope filters."""
    from talentpool import exports, selectors
    from talentpool.downloads import record_roster_unmasking
    from talentpool.filters import AppointmentFilter

    filterset = AppointmentFilter(query, queryset=selectors.appointment_list(user=user), request=request_for(user, query))
    if not filterset.is_valid():
        raise ExportRefused(filterset.errors)
    rows = filterset.qs
    return ExportPlan(
        filename=f"appointments-{timezone.localdate():%Y%m%d}.xlsx",
        count=counter(rows),
        write=lambda stream: exports.appointment_roster(stream, user=user, queryset=rows),
        audit=lambda: record_roster_unmasking(user, rows, "干部任用名单 (API)" if args.get("via") == "api" else "干部任用名单"),
    )


NOMINATIONS = register_export("talentpool.nominations", _("Nomination roster"), nominations_plan,
                              page="talentpool:nomination-list")
MEMBERS = register_export("talentpool.members", _("Pool roster"), members_plan, page="talentpool:member-list")
APPOINTMENTS = register_export("talentpool.appointments", _("Appointments"), appointments_plan,
                               page="talentpool:appointment-list")
