"""Thin pages of the talent pool: validate with a form, call one selector or service, render."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView
from django_filters.views import FilterView

from org import scope, web
from org.attachments import AttachmentDownloadView
from org.permissions import may_create_region_rows
from org.selectors import history_of
from org.web import MSG_SAVED, ManagerOnlyMixin, ServiceFormMixin
from talentpool import forms, permissions, selectors, services
from talentpool.filters import IntakeFilter, NominationFilter, ProgramFilter
from talentpool.models import EligibilityRule, Intake, Nomination, Objection, Program, Track

S = Nomination.Status
MSG_NOMINATORS_ONLY = _("Only principals (for their own school's staff) and bureau staff may nominate.")


def _run_by_user_or_403(user, program: Program) -> Program:
    """A visible program's tracks, rules and intakes are created by the bureau running it: everyone else is
    told so (403, the Chinese page), not shown a form the service would refuse."""
    if not permissions.runs_region(user, program.region_id):
        raise PermissionDenied(services.MSG_PROGRAM_OUT_OF_SCOPE)
    return program


def may_nominate_anyone(user) -> bool:
    """Principals (their own school's staff) and bureau staff who manage a region (its staff)."""
    return bool(scope.headed_school_ids(user)) or may_create_region_rows(user)


class IndexView(LoginRequiredMixin, TemplateView):
    template_name = "talentpool/index.html"


# --- programs, tracks, rules, intakes ----------------------------------------------------------


class ProgramListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Program
    filterset_class = ProgramFilter
    paginate_by = 50
    template_name = "talentpool/program_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region").prefetch_related("tracks").order_by("-start_year", "name", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_create=may_create_region_rows(self.request.user), **kwargs)


class ProgramDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Program
    template_name = "talentpool/program_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("region").prefetch_related(
            "tracks__rules", "tracks__intakes", "tracks__scoring_form__items",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_edit=permissions.runs_region(self.request.user, self.object.region_id),
            history=history_of(self.object), **kwargs,
        )


class ProgramCreateView(LoginRequiredMixin, ManagerOnlyMixin, ServiceFormMixin, CreateView):
    model = Program
    form_class = forms.ProgramForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.program_save), "program"

    def redirect_to(self, program):
        return program


class ProgramUpdateView(LoginRequiredMixin, ServiceFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = Program
    form_class = forms.ProgramForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.program_save), "program"

    scope_mode = scope.MANAGE  # only programs the user runs can be edited (others answer 404)

    def narrow(self, queryset):
        return queryset.select_related("region")

    def redirect_to(self, program):
        return program


class TrackCreateView(LoginRequiredMixin, ServiceFormMixin, CreateView):
    model = Track
    form_class = forms.TrackForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.track_save), "track"

    def get_form_kwargs(self):
        """The program is read before the form is shown or posted: outside the scope, 404 (not a form)."""
        program = scope.get_visible_or_404(self.request.user, Program, pk=self.kwargs["program"])
        _run_by_user_or_403(self.request.user, program)
        return {**super().get_form_kwargs(), "instance": Track(program=program)}

    def redirect_to(self, track):
        return track.program


class TrackUpdateView(LoginRequiredMixin, ServiceFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = Track
    form_class = forms.TrackForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.track_save), "track"

    def redirect_to(self, track):
        return track.program


class RuleCreateView(LoginRequiredMixin, ServiceFormMixin, CreateView):
    model = EligibilityRule
    form_class = forms.EligibilityRuleForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.eligibility_rule_save), "rule"

    def get_form_kwargs(self):
        track = scope.get_visible_or_404(self.request.user, Track.objects.select_related("program"),
                                         pk=self.kwargs["track"])
        _run_by_user_or_403(self.request.user, track.program)
        return {**super().get_form_kwargs(), "instance": EligibilityRule(track=track)}

    def redirect_to(self, rule):
        return rule.track.program


class RuleUpdateView(LoginRequiredMixin, ServiceFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = EligibilityRule
    form_class = forms.EligibilityRuleForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.eligibility_rule_save), "rule"

    def redirect_to(self, rule):
        return rule.track.program


class RuleDeleteView(web.ActionView):
    """POST: delete an eligibility rule, then back to its program."""

    model = EligibilityRule
    service, object_kwarg = staticmethod(services.eligibility_rule_delete), "rule"

    def narrow(self, queryset):
        return queryset.select_related("track__program")

    def done(self, rule, result):
        messages.success(self.request, MSG_SAVED)
        return redirect(rule.track.program)


