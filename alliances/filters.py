"""FilterSets of the alliances lists, shared by pages and the API; choice lists are scoped."""

import django_filters
from django.utils.translation import gettext_lazy as _

from alliances.models import Activity, Group, GroupType
from org.filters import visible_regions
from org.forms import StyledForm


class GroupFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=GroupType.choices, label=_("type"))
    region = django_filters.ModelChoiceFilter(queryset=visible_regions, label=_("owning region"))
    active = django_filters.BooleanFilter(field_name="dissolved_on", lookup_expr="isnull", label=_("active"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))

    class Meta:
        model = Group
        fields = ["type", "region", "active", "q"]
        form = StyledForm


class ActivityFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="group_id", label=_("education group"))
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label=_("kind"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("from"))
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("until"))

    class Meta:
        model = Activity
        fields = ["group", "kind", "held_after", "held_before"]
        form = StyledForm
