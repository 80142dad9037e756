"""Forms for the org pages: they validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org import pickers, scope
from org.models import Region, School, Staff, UserRole
from org.versioning import VersionedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"


class StyledFormMixin:
    """Give every widget the layout's (Bootstrap) classes, so templates stay plain; every model-choice
    select becomes a searchable picker when its choices are many (org.pickers)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pickers.use_pickers(self.fields)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledForm(StyledFormMixin, forms.Form):
    """Base form of FilterSets (Meta.form)."""


class SchoolForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = ["name", "region", "stage", "location", "is_weak", "enrolment", "class_count"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user).filter(level=Region.Level.COUNTY)


class StaffForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Staff
        fields = [
            "name", "gender", "birth_date", "school", "post", "is_head_teacher", "subject", "title",
            "honour_level", "work_start", "school_start", "post_start", "status",
        ]
        widgets = {
            "birth_date": DateInput(format="%Y-%m-%d"),
            "work_start": DateInput(format="%Y-%m-%d"),
            "school_start": DateInput(format="%Y-%m-%d"),
            "post_start": DateInput(format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.manageable(user, School).select_related("region")


class AccountCreateForm(StyledFormMixin, forms.Form):
    """A new account with one role; the choices offer only the roles, regions and schools the user may grant."""

    username = forms.CharField(label=_("user name"), max_length=150)
    full_name = forms.CharField(label=_("full name"), max_length=150)
    role = forms.ChoiceField(label=_("role"))
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none(), required=False,
                                    help_text=_("For county bureau staff and supervisors."))
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none(), required=False,
                                    help_text=_("For principals."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from org import accounts

        roles = accounts.grantable_roles(user)
        self.fields["role"].choices = [(role, UserRole.Role(role).label) for role in roles]
        region_ids = set()
        for role in roles:
            region_ids |= set(accounts.region_targets(user, role).values_list("id", flat=True))
        self.fields["region"].queryset = Region.objects.filter(id__in=region_ids).order_by("code")
        self.fields["school"].queryset = accounts.school_targets(user)


class TransferDecisionForm(forms.Form):
    """The city bureau's decision on a cross-county transfer."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
