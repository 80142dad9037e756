"""Benchmark: the nightly compliance job over --schools synthetic schools in --groups groups.

Synthetic regions, schools, groups, memberships, staff and roster rows (rotation assignments,
in and outside the groups) are created inside a transaction that is rolled back at the end, so the
database is left as it was. Timing excludes the set-up. Run it on PostgreSQL:
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/edu_bench python manage.py bench_alliances`.
"""

import os
import random
import resource
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from alliances import rules, services
from alliances.models import Compliance, ComplianceItem, DispatchDetail, Group, Membership
from org.models import Region, School, Staff
from rotation.models import Assignment

TERM = rules.Term(2026, "autumn")
BATCH = 5000
# type, share of the groups, members per group, stage of the schools
MIX = [
    (rules.TIGHT, 0.35, 3, "junior"), (rules.HAND_IN_HAND, 0.25, 4, "primary"), (rules.TOWNSHIP, 0.2, 4, "primary"),
    (rules.SENIOR_PAIR, 0.1, 2, "senior"), (rules.PRESCHOOL, 0.07, 4, "kindergarten"), (rules.CROSS_COUNTY, 0.03, 1, "junior"),
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the nightly compliance job for --schools schools (default 20,000) in --groups groups (default 3,000)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=20_000)
        parser.add_argument("--groups", type=int, default=3_000)
        parser.add_argument("--dispatches", type=int, default=8, help="roster rows per group (both directions)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, schools, groups, dispatches, seed, **options):
        with transaction.atomic():
            started = time.perf_counter()
            counts = self._populate(schools, groups, dispatches, random.Random(seed))
            self.stdout.write(f"set-up: {counts} in {time.perf_counter() - started:.1f} s (not timed below); "
                              f"database {connection.vendor}")
            self._measure()
            transaction.set_rollback(True)

    def _measure(self):
        for run in (1, 2):  # the second run replaces the same day's rows (idempotent)
            started, cpu = time.perf_counter(), time.process_time()
            done = services.compliance_compute(term=TERM)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            items = ComplianceItem.objects.filter(compliance__term=TERM.code).count()
            gaps = Compliance.objects.filter(term=TERM.code, met=False).count()
            self.stdout.write(f"nightly run {run}: {done} groups in {elapsed:.2f} s wall, {cpu:.2f} s CPU of this process; "
                              f"{items} items, {gaps} groups with gaps; peak RSS {_rss_mb():.0f} MB; "
                              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        group = Group.objects.filter(type=rules.TIGHT).order_by("id").first()
        started = time.perf_counter()
        for _ in range(20):
            services.compliance_compute(term=TERM, group_ids=[group.pk])
        self.stdout.write(f"one group after a roster change: {(time.perf_counter() - started) / 20 * 1000:.0f} ms")

    def _populate(self, school_count, group_count, dispatches, rng) -> str:
        city = Region.objects.create(code="980000", name="基准市", level=Region.Level.CITY)
        counties = [Region.objects.create(code=f"98{i:04d}", name=f"基准县{i}", level=Region.Level.COUNTY, parent=city)
                    for i in range(1, 21)]
        stages = ["primary"] * 10 + ["junior"] * 5 + ["senior"] * 2 + ["kindergarten"] * 3
        schools = School.objects.bulk_create([
            School(code=f"AB{i:06d}", name=f"基准学校{i}", region=counties[i % 20], stage=stages[i % 20],
                   location=("urban", "town", "rural")[i % 3], is_weak=i % 5 == 0, enrolment=60 + i % 900)
            for i in range(school_count)
        ], batch_size=BATCH)
        by_stage = {}
        for school in schools:
            by_stage.setdefault(school.stage, []).append(school)
        cursors = {stage: 0 for stage in by_stage}

        def take(stage, n):
            pool, start = by_stage[stage], cursors[stage]
            cursors[stage] = (start + n) % len(pool)
            return [pool[(start + k) % len(pool)] for k in range(n)]

        group_rows, member_rows = [], []
        for type_, share, members, stage in MIX:
            for _ in range(round(group_count * share)):
                lead, *others = take(stage, members + 1)
                group_rows.append((Group(name=f"基准集团{len(group_rows)}", type=type_, region=lead.region, lead_school=lead,
                                         founded_on=date(2024, 9, 1), tier=2 if type_ == rules.PRESCHOOL else None), lead, others))
        created = Group.objects.bulk_create([row[0] for row in group_rows], batch_size=BATCH)
        for group, (_g, lead, others) in zip(created, group_rows, strict=True):
            member_rows.append(Membership(group=group, school=lead, role="lead", joined_on=group.founded_on))
            member_rows += [Membership(group=group, school=s, joined_on=group.founded_on,
                                       left_on=date(2026, 11, 15) if rng.random() < 0.05 else None) for s in others]
        Membership.objects.bulk_create(member_rows, batch_size=BATCH)
        staff_rows, plans = [], []
        for _g, lead, others in group_rows:
            for k in range(dispatches):
                member = others[k % len(others)]
                back = k % 4 == 3
                source, target = (member, lead) if back else (lead, member)
                post = rng.choice(["teacher"] * 6 + ["middle_cadre", "vice_principal"])
                staff_rows.append(Staff(name=f"基准{len(staff_rows)}", id_number=f"98{len(staff_rows):015d}0", gender="M",
                                        birth_date=date(1980, 1, 1), school=source, post=post, subject=rng.choice(["语文", "数学", "英语"]),
                                        honour_level=rng.choice([0, 1, 2, 3]), school_start=date(2015, 9, 1)))
                plans.append((target, 3 if post != "teacher" else 1, rng.choice(["lower", "middle", "upper"])))
        noise = len(staff_rows)  # as many roster rows again between schools of no common group
        for _n in range(noise):
            source, target = rng.choice(schools), rng.choice(schools)
            if source.pk == target.pk:
                continue
            staff_rows.append(Staff(name=f"基准{len(staff_rows)}", id_number=f"98{len(staff_rows):015d}0", gender="F",
                                    birth_date=date(1985, 1, 1), school=source, post="teacher", subject="数学", school_start=date(2015, 9, 1)))
            plans.append((target, 1, ""))
        staff = Staff.objects.bulk_create(staff_rows, batch_size=BATCH)
        start = date(2026, 8, 25)
        assignments = Assignment.objects.bulk_create([
            Assignment(staff=person, from_school_id=person.school_id, to_school=target, form="exchange", start=start,
                       planned_end=start.replace(year=start.year + years) - timedelta(days=1), filed_on=date(2026, 7, 1),
                       state=rng.choice(["approved", "in_place", "in_place", "planned"]))
            for person, (target, years, _band) in zip(staff, plans, strict=True)
        ], batch_size=BATCH)
        DispatchDetail.objects.bulk_create([
            DispatchDetail(assignment=row, band=band) for row, (_t, _y, band) in zip(assignments, plans, strict=True) if band
        ], batch_size=BATCH)
        return (f"{len(schools)} schools, {len(created)} groups, {len(member_rows)} memberships, "
                f"{len(assignments)} roster rows ({noise} outside the groups)")
