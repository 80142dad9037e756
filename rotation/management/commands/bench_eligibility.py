"""Benchmark: evaluate N staff streaming from the database; print time, peak memory and export rows/s.

The synthetic staff, schools and work history are created inside a transaction that is rolled
back at the end, so the database is left as it was. Timing excludes the set-up.
"""

import os
import random
import resource
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from itertools import islice

from django.core.management.base import BaseCommand
from django.db import transaction

from org.models import Region, School, Staff, WorkHistory
from rotation import exports, selectors
from rotation.models import Exemption

AS_OF = date(2026, 9, 1)
BATCH = 5000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


class Command(BaseCommand):
    help = "Time the eligibility evaluation of --staff synthetic staff (default 500,000) and the export's rows/s."

    def add_arguments(self, parser):
        parser.add_argument("--staff", type=int, default=500_000)
        parser.add_argument("--export-rows", type=int, default=50_000, help="rows to export for the rows/s figure")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, staff, export_rows, seed, **options):
        with transaction.atomic():
            started = time.perf_counter()
            self._populate(staff, random.Random(seed))
            self.stdout.write(f"set-up: {staff} staff created in {time.perf_counter() - started:.1f} s (not timed below)")
            self._measure(staff, export_rows)
            transaction.set_rollback(True)

    def _measure(self, staff, export_rows):
        queryset = selectors.all_active_staff(Region.objects.get(code="990000"))
        rss_before = _rss_mb()
        started, cpu_started = time.perf_counter(), time.process_time()
        statuses = Counter(row.decision.status for row in selectors.evaluate_staff(queryset, AS_OF))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(
            f"evaluate: {sum(statuses.values())} staff in {elapsed:.1f} s wall, {cpu:.1f} s CPU of this process "
            f"({sum(statuses.values()) / elapsed:,.0f} staff/s); peak RSS {_rss_mb():.0f} MB (before: {rss_before:.0f} MB); "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        self.stdout.write("statuses: " + ", ".join(f"{key} {value}" for key, value in sorted(statuses.items())))
        ids = list(queryset.order_by("id").values_list("id", flat=True)[:export_rows])
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            started = time.perf_counter()
            count = exports.write_eligibility(handle.name, queryset.filter(id__lte=ids[-1]) if ids else queryset.none(), AS_OF, full_ids=True)
            elapsed = time.perf_counter() - started
        self.stdout.write(f"export: {count} rows in {elapsed:.1f} s ({count / elapsed:,.0f} rows/s)")

    def _populate(self, count, rng):
        city = Region.objects.create(code="990000", name="基准市", level=Region.Level.CITY)
        counties = [Region.objects.create(code=f"99{i:04d}", name=f"基准县{i}", level=Region.Level.COUNTY, parent=city)
                    for i in range(1, 7)]
        schools = School.objects.bulk_create([
            School(code=f"BENCH{i:05d}", name=f"基准学校{i}", region=counties[i % 6], stage="primary",
                   location=("urban", "town", "rural")[i % 3], is_weak=i % 7 == 0)
            for i in range(max(count // 50, 10))
        ], batch_size=BATCH)
        posts = ["teacher"] * 17 + ["middle_cadre", "vice_principal", "principal"]
        for start in range(0, count, BATCH):
            rows = [self._staff(n, rng, schools, posts) for n in range(start, min(start + BATCH, count))]
            created = Staff.objects.bulk_create(rows, batch_size=BATCH)
            history = [
                WorkHistory(staff=member, school=rng.choice(schools), post="teacher",
                            start=member.school_start - timedelta(days=365 * rng.randint(3, 8)),
                            end=member.school_start - timedelta(days=1))
                for member in created if member.school_start and rng.random() < 0.5
            ]
            WorkHistory.objects.bulk_create(history, batch_size=BATCH)
            exemptions = [Exemption(staff=member, kind="EX_ILLNESS", start=date(2026, 1, 1), state="approved")
                          for member in islice(created, 0, None, 50)]
            Exemption.objects.bulk_create(exemptions, batch_size=BATCH)

    @staticmethod
    def _staff(n, rng, schools, posts):
        birth = date(1966, 1, 1) + timedelta(days=rng.randint(0, 365 * 35))
        school_start = birth + timedelta(days=365 * 23 + rng.randint(0, 365 * 15))
        post = rng.choice(posts)
        return Staff(
            name=f"基准{n}", id_number=f"99{n:015d}0", gender=rng.choice("MF"), birth_date=birth,
            school=rng.choice(schools), post=post, school_start=school_start if rng.random() > 0.01 else None,
            post_start=school_start + timedelta(days=rng.randint(0, 2000)) if post in ("principal", "vice_principal") else None,
        )
