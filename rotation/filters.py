"""FilterSets of the rotation lists, shared by pages and the API; choice lists are scoped."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org import scope
from org.filters import FilterSet, visible_regions, visible_schools
from org.forms import StyledForm
from org.models import School, Staff
from rotation import rules
from rotation.models import Assignment, Exemption, Plan, ProgressWarning, Suggestion


def status_choices():
    return [(status, rules.status_label(status)) for status in rules.STATUSES]


def reason_choices():
    """The reason codes as values, their labels in the bureau's words as what the select shows."""
    return [(code, rules.reason_label(code)) for code in rules.REASON_CODES]


def _keep(queryset, name, value):
    return queryset  # read by the view: the value is not a column


class EligibilityFilter(FilterSet):
    """Filters of the eligibility list; `as_of` and `status` are applied after evaluation."""

    as_of = django_filters.DateFilter(label=_("As of"), method=_keep)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=status_choices, method=_keep)
    reason = django_filters.ChoiceFilter(label=_("Reason code"), choices=reason_choices, method=_keep)
    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    region = django_filters.ModelChoiceFilter(field_name="school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))
    stage = django_filters.ChoiceFilter(field_name="school__stage", choices=School.Stage.choices, label=_("stage"))

    class Meta:
        model = Staff
        fields = ["as_of", "status", "reason", "q", "region", "school", "stage", "post"]
        form = StyledForm

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(id_number=value.upper()))


class ExemptionFilter(FilterSet):
    region = django_filters.ModelChoiceFilter(field_name="staff__school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(field_name="staff__school", queryset=visible_schools, label=_("school"))

    class Meta:
        model = Exemption
        fields = ["state", "kind", "region", "school"]
        form = StyledForm


def visible_plans(request):
    return scope.visible_to(request.user, Plan) if request else Plan.objects.none()


class AssignmentFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    counted = django_filters.BooleanFilter(label=_("Counted towards progress (approved or in place)"), method="filter_counted")
    plan = django_filters.ModelChoiceFilter(queryset=visible_plans, label=_("rotation plan"))
    region = django_filters.ModelChoiceFilter(field_name="from_school__region", queryset=visible_regions, label=_("region"))
    from_school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("from school"))
    to_school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("to school"))
    not_inspected = django_filters.BooleanFilter(label=_("Not yet inspected"), method="filter_not_inspected")

    class Meta:
        model = Assignment
        fields = ["q", "plan", "state", "counted", "form", "region", "from_school", "to_school", "is_key_teacher",
                  "not_inspected"]
        form = StyledForm

    def filter_counted(self, queryset, name, value):
        if value is None:
            return queryset
        counted = Q(state__in=Assignment.COUNTED_STATES)
        return queryset.filter(counted) if value else queryset.exclude(counted)

    def search(self, queryset, name, value):
        """By name, or by exact ID number among the rows whose staff the user manages only (the receiving
        side sees the sending county's staff but must not be able to probe their ID numbers)."""
        value = value.strip()
        by_id = Q(staff__id_number=value.upper())
        by_id &= scope.managed_q(getattr(self.request, "user", None), "staff__school")
        return queryset.filter(Q(staff__name__icontains=value) | by_id)

    def filter_not_inspected(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(inspections__isnull=value).distinct() if value else queryset.filter(inspections__isnull=False).distinct()


class WarningFilter(FilterSet):
    """?plan= among the visible plans only: an out-of-scope plan answers like a missing one (400)."""

    plan = django_filters.ModelChoiceFilter(queryset=visible_plans, label=_("rotation plan"))

    class Meta:
        model = ProgressWarning
        fields = ["plan", "level"]


class SuggestionFilter(FilterSet):
    plan = django_filters.ModelChoiceFilter(queryset=visible_plans, label=_("rotation plan"))

    class Meta:
        model = Suggestion
        fields = ["plan", "state"]
