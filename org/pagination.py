"""Pagination that stays cheap at province scale (issue 15, item 3): no exact COUNT(*) over a large scope,
no deep OFFSET.

`BoundedPaginator` (pages: every scoped ListView/FilterView; API: `EstimatedPageNumberPagination`)
    - counts at most `LIST_EXACT_COUNT_LIMIT` + 1 rows (`SELECT COUNT(*) FROM (... LIMIT n+1)`): up to
      the limit (10,000 by default) the count is exact, as before, in one query;
    - above it, `estimated` is True and `count` is PostgreSQL's planner estimate of the filtered query
      (`EXPLAIN`, one more query, no rows read), never below the limit; other databases count exactly;
    - pages stop at `LIST_MAX_PAGES` (200 by default: 10,000 rows at 50 a page), so an OFFSET never
      passes ~10,000 rows; a page beyond is refused like any missing page (404). Narrower filters
      (region, school, name) or an export reach the rest.
"""

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

EXACT_COUNT_LIMIT = getattr(settings, "LIST_EXACT_COUNT_LIMIT", 10_000)
MAX_PAGES = getattr(settings, "LIST_MAX_PAGES", 200)

MSG_TOO_DEEP = _("Only the first %(pages)s pages can be shown; narrow the filters to reach the rest.")


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's planner estimate of the rows `queryset` returns (None on other databases)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class BoundedPaginator(Paginator):
    """A Paginator whose count is exact up to EXACT_COUNT_LIMIT rows and estimated above, and whose pages
    stop at MAX_PAGES (`estimated`: the count is an estimate; `capped`: more rows than pages reach)."""

    exact_limit = EXACT_COUNT_LIMIT
    max_pages = MAX_PAGES

    @cached_property
    def estimated(self) -> bool:
        if not isinstance(self.object_list, QuerySet):
            return False
        bounded = self.object_list.order_by()[: self.exact_limit + 1].count()
        self._bounded = bounded
        return bounded > self.exact_limit

    @cached_property
    def count(self) -> int:
        if not self.estimated:
            return getattr(self, "_bounded", None) if isinstance(self.object_list, QuerySet) else super().count
        estimate = estimated_rows(self.object_list)
        if estimate is None:  # not PostgreSQL: small databases, an exact count is cheap enough
            return self.object_list.count()
        return max(estimate, self.exact_limit + 1)

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, self.max_pages)

    @property
    def capped(self) -> bool:
        return self.count > self.max_pages * self.per_page

    def validate_number(self, number):
        try:
            return super().validate_number(number)
        except EmptyPage:
            if self.capped and int(number) > self.max_pages:
                raise EmptyPage(MSG_TOO_DEEP % {"pages": self.max_pages}) from None
            raise


class EstimatedPageNumberPagination(PageNumberPagination):
    """The API's page-number pagination on BoundedPaginator: the same shape (`count`, `next`, `previous`,
    `results`) plus `count_is_estimate`; `count` is exact up to 10,000 rows and PostgreSQL's estimate above;
    at most 200 pages (`?page=201` of a larger list answers 404: narrow the filters)."""

    django_paginator_class = BoundedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = self.page.paginator.estimated
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Rows in all: exact up to {EXACT_COUNT_LIMIT}, PostgreSQL's estimate above (count_is_estimate); "
            f"pages stop at {MAX_PAGES}."
        )
        described["properties"]["count_is_estimate"] = {"type": "boolean", "example": False}
        return described
