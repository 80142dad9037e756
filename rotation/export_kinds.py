"""The export kinds of rotation (org.exporting): the eligibility roster (交流资格名册), a job above the threshold."""

from django.utils.translation import gettext_lazy as _

from org import scope
from org.exporting import ExportPlan, ExportRefused, counter, register_export, request_for


def eligibility_plan(user, query, args: dict) -> ExportPlan:
    """The eligibility roster of the visible active staff with the list's filters (?as_of=, ?region=, ?school=, ?q=).

    Raises ExportRefused(the filter errors) for bad parameters. Counts the staff rows (one COUNT). Full ID
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
    detail = "交流资格名册 (API)" if args.get("via") == "api" else "交流资格名册"

    def audit():
        if full_ids:
            unmaskings_record(actor=user, staff=staff, kind=Unmasking.Kind.EXPORT, detail=detail)

    return ExportPlan(
        filename=f"eligibility-{on.isoformat()}.xlsx",
        count=counter(staff),
        write=lambda stream: exports.write_eligibility(stream, staff, on, full_ids=full_ids),
        audit=audit,
    )


ELIGIBILITY = register_export("rotation.eligibility", _("Eligibility roster"), eligibility_plan)
