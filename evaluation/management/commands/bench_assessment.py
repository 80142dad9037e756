"""`python manage.py bench_assessment --schools 20000 --people 500000`: the yearly assessment job's speed
(issue 13 item 7), measured by a command that prints figures, never by a timed test.

Builds, on PostgreSQL, a city with nine counties, `--schools` schools, `--people` staff (a principal, two
vice principals and teachers per school), education groups of one lead and five members (a sixth of the
schools lead), staff dispatched from each lead to its members (rotation's roster), two years of quality
figures, and two closed year-end cycles: one of the schools and one of the people, each with one rater
per subject and four scored indicators (so 4 × (schools + people) score rows). Rows go in by COPY with
ids drawn from each table's sequence. Then it runs the yearly job on each cycle with `run_assessment`
in a child process (the same code the Celery task runs) and prints its wall time, its peak memory
(the child's maximum resident set, getrusage) and its rate (subjects and score rows per second); then
once more (not with `--once`), to show the second run changes nothing. The data stay (a fresh city per call); pass
`--delete` to remove them afterwards, or time the job again on a city built earlier with `--reuse CYCLE
[CYCLE ...]` (nothing built; both runs are then reruns, as a beat retry or a second start would be).
"""

import datetime as dt
import random
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from alliances.models import Group, GroupType, Membership
from evaluation.models import Assignment, Cycle, Indicator, RaterGroup, Scheme, SchoolQuality, Score, Subject
from org.models import Region, School, Staff
from rotation.models import Assignment as Dispatch

YEAR = 2026
GROUP_SIZE = 6  # one lead and five members
LEAVES = 4
SENT_PER_MEMBER = 2


