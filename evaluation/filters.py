"""The assessment-results list's filters (/evaluation/results/), shared by the page, its Excel export and the API.

Each figure of the home page's evaluation section links here with the same filters (issue 14, item 7): a county and
a rating, a stage and a rating, a rating alone (优秀 against the quota), `rule_to` (ratings changed by bound rules)
and `missing_rater` (subjects whose scores a rater still owes). Choice lists are scoped (an out-of-scope cycle,
region or school is refused with the form's error)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from evaluation.models import Assignment, Cycle, RatingChange, Subject
from org import scope
from org.filters import FilterSet, visible_regions, visible_schools
from org.forms import StyledForm
from org.models import School
from org.ratings import EVALUATION_SCALE, Rating


def visible_cycles(request):
    return scope.visible_to(request.user, Cycle).order_by("-year", "-as_of", "-id") if request else Cycle.objects.none()


def visible_raters(request):
    """The raters of the assignments the user may see (those the home page lists, whatever their cycle)."""
    users = get_user_model()._default_manager
    if request is None:
        return users.none()
    raters = scope.visible_to(request.user, Assignment).values("rater_id")
    return users.filter(pk__in=raters).order_by("username")


class RaterField(forms.ModelChoiceField):
    """A rater shown by name, as the home page shows them (family name first), with the user name."""

    def label_from_instance(self, obj):
        name = f"{obj.last_name}{obj.first_name}"
        return f"{name}（{obj.username}）" if name else obj.username


@extend_schema_field(OpenApiTypes.INT)  # the rater's user id (the schema cannot tell it from the filter's method)
class RaterFilter(django_filters.ModelChoiceFilter):
    field_class = RaterField


RATING_CHOICES = [(rating.value, rating.label) for rating in EVALUATION_SCALE]


class ResultFilter(FilterSet):
    cycle = django_filters.ModelChoiceFilter(queryset=visible_cycles, label=_("cycle"))
    q = django_filters.CharFilter(label=_("Name or school"), method="search")
    region = django_filters.ModelChoiceFilter(field_name="school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))
    stage = django_filters.ChoiceFilter(field_name="school__stage", choices=School.Stage.choices, label=_("stage"))
    final_rating = django_filters.ChoiceFilter(choices=Rating.choices, label=_("final rating"))
    rule_to = django_filters.ChoiceFilter(choices=RATING_CHOICES, method="changed_by_rule",
                                          label=_("changed by a bound rule to"))
    missing_rater = RaterFilter(queryset=visible_raters, method="missing_from", label=_("scores missing from rater"))

    class Meta:
        model = Subject
        fields = ["cycle", "q", "region", "school", "stage", "final_rating", "rule_to", "missing_rater"]
        form = StyledForm

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(staff__name__icontains=value) | Q(school__name__icontains=value) | Q(school__code=value))

    def changed_by_rule(self, queryset, name, value):
        """Subjects a bound rule changed to `value` (the rating changes the user may see, as the home page counts)."""
        changes = scope.visible_to(self.request.user, RatingChange).filter(kind=RatingChange.Kind.RULE, to_rating=value)
        return queryset.filter(pk__in=changes.values("subject_id"))

    def missing_from(self, queryset, name, value):
        """Subjects whose scores rater `value` (a user among `visible_raters`) has not submitted (the assignments the
        user may see)."""
        pending = scope.visible_to(self.request.user, Assignment).filter(rater=value, submitted_at__isnull=True)
        return queryset.filter(pk__in=pending.values("subject_id"))


def result_query(user, query: QueryDict) -> QueryDict:
    """The query with the cycle the home page shows (the latest open, closed or published one) when none is given."""
    if query.get("cycle"):
        return query
    from evaluation.dashboard import current_cycle

    cycle = current_cycle(user=user)
    if cycle is None:
        return query
    query = query.copy()
    query["cycle"] = str(cycle.pk)
    return query


def result_columns(queryset):
    return queryset.select_related("cycle", "school__region", "staff").order_by("cycle_id", "school__code", "staff__name", "id")
