"""Documents: the public-notice list (printable page and .docx), and the Excel rosters."""

import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from org import scope
from org.models import Staff, Unmasking
from org.services.privacy import unmaskings_record
from talentpool import exports, selectors
from talentpool.filters import NominationFilter, PoolMemberFilter
from talentpool.models import Intake

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _record_unmasking(user, rows, detail: str) -> None:
    """Bureau staff get full ID numbers in a roster: record who saw whose (org.services.privacy)."""
    if scope.is_bureau_staff(user):
        staff = Staff.objects.filter(pk__in=rows.values("staff_id"))
        unmaskings_record(actor=user, staff=staff, kind=Unmasking.Kind.EXPORT, detail=detail)


def _intake(request, pk):
    return scope.get_visible_or_404(request.user, Intake.objects.select_related("track__program__region"), pk=pk)


class NoticePrintView(LoginRequiredMixin, TemplateView):
    template_name = "talentpool/notice_print.html"

    def get_context_data(self, **kwargs):
        context = exports.notice_context(user=self.request.user, intake=_intake(self.request, kwargs["pk"]))
        return super().get_context_data(**context, intro=exports.notice_intro(context),
                                        table=exports.notice_table_rows(context), columns=exports.NOTICE_COLUMNS, **kwargs)


class NoticeDocxView(LoginRequiredMixin, View):
    def get(self, request, pk):
        buffer = io.BytesIO()
        exports.notice_docx(buffer, exports.notice_context(user=request.user, intake=_intake(request, pk)))
        return _attachment(buffer.getvalue(), DOCX, f"notice-{pk}.docx")


class NominationExportView(LoginRequiredMixin, View):
    """The nomination roster as filtered on the list page."""

    def get(self, request):
        rows = NominationFilter(request.GET, queryset=selectors.nomination_list(user=request.user), request=request).qs
        buffer = io.BytesIO()
        exports.nomination_roster(buffer, user=request.user, queryset=rows)
        _record_unmasking(request.user, rows, "提名名册")
        return _attachment(buffer.getvalue(), XLSX, f"nominations-{timezone.localdate():%Y%m%d}.xlsx")


class MemberExportView(LoginRequiredMixin, View):
    def get(self, request):
        rows = PoolMemberFilter(request.GET, queryset=selectors.pool_member_list(user=request.user), request=request).qs
        buffer = io.BytesIO()
        exports.pool_roster(buffer, user=request.user, queryset=rows)
        _record_unmasking(request.user, rows, "人才库名册")
        return _attachment(buffer.getvalue(), XLSX, f"pool-{timezone.localdate():%Y%m%d}.xlsx")
