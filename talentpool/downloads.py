"""The talent pool's documents as downloads, answered alike by the pages (talentpool.views_docs) and the API
(talentpool.api): the public-notice list (.docx) and the nomination and pool rosters (.xlsx), streamed through
org.downloads. Bureau staff get full ID numbers in a roster, so each roster records who saw whose
(org.services.privacy; DESIGN.md, personal data)."""

from django.http import FileResponse
from django.utils import timezone

from org import scope
from org.downloads import DOCX, file_download
from org.models import Staff, Unmasking
from org.services.privacy import unmaskings_record
from talentpool import exports
from talentpool.models import Intake

__all__ = ["notice_download", "nomination_roster_download", "pool_roster_download"]


def record_roster_unmasking(user, rows, detail: str) -> None:
    """Bureau staff get full ID numbers in a roster: record who saw whose (`detail` names the roster)."""
    if scope.is_bureau_staff(user):
        staff = Staff.objects.filter(pk__in=rows.values("staff_id"))
        unmaskings_record(actor=user, staff=staff, kind=Unmasking.Kind.EXPORT, detail=detail)


def notice_download(*, user, intake: Intake) -> FileResponse:
    """The intake's public-notice list (公示名单) as notice-<intake id>.docx, rows the user may see."""
    context = exports.notice_context(user=user, intake=intake)
    return file_download(lambda stream: exports.notice_docx(stream, context), f"notice-{intake.pk}.docx", DOCX)


def nomination_roster_download(*, user, rows, detail: str = "提名名册") -> FileResponse:
    """The nominations `rows` (already scoped and filtered) as nominations-<date>.xlsx."""
    response = file_download(lambda stream: exports.nomination_roster(stream, user=user, queryset=rows),
                             f"nominations-{timezone.localdate():%Y%m%d}.xlsx")
    record_roster_unmasking(user, rows, detail)
    return response


def pool_roster_download(*, user, rows, detail: str = "人才库名册") -> FileResponse:
    """The pool members `rows` (already scoped and filtered) as pool-<date>.xlsx."""
    response = file_download(lambda stream: exports.pool_roster(stream, user=user, queryset=rows),
                             f"pool-{timezone.localdate():%Y%m%d}.xlsx")
    record_roster_unmasking(user, rows, detail)
    return response


