"""FilterSets of the alliances lists, shared by pages and the API; choice lists are scoped."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import rules, selectors
from alliances.models import Activity, Group, GroupType, active_on_q
from org.filters import visible_regions
from org.forms import StyledForm


def term_choices():
    return rules.term_choices(timezone.localdate())


class TermField(forms.ChoiceField):
    """A term chosen by its name (2026—2027学年第一学期), sent as its code (2026-autumn); any well-formed code is
    taken, offered or not (links and the API may name an older term)."""

    def valid_value(self, value):
        try:
            rules.parse_term(value)
        except ValueError:
            return False
        return True


class TermFilter(django_filters.ChoiceFilter):
    field_class = TermField


class GroupFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=GroupType.choices, label=_("type"))
    region = django_filters.ModelChoiceFilter(queryset=visible_regions, label=_("owning region"))
    active = django_filters.BooleanFilter(label=_("active"), method="filter_active")
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name"))
    gaps = TermFilter(label=_("With compliance gaps in term"), choices=term_choices, method="filter_gaps")
    idle = TermFilter(label=_("Without activity in term"), choices=term_choices, method="filter_idle")

    class Meta:
        model = Group
        fields = ["type", "region", "active", "q", "gaps", "idle"]
        form = StyledForm

    def filter_active(self, queryset, name, value: bool | None):
        """Active today or not (`alliances.models.active_on_q`: a dissolution dated ahead keeps a group active)."""
        if value is None:
            return queryset
        active = active_on_q(timezone.localdate())
        return queryset.filter(active) if value else queryset.exclude(active)

    def filter_gaps(self, queryset, name, value: str):
        """Groups active today whose latest compliance of the term has gaps (the dashboard's and coverage page's rule)."""
        return queryset.filter(active_on_q(timezone.localdate()), pk__in=selectors.gap_group_ids(_term(value)))

    def filter_idle(self, queryset, name, value: str):
        """Groups active today without a joint activity in the term (the dashboard's rule)."""
        term = _term(value)
        held = Activity.objects.filter(group=OuterRef("pk"), held_on__range=(term.start, term.end))
        return queryset.filter(active_on_q(timezone.localdate())).exclude(Exists(held))


def _term(value):
    try:
        return rules.parse_term(value)
    except ValueError as error:
        raise ValidationError(_("Unknown term: %(term)s") % {"term": value}) from error


class ActivityFilter(django_filters.FilterSet):
    group = django_filters.NumberFilter(field_name="group_id", label=_("education group"))
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label=_("kind"))
    held_after = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("from"))
    held_before = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("until"))
    term = TermFilter(label=_("term"), choices=term_choices, method="filter_term")

    class Meta:
        model = Activity
        fields = ["group", "kind", "held_after", "held_before", "term"]
        form = StyledForm

    def filter_term(self, queryset, name, value: str):
        term = _term(value)
        return queryset.filter(held_on__range=(term.start, term.end))
