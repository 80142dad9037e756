"""Thin alliances pages: validate with a form, call one selector or service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, View
from django_filters.views import FilterView

from alliances import forms, permissions, rules, selectors, services
from alliances.filters import ActivityFilter, GroupFilter
from alliances.models import (
    Activity,
    ActivityAttachment,
    ComplianceItem,
    DispatchRequirement,
    Group,
    Membership,
    membership_from_q,
)
from org import attachments, charts, pickers, scope, web
from org.permissions import may_create_region_rows
from org.selectors import history_of
from org.web import MSG_SAVED, ActionView, ManagerOnlyMixin
from rotation.models import Assignment

MSG_RECOMPUTED = _("Compliance recomputed.")
MSG_SUGGESTED = _("Suggestions made; the pairs with gaps were passed in as partners.")


def current_term(request) -> rules.Term:
    """The term in `?term=` (2026-autumn), else today's; a term that cannot be read is said, once per request,
    beside the page showing today's term (alliances.rules.parse_term)."""
    given = request.GET.get("term", "").strip()
    try:
        return rules.parse_term(given)
    except ValueError:
        if given and not getattr(request, "_bad_term_said", False):
            request._bad_term_said = True
            messages.warning(request, forms.MSG_BAD_TERM)
        return rules.term_of(timezone.localdate())



FORM_PAGE = "alliances/form_page.html"  # org.web form pages with the group's name and an extra form above the fields


