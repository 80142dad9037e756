"""Benchmark: the home page and each app's dashboard section for a city and a county user, over an already
populated database (the demo, or the benchmark issue's province-scale generator). Prints p50/p95/max in ms.

The home page is requested through the Django test client (the whole request: middleware, scope, every section,
the template); each section is also timed alone (its selectors, without rendering). Nothing is written except
the test client's session rows, deleted at the end.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from org import hooks
from org.models import UserRole


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class Command(BaseCommand):
    help = "Print p50/p95/max of the home page and each dashboard section for a city and a county user (N requests)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30, help="requests per page and user (default 30)")
        parser.add_argument("--users", default="", help="comma-separated usernames (default: the first city staff and "
                                                        "the first county staff user)")
        parser.add_argument("--warmup", type=int, default=2)

    def handle(self, *args, requests, users, warmup, **options):
        accounts = self._users(users)
        today = timezone.localdate()
        self.stdout.write(f"{'user':<12} {'page':<22} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for user in accounts:
            client = Client(SERVER_NAME="localhost")
            client.force_login(user)
            self._report(user, "home page", lambda c=client: self._get(c), requests, warmup)
            for func in hooks.dashboard_functions():
                name = func.__module__.split(".")[0] + " section"
                self._report(user, name, lambda f=func, u=user: f(u, today), requests, warmup)
            client.logout()

    def _get(self, client):
        response = client.get("/", secure=True)
        if response.status_code != 200:
            raise CommandError(f"the home page answered {response.status_code}")
        return response

    def _report(self, user, name, call, requests, warmup):
        for _ in range(warmup):
            call()
        times = []
        with CaptureQueriesContext(connection) as queries:
            call()
        count = len(queries)  # read now: the log is the connection's, not a copy
        for _ in range(requests):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
        self.stdout.write(f"{user.username:<12} {name:<22} {count:>7} {statistics.median(times):>8.1f} "
                          f"{_percentile(times, 0.95):>8.1f} {max(times):>8.1f}")

    def _users(self, names: str):
        model = get_user_model()
        if names:
            found = list(model.objects.filter(username__in=names.split(",")).order_by("username"))
            if len(found) != len(names.split(",")):
                raise CommandError(f"unknown user among {names}")
            return found
        found = []
        for role in (UserRole.Role.CITY_STAFF, UserRole.Role.COUNTY_STAFF):
            user = model.objects.filter(roles__role=role, is_active=True).order_by("id").first()
            if user is None:
                raise CommandError(f"no {role} user: load the demo (python manage.py load_demo) or pass --users")
            found.append(user)
        return found
