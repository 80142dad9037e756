"""Benchmark: p50/p95 of the list pages and an API list for a city user at province scale; print figures.

`--build N` first creates (and keeps) a benchmark city (code 990000) with six counties, N/50 schools
and N staff with work histories (rotation's bench_eligibility generator) and a city bureau user
`bench_city`; run it against PostgreSQL (`DATABASE_URL=...`). Without `--build` it measures the data
already there. Each URL is requested `--repeat` times through Django's test client (in-process: no
network, no gunicorn), after one warm-up request; the figures are wall-clock milliseconds per request
and the number of SQL queries of one request.
"""

import os
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client

from org.models import Region, UserRole

URLS = [
    ("staff list", "/org/staff/"),
    ("staff list page 150", "/org/staff/?page=150"),
    ("staff list name search", "/org/staff/?q=%E5%9F%BA%E5%87%86123"),
    ("eligibility page", "/rotation/eligibility/"),
    ("eligibility page status filter", "/rotation/eligibility/?status=ELIGIBLE"),
    ("nominations page", "/talentpool/nominations/"),
    ("API staff list", "/api/v1/staff/"),
    ("API staff list page 150", "/api/v1/staff/?page=150"),
    ("school picker", "/org/pick/school/?q=%E5%9F%BA%E5%87%86%E5%AD%A6%E6%A0%A11"),
]


class Command(BaseCommand):
    help = "Time the city user's list pages and API lists at province scale (--build N to create the data first)."

    def add_arguments(self, parser):
        parser.add_argument("--build", type=int, default=0, help="create a benchmark city with this many staff first")
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--eligibility", action="store_true",
                            help="also time the eligibility evaluation of every active staff member of the city")
        parser.add_argument("--only", default="", help="comma-separated labels: measure only these URLs")

    def handle(self, *args, build, repeat, only, eligibility, **options):
        if build:
            self._build(build)
        if eligibility:
            self._eligibility()
        # One connection for the whole run (as a server with persistent connections), so the query log survives.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        user = get_user_model().objects.get(username="bench_city")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        self.stdout.write(f"{'endpoint':34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  status")
        for label, url in URLS:
            if only and label not in only.split(","):
                continue
            self._measure(client, label, url, repeat)
        self.stdout.write(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {connection.vendor}")

    def _eligibility(self):
        from datetime import date

        from rotation import selectors

        queryset = selectors.all_active_staff(Region.objects.get(code="990000"))
        queries = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            started = time.perf_counter()
            count = sum(1 for _row in selectors.evaluate_staff(queryset, date(2026, 9, 1)))
            elapsed = time.perf_counter() - started
        self.stdout.write(f"eligibility: {count} staff in {elapsed:.1f} s ({count / elapsed:,.0f} staff/s), "
                          f"{len(queries)} queries; load average {os.getloadavg()[0]:.1f}")

    def _measure(self, client, label, url, repeat):
        response = client.get(url, secure=True)  # warm-up
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, secure=True)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        self.stdout.write(f"{label:34} {statistics.median(times):8.1f} {p95:8.1f} {len(queries):8d}  {response.status_code}")

    def _build(self, count):
        from rotation.management.commands.bench_eligibility import Command as Eligibility

        with transaction.atomic():
            if Region.objects.filter(code="990000").exists():
                self.stdout.write("the benchmark city exists: not built again")
            else:
                started = time.perf_counter()
                Eligibility()._populate(count, random.Random(1))
                self.stdout.write(f"built {count} staff in {time.perf_counter() - started:.1f} s")
            user, _created = get_user_model().objects.get_or_create(username="bench_city")
            UserRole.objects.get_or_create(user=user, role=UserRole.Role.CITY_STAFF,
                                           region=Region.objects.get(code="990000"))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
