"""Documents: the public-notice list (printable page and .docx), and the Excel rosters."""


from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View
from django.views.generic import TemplateView

from org import scope
from org.downloads import DOCX, file_download
from org.exporting import export_response
from org.models import Staff, Unmasking
from org.services.privacy import unmaskings_record
from talentpool import exports
from talentpool.models import Intake


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
        context = exports.notice_context(user=request.user, intake=_intake(request, pk))
        return file_download(lambda stream: exports.notice_docx(stream, context), f"notice-{pk}.docx", DOCX)


class NominationExportView(LoginRequiredMixin, View):
    """The nomination roster as filtered on the list page."""

    def get(self, request):
        return export_response(request, "talentpool.nominations")  # a job above EXPORT_INLINE_MAX_ROWS


class MemberExportView(LoginRequiredMixin, View):
    def get(self, request):
        return export_response(request, "talentpool.members")  # a job above EXPORT_INLINE_MAX_ROWS
