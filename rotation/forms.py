"""Rotation forms: they validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org import scope
from org.forms import DateInput, StyledFormMixin
from org.models import Region, Staff, UserRole
from rotation.models import Exemption, Policy

MSG_STAFF_NOT_APPLICABLE = _("Choose a staff member of your school or county.")


class PolicyForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Policy
        fields = Policy.NUMBER_FIELDS


def applicable_staff(user):
    """Staff for whom the user may apply for an exemption: managed ones, or a principal's own."""
    current = scope.scope_for(user)
    visible = scope.visible_to(user, Staff).filter(status=Staff.Status.ACTIVE)
    if UserRole.Role.PRINCIPAL in current.roles:
        return visible.filter(school_id__in=current.school_ids) | scope.manageable(user, Staff)
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
    attachment = forms.FileField(label=_("attachment"), required=False)


class SplitForm(StyledFormMixin, forms.Form):
    target = forms.IntegerField(label=_("Target"), min_value=0)
    as_of = forms.DateField(label=_("As of"), widget=DateInput(format="%Y-%m-%d"))
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.visible_to(user, Region).exclude(level=Region.Level.PROVINCE)