class ScopedRowMixin(scope.ScopedQuerysetMixin):
    """Pages about one row named in the URL (`pk`): `self.row` comes from the scoped queryset, else 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.row = self.get_queryset().get(pk=kwargs["pk"])
            except self.model.DoesNotExist:
                raise Http404(scope.MSG_NOT_FOUND) from None
        return super().dispatch(request, *args, **kwargs)


class GroupMixin(ScopedRowMixin):
    """Views under /groups/<pk>/: the group is read through scope (missing and forbidden both 404)."""

    model = Group

    def narrow(self, queryset):
        return queryset.select_related("region", "lead_school")

    @property
    def group(self) -> Group:
        return self.row

    def form_extra(self):
        return {"user": self.request.user, "group": self.group}

    def service_kwargs(self):
        return {"group": self.group}

    def get_success_url(self):
        return self.group.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)


class GroupChangeMixin(GroupMixin):
    """Write pages of one group: 403 (the Chinese page) for users who may see the group but not change it
    (supervisors, principals, another region's bureau), instead of a form that fails on submit."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                group = self.get_queryset().get(pk=kwargs["pk"])
            except self.model.DoesNotExist:
                raise Http404(scope.MSG_NOT_FOUND) from None
            if not permissions.may_manage_group(request.user, group):
                raise PermissionDenied(services.MSG_GROUP_FORBIDDEN)
        return super().dispatch(request, *args, **kwargs)


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "alliances/index.html"


class GroupListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Group
    filterset_class = GroupFilter
    paginate_by = 50
    template_name = "alliances/group_list.html"

    def narrow(self, queryset):
        return selectors.group_columns(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        term = current_term(self.request)
        counts = selectors.activity_counts([group.pk for group in context["object_list"]], term)
        for group in context["object_list"]:
            group.term_activities = counts.get(group.pk, 0)
        context.update(can_create=may_create_region_rows(self.request.user), term=term)
        return context


class GroupCreateView(ManagerOnlyMixin, web.ServiceFormView):
    form_class = forms.GroupCreateForm
    template_name = FORM_PAGE
    refused_by = web.REFUSALS_ON_PAGE
    title = _("New education group")
    service = staticmethod(services.group_create)  # then the new group's page


class GroupDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Group
    template_name = "alliances/group_detail.html"
    context_object_name = "group"

    def narrow(self, queryset):
        return queryset.select_related("region", "lead_school")

    def get_context_data(self, **kwargs):
        group, term = self.object, current_term(self.request)
        compliance = selectors.compliance_latest(group, term)
        return super().get_context_data(
            term=term, previous_term=rules.previous_term(term), compliance=compliance,
            memberships=selectors.membership_rows(group), posts=selectors.post_rows(group),
            activity_count=selectors.activity_counts([group], term).get(group.pk, 0),
            can_manage=permissions.may_manage_group(self.request.user, group) and group.is_active,
            today=timezone.localdate(),  # a member leaving ahead (or with a dissolution ahead) may still leave earlier
            member_form=forms.MemberAddForm(user=self.request.user), end_form=forms.MemberEndForm(),
            dissolve_form=forms.DissolveForm(), suggest_form=forms.SuggestForm(user=self.request.user),
            history=history_of(group), **kwargs)


class MemberAddView(GroupChangeMixin, web.ServiceFormView):
    form_class = forms.MemberAddForm
    template_name = FORM_PAGE
    title = _("Add a member school")

    def form_extra(self):
        return {"user": self.request.user}

    service = staticmethod(services.membership_add)


class MemberEndView(ActionView):
    """POST: a member school leaves on the given date (its last day in the group)."""

    model = Membership
    form_class = forms.MemberEndForm

    def perform(self, membership, data):
        services.membership_end(actor=self.request.user, membership=membership, **data)


class DissolveView(GroupChangeMixin, web.ServiceFormView):
    form_class = forms.DissolveForm
    template_name = FORM_PAGE
    title = _("Dissolve the group")

    def form_extra(self):
        return {}

    service = staticmethod(services.group_dissolve)


class PostAppointView(GroupChangeMixin, web.ServiceFormView):
    """Record an appointment; ?school= proposes that school's default 执行校长 (a vice principal the lead dispatched)."""

    form_class = forms.PostForm
    template_name = FORM_PAGE
    title = _("Appoint to a group post")

    def get_initial(self):
        school = (self.group.memberships.filter(membership_from_q(timezone.localdate()))
                  .filter(school_id=self.request.GET.get("school") or 0).first())
        if school is None:
            return {"kind": "head", "school": self.group.lead_school_id}
        staff = services.default_executive(self.group, school.school)
        return {"kind": "executive", "school": school.school_id, "staff": staff.pk if staff else None}

    service = staticmethod(services.post_appoint)


class RecomputeView(GroupMixin, LoginRequiredMixin, View):
    """POST: recompute this group's compliance for the term now (the nightly job does all groups)."""

    def post(self, request, pk):
        if not permissions.may_manage_group(request.user, self.group):
            raise PermissionDenied(services.MSG_GROUP_FORBIDDEN)
        term = current_term(request)
        services.compliance_compute(term=term, group_ids=[self.group.pk])
        messages.success(request, MSG_RECOMPUTED)
        return redirect(f"{self.group.get_absolute_url()}?term={term.code}")


class SuggestView(GroupMixin, web.ServiceFormView):
    """Pass the group's gap pairs into rotation's suggestions for a plan, then open rotation's suggestion list."""

    form_class = forms.SuggestForm
    refused_by = web.REFUSALS_ON_PAGE
    title = _("Suggestions that close gaps")
    template_name = "alliances/suggestions.html"

    def form_extra(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        term = current_term(self.request)
        compliance = selectors.compliance_latest(self.group, term)
        return super().get_context_data(
            term=term, compliance=compliance, pairs=selectors.partner_pairs(self.group, compliance),
            candidates=selectors.gap_candidates(user=self.request.user, group=self.group, compliance=compliance,
                                                on=timezone.localdate()), **kwargs)

    def perform(self, data):
        services.gap_suggestions_generate(actor=self.request.user, group=self.group, plan=data["plan"],
                                          term=current_term(self.request))
        return data["plan"]

    def get_success_url(self):
        messages.info(self.request, MSG_SUGGESTED)
        return reverse("rotation:suggestion-list", args=[self.result.pk])


class ComplianceItemView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    """Drill-down: the roster rows behind one count, each with what it teaches at the destination."""

    model = ComplianceItem
    template_name = "alliances/compliance_item.html"
    context_object_name = "item"

    def narrow(self, queryset):
        return queryset.select_related("compliance__group", "school")

    def get_context_data(self, **kwargs):
        return super().get_context_data(assignments=selectors.item_assignments(user=self.request.user, item=self.object),
                                        can_edit=scope.is_bureau_staff(self.request.user), **kwargs)


class DispatchDetailView(ScopedRowMixin, web.ServiceFormView):
    model = Assignment
    form_class = forms.DispatchDetailForm
    template_name = FORM_PAGE
    title = _("What the dispatched person teaches")

    def narrow(self, queryset):
        return queryset.select_related("staff")

    def form_extra(self):
        return {"instance": getattr(self.row, "alliance_detail", None)}

    def perform(self, data):
        try:
            return services.dispatch_detail_save(actor=self.request.user, assignment=self.row, **data)
        except PermissionDenied:
            raise Http404 from None

    def get_success_url(self):
        return self.request.GET.get("next") if (self.request.GET.get("next") or "").startswith("/alliances/") else reverse(
            "alliances:group-list")


class RequirementListView(LoginRequiredMixin, TemplateView):
    template_name = "alliances/requirement_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(requirements=selectors.requirement_list(user=self.request.user),
                                        region_form=forms.RequirementRegionForm(user=self.request.user), **kwargs)


class RequirementEditView(ScopedRowMixin, web.ServiceFormView):
    """Edit a requirement for a region: the default row's numbers become the region's own row."""

    model = DispatchRequirement
    form_class = forms.RequirementForm
    template_name = FORM_PAGE
    refused_by = web.REFUSALS_ON_PAGE
    title = _("Dispatch requirement")

    def form_extra(self):
        return {"instance": self.row}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.region_form = forms.RequirementRegionForm(self.request.POST or None, user=self.request.user,
                                                       initial={"region": self.row.region_id})
        return form

    def form_valid(self, form):
        if not self.region_form.is_valid():
            form.add_error(None, self.region_form.errors.get("region"))
            return self.form_invalid(form)
        return super().form_valid(form)

    def perform(self, data):
        return services.requirement_save(actor=self.request.user, group_type=self.row.group_type, kind=self.row.kind,
                                         region=self.region_form.cleaned_data["region"], **data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(subtitle=str(self.row), **kwargs)  # builds the forms
        context["extra_form"] = self.region_form
        return context

    def get_success_url(self):
        return reverse("alliances:requirement-list")


class ActivityListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Activity
    filterset_class = ActivityFilter
    paginate_by = 50
    template_name = "alliances/activity_list.html"

    def narrow(self, queryset):
        return selectors.activity_columns(queryset)


class ActivityCreateView(GroupChangeMixin, web.ServiceFormView):
    form_class = forms.ActivityForm
    template_name = FORM_PAGE
    title = _("Record a joint activity")

    def perform(self, data):
        upload = data.pop("attachment", None)
        return services.activity_create(actor=self.request.user, group=self.group, files=[upload] if upload else [], **data)

    def get_success_url(self):
        return reverse("alliances:activity-detail", args=[self.result.pk])


class ActivityDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Activity
    template_name = "alliances/activity_detail.html"
    context_object_name = "activity"

    def narrow(self, queryset):
        return queryset.select_related("group").prefetch_related("schools", "participants", "attachments")


class AttachmentDownloadView(attachments.AttachmentDownloadView):
    """Serve an attachment to whoever sees its activity (files are not under the public /media/), under the
    name and type it was uploaded with."""

    model = ActivityAttachment
    file_field, name_field, type_field = "file", "original_name", "content_type"


class ItinerantView(GroupMixin, LoginRequiredMixin, TemplateView):
    """走教 coverage of a township alliance: needs, weekly lessons, uncovered subjects; forms to add both."""

    template_name = "alliances/itinerant.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("slot_form", forms.SlotForm(user=self.request.user, group=self.group))
        kwargs.setdefault("need_form", forms.CourseNeedForm(user=self.request.user, group=self.group))
        return super().get_context_data(
            coverage=selectors.itinerant_coverage(self.group, timezone.localdate()),
            can_manage=permissions.may_manage_group(self.request.user, self.group), **kwargs)

    def post(self, request, pk):
        is_slot = "weekday" in request.POST
        form_class, service = (forms.SlotForm, services.slot_create) if is_slot else (forms.CourseNeedForm, services.course_need_save)
        form = form_class(request.POST, user=request.user, group=self.group)
        if form.is_valid():
            try:
                service(actor=request.user, group=self.group, **form.cleaned_data)
            except web.REFUSALS_ON_PAGE as error:
                web.add_refusal(form, error)
            else:
                messages.success(request, MSG_SAVED)
                return redirect("alliances:itinerant", pk=self.group.pk)
        key = "slot_form" if is_slot else "need_form"
        return self.render_to_response(self.get_context_data(**{key: form}))


class CoverageView(LoginRequiredMixin, TemplateView):
    """Coverage and gaps: share of schools in groups by county and stage, groups without activity, groups with gaps."""

    template_name = "alliances/coverage.html"

    def get_context_data(self, **kwargs):
        term, today = current_term(self.request), timezone.localdate()
        rows = selectors.coverage_rows(user=self.request.user, on=today)
        by_region = {}
        for row in rows:
            entry = by_region.setdefault(row.region, {"schools": 0, "in_groups": 0})
            entry["schools"] += row.schools
            entry["in_groups"] += row.in_groups
        chart = charts.spec(
            chart_id="coverage", title=_("Schools in an education group by county, per cent"), kind="bar", percent=True,
            max_value=100, categories=list(by_region),
            series=[charts.Series(_("in a group"), [round(100 * v["in_groups"] / v["schools"], 2) if v["schools"] else 0
                                                      for v in by_region.values()])])
        return super().get_context_data(
            term=term, rows=rows, chart=chart, totals=_totals(rows),
            idle=selectors.groups_without_activity(user=self.request.user, term=term)[:200],
            gaps=selectors.groups_with_gaps(user=self.request.user, term=term)[:200], **kwargs)


def _totals(rows) -> dict:
    schools, in_groups = sum(r.schools for r in rows), sum(r.in_groups for r in rows)
    return {"schools": schools, "in_groups": in_groups, "lead": sum(r.lead for r in rows), "member": sum(r.member for r in rows),
            "percent": round(100 * in_groups / schools, 2) if schools else 0}


class GroupPickerView(pickers.PickerView):
    """Education groups by name, for searchable pickers (org.pickers)."""

    model = Group
    ordering = ("name", "id")

    def search(self, queryset, text):
        return queryset.filter(name__icontains=text)
