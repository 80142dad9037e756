"""Rotation forms: they validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org import scope
from org.attachments import validate_attachment
from org.forms import DateInput, StyledFormMixin
from org.models import Region, School, Staff, UserRole
from org.versioning import VersionedFormMixin
from rotation.models import Assignment, Exemption, Inspection, Plan, Policy, Rating
from rotation.services.assignments import BATCH_ACTIONS, EDITABLE_FIELDS, TRANSITIONS

MSG_STAFF_NOT_APPLICABLE = _("Choose a staff member of your school or county.")


class PolicyForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Policy
        fields = Policy.NUMBER_FIELDS


def applicable_staff(user):
    """Staff for whom the user may apply for an exemption: managed ones, or a principal's own."""
    if scope.has_role(user, UserRole.Role.PRINCIPAL):
        own = scope.visible_to(user, Staff).filter(status=Staff.Status.ACTIVE, school_id__in=scope.headed_school_ids(user))
        return own | scope.manageable(user, Staff)
    return scope.manageable(user, Staff)


class ExemptionApplyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Exemption
        fields = ["staff", "kind", "start", "end", "grounds", "attachment"]
        widgets = {"start": DateInput(format="%Y-%m-%d"), "end": DateInput(format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = applicable_staff(user).select_related("school")
        self.fields["staff"].error_messages["invalid_choice"] = MSG_STAFF_NOT_APPLICABLE


class ExemptionDecideForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Approve")), ("0", _("Reject"))], coerce=lambda value: value == "1"
    )
    reason = forms.CharField(label=_("decision reason"), widget=forms.Textarea(attrs={"rows": 3}))
    document_no = forms.CharField(label=_("approval document number"), required=False, max_length=64)
    attachment = forms.FileField(label=_("attachment"), required=False, validators=[validate_attachment])


class SplitForm(StyledFormMixin, forms.Form):
    target = forms.IntegerField(label=_("Target"), min_value=0)
    as_of = forms.DateField(label=_("As of"), widget=DateInput(format="%Y-%m-%d"))
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.visible_to(user, Region).exclude(level=Region.Level.PROVINCE)


class PlanForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["region", "name", "term_start", "opens_on", "deadline", "target"]
        widgets = {
            "term_start": DateInput(format="%Y-%m-%d"), "opens_on": DateInput(format="%Y-%m-%d"),
            "deadline": DateInput(format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.visible_to(user, Region).filter(level=Region.Level.CITY)


class SharesForm(StyledFormMixin, forms.Form):
    """One share field per county quota, plus the target; the service checks the sum and the floors."""

    target = forms.IntegerField(label=_("Target"), min_value=0)

    def __init__(self, *args, plan, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].initial = plan.target
        for quota in quotas:
            self.fields[f"county_{quota.county_id}"] = forms.IntegerField(
                label=quota.county.name, min_value=0, initial=quota.share
            )

    def shares(self) -> dict[int, int]:
        return {int(name.split("_")[1]): value for name, value in self.cleaned_data.items() if name.startswith("county_")}


class AssignmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "plan", "staff", "to_school", "form", "start", "planned_end", "post_at_destination", "relation_moves",
            "subsidy_yuan", "subsidy_note", "exemption_override",
        ]
        widgets = {
            "start": DateInput(format="%Y-%m-%d"), "planned_end": DateInput(format="%Y-%m-%d"),
            "exemption_override": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "staff" in self.fields:
            self.fields["staff"].queryset = scope.manageable(user, Staff).filter(status=Staff.Status.ACTIVE).select_related("school")
        self.fields["to_school"].queryset = scope.visible_to(user, School)
        self.fields["plan"].queryset = scope.visible_to(user, Plan)


class AssignmentEditForm(AssignmentForm):
    """A planned assignment's editable fields (the person and the filing date stay)."""

    class Meta(AssignmentForm.Meta):
        fields = [name for name in AssignmentForm.Meta.fields if name in EDITABLE_FIELDS]


class TransitionForm(StyledFormMixin, forms.Form):
    action = forms.ChoiceField(choices=[(action, action) for action in TRANSITIONS], widget=forms.HiddenInput)
    rating = forms.ChoiceField(label=_("rating"), choices=[("", "—"), *Rating.choices], required=False)
    reason = forms.CharField(label=_("Reason (ending early, rejecting or cancelling)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("Date"), required=False, widget=DateInput(format="%Y-%m-%d"))


class BatchForm(StyledFormMixin, forms.Form):
    """Several roster entries at once: approve them, or confirm their arrivals (optionally on one date)."""

    action = forms.ChoiceField(choices=[(action, action) for action in BATCH_ACTIONS])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={"required": _("Choose at least one entry.")})
    on = forms.DateField(label=_("Date of arrival"), required=False, widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()


class InspectionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["visited_on", "lesson_observation", "interviews", "ledger_review", "findings", "rating", "attachment"]
        widgets = {"visited_on": DateInput(format="%Y-%m-%d"), "findings": forms.Textarea(attrs={"rows": 3})}


class SuggestionAcceptForm(StyledFormMixin, forms.Form):
    """Accept a suggestion as it is or edited (another destination, dates, form)."""

    form = forms.ChoiceField(label=_("form"), choices=Assignment.Form.choices, initial=Assignment.Form.SUPPORT)
    start = forms.DateField(label=_("start"), widget=DateInput(format="%Y-%m-%d"))
    planned_end = forms.DateField(label=_("planned end"), widget=DateInput(format="%Y-%m-%d"))
    to_school = forms.ModelChoiceField(label=_("to school"), queryset=School.objects.none(), required=False)
    exemption_override = forms.CharField(label=_("reason for overriding an exemption"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = scope.visible_to(user, School)