class IntakeCreateView(LoginRequiredMixin, ServiceFormMixin, CreateView):
    model = Intake
    form_class = forms.IntakeForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.intake_save), "intake"

    def get_form_kwargs(self):
        track = scope.get_visible_or_404(self.request.user, Track.objects.select_related("program"),
                                         pk=self.kwargs["track"])
        _run_by_user_or_403(self.request.user, track.program)
        return {**super().get_form_kwargs(), "instance": Intake(track=track, quota=track.annual_quota)}

    def redirect_to(self, intake):
        return intake


class IntakeUpdateView(LoginRequiredMixin, ServiceFormMixin, scope.ScopedQuerysetMixin, UpdateView):
    model = Intake
    form_class = forms.IntakeForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.intake_save), "intake"

    def redirect_to(self, intake):
        return intake


class IntakeListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Intake
    filterset_class = IntakeFilter
    paginate_by = 50
    template_name = "talentpool/intake_list.html"

    def narrow(self, queryset):
        return selectors.intake_columns(queryset).order_by("-year", "track_id")


class IntakeDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Intake
    paginate_by = 50
    template_name = "talentpool/intake_detail.html"

    def narrow(self, queryset):
        return queryset.select_related("track", "track__program")

    def get_context_data(self, **kwargs):
        intake = self.object
        rows = selectors.nomination_list(user=self.request.user).filter(intake=intake).order_by("-submitted_at", "-id")
        page = Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            quota=selectors.quota_state(intake), nominations=page.object_list, page_obj=page,
            is_paginated=page.has_other_pages(),
            can_edit=permissions.runs_region(self.request.user, intake.track.program.region_id),
            history=history_of(intake), **kwargs,
        )


# --- nominations ----------------------------------------------------------------------------------


class NominationListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Nomination
    filterset_class = NominationFilter
    paginate_by = 50
    template_name = "talentpool/nomination_list.html"

    def narrow(self, queryset):
        return selectors.nomination_columns(queryset).order_by("-submitted_at", "-id")


class NoticeBatchView(LoginRequiredMixin, scope.ScopedQuerysetMixin, View):
    """POST several nominations (ids) with the notice's dates: 公示 opens on each that may; every refusal is a
    message naming the nominee (never a 403 page); ids not visible are counted as not found, like missing ones."""

    model = Nomination
    http_method_names = ["post"]

    def narrow(self, queryset):
        return selectors.nomination_columns(queryset)

    def post(self, request):
        form = forms.NoticeBatchForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return redirect("talentpool:nomination-list")
        data = form.cleaned_data
        ids = set(data["ids"])
        chosen = list(self.get_queryset().filter(pk__in=ids).order_by("pk"))
        if len(chosen) < len(ids):
            messages.error(request, web.MSG_NOT_FOUND_IN_BATCH % {"count": len(ids) - len(chosen)})
        done, refused = services.notice_publish_batch(actor=request.user, nominations=chosen, start=data["start"],
                                                      end=data["end"], comment=data["comment"])
        for nomination, message in refused:
            messages.error(request, f"{nomination.staff.name}：{message}")
        if done:
            messages.success(request, web.MSG_BATCH_DONE % {"count": len(done)})
        return redirect("talentpool:nomination-list")


class NominationCreateView(web.ServiceFormView):
    """Nominate: "check" shows the eligibility and the remaining quota; "submit" files the nomination."""

    form_class = forms.NominationForm
    template_name = "talentpool/nomination_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.intake = scope.get_visible_or_404(request.user, Intake.objects.select_related("track__program"), pk=kwargs["intake"])
        if request.user.is_authenticated and not may_nominate_anyone(request.user):
            raise PermissionDenied(MSG_NOMINATORS_ONLY)  # supervisors, reviewers: nobody they could nominate
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(intake=self.intake, quota=selectors.quota_state(self.intake), **kwargs)

    def checked(self, form):
        """"Check" needs only the nominee: the page again with the eligibility, before the reasons are written."""
        data = form.cleaned_data
        decision = selectors.eligibility_for(staff=data["staff"], intake=self.intake, head_teacher_since=data.get("head_teacher_since"))
        return self.render_to_response(self.get_context_data(form=form, decision=decision))

    def form_invalid(self, form):
        if "check" in self.request.POST and form.cleaned_data.get("staff") is not None:
            return self.checked(form)
        return super().form_invalid(form)

    def form_valid(self, form):
        if "check" in self.request.POST:
            return self.checked(form)
        return super().form_valid(form)

    def perform(self, data):
        return services.nomination_submit(
            actor=self.request.user, intake=self.intake, staff=data["staff"], reasons=data["reasons"],
            achievements=data["achievements"], head_teacher_since=data["head_teacher_since"], source=data["source"],
            attachments=data["attachments"],
        )


class NominationDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Nomination
    template_name = "talentpool/nomination_detail.html"

    def narrow(self, queryset):
        return selectors.nomination_columns(queryset)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.nomination_page(user=self.request.user, nomination=self.object), **kwargs)


class ActionView(web.ActionView):
    form_class = forms.CommentForm


class NominationActionView(ActionView):
    """One workflow step on a nomination the user may see."""

    model = Nomination

    def narrow(self, queryset):
        return selectors.nomination_columns(queryset)


class CountyPassView(NominationActionView):
    def perform(self, nomination, data):
        services.nomination_county_pass(actor=self.request.user, nomination=nomination, comment=data["comment"])


class ReturnView(NominationActionView):
    form_class = forms.ReasonForm

    def perform(self, nomination, data):
        services.nomination_return(actor=self.request.user, nomination=nomination, comment=data["reason"])


class RejectView(NominationActionView):
    form_class = forms.ReasonForm

    def perform(self, nomination, data):
        services.nomination_reject(actor=self.request.user, nomination=nomination, reason=data["reason"])


class WithdrawView(NominationActionView):
    form_class = forms.ReasonForm

    def perform(self, nomination, data):
        services.nomination_withdraw(actor=self.request.user, nomination=nomination, reason=data["reason"])


class ResubmitView(NominationActionView):
    form_class = forms.ResubmitForm

    def perform(self, nomination, data):
        services.nomination_resubmit(actor=self.request.user, nomination=nomination, **data)


class AssignView(NominationActionView):
    form_class = forms.AssignForm

    def perform(self, nomination, data):
        services.reviewers_assign(actor=self.request.user, nomination=nomination, reviewers=list(data["reviewers"]))


class ScoreView(NominationActionView):
    def get_form(self, nomination):
        form = nomination.intake.track.scoring_form
        return forms.ScoreSheetForm(self.request.POST, items=form.items.all() if form else [])

    def post(self, request, pk, **kwargs):
        self.assignment = get_object_or_404(
            selectors.nomination_get(user=request.user, pk=pk).assignments, reviewer=request.user,
        )
        return super().post(request, pk, **kwargs)

    def perform(self, nomination, data):
        values = {int(key.removeprefix("item_")): value for key, value in data.items() if key.startswith("item_")}
        services.scores_submit(actor=self.request.user, assignment=self.assignment, values=values, comment=data["comment"])


class NoticeView(NominationActionView):
    form_class = forms.NoticeForm

    def perform(self, nomination, data):
        services.notice_publish(actor=self.request.user, nomination=nomination, **data)


class ObjectionView(NominationActionView):
    form_class = forms.ObjectionForm

    def perform(self, nomination, data):
        services.objection_record(actor=self.request.user, nomination=nomination, **data)


class ResolveView(NominationActionView):
    form_class = forms.ResolveForm

    def perform(self, nomination, data):
        objection = get_object_or_404(Objection, pk=self.kwargs["objection"], nomination=nomination)
        services.objection_resolve(actor=self.request.user, objection=objection, resolution=data["resolution"])


class NoticeCloseView(NominationActionView):
    def perform(self, nomination, data):
        services.notice_close(actor=self.request.user, nomination=nomination, comment=data["comment"])


class DecideView(NominationActionView):
    form_class = forms.DecisionForm

    def perform(self, nomination, data):
        services.nomination_decide(actor=self.request.user, nomination=nomination, **data)


class InboxView(LoginRequiredMixin, TemplateView):
    template_name = "talentpool/inbox.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(inbox=selectors.inbox_page(user=self.request.user), **kwargs)


class NominationAttachmentView(AttachmentDownloadView):
    """A nomination's attachment, for whoever may see the nomination (its school, the bureau, its reviewers)."""

    model = Nomination

    def get_file(self, obj):
        attachment = obj.attachments.filter(pk=self.kwargs["attachment"]).first()
        return attachment.file if attachment is not None else None
