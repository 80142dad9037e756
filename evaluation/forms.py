"""Forms of the evaluation pages: choices come from the user's scope, values are checked by the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import rules
from evaluation.models import Cycle, Indicator, RaterGroup, Scheme, SchoolQuality
from org import scope
from org.forms import StyledFormMixin
from org.models import School, Staff, UserRole
from org.ratings import EVALUATION_SCALE


class SchemeForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["region", "name", "person_kind", "category", "total", "excellent_min", "qualified_min", "basic_min",
                  "veto_cap", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user)


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["parent", "code", "name", "points", "role", "method", "params", "help_text", "order"]
        help_texts = {"params": _('Rank: {"table": [10, 8, 6]}; improvement: {"full_gain": 5, "no_previous": "zero"}.')}

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.fields["parent"].queryset = scheme.indicators.exclude(pk=self.instance.pk or 0)
        self.fields["parent"].required = False

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.scheme.indicators.filter(code=code).exclude(pk=self.instance.pk or 0).exists():
            raise forms.ValidationError(_("Another indicator of this scheme has the code %(code)s.") % {"code": code})
        return code


class CycleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["region", "name", "year", "kind", "scheme", "as_of", "previous", "quota_unit", "quota_percent",
                  "rotated_percent", "rounding", "quota_mode"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user)
        self.fields["scheme"].queryset = scope.visible_to(user, Scheme)
        self.fields["previous"].queryset = scope.visible_to(user, Cycle)


class RaterGroupForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = RaterGroup
        fields = ["name", "weight", "combine", "trim", "is_self"]


GroupFormSet = forms.formset_factory(RaterGroupForm, extra=3, min_num=1, validate_min=True)


class SubjectFilterForm(StyledFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None, required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "---------"), *School.Stage.choices], required=False)
    location = forms.ChoiceField(label=_("Location type"), choices=[("", "---------"), *School.Location.choices], required=False)
    posts = forms.MultipleChoiceField(label=_("Posts"), choices=Staff.Post.choices, required=False,
                                      help_text=_("People schemes only; blank: every post."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope.manageable_regions(user)


def rater_choices(cycle: Cycle):
    """The reviewers the cycle's bureau manages (org.accounts): accounts whose managing region is the
    cycle's region or below it (reviewers created by its counties), ordered by username."""
    region = cycle.region_id
    within = (Q(account__region_id=region) | Q(account__region__parent_id=region)
              | Q(account__region__parent__parent_id=region))
    return get_user_model().objects.filter(within, roles__role=UserRole.Role.REVIEWER).order_by("username").distinct()


class AssignForm(StyledFormMixin, forms.Form):
    raters = forms.ModelMultipleChoiceField(label=_("Raters"), queryset=None)
    group = forms.ModelChoiceField(label=_("Rater group"), queryset=None)
    section = forms.ModelChoiceField(label=_("Indicator group"), queryset=None, required=False,
                                     help_text=_("Blank: the whole scheme."))
    subjects = forms.ModelMultipleChoiceField(label=_("Subjects"), queryset=None, required=False,
                                              help_text=_("Blank: every subject of the cycle."))

    def __init__(self, *args, cycle: Cycle, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raters"].queryset = rater_choices(cycle)
        self.fields["group"].queryset = cycle.groups.all()
        self.fields["section"].queryset = cycle.scheme.indicators.filter(parent__isnull=True)
        self.fields["subjects"].queryset = scope.visible_to(user, cycle.subjects.select_related("school", "staff"))


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(StyledFormMixin, forms.Form):
    pass


class ScoreForm(StyledFormMixin, forms.Form):
    """One field per leaf of the assignment, named by the indicator code, with its allowed range."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            leaf = row["leaf"]
            field = forms.DecimalField(label=f"{leaf.key} {leaf.name}", required=False, decimal_places=2, max_digits=10,
                                       initial=row["value"], help_text=_range_text(row))
            field.widget.attrs.update({"step": "0.01", "data-code": leaf.key})
            self.fields[leaf.key] = field
        _style(self)

    def values(self) -> dict:
        return {code: value for code, value in self.cleaned_data.items() if code != "reason"}


def _style(form) -> None:
    for field in form.fields.values():
        if "form-control" not in field.widget.attrs.get("class", ""):
            field.widget.attrs["class"] = "form-control form-control-sm"


def _range_text(row) -> str:
    leaf = row["leaf"]
    if leaf.role == rules.VETO:
        return str(_("1 = triggered, blank or 0 = not"))
    high = row["high"] if row["high"] is not None else "∞"
    base = str(_("Allowed %(low)s–%(high)s")) % {"low": row["low"], "high": high}
    if leaf.role == rules.BASELINE and leaf.method == rules.POINTS:
        base += " · " + str(_("enter the deduction"))
    return base


class CorrectForm(ScoreForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}))
        _style(self)


class RatingChangeForm(StyledFormMixin, forms.Form):
    to_rating = forms.ChoiceField(label=_("New rating"), choices=[(r.value, r.label) for r in EVALUATION_SCALE])
    meeting = forms.CharField(label=_("Meeting reference"), max_length=128)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class QualityForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = SchoolQuality
        fields = ["school", "year", "quality_score", "student_increase", "staff_exchanged"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.manageable(user, School)

    def clean(self):
        data = super().clean()
        problems = rules.quality_problems(year=data.get("year"), quality_score=data.get("quality_score"),
                                          this_year=timezone.localdate().year)
        for name, message in problems.items():
            self.add_error(name, message)
        return data


class UploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    submit = forms.BooleanField(label=_("Submit these scores (then locked)"), required=False)
