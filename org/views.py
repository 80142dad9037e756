"""Thin pages for regions, schools and staff: validate, call a selector or service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView, UpdateView
from django_filters.views import FilterView

from org import hooks, idcard, scope, selectors, services, versioning, web
from org.exporting import export_response
from org.filters import SchoolFilter, StaffFilter
from org.forms import SchoolForm, StaffForm, TransferDecisionForm
from org.models import School, Staff, TransferRequest, Unmasking
from org.permissions import may_decide_transfer
from org.services.privacy import unmaskings_record
from org.web import MSG_SAVED


class HomeView(LoginRequiredMixin, TemplateView):
    """The first page after login, the same for every role (only the scope differs): the user's inbox (what waits
    for them, with counts), the base-data counts and each app's dashboard section (org.hooks). A user without a
    scope of regions or schools (a reviewer, who sees only what is assigned to them) gets the inbox only. The
    regions the user sees are read once here and carried by the user to every section (scope.hold_regions_seen).
    The active staff are the stored figures of the periodic job (org.services.figures), shown with their time. Each
    app's section is loaded after the page from its own URL (DashboardSectionView): the page reads no section's
    figures, so it answers at once whatever the scope's size."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = {"roles": list(user.roles.select_related("region", "school")), "inbox": hooks.inbox(user),
                   "scoped": scope.has_scope(user), "sections": [], "map_script": settings.DASHBOARD_MAP_SCRIPT}
        if context["scoped"]:
            scope.hold_regions_seen(user)
            staff = services.staff_figure(user=user)
            context.update(school_count=selectors.school_list(user=user).count(), staff_count=staff["n"],
                           staff_computed_at=staff["computed_at"], sections=hooks.dashboard_names())
        return super().get_context_data(**context, **kwargs)


class DashboardSectionView(LoginRequiredMixin, TemplateView):
    """One app's home-page section (org.hooks), scoped to the user like the page: the home page's script asks for it
    with the X-Dashboard-Fragment header and puts the fragment in its place; without the header (no script, or a
    link followed) the section is a page of its own. 404 for an unknown section, a user without a scope of regions
    or schools (a reviewer), or a section that shows nothing to the user."""

    FRAGMENT_HEADER = "HTTP_X_DASHBOARD_FRAGMENT"

    def get_template_names(self):
        return ["includes/dashboard_fragment.html" if self.request.META.get(self.FRAGMENT_HEADER) else "home_section.html"]

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not scope.has_scope(user):
            raise Http404
        scope.hold_regions_seen(user)
        section = hooks.dashboard_section_named(self.kwargs["name"], user, timezone.localdate())
        if section is None:
            raise Http404
        return super().get_context_data(section=section, map_script=settings.DASHBOARD_MAP_SCRIPT, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["X-Dashboard-Fragment"])
        return response


class SchoolListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = School
    filterset_class = SchoolFilter
    paginate_by = 50
    template_name = "org/school_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region").order_by("code")


class SchoolExportView(LoginRequiredMixin, View):
    """The school list as filtered on its page, as the import's 学校 sheet (org.export_kinds); a job above
    EXPORT_INLINE_MAX_ROWS; bad or out-of-scope filters: the list page with its errors, 400."""

    def get(self, request):
        return export_response(request, "org.schools")


class SchoolDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = School
    template_name = "org/school_detail.html"

    def get_context_data(self, **kwargs):
        school = self.object
        return super().get_context_data(
            can_edit=scope.can_manage(self.request.user, school),
            staff_count=school.staff.filter(status=Staff.Status.ACTIVE).count(),
            history=selectors.history_of(school, user=self.request.user),
            **kwargs,
        )


class ManageFormMixin:
    """Edit pages: the object must be visible (else 404) and manageable (else 403); a save from a page
    opened before someone else's save is refused (org.versioning), naming what changed."""

    service = None
    form_user_kwarg = True

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not scope.can_manage(self.request.user, obj):
            raise PermissionDenied
        return obj

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        seen = data.pop("version", None)
        try:
            with transaction.atomic():
                versioning.check(self.object, seen=seen, reader=self.request.user)
                type(self).service(actor=self.request.user, **{self.context_object_name: self.object}, data=data)
        except ValidationError as error:  # a stale page (VersionConflict) or a service's refusal (an impossible date)
            web.add_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else self.get_success_url())


class SchoolUpdateView(LoginRequiredMixin, ManageFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = School
    form_class = SchoolForm
    context_object_name = "school"
    template_name = "org/school_form.html"
    service = services.school_update


class StaffListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Staff
    filterset_class = StaffFilter
    paginate_by = 50
    template_name = "org/staff_list.html"

    def narrow(self, queryset):
        return queryset.select_related("school", "school__region").order_by("school__code", "name", "id")


class StaffExportView(LoginRequiredMixin, View):
    """The staff list as filtered on its page, as the import's 教职工 sheet (org.export_kinds); a job above
    EXPORT_INLINE_MAX_ROWS; bad or out-of-scope filters: the list page with its errors, 400."""

    def get(self, request):
        return export_response(request, "org.staff")


class StaffDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Staff
    template_name = "org/staff_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("school", "school__region")

    def get_context_data(self, **kwargs):
        staff = self.object
        show_id_number = scope.is_bureau_staff(self.request.user)
        if show_id_number:
            unmaskings_record(actor=self.request.user, staff=[staff.pk], kind=Unmasking.Kind.RECORD)
        return super().get_context_data(
            can_edit=scope.can_manage(self.request.user, staff),
            show_id_number=show_id_number,
            unmaskings=staff.unmaskings.select_related("user").all()[:50] if show_id_number else (),
            work_history=staff.work_history.select_related("school").order_by("start"),
            staff_sections=hooks.staff_sections(self.request, staff),
            history=selectors.history_of(staff, user=self.request.user),
            **kwargs,
        )


class StaffUpdateView(LoginRequiredMixin, ManageFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = Staff
    form_class = StaffForm
    context_object_name = "staff"
    template_name = "org/staff_form.html"
    service = services.staff_update


class TransferListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    """Cross-county transfers the user's bureau requested, is losing a person to, or runs (the city)."""

    model = TransferRequest
    paginate_by = 50
    template_name = "org/transfer_list.html"

    def narrow(self, queryset):
        return queryset.select_related("to_school", "from_region", "staff", "requested_by").order_by(
            "-requested_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["show_requester"] = scope.is_bureau_staff(user)
        for request in context["object_list"]:
            # 调出区县 to a bureau that runs the county the person leaves (the city deciding it, that county);
            # the requesting county sees only its own row (DESIGN.md: nothing of another county).
            request.from_region_shown = request.from_region if scope.runs_region(user, request.from_region_id) else None
            request.can_decide = request.state == TransferRequest.State.PENDING and may_decide_transfer(user, request)
            request.masked_id = idcard.mask(request.staff.id_number)
        return context


class TransferDecideView(web.ActionView):
    """The city bureau approves (the record moves) or refuses a pending transfer."""

    model = TransferRequest
    form_class = TransferDecisionForm

    def perform(self, request, data):
        services.transfer_decide(actor=self.request.user, request=request, approve=data["decision"] == "approve")
