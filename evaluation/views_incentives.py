"""Pages of the incentives (issue 13 item 5) and of the per-region evaluation policies: the award fund's
allocations (compute, see, export), the senior-title post ratios per school (filters, export) and the edit
pages of a region's bound-rule, award-fund and title-ratio policies."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from evaluation import exports, rules, selectors_incentives, services_figures, services_incentives
from evaluation.models import AssessmentSchedule, BoundPolicy, FundAllocation, FundPolicy, TitleRatioPolicy
from evaluation.views import ScopedView
from org import scope
from org.downloads import file_download
from org.models import Region, School
from org.web import add_refusal

MSG_TITLE_FIGURES_QUEUED = _("The senior-title checks are being computed; reload the page in a moment.")
MSG_ALLOCATED = _("Award fund allocated: %(count)s recipients, %(allocated)s of %(fund)s yuan, %(left)s yuan unallocated.")
STATUS_LABELS = {
    rules.RATIO_OVER: _("Over the ratio"), rules.RATIO_UNDER: _("Under the ratio"), rules.RATIO_AT: _("At the ratio"),
    rules.RATIO_UNSET: _("No ratio set for this stage"), rules.RATIO_EMPTY: _("No staff"),
}


# --- the award fund ------------------------------------------------------------------------------


class FundComputeForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user).order_by("code")
        self.fields["year"].initial = timezone.localdate().year


class FundListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    """The allocations the user sees; bureau staff compute one for a region they run and a year."""

    model = FundAllocation
    paginate_by = 50
    template_name = "evaluation/fund_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region", "computed_by").order_by("-year", "region__code")

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = FundComputeForm(user=user) if scope.manages_any(user) else None
        return super().get_context_data(form=form, **kwargs)


class FundComputeView(LoginRequiredMixin, scope.ScopedQuerysetMixin, View):
    """POST a region and a year: allocate (again) through services_incentives.fund_allocate."""

    model = FundAllocation

    def post(self, request):
        form = FundComputeForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("evaluation:fund-list")
        try:
            allocation = services_incentives.fund_allocate(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
            return redirect("evaluation:fund-list")
        messages.success(request, MSG_ALLOCATED % {
            "count": allocation.shares.count(), "allocated": rules.yuan(allocation.fund_fen - allocation.unallocated_fen),
            "fund": rules.yuan(allocation.fund_fen), "left": rules.yuan(allocation.unallocated_fen)})
        return redirect(allocation)


class FundDetailView(ScopedView):
    model = FundAllocation

    def narrow(self, queryset):
        return queryset.select_related("region", "computed_by")

    def get(self, request, pk):
        allocation = self.get_object(pk)
        shares = list(selectors_incentives.share_list(user=request.user, allocation=allocation))
        return render(request, "evaluation/fund_detail.html", {
            "allocation": allocation, "shares": shares, "fund": rules.yuan(allocation.fund_fen),
            "staff_pool": rules.yuan(allocation.staff_pool_fen), "school_pool": rules.yuan(allocation.school_pool_fen),
            "unallocated": rules.yuan(allocation.unallocated_fen),
            "changes_since": selectors_incentives.fund_changes_since(allocation),
            "can_compute": scope.runs_region(request.user, allocation.region_id)})


class FundExportView(ScopedView):
    model = FundAllocation

    def get(self, request, pk):
        allocation = self.get_object(pk)
        return file_download(lambda target: exports.fund_export(target, user=request.user, allocation=allocation),
                             f"award-fund-{allocation.region.code}-{allocation.year}.xlsx")


# --- senior-title post ratios ------------------------------------------------------------------------


class TitleRatioFilterForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", "---------"), *School.Stage.choices])
    status = forms.ChoiceField(label=_("Result"), required=False,
                               choices=[("", "---------"), *((k, v) for k, v in STATUS_LABELS.items())])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = selectors_incentives.regions_for_filter(user)


class CountedPaginator(Paginator):
    """A paginator told its count (the title-ratio page sums its counts by status: no second COUNT query)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property: this is its cached value


class TitleRatioView(LoginRequiredMixin, scope.ScopedQuerysetMixin, TemplateView):
    """Each visible school's senior-title posts against its stage's ratio, over and under listed with numbers, from
    the stored checks (selectors_incentives.title_ratio_rows, which reads visible_to(user, TitleRatioFigure)) with
    when they were computed; POST (bureau staff) queues them now."""

    model = School
    template_name = "evaluation/title_ratio.html"
    export = False
    paginate_by = 100

    def rows(self):
        form = TitleRatioFilterForm(self.request.GET or None, user=self.request.user)
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return form, selectors_incentives.title_ratio_rows(user=self.request.user, **data)

    def get(self, request, *args, **kwargs):
        form, rows = self.rows()
        if self.export:
            return file_download(lambda target: exports.title_ratio_export(target, rows=rows), "senior-title-ratios.xlsx")
        found = selectors_incentives.title_ratio_counts(rows)
        counts = {status: found.get(status, 0) for status in STATUS_LABELS}
        page = CountedPaginator(rows, self.paginate_by, count=sum(found.values())).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return self.render_to_response(self.get_context_data(
            filter_form=form, page_obj=page, object_list=page.object_list, is_paginated=page.has_other_pages(),
            status_labels=STATUS_LABELS, counts=counts, query=query.urlencode(),
            computed_at=selectors_incentives.title_ratio_computed_at(), may_compute=scope.is_bureau_staff(request.user)))

    def post(self, request, *args, **kwargs):
        services_figures.title_ratio_figures_request(actor=request.user)  # refused: PermissionDenied, 403
        messages.success(request, MSG_TITLE_FIGURES_QUEUED)
        return redirect("evaluation:title-ratios")


