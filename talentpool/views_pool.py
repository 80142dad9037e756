"""Pages of the pool's life: members, development records, training, studios, appointments."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView
from django_filters.views import FilterView

from org import scope
from org.selectors import history_of
from org.web import MSG_SAVED, FormTitleMixin, ManagerOnlyMixin, ServiceFormMixin
from talentpool import forms, selectors, services
from talentpool.filters import AppointmentFilter, PoolMemberFilter
from talentpool.models import Appointment, PoolMember, Studio, TrainingBatch
from talentpool.views import ActionView

FINAL_DIMENSIONS = ("ethics", "management_innovation", "leadership", "school_practice", "overall")
MSG_WARNING_OUTSIDE_POOL = _("Warning: this principal was not appointed from the principal reserve pool.")


class MemberListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = PoolMember
    filterset_class = PoolMemberFilter
    paginate_by = 50
    template_name = "talentpool/member_list.html"

    def narrow(self, queryset):
        return selectors.pool_member_columns(queryset).order_by("-joined", "id")


class MemberDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = PoolMember
    template_name = "talentpool/member_detail.html"

    def narrow(self, queryset):
        return selectors.pool_member_columns(queryset)

    def get_context_data(self, **kwargs):
        final_fields = [(name, forms.FinalEvaluationForm.base_fields[name].label) for name in FINAL_DIMENSIONS]
        return super().get_context_data(**selectors.member_page(user=self.request.user, member=self.object),
                                        final_fields=final_fields, history=history_of(self.object), **kwargs)


class TierMoveView(ActionView):
    model, form_class = PoolMember, forms.TierMoveForm

    def perform(self, member, data):
        services.tier_move(actor=self.request.user, member=member, **data)


class MemberStatusView(ActionView):
    model, form_class = PoolMember, forms.MemberStatusForm

    def perform(self, member, data):
        services.member_status_change(actor=self.request.user, member=member, **data)


class ReviewCompleteView(ActionView):
    model, form_class = PoolMember, forms.ReviewCompleteForm

    def perform(self, member, data):
        services.member_review_complete(actor=self.request.user, member=member, **data)


class StageSummaryView(ActionView):
    model, form_class = PoolMember, forms.StageSummaryForm

    def perform(self, member, data):
        services.stage_summary_submit(actor=self.request.user, member=member, **data)


class AnnualReviewView(ActionView):
    model, form_class = PoolMember, forms.AnnualReviewForm

    def perform(self, member, data):
        services.annual_review_record(actor=self.request.user, member=member, **data)


class FinalEvaluationView(ActionView):
    model, form_class = PoolMember, forms.FinalEvaluationForm

    def perform(self, member, data):
        services.final_evaluation_record(actor=self.request.user, member=member, **data)


class MentorView(ActionView):
    model, form_class, form_takes_user = PoolMember, forms.MentorForm, True

    def perform(self, member, data):
        services.mentoring_pair_create(actor=self.request.user, mentee=member, **data)


# --- training and studios ---------------------------------------------------------------------------


class TrainingListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = TrainingBatch
    filterset_fields = ["kind"]
    paginate_by = 50
    template_name = "talentpool/training_list.html"

    def narrow(self, queryset):
        return queryset.select_related("region", "base_school").order_by("-start", "id")


class TrainingDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = TrainingBatch
    template_name = "talentpool/training_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attendance=scope.visible_to(self.request.user, self.object.attendance.select_related("member__staff__school")),
            form=forms.AttendanceForm(user=self.request.user), history=history_of(self.object), **kwargs,
        )


class TrainingCreateView(LoginRequiredMixin, ManagerOnlyMixin, ServiceFormMixin, CreateView):
    model = TrainingBatch
    form_class = forms.TrainingBatchForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.training_batch_save), "batch"

    def redirect_to(self, batch):
        return batch


class AttendanceView(ActionView):
    model, form_class, form_takes_user = TrainingBatch, forms.AttendanceForm, True

    def perform(self, batch, data):
        services.attendance_record(actor=self.request.user, batch=batch, **data)


class StudioListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Studio
    filterset_fields = ["kind"]
    paginate_by = 50
    template_name = "talentpool/studio_list.html"

    def narrow(self, queryset):
        return queryset.select_related("host", "school").prefetch_related("memberships").order_by("kind", "name", "id")


class StudioDetailView(LoginRequiredMixin, scope.ScopedQuerysetMixin, DetailView):
    model = Studio
    template_name = "talentpool/studio_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            members=self.object.memberships.select_related("staff__school"),
            form=forms.StudioMemberForm(user=self.request.user), history=history_of(self.object), **kwargs,
        )


class StudioCreateView(LoginRequiredMixin, ManagerOnlyMixin, ServiceFormMixin, CreateView):
    model = Studio
    form_class = forms.StudioForm
    template_name = "talentpool/form.html"
    service, instance_kwarg = staticmethod(services.studio_save), "studio"

    def redirect_to(self, studio):
        return studio


class StudioMemberView(ActionView):
    model, form_class, form_takes_user = Studio, forms.StudioMemberForm, True

    def perform(self, studio, data):
        services.studio_member_add(actor=self.request.user, studio=studio, **data)


# --- appointments -----------------------------------------------------------------------------------


class AppointmentListView(LoginRequiredMixin, scope.ScopedQuerysetMixin, FilterView):
    model = Appointment
    filterset_class = AppointmentFilter
    paginate_by = 50
    template_name = "talentpool/appointment_list.html"

    def narrow(self, queryset):
        return selectors.appointment_columns(queryset).order_by("-appointed_on", "id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=selectors.promotion_report(user=self.request.user), **kwargs)


class AppointmentCreateView(LoginRequiredMixin, ManagerOnlyMixin, FormTitleMixin, CreateView):
    model = Appointment
    form_class = forms.AppointmentForm
    template_name = "talentpool/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            appointment = services.appointment_record(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if appointment.outside_pool_warning:
            messages.warning(self.request, MSG_WARNING_OUTSIDE_POOL)
        else:
            messages.success(self.request, MSG_SAVED)
        return redirect("talentpool:appointment-list")
