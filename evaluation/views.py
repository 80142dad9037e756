"""Thin pages of the evaluation app: schemes and their indicators, cycles and their administration.
Scoring, results and quality data are in views_scoring.py."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from evaluation import forms, permissions, selectors, services
from evaluation.models import Cycle, Indicator, Scheme
from org import scope, web
from org.exporting import export_response
from org.permissions import may_create_region_rows
from org.selectors import history_of
from org.web import MSG_SAVED, ActionView, ManagerOnlyMixin

MSG_NEW_VERSION = _("The scheme is used by a cycle; your change made version %(version)s.")



class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "evaluation/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_bureau=scope.is_bureau_staff(self.request.user),
            assignment_count=selectors.my_assignments(user=self.request.user).filter(submitted_at__isnull=True).count(),
            **kwargs)


# --- schemes ---------------------------------------------------------------------------------------


class SchemeListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = Scheme
    paginate_by = 50
    template_name = "evaluation/scheme_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("name", "-version", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=may_create_region_rows(self.request.user), **kwargs)


class SchemeDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Scheme
    template_name = "evaluation/scheme_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("region")

    def get_context_data(self, **kwargs):
        scheme = self.object
        return super().get_context_data(
            rows=selectors.scheme_rows(scheme), problems=selectors.scheme_problems(scheme),
            can_edit=permissions.may_manage_region(self.request.user, scheme.region_id),
            versions=Scheme.objects.filter(lineage=scheme.lineage).order_by("version"),
            history=history_of(scheme, user=self.request.user), **kwargs)


class ScopedView(LoginRequiredMixin, scope.ScopedQuerysetMixin, View):
    """A page reading its row through the scoped base (`model`, optional `narrow`): 404 when out of scope."""

    def get_object(self, pk):
        try:
            return self.get_queryset().get(pk=pk)
        except self.model.DoesNotExist:
            raise Http404(scope.MSG_NOT_FOUND) from None


class FormPage(web.ServiceFormView, ScopedView):
    """org.web's form page (form, service, redirect with a message, or the form again with the refusals) for
    rows named in the URL: `setup_object(**kwargs)` reads them through scope before either method."""

    template_name = "evaluation/form.html"
    refused_by = web.REFUSALS_ON_PAGE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:  # an anonymous user goes to the login page first
            self.setup_object(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def setup_object(self, **kwargs) -> None:
        pass

    def form_extra(self) -> dict:
        return {}


class SchemeCreateView(ManagerOnlyMixin, FormPage):
    model = Scheme
    form_class = forms.SchemeForm
    title = _("New indicator scheme")

    def form_extra(self):
        return {"user": self.request.user}

    def perform(self, data):
        return services.scheme_create(actor=self.request.user, data={name: data[name] for name in forms.SchemeForm.Meta.fields})


class SchemeEditView(FormPage):
    model = Scheme
    form_class = forms.SchemeForm
    title = _("Edit indicator scheme")

    def setup_object(self, pk):
        self.scheme = self.get_object(pk)

    def form_extra(self):
        return {"user": self.request.user, "instance": Scheme.objects.get(pk=self.scheme.pk)}

    def perform(self, data):
        data = {name: data[name] for name in forms.SchemeForm.Meta.fields}
        saved = services.scheme_update(actor=self.request.user, scheme=self.scheme, data=data)
        if saved.pk != self.scheme.pk:
            messages.info(self.request, MSG_NEW_VERSION % {"version": saved.version})
        return saved


class SchemeNewVersionView(ActionView):
    """POST: a new version of a scheme (then its page); a refusal comes back as a message."""

    model = Scheme
    form_class = forms.EmptyForm
    service, object_kwarg = staticmethod(services.scheme_new_version), "scheme"
    refused_by = web.REFUSALS_ON_PAGE

    def done(self, scheme, new_version):
        messages.success(self.request, MSG_SAVED)
        return redirect(new_version)


class IndicatorFormView(FormPage):
    model = Indicator
    form_class = forms.IndicatorForm
    title = _("Indicator")

    def setup_object(self, scheme_pk, pk=None):
        self.scheme = selectors.scheme_get(user=self.request.user, pk=scheme_pk)
        self.instance = self.get_object(pk) if pk else None
        if self.instance is not None and self.instance.scheme_id != self.scheme.pk:
            raise Http404(scope.MSG_NOT_FOUND)

    def form_extra(self):
        return {"scheme": self.scheme, "instance": self.instance}

    def save(self, form):
        indicator = form.save(commit=False)
        indicator.scheme = self.scheme
        services.indicator_save(actor=self.request.user, indicator=indicator)
        return self.scheme


class IndicatorDeleteView(ActionView):
    model = Indicator
    form_class = forms.EmptyForm

    def narrow(self, queryset):
        return queryset.filter(scheme_id=self.kwargs["scheme_pk"]).select_related("scheme")

    def perform(self, indicator, data):
        services.indicator_delete(actor=self.request.user, indicator=indicator)


# --- cycles ------------------------------------------------------------------------------------------


class CycleListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = Cycle
    paginate_by = 50
    template_name = "evaluation/cycle_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region", "scheme").order_by("-year", "name", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=may_create_region_rows(self.request.user), **kwargs)


class CycleCreateView(ManagerOnlyMixin, FormPage):
    model = Cycle
    form_class = forms.CycleForm
    template_name = "evaluation/cycle_form.html"
    title = _("New assessment cycle")

    def form_extra(self):
        return {"user": self.request.user}

    def groups(self):
        """The rater groups' formset, bound on POST (shown with its errors beside the form's)."""
        if not hasattr(self, "_groups"):
            self._groups = forms.GroupFormSet(self.request.POST or None, prefix="groups")
        return self._groups

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=self.groups(), **kwargs)

    def form_valid(self, form):
        if not self.groups().is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, data):
        rows = [g.cleaned_data for g in self.groups() if g.cleaned_data.get("name")]
        data = {name: data[name] for name in forms.CycleForm.Meta.fields}
        return services.cycle_create(actor=self.request.user, data=data, groups=rows)


class CycleDetailView(ScopedView):
    """The cycle's page: status and actions for its administrator, subjects, raters' progress,
    the missing list and the distribution of ratings."""

    model = Cycle

    def narrow(self, queryset):
        return queryset.select_related("region", "scheme")

    def get(self, request, pk):
        cycle = self.get_object(pk)
        admin = permissions.may_administer(request.user, cycle)
        subjects = selectors.subject_list(user=request.user, cycle=cycle)
        context = {
            "cycle": cycle, "is_admin": admin, "groups": selectors.groups_of(cycle),
            "subjects": subjects[:500], "subject_count": subjects.count(),
            "missing": selectors.missing_for_user(user=request.user, cycle=cycle) if cycle.status == Cycle.Status.OPEN else [],
            "distribution": selectors.distribution(user=request.user, cycle=cycle),
            # The cycle's own record (publication's quota warnings, reopen reasons) names schools of every county
            # the cycle covers: its administrators' only, not every bureau that sees the cycle.
            "events": cycle.events.select_related("actor") if admin else [],
            "quota": [(check, selectors.quota_message(check)) for check in selectors.quota_checks(cycle)]
            if admin and cycle.status in (Cycle.Status.CLOSED, Cycle.Status.PUBLISHED) else [],
        }
        if admin:
            context["filter_form"] = forms.SubjectFilterForm(user=request.user)
            context["assign_form"] = forms.AssignForm(cycle=cycle, user=request.user)
            context["reason_form"] = forms.ReasonForm()
        return render(request, "evaluation/cycle_detail.html", context)


class CycleActionView(ActionView):
    """POST one administrative step on a visible cycle (org.web.ActionView); a refusal comes back as a
    message; `perform` may add its own messages (counts, quota warnings)."""

    model = Cycle
    form_class = forms.EmptyForm

    def narrow(self, queryset):
        return queryset.select_related("scheme")

    def form_kwargs(self, cycle):
        return {}

    def get_form(self, cycle):
        return self.form_class(self.request.POST, **self.form_kwargs(cycle))


class CycleGenerateView(CycleActionView):
    form_class = forms.SubjectFilterForm

    def form_kwargs(self, cycle):
        return {"user": self.request.user}

    def perform(self, cycle, data):
        added = services.subjects_generate(actor=self.request.user, cycle=cycle, region=data["region"], stage=data["stage"],
                                           location=data["location"], posts=tuple(data["posts"]))
        messages.info(self.request, _("%(count)s subjects added.") % {"count": added})


class CycleAssignView(CycleActionView):
    form_class = forms.AssignForm

    def form_kwargs(self, cycle):
        return {"cycle": cycle, "user": self.request.user}

    def perform(self, cycle, data):
        subjects = list(data["subjects"]) or list(selectors.subject_list(user=self.request.user, cycle=cycle))
        added = services.assignments_create(actor=self.request.user, cycle=cycle, raters=list(data["raters"]),
                                            group=data["group"], subjects=subjects, section=data["section"])
        messages.info(self.request, _("%(count)s assignments added.") % {"count": added})


class CycleOpenView(CycleActionView):
    def perform(self, cycle, data):
        services.cycle_open(actor=self.request.user, cycle=cycle)


class CycleCloseView(CycleActionView):
    def perform(self, cycle, data):
        services.cycle_close(actor=self.request.user, cycle=cycle)


class CycleReopenView(CycleActionView):
    form_class = forms.ReasonForm

    def perform(self, cycle, data):
        services.cycle_reopen(actor=self.request.user, cycle=cycle, reason=data["reason"])


class CyclePublishView(CycleActionView):
    def perform(self, cycle, data):
        warnings = services.cycle_publish(actor=self.request.user, cycle=cycle)
        for warning in warnings:
            messages.warning(self.request, warning)


class CycleResultsExportView(ScopedView):
    model = Cycle

    def get(self, request, pk):
        cycle = self.get_object(pk)
        return export_response(request, "evaluation.results", {"cycle": cycle.pk})


class CycleMissingExportView(ScopedView):
    model = Cycle

    def get(self, request, pk):
        cycle = self.get_object(pk)
        return export_response(request, "evaluation.missing", {"cycle": cycle.pk})
