"""Thin pages for scoring (raters' web form and score sheet), corrections by the administrator,
result pages with rating changes, and school quality data."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from evaluation import forms, importers, permissions, selectors, services, sheets
from evaluation.models import Assignment, Cycle, SchoolQuality, Subject
from evaluation.views import FormPage, ScopedView
from org import scope
from org.downloads import file_download
from org.excel import check_xlsx
from org.excel.reader import ExcelFileError
from org.exporting import export_response
from org.permissions import may_create_region_rows
from org.web import MSG_SAVED, ActionView, ManagerOnlyMixin

MSG_SUBMITTED = _("Submitted. Your scores are now locked.")
MSG_UPLOADED = _("%(count)s rows of scores saved from the sheet; check them and submit.")
MSG_SKIPPED_SUBMITTED = _("%(count)s rows of already submitted tasks were unchanged and skipped.")
MSG_UPLOAD_PROBLEMS = _("The sheet has %(count)s problems; nothing was saved.")


class MyAssignmentsView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    """A rater's own assignments, open cycles first; nothing of anyone else's."""

    model = Assignment
    template_name = "evaluation/my_assignments.html"
    paginate_by = 100

    def narrow(self, queryset):
        return selectors.own_assignments(queryset, user=self.request.user)

    def get_context_data(self, **kwargs):
        cycles = Cycle.objects.filter(assignments__rater=self.request.user).distinct().order_by("-year", "id")
        uploads = [(cycle, forms.UploadForm(auto_id=f"id_%s_{cycle.pk}")) for cycle in cycles]
        return super().get_context_data(uploads=uploads, **kwargs)


class ScoreView(FormPage):
    """The rater's web form for one assignment (their own only): save as draft, or submit (then locked)."""

    model = Assignment
    form_class = forms.ScoreForm
    template_name = "evaluation/score_form.html"

    def narrow(self, queryset):
        return selectors.own_assignments(queryset, user=self.request.user).select_related("cycle__scheme")

    def setup_object(self, pk):
        self.assignment = self.get_object(pk)
        self.rows = selectors.score_form_rows(self.assignment)

    def form_extra(self):
        return {"rows": self.rows}

    def save(self, form):
        submit = "submit" in self.request.POST
        services.scores_save(actor=self.request.user, assignment=self.assignment, values=form.values(), submit=submit)
        self.success_message = MSG_SUBMITTED if submit else MSG_SAVED
        return "evaluation:my-assignments" if submit else self.request.path

    def get_context_data(self, **kwargs):
        return super().get_context_data(assignment=self.assignment, locked=self.assignment.submitted_at is not None
                                        or self.assignment.cycle.status != Cycle.Status.OPEN, **kwargs)


class ScoreCorrectView(FormPage):
    """The cycle administrator changes a submitted assignment's scores, with a reason."""

    model = Assignment
    form_class = forms.CorrectForm
    title = _("Change submitted scores")

    def narrow(self, queryset):
        return queryset.select_related("cycle__scheme", "subject__school", "subject__staff", "group")

    def setup_object(self, pk):
        self.assignment = self.get_object(pk)
        if not permissions.may_administer(self.request.user, self.assignment.cycle):
            raise Http404(scope.MSG_NOT_FOUND)

    def form_extra(self):
        return {"rows": selectors.score_form_rows(self.assignment)}

    def save(self, form):
        services.score_correct(actor=self.request.user, assignment=self.assignment, values=form.values(),
                               reason=form.cleaned_data["reason"])
        return self.assignment.cycle


class ScoreSheetDownloadView(ScopedView):
    """The user's own score sheet for a cycle (one workbook per rater)."""

    model = Cycle

    def get(self, request, pk):
        cycle = self.get_object(pk)
        return file_download(lambda target: importers.write_score_sheet(target, cycle=cycle, rater=request.user),
                     f"score-sheet-{cycle.pk}-{request.user.get_username()}.xlsx")


