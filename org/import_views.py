"""Pages for Excel import and export: template, upload, job (progress, preview, problems), commit, export.

Bureau staff only (403 otherwise); a job is visible to the user who uploaded it (404 otherwise).
"""


from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView

from org import scope, selectors, services
from org.downloads import file_download
from org.excel import (
    ExcelFileError,
    Problem,
    get_importer,
    importer_kinds,
    open_workbook,
    write_error_workbook,
)
from org.excel import write_template as excel_write_template
from org.exporting import export_response
from org.forms import StyledFormMixin
from org.importers import base_data_importer
from org.models import ImportJob, Unmasking
from org.services.privacy import unmaskings_record

MSG_UPLOADED = _("Uploaded; the workbook is being checked.")
MSG_COMMIT_STARTED = _("The import has started.")
MSG_RESTARTED = _("The upload is being checked again.")


class BureauOnlyMixin(LoginRequiredMixin, UserPassesTestMixin):
    raise_exception = True

    def test_func(self):
        return scope.is_bureau_staff(self.request.user)


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Workbook"))
    file = forms.FileField(label=_("Excel file (.xlsx, .xls) or CSV"), widget=forms.ClearableFileInput(
        attrs={"accept": ".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                         "application/vnd.ms-excel,text/csv"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = importer_kinds()
        self.fields["kind"].initial = base_data_importer.kind  # the workbook most uploads are


class ImportIndexView(BureauOnlyMixin, FormView):
    form_class = UploadForm
    template_name = "org/import_index.html"

    def get_context_data(self, **kwargs):
        jobs = scope.visible_to(self.request.user, ImportJob).only(
            "id", "original_name", "kind", "status", "error_count", "created_at")[:20]
        return super().get_context_data(jobs=jobs, kinds=importer_kinds(), **kwargs)

    def form_valid(self, form):
        try:
            job = services.import_job_create(actor=self.request.user, kind=form.cleaned_data["kind"],
                                             upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        messages.info(self.request, MSG_UPLOADED)
        return redirect(job.get_absolute_url())


class TemplateDownloadView(BureauOnlyMixin, View):
    def get(self, request, kind):
        importer = _importer_or_404(kind)
        return file_download(lambda stream: excel_write_template(stream, importer.spec), f"{importer.spec.title}-模板.xlsx")


class ExportView(BureauOnlyMixin, View):
    """Everything of one workbook in the user's scope: inline when small, else an export job (org.exporting)."""

    def get(self, request, kind):
        _importer_or_404(kind)
        return export_response(request, "org.workbook", {"kind": kind})


def _record_unmasking(user, importer) -> None:
    """Bureau staff export full ID numbers: record who saw whose (an importer names its people by `exported_staff`)."""
    if scope.is_bureau_staff(user):
        exported = getattr(importer, "exported_staff", None)
        staff = exported(user) if exported is not None else selectors.staff_list(user=user)
        unmaskings_record(actor=user, staff=staff, kind=Unmasking.Kind.EXPORT, detail=str(importer.spec.title))


def _importer_or_404(kind: str):
    from django.http import Http404

    try:
        return get_importer(kind)
    except KeyError:
        raise Http404 from None


class JobMixin(BureauOnlyMixin, scope.ScopedQuerysetMixin):
    model = ImportJob

    def narrow(self, queryset):
        return queryset.all()


class ImportJobDetailView(JobMixin, DetailView):
    template_name = "org/import_detail.html"
    context_object_name = "job"
    shown_problems = 500

    def get_context_data(self, **kwargs):
        job = self.object
        return super().get_context_data(problems=job.errors[: self.shown_problems], **kwargs)


class ImportJobStatusView(JobMixin, DetailView):
    def render_to_response(self, context):
        return JsonResponse(job_status(self.object))


def job_status(job: ImportJob) -> dict:
    """What the page and the API poll: status, progress and counts (no row data)."""
    return {
        "id": job.pk, "status": job.status, "status_display": str(job.get_status_display()),
        "rows_done": job.rows_done, "rows_total": job.rows_total, "error_count": job.error_count,
        "running": job.is_running, "can_commit": job.can_commit, "can_restart": job.can_restart,
        "sheets": [{k: sheet[k] for k in ("name", "created", "updated", "unchanged", "stored", "note")}
                   for sheet in job.summary],
    }


class ImportJobCommitView(JobMixin, View):
    def post(self, request, pk):
        job = scope.get_visible_or_404(request.user, self.get_queryset(), pk=pk)
        try:
            services.import_job_commit_request(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(request, MSG_COMMIT_STARTED)
        return redirect(job.get_absolute_url())


class ImportJobRestartView(JobMixin, View):
    """POST: start a job whose processing stopped (dead worker, crash) again from its check."""

    def post(self, request, pk):
        job = scope.get_visible_or_404(request.user, self.get_queryset(), pk=pk)
        try:
            services.import_job_restart(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(request, MSG_RESTARTED)
        return redirect(job.get_absolute_url())


def error_workbook(job: ImportJob, buffer) -> None:
    """Write the uploaded rows with an error column, and a first sheet listing every problem."""
    problems = [Problem(p["sheet"], p["row"], p["column"], p["message"]) for p in job.errors]
    try:
        with job.local_file() as path, open_workbook(path) as book:
            write_error_workbook(buffer, book, get_importer(job.kind).spec, problems)
    except ExcelFileError:
        from org.excel import SheetData, write_workbook

        write_workbook(buffer, [SheetData("问题清单", ["工作表", "行", "列", "问题"],
                                          ([p.sheet, p.row, p.column, p.message] for p in problems))])


class ImportJobErrorsView(JobMixin, DetailView):
    def render_to_response(self, context):
        return file_download(lambda stream: error_workbook(self.object, stream), f"问题-{self.object.original_name}")
