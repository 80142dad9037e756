"""The named scope rules of org/scope.py and the scoped bases: one object in scope, one out."""

import pytest
from django.views.generic import ListView
from rest_framework import viewsets

from org import scope
from org.models import School, Staff
from tests.talentpool.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_region_tree_is_the_region_and_the_regions_below_it(world):
    assert set(scope.region_tree(world.city).values_list("id", flat=True)) == {
        world.city.pk, world.county_a.pk, world.county_b.pk}
    assert set(scope.region_tree(world.county_a).values_list("id", flat=True)) == {world.county_a.pk}
    assert scope.region_and_below({world.city.pk}) == {world.city.pk, world.county_a.pk, world.county_b.pk}
    assert scope.region_and_below({world.county_b.pk}) == {world.county_b.pk}


def test_regions_seen_reach_up_from_the_users_scope(world, county_user, principal_user, reviewer_user):
    assert scope.regions_seen(county_user) == {world.city.pk, world.county_a.pk}
    assert scope.regions_seen(principal_user) == {world.city.pk, world.county_a.pk}
    assert scope.regions_seen(reviewer_user) == set()


def test_manages_or_heads_is_the_county_or_the_principal_of_the_school(world, county_user, principal_user,
                                                                        supervisor_user):
    assert scope.manages_or_heads(county_user, world.staff_a)
    assert not scope.manages_or_heads(county_user, world.staff_b)
    assert scope.manages_or_heads(principal_user, world.staff_a)
    assert not scope.manages_or_heads(principal_user, world.staff_b)
    assert not scope.manages_or_heads(supervisor_user, world.staff_a)
    assert set(scope.staff_managed_or_headed(principal_user)) == {world.staff_a}
    assert set(scope.staff_managed_or_headed(county_user)) == {world.staff_a}
    check = scope.staff_check(principal_user)
    assert check(world.school_a.pk, world.county_a.pk) and not check(world.school_b.pk, world.county_b.pk)


def test_managed_q_matches_only_managed_rows(world, county_user, supervisor_user):
    assert set(Staff.objects.filter(scope.managed_q(county_user, "school"))) == {world.staff_a}
    assert not Staff.objects.filter(scope.managed_q(supervisor_user, "school")).exists()


def test_region_owned_models_are_manageable_by_the_bureau_that_runs_them(world, city_user, county_user,
                                                                         principal_user):
    from talentpool.models import Program

    city_program = ProgramFactory(region=world.city, name="市级")
    county_program = ProgramFactory(region=world.county_b, name="嘉鱼")
    assert set(scope.visible_to(county_user, Program)) == {city_program}
    assert set(scope.visible_to(principal_user, Program)) == {city_program}
    assert set(scope.manageable(city_user, Program)) == {city_program, county_program}
    assert not scope.manageable(county_user, Program).exists()
    assert not scope.manageable(principal_user, Program).exists()
    assert scope.runs_region(city_user, world.county_b.pk) and not scope.runs_region(county_user, world.county_b.pk)


def test_a_scoped_view_may_only_narrow_the_scoped_queryset():
    with pytest.raises(TypeError, match="narrow"):
        class StartsFromObjects(scope.ScopedQuerysetMixin, ListView):  # noqa: F841
            model = School

            def get_queryset(self):
                return School.objects.all()

    with pytest.raises(TypeError, match="model"):
        class DeclaresAQueryset(scope.ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):  # noqa: F841
            queryset = School.objects.all()


def test_narrow_receives_the_already_scoped_queryset(rf, world, county_user):
    received = []

    class Schools(scope.ScopedQuerysetMixin, ListView):
        model = School

        def narrow(self, queryset):
            received.append(set(queryset))
            return queryset.order_by("code")

    request = rf.get("/")
    request.user = county_user
    view = Schools()
    view.setup(request)
    assert list(view.get_queryset()) == [world.school_a]
    assert received == [{world.school_a}]
