"""Pages of export jobs (issue 15): 我的导出 (the user's jobs), a job's progress page, its status JSON, its file.

Every page reads the user's own jobs only (superusers included: a file holds its owner's roster);
another user's job answers 404, like a missing one.
"""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from org import exporting, scope
from org.downloads import XLSX
from org.models import ExportJob
from org.services.exports import expired_before

MSG_EXPORT_GONE = _("This export is not available (still being written, failed, or expired); export again.")


class OwnJobsMixin(LoginRequiredMixin, scope.ScopedQuerysetMixin):
    model = ExportJob

    def narrow(self, queryset):
        return queryset.filter(user_id=self.request.user.pk)


def job_kind_label(job: ExportJob) -> str:
    try:
        return str(exporting.get_export(job.kind).label)
    except KeyError:
        return job.kind


def job_status(job: ExportJob) -> dict:
    """What the progress page and the API poll: state, progress, and where the file is once ready."""
    from django.urls import reverse

    return {
        "id": job.pk, "status": job.status, "status_display": str(job.get_status_display()),
        "rows_done": job.rows_done, "rows_total": job.rows_total, "running": job.is_running,
        "ready": job.is_ready, "error": job.error,
        "download_url": reverse("org:export-download", args=[job.pk]) if job.is_ready else None,
    }


class ExportJobListView(OwnJobsMixin, ListView):
    """我的导出: the user's export jobs, newest first (two queries: the count and the page)."""

    template_name = "org/export_list.html"
    context_object_name = "jobs"
    paginate_by = 50

    def narrow(self, queryset):
        return super().narrow(queryset).defer("query", "args", "error")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for job in context["jobs"]:
            job.kind_label = job_kind_label(job)
        return {**context, "inline_limit": settings.EXPORT_INLINE_MAX_ROWS}


class ExportJobDetailView(OwnJobsMixin, DetailView):
    template_name = "org/export_detail.html"
    context_object_name = "job"

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind_label=job_kind_label(self.object), **kwargs)


class ExportJobStatusView(OwnJobsMixin, DetailView):
    def render_to_response(self, context):
        return JsonResponse(job_status(self.object))


def open_ready_file(job: ExportJob) -> FileResponse:
    """The job's file as an attachment; Http404 unless it is ready and younger than EXPORT_KEEP_HOURS."""
    if not job.is_ready or (job.finished_at and job.finished_at < expired_before()):
        raise Http404(MSG_EXPORT_GONE)
    try:
        stream = job.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(MSG_EXPORT_GONE) from None
    return FileResponse(stream, as_attachment=True, filename=job.filename, content_type=XLSX)


class ExportJobDownloadView(OwnJobsMixin, DetailView):
    def render_to_response(self, context):
        return open_ready_file(self.object)
