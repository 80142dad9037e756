"""Documents: the public-notice list (printable page and .docx), and the Excel rosters."""


from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View
from django.views.generic import TemplateView

from org import scope
from org.exporting import export_response
from talentpool import downloads, exports
from talentpool.models import Intake


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
        return downloads.notice_download(user=request.user, intake=_intake(request, pk))


class NominationExportView(LoginRequiredMixin, View):
    """The nomination roster as filtered on the list page."""

    def get(self, request):
        return export_response(request, "talentpool.nominations")  # a job above EXPORT_INLINE_MAX_ROWS


class MemberExportView(LoginRequiredMixin, View):
    def get(self, request):
        return export_response(request, "talentpool.members")  # a job above EXPORT_INLINE_MAX_ROWS


class AppointmentExportView(LoginRequiredMixin, View):
    """The appointments as filtered on the list page (bad or out-of-scope filters: that page with its errors, 400)."""

    def get(self, request):
        return export_response(request, "talentpool.appointments")  # a job above EXPORT_INLINE_MAX_ROWS