def copy_rows(model, rows: list[dict]) -> list[int]:
    """COPY `rows` (field name → value, defaults filled from the model) into the model's table; returns
    the ids given, in order (drawn from the table's sequence in one query)."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence(%s, 'id')) + %s)",
                       [table, table, len(rows) - 1])
        last = cursor.fetchone()[0]
        first = last - len(rows) + 1
        columns = ", ".join(['"id"'] + [f'"{f.column}"' for f in fields])
        defaults = {f.attname: f.get_default() for f in fields}
        now = dt.datetime.now(dt.UTC)
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for offset, row in enumerate(rows):
                values = [first + offset]
                for f in fields:
                    value = row.get(f.attname, row.get(f.name, defaults[f.attname]))
                    values.append(f.get_db_prep_save(value, connection) if f.get_internal_type() == "JSONField" else value)
                copy.write_row(values)
    return list(range(first, last + 1))


class Command(BaseCommand):
    help = "Build a city of the given size on PostgreSQL and time the yearly assessment job on it."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=20000)
        parser.add_argument("--people", type=int, default=500000)
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--delete", action="store_true", help="remove the built city afterwards")
        parser.add_argument("--once", action="store_true",
                            help="run the job once per cycle (no second run; the benchmark suite's time budget)")
        parser.add_argument("--reuse", type=int, nargs="+", metavar="CYCLE",
                            help="time the job on these existing cycles (a city built by an earlier call), building nothing")

    def handle(self, *args, schools, people, seed, delete, once=False, reuse=None, **options):
        self.attempts = ("first run",) if once else ("first run", "second run")
        if connection.vendor != "postgresql":
            raise CommandError("bench_assessment needs PostgreSQL (DATABASE_URL=postgres://...).")
        if reuse:
            self.time_cycles([(c.name, c, c.subjects.count()) for c in Cycle.objects.filter(pk__in=reuse).order_by("pk")])
            return
        if schools < GROUP_SIZE or people < 3 * schools:
            raise CommandError("Give at least 6 schools and 3 people per school.")
        rng = random.Random(seed)
        started = time.monotonic()
        cycles = self.build(rng, schools, people)
        self.stdout.write(f"built {schools} schools, {people} people, {4 * (schools + people)} score rows "
                          f"in {time.monotonic() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.time_cycles(cycles)
        if delete:
            self.remove(cycles)

    def time_cycles(self, cycles) -> None:
        """Run the job twice on each (label, cycle, subjects) and print the figures."""
        total_wall = 0.0
        for label, cycle, subjects in cycles:
            for attempt in self.attempts:
                wall, peak_mb, output = self.timed_run(cycle.pk)
                if attempt == "first run":
                    total_wall += wall
                self.stdout.write(f"{label} ({subjects} subjects), {attempt}: wall {wall:.1f} s, peak memory "
                                  f"{peak_mb:.0f} MB, {subjects / wall:,.0f} subjects/s, "
                                  f"{LEAVES * subjects / wall:,.0f} score rows/s")
                self.stdout.write("    " + next(line for line in output.splitlines() if "：" in line or ": " in line
                                                  and "/" not in line))
        self.stdout.write(f"yearly job, both cycles (first runs): {total_wall:.1f} s")

    def timed_run(self, cycle_id: int) -> tuple[float, float, str]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.monotonic()
        done = subprocess.run([sys.executable, str(Path(__file__).resolve().parents[3] / "manage.py"), "run_assessment",
                               str(cycle_id)], capture_output=True, text=True)
        wall = time.monotonic() - start
        if done.returncode:
            raise CommandError(done.stderr or done.stdout)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far (KB)
        return wall, max(peak, before) / 1024, done.stdout

    # --- the data ---------------------------------------------------------------------------------------

    def build(self, rng, n_schools: int, n_people: int):
        tag = rng.randrange(10000, 99999)
        while Region.objects.filter(code__startswith=str(tag)).exists():  # a fresh city per call
            tag = random.randrange(10000, 99999)
        admin, _ = User.objects.get_or_create(username="bench-assessment", defaults={"is_staff": False})
        with transaction.atomic():
            city = Region.objects.create(code=f"{tag}0", name=f"基准市{tag}", level=Region.Level.CITY)
            counties = [Region.objects.create(code=f"{tag}{k}", name=f"基准县{tag}-{k}", level=Region.Level.COUNTY,
                                              parent=city) for k in range(1, 10)]
        stages = [School.Stage.PRIMARY, School.Stage.PRIMARY, School.Stage.JUNIOR, School.Stage.SENIOR,
                  School.Stage.KINDERGARTEN]
        locations = [School.Location.URBAN, School.Location.TOWN, School.Location.RURAL]
        school_ids = copy_rows(School, [
            {"code": f"B{tag}-{i:06d}", "name": f"基准学校{tag}-{i}", "region_id": counties[i % 9].pk,
             "stage": stages[i % 5], "location": locations[i % 3], "enrolment": 500} for i in range(n_schools)])
        per_school = n_people // n_schools
        extra = n_people - per_school * n_schools
        staff_rows, staff_school, staff_post = [], [], []
        for s_index, school_id in enumerate(school_ids):
            count = per_school + (1 if s_index < extra else 0)
            for k in range(count):
                post = Staff.Post.PRINCIPAL if k == 0 else Staff.Post.VICE_PRINCIPAL if k < 3 else Staff.Post.TEACHER
                n = len(staff_rows)
                staff_rows.append({"name": f"教师{n}", "id_number": f"{tag:05d}{n:013d}", "gender": "F" if n % 2 else "M",
                                   "birth_date": dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28), "school_id": school_id,
                                   "post": post, "subject": "语文"})
                staff_school.append(school_id)
                staff_post.append(post)
        staff_ids = copy_rows(Staff, staff_rows)
        del staff_rows
        staff_at = {}
        for staff_id, school_id, post in zip(staff_ids, staff_school, staff_post, strict=True):
            staff_at.setdefault(school_id, []).append((staff_id, post))

        # groups: every sixth school leads the next five
        groups, members, dispatches = [], [], []
        founded = dt.date(YEAR - 3, 9, 1)
        for start in range(0, n_schools - GROUP_SIZE + 1, GROUP_SIZE):
            groups.append({"name": f"基准集团{tag}-{start}", "type": GroupType.TIGHT if start % 12 == 0 else GroupType.HAND_IN_HAND,
                           "region_id": counties[start % 9].pk, "lead_school_id": school_ids[start], "founded_on": founded})
        group_ids = copy_rows(Group, groups)
        for g_index, group_id in enumerate(group_ids):
            lead = school_ids[g_index * GROUP_SIZE]
            members.append({"group_id": group_id, "school_id": lead, "role": Membership.Role.LEAD, "joined_on": founded})
            teachers = [sid for sid, post in staff_at[lead] if post == Staff.Post.TEACHER]
            for m in range(1, GROUP_SIZE):
                member = school_ids[g_index * GROUP_SIZE + m]
                members.append({"group_id": group_id, "school_id": member, "role": Membership.Role.MEMBER, "joined_on": founded})
                for sent in teachers[(m - 1) * SENT_PER_MEMBER:m * SENT_PER_MEMBER]:
                    dispatches.append({"staff_id": sent, "from_school_id": lead, "to_school_id": member,
                                       "form": Dispatch.Form.EXCHANGE, "start": dt.date(YEAR, 2, 1),
                                       "planned_end": dt.date(YEAR + 1, 1, 31), "filed_on": dt.date(YEAR - 1, 12, 1),
                                       "state": Dispatch.State.IN_PLACE, "arrived_on": dt.date(YEAR, 2, 20)})
        copy_rows(Membership, members)
        copy_rows(Dispatch, dispatches)
        quality = []
        for school_id in school_ids:
            before = Decimal(rng.randrange(6000, 9000)) / 100
            quality.append({"school_id": school_id, "year": YEAR - 1, "quality_score": before})
            quality.append({"school_id": school_id, "year": YEAR, "quality_score": before + Decimal(rng.randrange(-800, 1200)) / 100,
                            "student_increase": rng.randrange(-20, 150), "staff_exchanged": rng.randrange(0, 12)})
        copy_rows(SchoolQuality, quality)

        made = []
        for kind, label in (("school", "school cycle"), ("teacher", "people cycle")):
            scheme = Scheme.objects.create(region=city, name=f"基准方案{tag}-{kind}", lineage=f"b{tag}{kind}"[:32],
                                           person_kind=kind, total=100, excellent_min=90, qualified_min=70, basic_min=60,
                                           frozen_at=dt.datetime.now(dt.UTC))
            section = Indicator.objects.create(scheme=scheme, code="A", name="履职", points=100)
            leaves = [Indicator.objects.create(scheme=scheme, parent=section, code=f"A{k + 1}", name=f"指标{k + 1}",
                                               points=25, order=k) for k in range(LEAVES)]
            cycle = Cycle.objects.create(region=city, name=f"基准{YEAR}年度考核{tag}-{kind}", year=YEAR, kind=Cycle.Kind.YEAR_END,
                                         scheme=scheme, as_of=dt.date(YEAR, 12, 1), status=Cycle.Status.CLOSED,
                                         created_by=admin, quota_percent=20, rotated_percent=10)
            group = RaterGroup.objects.create(cycle=cycle, name="考核组", weight=100)
            if kind == "school":
                subject_rows = [{"cycle_id": cycle.pk, "school_id": sid} for sid in school_ids]
            else:
                sent = {d["staff_id"] for d in dispatches}
                subject_rows = [{"cycle_id": cycle.pk, "school_id": school_id, "staff_id": staff_id, "post": post,
                                 "rotated": staff_id in sent}
                                for school_id in school_ids for staff_id, post in staff_at[school_id]]
            subject_ids = copy_rows(Subject, subject_rows)
            del subject_rows
            now = dt.datetime.now(dt.UTC)
            assignment_ids = copy_rows(Assignment, [{"cycle_id": cycle.pk, "subject_id": sid, "rater_id": admin.pk,
                                                     "group_id": group.pk, "submitted_at": now} for sid in subject_ids])
            weights = [0.55, 0.3, 0.1, 0.05]  # a spread of totals over the four ratings
            scores = []
            for assignment_id in assignment_ids:
                level = rng.choices((24, 20, 16, 12), weights)[0]
                for leaf in leaves:
                    scores.append({"assignment_id": assignment_id, "indicator_id": leaf.pk,
                                   "value": Decimal(min(25, max(0, level + rng.randrange(-2, 3))))})
                if len(scores) >= 200000:
                    copy_rows(Score, scores)
                    scores = []
            copy_rows(Score, scores)
            made.append((label, cycle, len(subject_ids)))
        return made

    def remove(self, cycles) -> None:
        with transaction.atomic():
            for _label, cycle, _n in cycles:
                Score.objects.filter(assignment__cycle=cycle).delete()
        self.stdout.write("removed the scores (the rest of the built city stays; drop the database to clear it)")
