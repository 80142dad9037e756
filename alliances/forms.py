"""Alliances forms: they validate input and scope the choices; the services write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.models import (
    Activity,
    DispatchDetail,
    DispatchRequirement,
    GroupPost,
    GroupType,
    ItinerantSlot,
    membership_from_q,
)
from org import scope
from org.forms import DateInput, StyledFormMixin
from org.models import Region, School, Staff
from rotation.models import Plan

MSG_BAD_TERM = _("Choose a term such as 2026-autumn or 2027-spring.")


class TimeInput(forms.TimeInput):
    input_type = "time"


class GroupCreateForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=128)
    type = forms.ChoiceField(label=_("type"), choices=GroupType.choices)
    tier = forms.TypedChoiceField(label=_("tier (preschool lead-building)"), choices=[("", "—"), (1, _("Tier 1")), (2, _("Tier 2"))],
                                  coerce=int, empty_value=None, required=False)
    region = forms.ModelChoiceField(label=_("owning region"), queryset=Region.objects.none())
    lead_school = forms.ModelChoiceField(label=_("lead school"), queryset=School.objects.none())
    members = forms.ModelMultipleChoiceField(label=_("member schools"), queryset=School.objects.none())
    founded_on = forms.DateField(label=_("founded on"), widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user).order_by("code")
        schools = scope.visible_to(user, School).order_by("code")
        self.fields["lead_school"].queryset = schools
        self.fields["members"].queryset = schools


class MemberAddForm(StyledFormMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    joined_on = forms.DateField(label=_("joined on"), widget=DateInput(format="%Y-%m-%d"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.visible_to(user, School).order_by("code")


class MemberEndForm(StyledFormMixin, forms.Form):
    left_on = forms.DateField(label=_("left on"), widget=DateInput(format="%Y-%m-%d"))


class DissolveForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("dissolved on"), widget=DateInput(format="%Y-%m-%d"))
    reason = forms.CharField(label=_("reason for dissolving"), max_length=200, required=False)


class PostForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("post"), choices=GroupPost.Kind.choices)
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    staff = forms.ModelChoiceField(label=_("staff member"), queryset=Staff.objects.none())
    start = forms.DateField(label=_("appointed on"), widget=DateInput(format="%Y-%m-%d"))
    document_no = forms.CharField(label=_("appointment document no."), max_length=64, required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.filter(membership_from_q(timezone.localdate(), "alliance_memberships__"),
                                        alliance_memberships__group=group).distinct()
        self.fields["school"].queryset = schools.order_by("code")
        self.fields["staff"].queryset = scope.visible_to(user, Staff).filter(
            school__in=schools, status=Staff.Status.ACTIVE).select_related("school").order_by("school__code", "name")


class RequirementForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DispatchRequirement
        fields = ["minimum", "maximum", "subjects", "key_honour", "active"]


class RequirementRegionForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user).order_by("code")


class DispatchDetailForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = DispatchDetail
        fields = ["band", "subject", "senior_three"]


class SuggestForm(StyledFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("rotation plan"), queryset=Plan.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = scope.visible_to(user, Plan).order_by("-term_start")


class ActivityForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Activity.Kind.choices)
    held_on = forms.DateField(label=_("date"), widget=DateInput(format="%Y-%m-%d"))
    title = forms.CharField(label=_("title"), max_length=200)
    summary = forms.CharField(label=_("summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    schools = forms.ModelMultipleChoiceField(label=_("schools"), queryset=School.objects.none())
    participants = forms.ModelMultipleChoiceField(label=_("participants"), queryset=Staff.objects.none(), required=False)
    attachment = forms.FileField(label=_("attachment"), required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        schools = School.objects.filter(alliance_memberships__group=group).distinct().order_by("code")
        self.fields["schools"].queryset = schools
        self.fields["participants"].queryset = scope.visible_to(user, Staff).filter(
            school__in=schools, status=Staff.Status.ACTIVE).select_related("school").order_by("school__code", "name")


class CourseNeedForm(StyledFormMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("school"), queryset=School.objects.none())
    subject = forms.CharField(label=_("subject"), max_length=32)
    weekly_lessons = forms.IntegerField(label=_("lessons a week"), min_value=1, max_value=40, initial=1)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(
            membership_from_q(timezone.localdate(), "alliance_memberships__"), alliance_memberships__group=group,
            alliance_memberships__role="member").distinct()


class SlotForm(StyledFormMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("school taught at"), queryset=School.objects.none())
    staff = forms.ModelChoiceField(label=_("teacher"), queryset=Staff.objects.none())
    subject = forms.CharField(label=_("subject"), max_length=32)
    weekday = forms.TypedChoiceField(label=_("weekday"), choices=ItinerantSlot.Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("starts at"), widget=TimeInput(format="%H:%M"))
    ends_at = forms.TimeField(label=_("ends at"), widget=TimeInput(format="%H:%M"))
    valid_from = forms.DateField(label=_("from"), widget=DateInput(format="%Y-%m-%d"))
    valid_to = forms.DateField(label=_("until"), widget=DateInput(format="%Y-%m-%d"), required=False)

    def __init__(self, *args, user, group, **kwargs):
        super().__init__(*args, **kwargs)
        current = School.objects.filter(membership_from_q(timezone.localdate(), "alliance_memberships__"),
                                        alliance_memberships__group=group)
        self.fields["school"].queryset = School.objects.filter(
            membership_from_q(timezone.localdate(), "alliance_memberships__"), alliance_memberships__group=group,
            alliance_memberships__role="member").distinct()
        self.fields["staff"].queryset = scope.visible_to(user, Staff).filter(
            school__in=current, status=Staff.Status.ACTIVE, post=Staff.Post.TEACHER).select_related("school").order_by("name")
