"""django-filter FilterSets for the org lists, shared by pages and the API.

Choice lists are scoped too: a callable queryset receives the request, so a county user is
never offered another county's schools as a filter value.
"""

import django_filters
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import label_for_filter

from org import pickers, scope
from org.forms import StyledForm
from org.models import Region, School, Staff, WorkHistory


def visible_regions(request):
    return scope.visible_to(request.user, Region) if request else Region.objects.none()


def visible_schools(request):
    return scope.visible_to(request.user, School) if request else School.objects.none()


def visible_staff(request):
    return scope.visible_to(request.user, Staff) if request else Staff.objects.none()


class LazyLabelsMixin:
    """Labels drawn from the model are translated per request (the base of every FilterSet here).

    django-filter computes a filter's default label on first access and caches it on the class's
    shared `base_filters`, in whatever language that first request spoke (one `?lang=en` schema
    request turned every list page's labels into bare English field names for everyone: the
    schema builds each shared base filter's form field before any model is attached). A lazy
    label, set when the class is made, is translated each time it is shown (issue 8, point 9).
    Model-choice filters get the searchable picker widget (org.pickers): a filter of 10,000 schools
    renders only the selected one (issue 15).
    """

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        model = cls._meta.model
        for item in filters.values():
            if isinstance(item, django_filters.ModelMultipleChoiceFilter):
                item.extra.setdefault("widget", pickers.PickerSelectMultiple)
            elif isinstance(item, django_filters.ModelChoiceFilter):
                item.extra.setdefault("widget", pickers.PickerSelect)
            if item._label is None and model is not None:
                item._label = _lazy_label(model, item.field_name, item.lookup_expr, item.exclude)
        return filters


_lazy_label = lazy(label_for_filter, str)


class FilterSet(LazyLabelsMixin, django_filters.FilterSet):
    """The project's FilterSet for pages and declared API filters."""


class RestFilterSet(LazyLabelsMixin, django_filters.rest_framework.FilterSet):
    """The base of the FilterSets the API builds from `filterset_fields`."""


class RegionFilter(FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=visible_regions, label=_("parent region"))

    class Meta:
        model = Region
        fields = ["level", "parent", "code"]


class SchoolFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    region = django_filters.ModelChoiceFilter(queryset=visible_regions, label=_("region"))

    class Meta:
        model = School
        fields = ["q", "region", "stage", "location", "is_weak"]
        form = StyledForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class StaffFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name or ID number"), method="search")
    region = django_filters.ModelChoiceFilter(field_name="school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))

    class Meta:
        model = Staff
        fields = ["q", "region", "school", "post", "status", "gender", "honour_level", "is_head_teacher"]
        form = StyledForm

    def search(self, queryset, name, value):
        value = value.strip()
        # A full ID number matches exactly; names match by substring. A partial ID is not a
        # search key, so masked digits cannot be guessed one by one.
        return queryset.filter(Q(name__icontains=value) | Q(id_number=value.upper()))


class WorkHistoryFilter(FilterSet):
    staff = django_filters.ModelChoiceFilter(queryset=visible_staff, label=_("staff member"))
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))

    class Meta:
        model = WorkHistory
        fields = ["staff", "school", "post"]


class ScopedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: every model-choice filter (declared, or built from `filterset_fields`)
    offers and accepts only rows in the caller's scope, like the rows listed."""

    filterset_base = RestFilterSet

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            scope.scope_filter_choices(filterset, request.user)
        return filterset
