"""Thin rotation pages: validate, call a selector or service, render."""

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from org import scope
from org.models import Region, Staff
from org.selectors import history_of
from rotation import exports, selectors, services
from rotation.filters import EligibilityFilter, ExemptionFilter
from rotation.forms import ExemptionApplyForm, ExemptionDecideForm, PolicyForm, SplitForm
from rotation.models import Exemption

MSG_SAVED = _("Saved.")
MSG_BAD_PARAMETERS = _("Check the parameters: %(errors)s")


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "rotation/index.html"


def as_of_from(value) -> date:
    return value or selectors.default_as_of(timezone.localdate())


class EligibilityListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    """Each visible active staff member's status and reasons at an as-of date, filterable by status."""

    model = Staff
    filterset_class = EligibilityFilter
    paginate_by = 50
    template_name = "rotation/eligibility_list.html"

    def get_base_queryset(self):
        return Staff.objects.filter(status=Staff.Status.ACTIVE)

    def paginate_queryset(self, queryset, page_size):
        data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        self.as_of, status = as_of_from(data.get("as_of")), data.get("status")
        if not status:  # evaluate only the page shown
            paginator, page, staff, paginated = super().paginate_queryset(queryset.only("pk"), page_size)
            return paginator, page, selectors.evaluate_page(staff, self.as_of), paginated
        rows = [row for row in selectors.evaluate_staff(queryset, self.as_of) if row.decision.status == status]
        return super().paginate_queryset(rows, page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "as_of": self.as_of, "query": self.request.GET.urlencode()}


class EligibilityExportView(LoginRequiredMixin, TemplateView):
    """Download the eligibility roster (交流资格名册) of the user's scope (optionally one region)."""

    def get(self, request, *args, **kwargs):
        filterset = EligibilityFilter(request.GET, queryset=selectors.eligibility_staff(user=request.user), request=request)
        if not filterset.is_valid():
            raise Http404(MSG_BAD_PARAMETERS % {"errors": filterset.errors.as_text()})
        on = as_of_from(filterset.form.cleaned_data.get("as_of"))
        stream = io.BytesIO()
        exports.write_eligibility(stream, filterset.qs, on)
        stream.seek(0)
        return FileResponse(stream, as_attachment=True, filename=f"eligibility-{on.isoformat()}.xlsx")


class SplitView(LoginRequiredMixin, TemplateView):
    """Split a target across the visible counties by MUST_ROTATE + ELIGIBLE counts."""

    template_name = "rotation/split.html"

    def get_context_data(self, **kwargs):
        form = SplitForm(self.request.GET or None, user=self.request.user)
        shares = None
        if form.is_valid():
            shares = selectors.split_for_user(user=self.request.user, **form.cleaned_data)
        return super().get_context_data(form=form, shares=shares, **kwargs)


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
        self.region = scope.get_visible_or_404(request.user, Region, pk=kwargs["region"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.policy_for(self.region)}

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.fields}
        services.policy_save(actor=self.request.user, region=self.region, data=data)
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

    def get_base_queryset(self):
        return Exemption.objects.select_related("staff", "staff__school").order_by("-start", "id")


class ExemptionDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Exemption
    template_name = "rotation/exemption_detail.html"

    def get_base_queryset(self):
        return Exemption.objects.select_related("staff", "staff__school", "applied_by", "decided_by")

    def get_context_data(self, **kwargs):
        exemption = self.object
        may_decide = exemption.state == Exemption.State.APPLIED and scope.can_manage(self.request.user, exemption)
        return super().get_context_data(
            decide_form=ExemptionDecideForm() if may_decide else None, history=history_of(exemption), **kwargs
        )


class ExemptionApplyView(LoginRequiredMixin, FormView):
    form_class = ExemptionApplyForm
    template_name = "rotation/exemption_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"staff": self.request.GET.get("staff")}

    def form_valid(self, form):
        exemption = services.exemption_apply(actor=self.request.user, **form.cleaned_data)
        messages.success(self.request, MSG_SAVED)
        return redirect(exemption)


class ExemptionDecideView(LoginRequiredMixin, FormView):
    form_class = ExemptionDecideForm
    template_name = "rotation/exemption_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = selectors.exemption_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.exemption_decide(actor=self.request.user, exemption=self.object, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(self.object)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form")
        return super().get_context_data(object=self.object, decide_form=form, history=history_of(self.object), **kwargs)
