"""Forms of the talent-pool pages: they validate; the services write."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from org import scope
from org.attachments import validate_attachment
from org.forms import DateInput, StyledFormMixin
from org.models import School, Staff, UserRole
from org.versioning import VersionedFormMixin
from talentpool.models import (
    Appointment,
    EligibilityRule,
    Grade,
    Intake,
    Level,
    Nomination,
    PoolMember,
    Program,
    ScoringForm,
    Studio,
    Track,
    TrainingBatch,
)


def _date_widgets(*names):
    return {name: DateInput(format="%Y-%m-%d") for name in names}


class ProgramForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Program
        fields = ["name", "level", "region", "start_year", "years", "notice_working_days", "review_interval_years", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user)


class TrackForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "pool_type", "annual_quota", "scoring_form"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scoring_form"].queryset = scope.visible_to(user, ScoringForm)


class EligibilityRuleForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EligibilityRule
        fields = ["kind", "number", "choices"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


class IntakeForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Intake
        fields = ["year", "opens", "closes", "quota"]
        widgets = _date_widgets("opens", "closes")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class NominationForm(StyledFormMixin, forms.Form):
    """A school's nomination (or a personal application recorded by the school or the bureau)."""

    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("nominee"))
    source = forms.ChoiceField(choices=Nomination.Source.choices, label=_("source"), initial=Nomination.Source.NOMINATION)
    head_teacher_since = forms.DateField(
        required=False, label=_("head teacher since"), widget=DateInput(format="%Y-%m-%d"),
        help_text=_("Stated by the nominating school; the staff record holds no head-teacher start date."),
    )
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("reasons for nomination"))
    achievements = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("achievements"), required=False)
    attachments = MultipleFileField(required=False, label=_("attachments"), validators=[validate_attachment])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = scope.staff_managed_or_headed(user).filter(status=Staff.Status.ACTIVE).select_related("school").order_by("school__code", "name")


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("comment"))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("reason"))


class ResubmitForm(StyledFormMixin, forms.Form):
    reasons = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("reasons for nomination"))
    achievements = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("achievements"), required=False)
    comment = forms.CharField(required=False, label=_("comment"))


class AssignForm(StyledFormMixin, forms.Form):
    reviewers = forms.ModelMultipleChoiceField(queryset=get_user_model().objects.none(), label=_("reviewers"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = get_user_model().objects.filter(
            roles__role=UserRole.Role.REVIEWER, is_active=True,
        ).order_by("username")


class ScoreSheetForm(StyledFormMixin, forms.Form):
    """One field per item of the track's scoring form."""

    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label=_("comment"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.name}（{_('weight')} {item.weight}，{_('maximum score')} {item.max_score}）",
                min_value=0, max_value=item.max_score, decimal_places=2,
            )
        self.order_fields([f"item_{item.pk}" for item in self.items] + ["comment"])

    def values(self) -> dict:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class NoticeForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("public notice from"), widget=DateInput(format="%Y-%m-%d"))
    end = forms.DateField(label=_("public notice until"), widget=DateInput(format="%Y-%m-%d"))
    comment = forms.CharField(required=False, label=_("comment"))