class ScoreSheetUploadView(ScopedView):
    """Upload the filled score sheet: every bad cell is listed; nothing is saved unless all are sound."""

    model = Cycle

    def post(self, request, pk):
        cycle = self.get_object(pk)
        form = forms.UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("evaluation:my-assignments")
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy:
            for chunk in form.cleaned_data["file"].chunks():
                copy.write(chunk)
            copy.flush()
            try:
                check_xlsx(copy.name)
            except ExcelFileError as error:
                messages.error(request, error.message)
                return redirect("evaluation:my-assignments")
            result = importers.read_score_sheet(copy.name, cycle=cycle, rater=request.user, commit=True,
                                                submit=form.cleaned_data["submit"])
        if result.ok:
            skipped = sum(sheet.unchanged for sheet in result.sheets)
            messages.success(request, MSG_UPLOADED % {"count": result.rows - skipped})
            if skipped:
                messages.info(request, MSG_SKIPPED_SUBMITTED % {"count": skipped})
            return redirect("evaluation:my-assignments")
        return render(request, "evaluation/upload_problems.html", {
            "cycle": cycle, "problems": result.problems.as_list(),
            "summary": MSG_UPLOAD_PROBLEMS % {"count": len(result.problems)}}, status=400)


class SubjectDetailView(ScopedView):
    """A subject's result: the score tree, each rater group's contribution, self-assessment beside,
    the rating with its history. Raters are named to the cycle's administrators only."""

    model = Subject

    def narrow(self, queryset):
        return queryset.select_related("cycle__scheme", "school__region", "staff")

    def get(self, request, pk):
        subject = self.get_object(pk)
        cycle = subject.cycle
        groups = selectors.groups_of(cycle)
        admin = permissions.may_administer(request.user, cycle)
        return render(request, "evaluation/subject_detail.html", {
            "subject": subject, "cycle": cycle, "groups": [g for g in groups if not g.is_self],
            "rows": selectors.scheme_rows(cycle.scheme, subject.result),
            "contributions": selectors.contributions(subject, groups),
            "changes": selectors.rating_changes(user=request.user, subject=subject),
            "is_admin": admin, "rating_form": forms.RatingChangeForm() if admin else None,
            "assignments": subject.assignments.select_related("rater", "group") if admin else [],
            "composite_parts": ("own", "quality", "students", "exchange"),
        })


class RatingChangeView(ActionView):
    """Record a collective decision (集体研究) changing a subject's final rating."""

    model = Subject
    form_class = forms.RatingChangeForm

    def narrow(self, queryset):
        return queryset.select_related("cycle")

    def perform(self, subject, data):
        services.rating_change(actor=self.request.user, subject=subject, **data)


# --- quality data -----------------------------------------------------------------------------------


class QualityListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = SchoolQuality
    paginate_by = 100
    template_name = "evaluation/quality_list.html"

    def narrow(self, queryset):
        return queryset.select_related("school__region").order_by("-year", "school__code")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=may_create_region_rows(self.request.user),
                                        import_url=reverse("org:import-index"), **kwargs)


class QualityFormView(ManagerOnlyMixin, FormPage):
    model = SchoolQuality
    scope_mode = scope.MANAGE
    form_class = forms.QualityForm
    title = _("School quality data")

    def setup_object(self, pk=None):
        self.instance = self.get_object(pk) if pk else None

    def form_extra(self):
        return {"user": self.request.user, "instance": self.instance}

    def save(self, form):
        data = {name: form.cleaned_data[name] for name in sheets.QUALITY_FIELDS}
        services.quality_save(actor=self.request.user, school=form.cleaned_data["school"], year=form.cleaned_data["year"],
                              data=data)
        return "evaluation:quality-list"


class QualityExportView(ScopedView):
    """The visible quality rows (exports.quality_export reads visible_to(user, SchoolQuality))."""

    model = SchoolQuality

    def get(self, request):
        return export_response(request, "evaluation.quality")  # a job above EXPORT_INLINE_MAX_ROWS
