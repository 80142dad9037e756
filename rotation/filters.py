"""FilterSets of the rotation lists, shared by pages and the API; choice lists are scoped."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.filters import visible_regions, visible_schools
from org.forms import StyledForm
from org.models import Staff
from rotation import rules
from rotation.models import Exemption


def status_choices():
    return [(status, rules.status_label(status)) for status in rules.STATUSES]


def _keep(queryset, name, value):
    return queryset  # read by the view: the value is not a column


class EligibilityFilter(django_filters.FilterSet):
    """Filters of the eligibility list; `as_of` and `status` are applied after evaluation."""

    as_of = django_filters.DateFilter(label=_("As of"), method=_keep)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=status_choices, method=_keep)
    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    region = django_filters.ModelChoiceFilter(field_name="school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))

    class Meta:
        model = Staff
        fields = ["as_of", "status", "q", "region", "school", "post"]
        form = StyledForm

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(id_number=value.upper()))


class ExemptionFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(field_name="staff__school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(field_name="staff__school", queryset=visible_schools, label=_("school"))

    class Meta:
        model = Exemption
        fields = ["state", "kind", "region", "school"]
        form = StyledForm