class TitleRatioExportView(TitleRatioView):
    export = True
    http_method_names = ["get", "head", "options"]


# --- per-region policies ---------------------------------------------------------------------------


POLICY_TITLES = {"bound": _("Bound-rule policy"), "fund": _("Award fund rule"), "title": _("Senior-title post ratios"),
                 "schedule": _("Yearly assessment date")}


class BoundPolicyForm(forms.ModelForm):
    class Meta:
        model = BoundPolicy
        fields = services_incentives.BOUND_FIELDS


class FundPolicyForm(forms.ModelForm):
    fund_yuan = forms.DecimalField(label=_("Yearly fund (yuan)"), max_digits=14, decimal_places=2, min_value=0,
                                   help_text=_("The group-schooling implementation opinions set aside 3 to 5 million yuan a year."))

    class Meta:
        model = FundPolicy
        fields = [name for name in FundPolicy.FIELDS if name != "fund_fen"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund_yuan"].initial = rules.yuan(self.instance.fund_fen)
        self.order_fields(["fund_yuan", *self.Meta.fields])

    def policy_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return {"fund_fen": int(self.cleaned_data["fund_yuan"] * 100), **data}


class TitleRatioPolicyForm(forms.ModelForm):
    class Meta:
        model = TitleRatioPolicy
        fields = TitleRatioPolicy.FIELDS


class ScheduleForm(forms.ModelForm):
    """The region's yearly assessment date (AssessmentSchedule); 2月30日 and the like are refused by the model's
    clean (rules.yearly_date_problem), then again by the service."""

    class Meta:
        model = AssessmentSchedule
        fields = services_incentives.SCHEDULE_FIELDS


POLICY_FORMS = {"bound": BoundPolicyForm, "fund": FundPolicyForm, "title": TitleRatioPolicyForm,
                "schedule": ScheduleForm}


class PolicyListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    """The evaluation policies in force in each visible region (and its yearly assessment date), with edit links
    for the bureau staff who run it."""

    model = Region
    template_name = "evaluation/policy_list.html"

    def narrow(self, queryset):
        return queryset.exclude(level=Region.Level.PROVINCE).select_related("parent__parent").order_by("code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, policies = [], services_incentives.PolicyRows()
        for region in context["object_list"]:
            rows.append({"region": region, "can_edit": scope.runs_region(self.request.user, region.pk),
                         **{kind: policies.in_force(kind, region) for kind in POLICY_FORMS}})
        return {**context, "rows": rows}


class PolicyEditView(ScopedView):
    """Edit a region's own row of one policy kind (GET: the policy in force; POST: region_policy_save)."""

    model = Region
    kind = ""

    def form(self, region, data=None):
        instance = services_incentives.policy_in_force(self.kind, region)
        return POLICY_FORMS[self.kind](data, instance=instance)

    def page(self, region, form):
        if not scope.runs_region(self.request.user, region.pk):
            raise PermissionDenied(services_incentives.MSG_POLICY_FORBIDDEN)
        return render(self.request, "evaluation/form.html", {
            "form": form, "title": f"{POLICY_TITLES[self.kind]} · {region.name}", "cancel_url": "/evaluation/policies/"})

    def get(self, request, pk):
        region = self.get_object(pk)
        return self.page(region, self.form(region))

    def post(self, request, pk):
        region = self.get_object(pk)
        form = self.form(region, request.POST)
        if form.is_valid():
            data = form.policy_data() if hasattr(form, "policy_data") else {n: form.cleaned_data[n] for n in form.Meta.fields}
            try:
                services_incentives.region_policy_save(actor=request.user, kind=self.kind, region=region, data=data)
            except ValidationError as error:
                add_refusal(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("evaluation:policy-list")
        return self.page(region, form)


class BoundPolicyEditView(PolicyEditView):
    kind = "bound"


class FundPolicyEditView(PolicyEditView):
    kind = "fund"


class TitleRatioPolicyEditView(PolicyEditView):
    kind = "title"


class SchedulePolicyEditView(PolicyEditView):
    """The region's yearly assessment date (issue 13 item 4): beat's daily job starts the region's closed
    year-end cycles on it (services_job.assessment_runs_due)."""

    kind = "schedule"
