"""Pages for the reference tables the city bureau keeps: scoring forms with their items, and public holidays.

Everyone signed in reads them; city bureau staff change them (talentpool.services.reference). These
pages replace what bureau users did in the Django admin (issue 8, point 1).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, View
from django.views.generic.detail import SingleObjectMixin

from org import scope, web
from org.selectors import history_of
from org.web import MSG_SAVED
from talentpool import services
from talentpool.forms import HolidayForm, ScoringFormNameForm, ScoringItemFormSet
from talentpool.models import Holiday, ScoringForm
from talentpool.permissions import may_edit_reference_tables

MSG_DELETED = _("Deleted.")


class ScoringFormListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = ScoringForm
    paginate_by = 50
    template_name = "talentpool/scoring_form_list.html"

    def narrow(self, queryset):
        return queryset.prefetch_related("items").order_by("name", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=may_edit_reference_tables(self.request.user), **kwargs)


class ScoringFormEditView(LoginRequiredMixin, scope.ScopedQuerysetMixin, SingleObjectMixin, View):
    """Create (no pk) or edit a scoring form and its items on one page."""

    model = ScoringForm
    template_name = "talentpool/scoring_form_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_edit_reference_tables(request.user):
            raise PermissionDenied(services.MSG_CITY_ONLY)
        return super().dispatch(request, *args, **kwargs)

    def _current(self):
        return self.get_object() if "pk" in self.kwargs else None

    def get(self, request, *args, **kwargs):
        form = self._current()
        initial = [{"id": i.pk, "name": i.name, "weight": i.weight, "max_score": i.max_score, "order": i.order}
                   for i in (form.items.all() if form else [])]
        return self._render(form, ScoringFormNameForm(initial={"name": form.name if form else ""}),
                            ScoringItemFormSet(initial=initial, prefix="items"))

    def post(self, request, *args, **kwargs):
        form = self._current()
        head, items = ScoringFormNameForm(request.POST), ScoringItemFormSet(request.POST, prefix="items")
        if head.is_valid() and items.is_valid():
            rows = [{**row, "delete": row.get("DELETE", False)} for row in items.cleaned_data if row]
            try:
                form = services.scoring_form_save(actor=request.user, form=form, name=head.cleaned_data["name"], items=rows)
            except ValidationError as error:
                head.add_error(None, error.messages)
            else:
                messages.success(request, MSG_SAVED)
                return redirect("talentpool:scoring-form-list")
        return self._render(form, head, items)

    def _render(self, form, head, items):
        context = {"object": form, "head": head, "items": items, "history": history_of(form) if form else []}
        return render(self.request, self.template_name, context)


class HolidayListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    model = Holiday
    paginate_by = 100
    template_name = "talentpool/holiday_list.html"

    def narrow(self, queryset):
        return queryset.order_by("-date")

    def get_context_data(self, **kwargs):
        can_edit = may_edit_reference_tables(self.request.user)
        return super().get_context_data(can_edit=can_edit, form=HolidayForm() if can_edit else None, **kwargs)


class HolidayAddView(web.ServiceFormView):
    """POST a holiday from the list page's form; back to the list with a message either way."""

    form_class = HolidayForm
    http_method_names = ["post"]
    service = staticmethod(services.holiday_add)
    success_url = reverse_lazy("talentpool:holiday-list")

    def form_extra(self):
        return {}

    def form_invalid(self, form):
        messages.error(self.request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(self.success_url)


class HolidayDeleteView(web.ActionView):
    model = Holiday
    service, object_kwarg = staticmethod(services.holiday_delete), "holiday"

    def done(self, holiday, result):
        messages.success(self.request, MSG_DELETED)
        return redirect("talentpool:holiday-list")
