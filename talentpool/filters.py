"""FilterSets of the talent-pool lists, shared by pages and the API; choice lists are scoped."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org import scope
from org.filters import FilterSet, visible_regions, visible_schools
from org.forms import StyledForm
from org.models import School, Staff
from talentpool.models import Appointment, Intake, Nomination, PoolMember, Program


def visible_intakes(request):
    return scope.visible_to(request.user, Intake).select_related("track", "track__program") if request else Intake.objects.none()


def visible_programs(request):
    return scope.visible_to(request.user, Program) if request else Program.objects.none()


class ProgramFilter(FilterSet):
    class Meta:
        model = Program
        fields = ["level", "start_year"]
        form = StyledForm


class IntakeFilter(FilterSet):
    program = django_filters.ModelChoiceFilter(field_name="track__program", queryset=visible_programs, label=_("program"))

    class Meta:
        model = Intake
        fields = ["program", "year"]
        form = StyledForm


class NominationFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    intake = django_filters.ModelChoiceFilter(queryset=visible_intakes, label=_("intake"))
    region = django_filters.ModelChoiceFilter(field_name="staff__school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(field_name="staff__school", queryset=visible_schools, label=_("school"))

    class Meta:
        model = Nomination
        fields = ["q", "intake", "region", "school", "status", "source"]
        form = StyledForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(staff__name__icontains=value.strip()))


class PoolMemberFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    region = django_filters.ModelChoiceFilter(field_name="staff__school__region", queryset=visible_regions, label=_("region"))
    school = django_filters.ModelChoiceFilter(field_name="staff__school", queryset=visible_schools, label=_("school"))
    stage = django_filters.ChoiceFilter(field_name="staff__school__stage", choices=School.Stage.choices, label=_("stage"))
    gender = django_filters.ChoiceFilter(field_name="staff__gender", choices=Staff.Gender.choices, label=_("gender"))
    title = django_filters.CharFilter(field_name="staff__title", label=_("professional title"))
    born_after = django_filters.DateFilter(field_name="staff__birth_date", lookup_expr="gt", label=_("born after"))
    born_by = django_filters.DateFilter(field_name="staff__birth_date", lookup_expr="lte", label=_("born on or before"))

    class Meta:
        model = PoolMember
        fields = ["q", "pool_type", "tier", "status", "review_flagged", "region", "school", "stage", "gender", "title",
                  "born_after", "born_by"]
        form = StyledForm

    def search(self, queryset, name, value):
        return queryset.filter(staff__name__icontains=value.strip())


class AppointmentFilter(FilterSet):
    school = django_filters.ModelChoiceFilter(queryset=visible_schools, label=_("school"))
    year = django_filters.NumberFilter(field_name="appointed_on__year", label=_("year"))
    from_pool = django_filters.BooleanFilter(field_name="from_pool", lookup_expr="isnull", exclude=True,
                                             label=_("promoted from the pool"))

    class Meta:
        model = Appointment
        fields = ["to_post", "outside_pool_warning", "school", "year", "from_pool"]
        form = StyledForm
