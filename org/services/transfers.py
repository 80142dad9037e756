"""Cross-county transfers (跨县调动, issue 10, 11): requested by an import, decided by the city bureau."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Region, School, Staff, TransferRequest, WorkHistory
from org.permissions import may_decide_transfer
from org.services.people import save_audited

MSG_NOT_PENDING = _("This transfer has already been decided.")
MSG_DECIDE_FORBIDDEN = _("Only the bureau that runs both counties (the city bureau) may decide a cross-county transfer.")
# The staff fields a transfer carries (the requesting county's row), stored as JSON (dates as ISO text).
TRANSFER_FIELDS = ("name", "post", "is_head_teacher", "subject", "title", "honour_level", "work_start",
                   "school_start", "post_start", "status")
DATE_FIELDS = ("work_start", "school_start", "post_start")


def _ancestors(region_id: int) -> list[int]:
    """The region and its parents, nearest first (ids)."""
    chain, parents = [], dict(Region.objects.values_list("id", "parent_id"))
    while region_id is not None and region_id not in chain:
        chain.append(region_id)
        region_id = parents.get(region_id)
    return chain


def transfer_decidable(from_region_id: int, to_region_id: int) -> bool:
    """True when a region below the province (a city) holds both counties, so its bureau can decide the
    transfer (DESIGN.md 跨县调动). Across cities nobody below the province runs both: refused at import."""
    common = set(_ancestors(from_region_id)) & set(_ancestors(to_region_id))
    return Region.objects.filter(pk__in=common).exclude(level=Region.Level.PROVINCE).exists()


def transfer_values(values: dict) -> dict:
    """The JSON a request keeps of a planned staff row: the transfer fields given, dates as ISO text."""
    out = {}
    for name in TRANSFER_FIELDS:
        if name in values:
            value = values[name]
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out


@transaction.atomic
def transfer_requests_create(*, actor: User, requests: list[dict], school_ids: dict[str, int], reason: str) -> int:
    """Create the pending requests an import planned ({staff_id, from_region_id, school_code, name, values});
    a person with a pending request already is skipped (importing the same file twice changes nothing).
    Returns how many were created."""
    pending = set(TransferRequest.objects.filter(
        staff_id__in=[r["staff_id"] for r in requests], state=TransferRequest.State.PENDING).values_list(
        "staff_id", flat=True))
    created = 0
    for planned in requests:
        if planned["staff_id"] in pending:
            continue
        request = TransferRequest(staff_id=planned["staff_id"], from_region_id=planned["from_region_id"],
                                  to_school_id=school_ids[planned["school_code"]], name=planned["name"],
                                  values=planned["values"], requested_by=actor)
        save_audited(request, actor=actor, reason=reason)
        pending.add(planned["staff_id"])
        created += 1
    return created


@transaction.atomic
def transfer_decide(*, actor: User, request: TransferRequest, approve: bool) -> TransferRequest:
    """Approve or refuse a pending transfer. Approving moves the person to `to_school` with the requesting
    county's values and keeps their history: the stint at the school they leave becomes a 任职经历 row
    (from its 现校起始时间 to the day before the new one). Raises PermissionDenied (not the city bureau)
    or ValidationError (already decided)."""
    request = TransferRequest.objects.select_for_update().select_related("to_school").get(pk=request.pk)
    if not may_decide_transfer(actor, request):
        raise PermissionDenied(MSG_DECIDE_FORBIDDEN)
    if request.state != TransferRequest.State.PENDING:
        raise ValidationError(MSG_NOT_PENDING)
    if approve:
        _move(actor, request)
    request.state = TransferRequest.State.APPROVED if approve else TransferRequest.State.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    save_audited(request, actor=actor, reason="transfer decided")
    return request


def _move(actor: User, request: TransferRequest) -> None:
    staff = Staff.objects.select_for_update().get(pk=request.staff_id)
    values = {name: date.fromisoformat(value) if name in DATE_FIELDS and value else value
              for name, value in request.values.items()}
    new_start = values.get("school_start") or timezone.localdate()
    if staff.school_start and staff.school_start < new_start:
        WorkHistory.objects.get_or_create(
            staff=staff, school_id=staff.school_id, start=staff.school_start,
            defaults={"post": staff.post, "end": new_start - timedelta(days=1)})
    for name, value in values.items():
        setattr(staff, name, value)
    staff.school = School.objects.get(pk=request.to_school_id)
    save_audited(staff, actor=actor, reason="cross-county transfer")
