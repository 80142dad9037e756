"""Thin rotation pages: validate, call a selector or service, render."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView, View
from django_filters.views import FilterView

from org import scope, versioning, web
from org.attachments import AttachmentDownloadView
from org.exporting import export_response
from org.models import Region, Staff
from org.selectors import history_of
from org.web import MSG_SAVED
from rotation import dashboard, permissions, rules, selectors, services
from rotation.filters import AssignmentFilter, EligibilityFilter, ExemptionFilter
from rotation.forms import (
    AssignmentEditForm,
    AssignmentForm,
    BatchForm,
    ExemptionApplyForm,
    ExemptionDecideForm,
    InspectionForm,
    PlanForm,
    PolicyForm,
    SharesForm,
    SplitForm,
    SuggestionAcceptForm,
    TransitionForm,
)
from rotation.models import Assignment, Exemption, Inspection, Notification, Plan, Policy, Suggestion

MSG_RECOMPUTE_QUEUED = _("The progress is being recomputed; reload the page in a moment.")
MSG_DECISIONS_QUEUED = _("The eligibility decisions as of %(as_of)s are being computed (about a minute for 500,000 "
                         "staff); reload the page to filter by status or reason.")
MSG_FIGURES_QUEUED = _("The eligibility figures as of %(as_of)s are being computed (about a minute for 500,000 staff); "
                       "reload the page to see the split.")
MSG_HOME_FIGURES_QUEUED = _("The eligibility figures as of %(as_of)s are being computed (about a minute for 500,000 "
                            "staff); reload the page in a moment to see them.")


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "rotation/index.html"


add_errors = web.add_refusal  # by field where the form has it, else above the form


class AsOfForm(forms.Form):
    as_of = forms.DateField()
    query = forms.CharField(required=False)  # the list's filters, to come back to


def as_of_from(value, user) -> date:
    """The as-of date asked for, else the next term start of the user's region policy."""
    return value or selectors.default_as_of_for(today=timezone.localdate(), user=user)


class EligibilityListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    """Each visible active staff member's status and reasons at an as-of date, filterable by status and reason.

    Filtered, the rows come from the decisions stored for the date (saying when they were computed), else are
    decided live for a small scope (selectors.LIVE_MAX_STAFF), else the page says the stored decisions are
    missing; POST (bureau staff) queues them (with the date's figures, as the split page does)."""

    model = Staff
    filterset_class = EligibilityFilter
    paginate_by = 50
    template_name = "rotation/eligibility_list.html"
    computed_at = None
    missing = False

    def narrow(self, queryset):
        return queryset.filter(status=Staff.Status.ACTIVE)

    def paginate_queryset(self, queryset, page_size):
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        self.as_of, status, reason = as_of_from(data.get("as_of"), self.request.user), data.get("status"), data.get("reason")
        if not status and not reason:  # evaluate only the page shown
            paginator, page, staff, paginated = super().paginate_queryset(queryset.only("pk"), page_size)
            return paginator, page, selectors.evaluate_page(staff, self.as_of), paginated
        self.computed_at = selectors.stored_decisions_at(self.as_of)
        if self.computed_at:  # join on the stored decisions, decode only the page shown
            stored = selectors.stored_matching(queryset, self.as_of, status=status, reason=reason)
            paginator, page, rows, paginated = super().paginate_queryset(stored, page_size)
            return paginator, page, [selectors.stored_row(row) for row in rows], paginated
        if selectors.decide_live(queryset):
            rows = list(selectors.evaluate_matching(queryset, self.as_of, status=status, reason=reason))
            return super().paginate_queryset(rows, page_size)
        self.missing = True
        return super().paginate_queryset([], page_size)

    def post(self, request, *args, **kwargs):
        """Queue the stored decisions (and figures) of the as-of date asked for; bureau staff only (403)."""
        form = AsOfForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest()
        try:
            services.eligibility_figures_request(actor=request.user, on=form.cleaned_data["as_of"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, MSG_DECISIONS_QUEUED % {"as_of": form.cleaned_data["as_of"].isoformat()})
        return redirect(f"{request.path}?{QueryDict(form.cleaned_data['query']).urlencode()}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.show_as_of(self.filterset.form)
        return {**context, "as_of": self.as_of, "today": timezone.localdate(), "query": self.request.GET.urlencode(),
                "computed_at": self.computed_at, "missing": self.missing,
                "may_compute": self.missing and scope.is_bureau_staff(self.request.user)}

    def show_as_of(self, form) -> None:
        """The date input shows the date the page used when none was asked (a refused date stays as typed)."""
        if form.is_bound and (form.data.get("as_of") or "as_of" in form.errors):
            return
        if form.is_bound:
            form.data = form.data.copy()
            form.data["as_of"] = self.as_of.isoformat()
        else:
            form.initial["as_of"] = self.as_of.isoformat()


class EligibilityExportView(LoginRequiredMixin, TemplateView):
    """Download the eligibility roster (交流资格名册) of the user's scope (optionally one region)."""

    def get(self, request, *args, **kwargs):
        """Inline up to EXPORT_INLINE_MAX_ROWS staff; above, an export job (rotation.export_kinds, org.exporting)."""
        return export_response(request, "rotation.eligibility")  # bad filters: this list page with its errors, 400


class SplitView(LoginRequiredMixin, TemplateView):
    """Split a target across the visible counties by the MUST_ROTATE + ELIGIBLE counts stored for the as-of date,
    saying when they were computed; POST (bureau staff) queues the figures of a date that has none."""

    template_name = "rotation/split.html"

    def get_context_data(self, form=None, **kwargs):
        form = form or SplitForm(self.request.GET or None, user=self.request.user)
        split = selectors.split_for_user(user=self.request.user, **form.cleaned_data) if form.is_valid() else None
        return super().get_context_data(
            form=form, split=split, shares=split.shares if split else None, missing=form.is_valid() and split is None,
            may_compute=scope.is_bureau_staff(self.request.user), **kwargs)

    def post(self, request, *args, **kwargs):
        form = SplitForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.eligibility_figures_request(actor=request.user, on=form.cleaned_data["as_of"])
        except ValidationError as error:
            form.add_error("as_of", error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, MSG_FIGURES_QUEUED % {"as_of": form.cleaned_data["as_of"].isoformat()})
        query = urlencode({name: request.POST.get(name, "") for name in form.fields})
        return redirect(f"{request.path}?{query}")


class FiguresComputeView(LoginRequiredMixin, View):
    """POST (bureau staff; 403 for others): queue the coming term's eligibility figures now, from the home page's
    notice that they have not been computed yet, instead of waiting for the nightly job."""

    def post(self, request, *args, **kwargs):
        on = selectors.default_as_of(timezone.localdate())  # the date the home page's figures are read for
        services.eligibility_figures_request(actor=request.user, on=on)
        messages.success(request, MSG_HOME_FIGURES_QUEUED % {"as_of": on.isoformat()})
        return redirect("home")


# --- policies ------------------------------------------------------------------------------


class PolicyListView(LoginRequiredMixin, TemplateView):
    """The policy in force in each visible region: its own row, or where it falls back to."""

    template_name = "rotation/policy_list.html"

    def get_context_data(self, **kwargs):
        resolver = selectors.PolicyResolver()
        regions = scope.visible_to(self.request.user, Region).exclude(level=Region.Level.PROVINCE).order_by("code")
        rows = [(region, resolver.policy(region.pk)) for region in regions]
        return super().get_context_data(rows=rows, **kwargs)


class PolicyEditView(LoginRequiredMixin, FormView):
    form_class = PolicyForm
    template_name = "rotation/policy_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.region = scope.get_visible_or_404(request.user, Region, pk=kwargs["region"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        own = Policy.objects.filter(region=self.region).first()  # the version of this region's own row (0: none yet)
        kwargs["initial"] = {**kwargs.get("initial", {}), "version": own.version if own else 0}
        return {**kwargs, "instance": selectors.policy_for(self.region)}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields if name != "version"}
        try:
            with transaction.atomic():
                own = Policy.objects.filter(region=self.region).first() or Policy(region=self.region)
                versioning.check(own, seen=form.cleaned_data.get("version"), reader=self.request.user)
                services.policy_save(actor=self.request.user, region=self.region, data=data)
        except ValidationError as error:  # a stale page (VersionConflict) or the policy's own refusal
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect("rotation:policy-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, **kwargs)


# --- exemptions ----------------------------------------------------------------------------


class ExemptionListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Exemption
    filterset_class = ExemptionFilter
    paginate_by = 50
    template_name = "rotation/exemption_list.html"

    def narrow(self, queryset):
        return queryset.select_related("staff", "staff__school").order_by("-start", "id")


class ExemptionDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Exemption
    template_name = "rotation/exemption_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("staff", "staff__school", "applied_by", "decided_by")

    def get_context_data(self, **kwargs):
        exemption = self.object
        may_decide = exemption.state == Exemption.State.APPLIED and scope.can_manage(self.request.user, exemption)
        return super().get_context_data(
            decide_form=ExemptionDecideForm() if may_decide else None,
            history=history_of(exemption, user=self.request.user), **kwargs
        )


class ExemptionApplyView(LoginRequiredMixin, FormView):
    form_class = ExemptionApplyForm
    template_name = "rotation/exemption_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"staff": self.request.GET.get("staff")}

    def form_valid(self, form):
        try:
            exemption = services.exemption_apply(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(exemption)


class ExemptionDecideView(web.ActionView):
    """POST approve or reject with a reason; refusals are shown on the exemption's page with the form."""

    model = Exemption
    form_class = ExemptionDecideForm
    service = staticmethod(services.exemption_decide)
    object_kwarg = "exemption"

    def narrow(self, queryset):
        return queryset.select_related("staff", "staff__school", "applied_by", "decided_by")

    def invalid(self, obj, form):
        return render(self.request, "rotation/exemption_detail.html",
                      {"object": obj, "exemption": obj, "decide_form": form,
                       "history": history_of(obj, user=self.request.user)})

    def refused(self, obj, form, error):
        add_errors(form, error)
        return self.invalid(obj, form)


# --- plans ---------------------------------------------------------------------------------


class PlanListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = Plan
    paginate_by = 50
    template_name = "rotation/plan_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("-term_start", "id")


class PlanCreateView(LoginRequiredMixin, web.ManagerOnlyMixin, FormView):
    form_class = PlanForm
    template_name = "rotation/form_page.html"
    extra_context = {"title": _("New rotation plan")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            plan = services.plan_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(plan)


class PlanDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Plan
    template_name = "rotation/plan_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("region")

    def get_context_data(self, **kwargs):
        rows = selectors.quota_rows(user=self.request.user, plan=self.object)
        may_edit = permissions.may_set_policy(self.request.user, self.object.region)
        form = kwargs.pop("form", None) or SharesForm(plan=self.object, quotas=[row["quota"] for row in rows])
        return super().get_context_data(rows=rows, shares_form=form if may_edit else None,
                                        history=history_of(self.object, user=self.request.user), **kwargs)


class PlanSharesView(web.ActionView):
    """POST: new target and county shares (sum = target, no share below what the county approved)."""

    model = Plan

    def narrow(self, queryset):
        return queryset.select_related("region")

    def get_form(self, plan):
        quotas = [row["quota"] for row in selectors.quota_rows(user=self.request.user, plan=plan)]
        self.shares_form = SharesForm(self.request.POST, plan=plan, quotas=quotas)
        return self.shares_form

    def perform(self, plan, data):
        return services.plan_set_shares(actor=self.request.user, plan=plan, shares=self.shares_form.shares(),
                                        target=data["target"])

    def invalid(self, plan, form):
        page = PlanDetailView()
        page.setup(self.request, pk=plan.pk)
        page.object = plan
        return page.render_to_response(page.get_context_data(form=form))

    def refused(self, plan, form, error):
        add_errors(form, error)
        return self.invalid(plan, form)


# --- the roster ------------------------------------------------------------------------------


class AssignmentListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Assignment
    filterset_class = AssignmentFilter
    paginate_by = 50
    template_name = "rotation/assignment_list.html"

    def narrow(self, queryset):
        return queryset.select_related("staff", "from_school", "to_school", "plan").order_by("-start", "id")


class AssignmentExportView(LoginRequiredMixin, View):
    """The roster (交流名册) as filtered on the list page: the same filters, the import layout; inline up to
    EXPORT_INLINE_MAX_ROWS rows, above an export job (rotation.export_kinds, org.exporting)."""

    def get(self, request):
        return export_response(request, "rotation.roster")  # bad filters: this list page with its errors, 400


class AssignmentCreateView(LoginRequiredMixin, FormView):
    form_class = AssignmentForm
    template_name = "rotation/form_page.html"
    extra_context = {"title": _("New assignment")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {key: self.request.GET.get(key) for key in ("staff", "to_school", "plan") if key in self.request.GET}

    def form_valid(self, form):
        try:
            assignment = services.assignment_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(assignment)


class AssignmentDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Assignment
    template_name = "rotation/assignment_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("staff", "from_school", "to_school", "plan", "confirmed_by")

    def get_context_data(self, **kwargs):
        assignment, user = self.object, self.request.user
        return super().get_context_data(
            may_manage=scope.manageable(user, Assignment).filter(pk=assignment.pk).exists(),
            may_confirm=permissions.may_confirm_arrival(user, assignment),
            may_inspect=permissions.may_inspect(user),
            inspections=assignment.inspections.select_related("inspector"),
            transition_form=kwargs.pop("form", None) or TransitionForm(),
            history=history_of(assignment, user=self.request.user), **kwargs,
        )


class AssignmentTransitionView(web.ActionView):
    """POST one transition (approve, confirm, complete, end_early, convert, reject, cancel); every refusal,
    a permission one included, is shown on the assignment's page (never a 403 page)."""

    model = Assignment
    form_class = TransitionForm
    service = staticmethod(services.assignment_transition)
    object_kwarg = "assignment"
    refused_by = web.REFUSALS_ON_PAGE

    def invalid(self, obj, form):
        return render_detail(self.request, obj, form)

    def refused(self, obj, form, error):
        add_errors(form, error)
        return render_detail(self.request, obj, form)


def render_detail(request, assignment: Assignment, form):
    """The assignment's page again, with the transition form and its refusals (status 200)."""
    page = AssignmentDetailView()
    page.setup(request, pk=assignment.pk)
    page.object = assignment
    return page.render_to_response(page.get_context_data(form=form))


class AssignmentEditView(LoginRequiredMixin, scope.ScopedQuerysetMixin, web.FormTitleMixin, UpdateView):
    """Edit a planned assignment (the sending bureau); any other state, or another role, is told so on the
    assignment's page. Refusals of the dates and the person are shown on the form."""

    model = Assignment
    scope_mode = scope.MANAGE
    form_class = AssignmentEditForm
    template_name = "rotation/form_page.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            assignment = scope.get_visible_or_404(request.user, Assignment, pk=kwargs["pk"])
            refusal = edit_refusal(request.user, assignment)
            if refusal:
                messages.error(request, refusal)
                return redirect(assignment)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        try:
            services.assignment_update(actor=self.request.user, assignment=self.object, **data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(self.object)


def edit_refusal(user, assignment: Assignment) -> str:
    """Why the user may not edit this visible assignment ('' when they may)."""
    if not scope.manageable(user, Assignment).filter(pk=assignment.pk).exists():
        return str(services.MSG_APPROVE_FORBIDDEN)
    if assignment.state != Assignment.State.PLANNED:
        return str(services.MSG_BAD_STATE % {"state": assignment.get_state_display(), "action": _("edit")})
    return ""


class AssignmentBatchView(LoginRequiredMixin, scope.ScopedQuerysetMixin, View):
    """POST several roster entries (ids) to approve, or to confirm their arrivals; each refusal is a message
    naming the person, the others go through; ids not visible are counted as not found (same as missing)."""

    model = Assignment
    http_method_names = ["post"]

    def narrow(self, queryset):
        return queryset.select_related("staff")

    def post(self, request):
        form = BatchForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return redirect("rotation:assignment-list")
        ids = set(form.cleaned_data["ids"])
        chosen = list(self.get_queryset().filter(pk__in=ids).order_by("start", "id"))
        if len(chosen) < len(ids):
            messages.error(request, web.MSG_NOT_FOUND_IN_BATCH % {"count": len(ids) - len(chosen)})
        done, refused = services.assignment_batch(actor=request.user, assignments=chosen,
                                                  action=form.cleaned_data["action"], on=form.cleaned_data["on"])
        for assignment, message in refused:
            messages.error(request, f"{assignment.staff.name}：{message}")
        if done:
            messages.success(request, web.MSG_BATCH_DONE % {"count": len(done)})
        return redirect("rotation:assignment-list")


# --- inspections -----------------------------------------------------------------------------


class InspectionCreateView(LoginRequiredMixin, FormView):
    form_class = InspectionForm
    template_name = "rotation/form_page.html"
    extra_context = {"title": _("Record an inspection"), "multipart": True}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = selectors.assignment_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.inspection_record(actor=self.request.user, assignment=self.assignment, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(self.assignment)


# --- progress and notifications ----------------------------------------------------------------


class ProgressView(PlanDetailView):
    """One chart per county: approved + in place against the straight-line expectation; warning history."""

    template_name = "rotation/progress.html"

    def get_context_data(self, **kwargs):
        series = selectors.progress_series(user=self.request.user, plan=self.object)
        for entry, data in zip(series, selectors.chart_data(series), strict=True):
            entry["chart"] = dashboard.progress_line(data)
        return DetailView.get_context_data(self, series=series,
                                           may_recompute=scope.is_bureau_staff(self.request.user), **kwargs)


class ProgressRecomputeView(web.ActionView):
    """POST: queue the plan's progress now (bureau staff), instead of waiting for the morning job."""

    model = Plan
    service = staticmethod(services.progress_recompute)
    object_kwarg = "plan"
    refused_by = ()  # a refusal is a PermissionDenied: 403, as before

    def done(self, plan, result):
        messages.success(self.request, MSG_RECOMPUTE_QUEUED)
        return redirect("rotation:progress", pk=plan.pk)


class NotificationListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = Notification
    paginate_by = 50
    template_name = "rotation/notification_list.html"

    def narrow(self, queryset):
        return queryset.order_by("-created_at", "-id")


# --- suggestions ---------------------------------------------------------------------------------


class SuggestionListView(PlanDetailView):
    """The plan's suggestions in the user's scope; POST without a suggestion id solves again."""

    template_name = "rotation/suggestion_list.html"

    paginate_by = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        queryset = selectors.suggestion_list(user=user, plan=self.object).select_related("staff", "from_school")
        page = Paginator(queryset, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        selectors.add_default_dates(rows, term_start=self.object.term_start)
        return DetailView.get_context_data(
            self, suggestions=rows, page_obj=page, is_paginated=page.has_other_pages(),
            school_choices=selectors.school_choices(user=user), form_choices=Assignment.Form.choices,
            default_form=Assignment.Form.SUPPORT, weights=rules.ScoreWeights(), may_suggest=scope.is_bureau_staff(user),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        services.suggestions_generate(actor=request.user, plan=self.object)
        messages.success(request, MSG_SAVED)
        return redirect("rotation:suggestion-list", pk=self.object.pk)


class SuggestionDecideView(web.ActionView):
    """POST accept (with the accept form's fields) or discard one suggestion; refusals are messages on the list."""

    model = Suggestion
    form_takes_user = True

    def discarding(self) -> bool:
        return self.request.POST.get("decision") == "discard"

    def get_form(self, suggestion):
        if self.discarding():
            return forms.Form(self.request.POST)
        return SuggestionAcceptForm(self.request.POST, user=self.request.user)

    def perform(self, suggestion, data):
        if self.discarding():
            return services.suggestion_discard(actor=self.request.user, suggestion=suggestion)
        return services.suggestion_accept(actor=self.request.user, suggestion=suggestion, **data)

    def back(self, suggestion):
        return redirect("rotation:suggestion-list", pk=suggestion.plan_id)

    def invalid(self, suggestion, form):
        messages.error(self.request, form.errors.as_text())
        return self.back(suggestion)

    def refused(self, suggestion, form, error):
        messages.error(self.request, web.refusal_text(error))
        return self.back(suggestion)

    def done(self, suggestion, result):
        if not self.discarding():
            messages.success(self.request, MSG_SAVED)
        return self.back(suggestion)


class TitleStatementView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    """A printable statement of whether rotation history meets the title and principal-grade prerequisites."""

    model = Staff
    template_name = "rotation/title_statement.html"
    context_object_name = "staff"

    def narrow(self, queryset):
        return queryset.select_related("school", "school__region")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.title_statement_context(self.object, today=timezone.localdate()),
                                        **kwargs)


class ExemptionAttachmentView(AttachmentDownloadView):
    model = Exemption


class InspectionAttachmentView(AttachmentDownloadView):
    model = Inspection
