"""Lists without an exact COUNT(*) over a large scope and without deep OFFSETs (org.pagination, issue 15);
the `__any` lookup (org.lookups); one region query per request for the scope."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from org import pagination, scope
from org.lookups import Ids
from org.models import Staff
from org.pagination import BoundedPaginator
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch):
    """Exact counts up to 5 rows, at most 3 pages (of 2 rows); no planner estimate (as on SQLite), so the
    tests read the same on PostgreSQL, whose estimates of tiny tables are arbitrary."""
    monkeypatch.setattr(BoundedPaginator, "exact_limit", 5)
    monkeypatch.setattr(BoundedPaginator, "max_pages", 3)
    monkeypatch.setattr(pagination, "estimated_rows", lambda queryset: None)


@pytest.fixture
def planner_says(monkeypatch):
    """The planner's estimate, whatever the database."""

    def say(rows):
        monkeypatch.setattr(pagination, "estimated_rows", lambda queryset: rows)

    return say


def _paginator(count, per_page=2):
    return BoundedPaginator(Staff.objects.order_by("id"), per_page)


def test_count_is_exact_on_the_limit_and_estimated_above(world, small_limits):
    StaffFactory.create_batch(3, school=world.school_a)  # 5 staff in all: on the limit
    paginator = _paginator(5)
    assert not paginator.estimated and paginator.count == 5 and paginator.num_pages == 3
    StaffFactory(school=world.school_a)  # 6: one above
    paginator = _paginator(6)
    assert paginator.estimated and paginator.count == 6  # SQLite: no planner estimate, an exact count
    assert paginator.num_pages == 3 and not paginator.capped  # 3 pages of 2 reach all 6
    StaffFactory(school=world.school_a)
    assert _paginator(7).num_pages == 3 and _paginator(7).capped


def test_count_above_the_limit_is_the_planners_estimate_never_below_the_limit(world, small_limits, planner_says):
    StaffFactory.create_batch(6, school=world.school_a)  # 8 staff
    planner_says(500_000)
    paginator = _paginator(8)
    assert paginator.estimated and paginator.count == 500_000 and paginator.num_pages == 3
    planner_says(2)  # an estimate below what was counted: the limit + 1
    assert _paginator(8).count == 6


def test_planner_estimate_on_postgresql_only(world):
    rows = pagination.estimated_rows(Staff.objects.filter(school=world.school_a))
    assert (rows >= 0) if connection.vendor == "postgresql" else rows is None


def test_pages_beyond_the_cap_are_refused(world, small_limits):
    StaffFactory.create_batch(6, school=world.school_a)  # 8 staff, 4 pages of 2; only 3 reachable
    paginator = _paginator(8)
    assert [row.pk for row in paginator.page(3)] and not paginator.page(3).has_next()
    with pytest.raises(Exception, match="narrow the filters|缩小"):
        paginator.page(4)


def test_small_lists_count_in_one_query(world):
    paginator = _paginator(2)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 2
    assert len(queries) == 1 and "LIMIT" in queries[0]["sql"]


def test_page_list_says_about_when_estimated(client, world, city_user, small_limits, planner_says, monkeypatch):
    from org.views import StaffListView

    monkeypatch.setattr(StaffListView, "paginate_by", 2)
    StaffFactory.create_batch(6, school=world.school_a)
    planner_says(900)
    client.force_login(city_user)
    body = client.get(reverse("org:staff-list")).content.decode()
    assert "约 900 条" in body
    assert client.get(reverse("org:staff-list"), {"page": 3}).status_code == 200
    capped = client.get(reverse("org:staff-list"), {"page": 3}).content.decode()
    assert 'data-testid="pages-capped"' in capped
    assert client.get(reverse("org:staff-list"), {"page": 4}).status_code == 404


def test_page_list_exact_on_the_limit(client, world, city_user, small_limits, monkeypatch):
    from org.views import StaffListView

    monkeypatch.setattr(StaffListView, "paginate_by", 2)
    StaffFactory.create_batch(3, school=world.school_a)  # 5 rows: on the limit, exact
    client.force_login(city_user)
    body = client.get(reverse("org:staff-list")).content.decode()
    shown = re.search(r'data-testid="page-count">([^<]*)<', body).group(1)
    assert "5" in shown and "约" not in shown and "about" not in shown


def test_api_list_keeps_its_shape_and_says_whether_the_count_is_estimated(client, world, city_user, small_limits,
                                                                          planner_says):
    client.force_login(city_user)
    data = client.get("/api/v1/staff/").json()
    assert data["count"] == 2 and data["count_is_estimate"] is False and len(data["results"]) == 2
    StaffFactory.create_batch(6, school=world.school_a)
    assert client.get("/api/v1/staff/").json()["count"] == 8  # no estimate: exact
    planner_says(900)
    data = client.get("/api/v1/staff/").json()
    assert data["count_is_estimate"] is True and data["count"] == 900


def test_api_page_beyond_the_cap_answers_404(client, world, city_user, small_limits, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "max_pages", 1)
    StaffFactory.create_batch(50, school=world.school_a)  # 52 rows at 50 a page: 2 pages, 1 reachable
    client.force_login(city_user)
    first = client.get("/api/v1/staff/").json()
    assert first["next"] is None and len(first["results"]) == 50
    assert client.get("/api/v1/staff/", {"page": 2}).status_code == 404


def test_any_lookup_matches_an_in_list(world):
    ids = [world.staff_a.pk, world.staff_b.pk, 999999]
    assert set(Staff.objects.filter(pk__any=ids)) == set(Staff.objects.filter(pk__in=ids))
    assert not Staff.objects.filter(pk__any=[]).exists()
    assert Staff.objects.filter(school__any=[world.school_a.pk]).get() == world.staff_a


def test_any_lookup_takes_ids_whole_as_one_array_literal(world):
    """`Ids` is not walked item by item by the query builder; on PostgreSQL the ints go as one text literal."""
    ids = Ids([world.staff_a.pk, 999999])
    assert list(Staff.objects.filter(pk__any=ids)) == [world.staff_a]
    assert not Staff.objects.filter(school__any=Ids([])).exists()
    with CaptureQueriesContext(connection) as queries:
        list(Staff.objects.filter(pk__any=ids))
    sql = queries.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert f"= ANY('{{{world.staff_a.pk},999999}}'::bigint[])" in sql
    else:
        assert f"IN ({world.staff_a.pk}, 999999)" in sql


def test_scope_reads_the_region_tree_once(world, city_user):
    """A city bureau user sees and manages the same tree: one region query, not two."""
    with CaptureQueriesContext(connection) as queries:
        current = scope.scope_for(city_user)
    assert len(queries) == 2  # the roles, the region tree
    assert current.region_ids == current.manage_region_ids == {world.city.pk, world.county_a.pk, world.county_b.pk}


def test_scope_of_a_supervisor_manages_nothing(world, supervisor_user):
    current = scope.scope_for(supervisor_user)
    assert current.region_ids == {world.county_a.pk} and current.manage_region_ids == frozenset()
