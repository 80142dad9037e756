"""Print talent-pool figures: roster exports (rows/s), eligibility rules (evaluations/s) and the
nominations import (preview and commit, rows/s). Builds its own data inside a transaction that is
rolled back, so it leaves the database as it found it."""

import datetime as dt
import io
import tempfile
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from org import idcard
from org.excel import get_importer
from org.models import Region, School, Staff, UserRole
from talentpool import exports, rules
from talentpool.models import EligibilityRule, Intake, Nomination, PoolMember, Program, Track


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure talent-pool exports, eligibility evaluation and the nominations import."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)
        parser.add_argument("--import-rows", type=int, default=1000)

    def handle(self, *args, rows, import_rows, **options):
        try:
            with transaction.atomic():
                self.run(rows, import_rows)
                raise Rollback
        except Rollback:
            pass

    def figure(self, label, count, seconds):
        self.stdout.write(f"{label}: {count} rows in {seconds:.2f} s = {count / seconds:,.0f} rows/s")

    def run(self, rows, import_rows):
        today = timezone.localdate()
        city = Region.objects.create(code="990000", name="基准市", level="city")
        county = Region.objects.create(code="990001", name="基准县", level="county", parent=city)
        school = School.objects.create(code="BENCH0001", name="基准学校", region=county, stage="junior", location="urban")
        base = dt.date(1975, 1, 1)
        staff = Staff.objects.bulk_create([
            Staff(name=f"教师{i}", id_number=idcard.make(f"{990100 + i // 7000:06d}", base + dt.timedelta(days=i % 7000), 0, "M"),
                  gender="M", birth_date=base + dt.timedelta(days=i % 7000), school=school, post="vice_principal",
                  post_start=dt.date(2015, 9, 1), school_start=dt.date(2010, 9, 1))
            for i in range(rows + import_rows)
        ], batch_size=1000)
        user = get_user_model().objects.create(username="bench-talentpool")
        UserRole.objects.create(user=user, role="city_staff", region=city)
        program = Program.objects.create(name="基准计划", level="city", region=city, start_year=today.year)
        track = Track.objects.create(program=program, name="校长培养对象", pool_type="principal_reserve", annual_quota=rows)
        EligibilityRule.objects.create(track=track, kind="min_leader_years", number=3)
        EligibilityRule.objects.create(track=track, kind="max_age", number=55)
        intake = Intake.objects.create(track=track, year=today.year, opens=today, closes=today, quota=rows)
        Nomination.objects.bulk_create([
            Nomination(intake=intake, staff=person, nominated_by=user, reasons="实绩突出") for person in staff[:rows]
        ], batch_size=1000)
        PoolMember.objects.bulk_create([
            PoolMember(staff=person, pool_type="principal_reserve", tier="city", joined=today, review_due=today) for person in staff[:rows]
        ], batch_size=1000)

        for label, write in (("nomination roster export", exports.nomination_roster), ("pool roster export", exports.pool_roster)):
            started = time.perf_counter()
            write(io.BytesIO(), user=user)
            self.figure(label, rows, time.perf_counter() - started)

        candidates = [rules.Candidate(birth_date=p.birth_date, post=p.post, stage="junior", post_start=p.post_start) for p in staff]
        rule_rows = [rules.RuleRow("min_leader_years", 3), rules.RuleRow("max_age", 55), rules.RuleRow("stage_in", choices=("junior",))]
        started = time.perf_counter()
        for _ in range(max(1, 100_000 // len(candidates))):
            for candidate in candidates:
                rules.evaluate_eligibility(candidate, rule_rows, today)
        evaluated = max(1, 100_000 // len(candidates)) * len(candidates)
        self.figure("eligibility evaluation (3 rules)", evaluated, time.perf_counter() - started)

        book = Workbook()
        sheet = book.active
        sheet.title = "推荐人选"
        sheet.append(["身份证号", "姓名", "培养类别", "年度", "推荐理由"])
        for person in staff[rows:]:
            sheet.append([person.id_number, person.name, track.name, today.year, "实绩突出"])
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            book.save(handle.name)
            importer = get_importer("talent_nominations")
            for commit in (False, True):
                started = time.perf_counter()
                result = importer.run(handle.name, user=user, commit=commit)
                assert result.ok, result.problems.items[:3]
                self.figure(f"nominations import ({'commit' if commit else 'preview'})", import_rows, time.perf_counter() - started)
