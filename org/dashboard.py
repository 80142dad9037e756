"""What waits for bureau staff in the base data (the home page's inbox, org.hooks)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org import scope
from org.models import TransferRequest


def inbox(user) -> list[tuple[str, int, str]]:
    """Cross-county transfers awaiting the city bureau (staff who run more than one county see them)."""
    if not scope.is_bureau_staff(user):
        return []
    pending = scope.visible_to(user, TransferRequest).filter(state=TransferRequest.State.PENDING)
    return [(_("Transfers to decide"), pending.count(), reverse("org:transfer-list"))]