class NoticeBatchForm(NoticeForm):
    """公示 on several nominations at once, with the same dates."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={"required": _("Choose at least one nomination.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()


class ObjectionForm(StyledFormMixin, forms.Form):
    received = forms.DateField(label=_("received on"), widget=DateInput(format="%Y-%m-%d"))
    raised_by = forms.CharField(required=False, label=_("raised by"))
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("content"))


class ResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("resolution"))


class DecisionForm(StyledFormMixin, forms.Form):
    admit = forms.TypedChoiceField(
        choices=[("1", _("Admit to the pool")), ("0", _("Do not admit"))], coerce=lambda value: value == "1",
        label=_("decision"),
    )
    meeting_date = forms.DateField(label=_("meeting date"), widget=DateInput(format="%Y-%m-%d"))
    minutes_ref = forms.CharField(label=_("minutes reference"))
    comment = forms.CharField(required=False, label=_("comment"))


class TierMoveForm(StyledFormMixin, forms.Form):
    to_tier = forms.ChoiceField(choices=Level.choices, label=_("to tier"))
    moved_on = forms.DateField(label=_("moved on"), widget=DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(required=False, label=_("reason"))


class MemberStatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[(PoolMember.Status.WITHDRAWN, PoolMember.Status.WITHDRAWN.label), (PoolMember.Status.EXPIRED, PoolMember.Status.EXPIRED.label)],
        label=_("status"),
    )
    reason = forms.CharField(label=_("reason"))


class AppointmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["staff", "to_post", "school", "appointed_on", "document_ref"]
        widgets = _date_widgets("appointed_on")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = scope.manageable(user, Staff).select_related("school")
        self.fields["school"].queryset = scope.manageable(user, School)


class TrainingBatchForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TrainingBatch
        fields = ["name", "kind", "region", "base_school", "start", "end", "hours"]
        widgets = _date_widgets("start", "end")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user)
        self.fields["base_school"].queryset = scope.visible_to(user, School)


class ReviewCompleteForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DateInput(format="%Y-%m-%d"))
    keep = forms.TypedChoiceField(
        choices=[("1", _("Keep in the pool")), ("0", _("Let the membership expire"))], coerce=lambda value: value == "1",
        label=_("decision"),
    )
    reason = forms.CharField(required=False, label=_("reason"))


class StageSummaryForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("year"))
    content = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("summary"))


class AnnualReviewForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("year"))
    grade = forms.ChoiceField(choices=Grade.choices, label=_("grade"))
    comment = forms.CharField(required=False, label=_("comment"))


class FinalEvaluationForm(StyledFormMixin, forms.Form):
    ethics = forms.ChoiceField(choices=Grade.choices, label=_("professional ethics"))
    management_innovation = forms.ChoiceField(choices=Grade.choices, label=_("management innovation"))
    leadership = forms.ChoiceField(choices=Grade.choices, label=_("leading by example"))
    school_practice = forms.ChoiceField(choices=Grade.choices, label=_("school practice"))
    overall = forms.ChoiceField(choices=Grade.choices, label=_("overall"))
    award_recommended = forms.BooleanField(required=False, label=_("recommended for the annual award"))
    evaluated_on = forms.DateField(label=_("evaluated on"), widget=DateInput(format="%Y-%m-%d"))


class MentorForm(StyledFormMixin, forms.Form):
    mentor = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("mentor"))
    start = forms.DateField(label=_("start"), widget=DateInput(format="%Y-%m-%d"))
    goals = forms.CharField(required=False, label=_("goals"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = scope.visible_to(user, Staff).filter(status=Staff.Status.ACTIVE)


class AttendanceForm(StyledFormMixin, forms.Form):
    member = forms.ModelChoiceField(queryset=PoolMember.objects.none(), label=_("pool member"))
    attended = forms.BooleanField(required=False, initial=True, label=_("attended"))
    hours = forms.DecimalField(min_value=0, decimal_places=1, label=_("hours"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = scope.visible_to(user, PoolMember).filter(status=PoolMember.Status.ACTIVE) \
            .select_related("staff")


class StudioForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Studio
        fields = ["name", "kind", "host", "school", "founded"]
        widgets = _date_widgets("founded")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = scope.visible_to(user, Staff).select_related("school")
        self.fields["school"].queryset = scope.manageable(user, School)


class StudioMemberForm(StyledFormMixin, forms.Form):
    staff = forms.ModelChoiceField(queryset=Staff.objects.none(), label=_("staff member"))
    joined = forms.DateField(label=_("joined"), widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = scope.visible_to(user, Staff).filter(status=Staff.Status.ACTIVE)


# --- reference tables: scoring forms and holidays (city bureau) -----------------------------------


class ScoringFormNameForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=128)


class ScoringItemForm(StyledFormMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("item"), max_length=128)
    weight = forms.DecimalField(label=_("weight"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    max_score = forms.IntegerField(label=_("maximum score"), min_value=1, max_value=1000, initial=100)
    order = forms.IntegerField(label=_("order"), min_value=0, initial=0)


ScoringItemFormSet = forms.formset_factory(ScoringItemForm, extra=2, can_delete=True)


class HolidayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("date"), widget=DateInput(format="%Y-%m-%d"))
    name = forms.CharField(label=_("name"), max_length=64)
