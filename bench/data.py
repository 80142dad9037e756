"""Province-scale data on PostgreSQL through COPY (psycopg's `cursor.copy`), not the ORM row by row.

At scale 1.0: one city (970000) with 100 counties (970001..970100), 20,000 schools (PB000000..),
500,000 staff with work histories (one earlier school for about half of them), alliance groups with
members, a rotation plan with county quotas and assignments, a bureau user for the city and one
for the first county, and the city's closed year-end evaluation (`_evaluation`): a cycle of every school (two
rater groups, one rater each per school), a cycle of the principals (one rater each), ten reviewers as raters
(fewer below scale 0.5) with some scores never submitted, final ratings spread over the scale and a few changed by bound rules. Every figure scales linearly with `scale` (at least 2 counties, 20 schools and
200 staff). Rows carry explicit ids above the table's current maximum; the sequences are moved past
them afterwards. Columns the builder does not name get the model field's default, so a column added
by a later migration with a Python default is filled too.
"""

import json
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.db import DatabaseError, connection, models, transaction

from alliances.services.coverage import coverage_figures_compute
from org.idcard import check_char
from org.models import Region, School, Staff, UserRole, WorkHistory
from org.services.figures import staff_figures_compute

CITY_CODE = "970000"
SCHOOL_PREFIX = "PB"
CITY_USER = "bench_city"
COUNTY_USER = "bench_county"
RATER_PREFIX = "bench_rater"
PASSWORD = "bench-Passw0rd!"
AS_OF = date(2026, 9, 1)
BIRTH_DAYS = 12_775  # 35 years of birth dates; a prime step walks them all (ID numbers stay unique)
STAGES = ["primary"] * 10 + ["junior"] * 5 + ["senior"] * 2 + ["kindergarten"] * 3
POSTS = ["teacher"] * 17 + ["middle_cadre", "vice_principal", "principal"]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "体育", "音乐", "美术"]


class NotPostgres(RuntimeError):
    """The suite needs PostgreSQL (COPY, and the figures mean nothing on SQLite)."""


@dataclass
class Sizes:
    counties: int
    schools: int
    staff: int
    groups: int
    assignments: int
    raters: int = 2

    @classmethod
    def for_scale(cls, scale: float) -> "Sizes":
        """Counts at `scale` (1.0 = the province of issue 15)."""
        staff = max(200, round(500_000 * scale))
        schools = max(20, round(20_000 * scale))
        return cls(counties=max(2, round(100 * scale)), schools=schools, staff=staff,
                   groups=max(2, schools // 7), assignments=max(10, staff // 50), raters=max(2, min(10, schools // 2000)))


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise NotPostgres(
            f"基准测试只能在 PostgreSQL 上运行（当前数据库：{connection.vendor}）。请设置 DATABASE_URL=postgres://…")


def _column_defaults(model, named: list[str]) -> tuple[list[str], tuple]:
    """Columns not in `named` (attnames) with the field's default; raises if one has none."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in named or field.primary_key:
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif isinstance(field, (models.CharField, models.TextField)):
            value = ""
        elif isinstance(field, (models.DateTimeField,)) and (field.auto_now or field.auto_now_add):
            from django.utils import timezone
            value = timezone.now()
        else:
            raise ValueError(f"{model.__name__}.{field.name}: no value and no default for COPY")
        if isinstance(field, models.JSONField):
            value = json.dumps(value)
        columns.append(field.column)
        values.append(value)
    return columns, tuple(values)


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY `rows` (tuples in the order of `fields`, attnames, "id" first if given) into model's table."""
    extra_columns, extra = _column_defaults(model, fields)
    named = [model._meta.get_field(name).column if name != "id" else model._meta.pk.column for name in fields]
    columns = ", ".join(f'"{c}"' for c in named + extra_columns)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + extra)
                count += 1
    return count


def next_id(model) -> int:
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequence(model) -> None:
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{pk}'), "
                       f"GREATEST((SELECT MAX(\"{pk}\") FROM \"{table}\"), 1))")


def present(sizes: Sizes) -> bool:
    """The bench data is there at these sizes (for --reuse)."""
    city = Region.objects.filter(code=CITY_CODE).first()
    if city is None:
        return False
    staff = Staff.objects.filter(school__code__startswith=SCHOOL_PREFIX).count()
    return staff == sizes.staff and get_user_model().objects.filter(username__in=[CITY_USER, COUNTY_USER]).count() == 2


def _purge(model, queryset, seen: set) -> None:
    """Raw-delete `queryset` and, first, every row pointing at it (any app, hidden relations too)."""
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related = rel.related_model
        if related is model or (related, rel.field.name) in seen:
            continue
        seen.add((related, rel.field.name))
        dependants = related._base_manager.filter(**{f"{rel.field.name}__in": queryset.values("pk")})
        if rel.on_delete is models.SET_NULL:
            dependants.update(**{rel.field.name: None})
            continue
        _purge(related, dependants, seen)
        seen.discard((related, rel.field.name))
    queryset._raw_delete(connection.alias)


@transaction.atomic
def purge_city(city: Region) -> None:
    """Remove a city with its counties, schools and everything pointing at them (a city bench_assessment built).

    Every row pointing at the city's rows goes too (`_purge` follows every relation), so the foreign-key checks
    have nothing to find: they are skipped where the database user may (`session_replication_role`), since
    checking millions of deleted rows one by one at COMMIT took minutes."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass  # not a superuser: the checks run
    tree = Region.objects.filter(models.Q(pk=city.pk) | models.Q(parent=city) | models.Q(parent__parent=city))
    _purge(School, School.objects.filter(region__in=tree.values("pk")), set())
    _purge(Region, Region.objects.filter(parent__parent=city), set())
    _purge(Region, Region.objects.filter(parent=city), set())
    _purge(Region, Region.objects.filter(pk=city.pk), set())


@transaction.atomic
def purge() -> None:
    """Remove the bench data (users, staff, schools, regions and everything pointing at them)."""
    User = get_user_model()
    users = User.objects.filter(models.Q(username__in=[CITY_USER, COUNTY_USER]) | models.Q(username__startswith=RATER_PREFIX))
    _purge(User, users, set())
    _purge(School, School.objects.filter(code__startswith=SCHOOL_PREFIX), set())
    counties = Region.objects.filter(parent__code=CITY_CODE)
    _purge(Region, counties, set())
    _purge(Region, Region.objects.filter(code=CITY_CODE), set())


def _id_number(n: int, birth_index: int, county: str, gender: str) -> str:
    """A valid, unique ID number: (birth day, sequence) is unique per n."""
    birth = date(1966, 1, 1) + timedelta(days=birth_index)
    sequence = 100 + (n // BIRTH_DAYS) * 2 + (1 if gender == "M" else 0)
    first17 = f"{county}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def build(scale: float, *, seed: int = 15, log=print) -> dict:
    """Build the bench data at `scale` (purging an earlier build first). Returns the counts and seconds."""
    require_postgres()
    sizes = Sizes.for_scale(scale)
    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    purge()
    timings["purge_s"] = round(time.perf_counter() - started, 1)
    with transaction.atomic():
        step = time.perf_counter()
        city = Region.objects.create(code=CITY_CODE, name="基准市", level=Region.Level.CITY)
        region_id = next_id(Region)
        counties = [(region_id + i, f"97{i + 1:04d}") for i in range(sizes.counties)]
        copy_rows(Region, ["id", "code", "name", "level", "parent_id"],
                  ((rid, code, f"基准县{code[-3:]}", Region.Level.COUNTY, city.pk) for rid, code in counties))
        reset_sequence(Region)

        school_id = next_id(School)
        schools = []  # (id, county code, stage)
        for i in range(sizes.schools):
            county = counties[i % sizes.counties]
            schools.append((school_id + i, county[0], county[1], STAGES[i % len(STAGES)]))
        copy_rows(School, ["id", "code", "name", "region_id", "stage", "location", "is_weak", "enrolment", "class_count"],
                  ((sid, f"{SCHOOL_PREFIX}{n:06d}", f"基准学校{n}", region, stage, ("urban", "town", "rural")[n % 3],
                    n % 7 == 0, 60 + n % 1500, 3 + n % 40)
                   for n, (sid, region, _code, stage) in enumerate(schools)))
        reset_sequence(School)
        timings["regions_schools_s"] = round(time.perf_counter() - step, 1)

        step = time.perf_counter()
        staff_id = next_id(Staff)
        history = []  # (staff id, school id, start, end)
        principals = []  # (staff id, school id)

        def staff_rows():
            for n in range(sizes.staff):
                sid, _region, county, _stage = schools[n % sizes.schools]
                birth_index = (n % BIRTH_DAYS) * 7919 % BIRTH_DAYS
                birth = date(1966, 1, 1) + timedelta(days=birth_index)
                gender = "M" if rng.random() < 0.4 else "F"
                post = POSTS[rng.randrange(len(POSTS))]
                school_start = birth + timedelta(days=365 * 23 + rng.randrange(365 * 12))
                if school_start > AS_OF:
                    school_start = AS_OF - timedelta(days=rng.randrange(1, 365 * 3))
                work_start = birth + timedelta(days=365 * 22)
                post_start = school_start + timedelta(days=rng.randrange(0, 900)) if post in ("principal", "vice_principal") else None
                if post_start and post_start > AS_OF:
                    post_start = school_start
                status = "active" if n % 50 else "retired"
                pk = staff_id + n
                if post == "principal" and status == "active":
                    principals.append((pk, sid))
                if rng.random() < 0.5 and school_start - timedelta(days=365 * 3) > work_start:
                    earlier = schools[rng.randrange(sizes.schools)][0]
                    history.append((pk, earlier, work_start, school_start - timedelta(days=1)))
                yield (pk, f"基准{n}", _id_number(n, birth_index, county, gender), gender, birth, sid, post,
                       n % 9 == 0, SUBJECTS[n % len(SUBJECTS)], "一级教师" if n % 3 else "高级教师", n % 4 if n % 11 == 0 else 0,
                       work_start, school_start, post_start, status)

        copy_rows(Staff, ["id", "name", "id_number", "gender", "birth_date", "school_id", "post", "is_head_teacher", "subject",
                          "title", "honour_level", "work_start", "school_start", "post_start", "status"], staff_rows())
        reset_sequence(Staff)
        timings["staff_s"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        copy_rows(WorkHistory, ["staff_id", "school_id", "start", "end"], iter(history))
        timings["work_history_s"] = round(time.perf_counter() - step, 1)

        step = time.perf_counter()
        group_count, member_count = _alliances(sizes, schools, counties, city, rng)
        assignment_count = _rotation(sizes, schools, counties, city, staff_id, rng)
        timings["alliances_rotation_s"] = round(time.perf_counter() - step, 1)
        _users(city, counties)
        step = time.perf_counter()
        evaluation_counts = _evaluation(sizes, schools, counties, city, principals, rng)
        timings["evaluation_s"] = round(time.perf_counter() - step, 1)
    staff_figures_compute()  # what the periodic jobs store for the home page (org and alliances tasks)
    coverage_figures_compute()
    step = time.perf_counter()
    with connection.cursor() as cursor:  # VACUUM sets the visibility map, so index-only scans read no heap (as on a
        # bureau's settled database); it cannot run inside a transaction (a test's), where ANALYZE alone does
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    timings["analyze_s"] = round(time.perf_counter() - step, 1)
    timings["total_s"] = round(time.perf_counter() - started, 1)
    counts = asdict(sizes) | {"work_history": len(history), "groups": group_count, "memberships": member_count,
                              "assignments": assignment_count} | evaluation_counts
    log(f"built: {counts} in {timings['total_s']} s")
    return {"counts": counts, "timings": timings}


def _alliances(sizes, schools, counties, city, rng) -> tuple[int, int]:
    from alliances import rules
    from alliances.models import Group, Membership

    kinds = [(rules.TIGHT, "junior", 3), (rules.HAND_IN_HAND, "primary", 4), (rules.TOWNSHIP, "primary", 4),
             (rules.SENIOR_PAIR, "senior", 1), (rules.PRESCHOOL, "kindergarten", 3)]
    by_stage = {}
    for sid, region, _code, stage in schools:
        by_stage.setdefault(stage, []).append((sid, region))
    cursors = dict.fromkeys(by_stage, 0)
    group_id, groups, members = next_id(Group), [], []
    founded = date(2024, 9, 1)
    for n in range(sizes.groups):
        type_, stage, size = kinds[n % len(kinds)]
        pool = by_stage[stage]
        picked = [pool[(cursors[stage] + k) % len(pool)] for k in range(size + 1)]
        cursors[stage] = (cursors[stage] + size + 1) % len(pool)
        lead = picked[0]
        gid = group_id + n
        groups.append((gid, f"基准集团{n}", type_, 2 if type_ == rules.PRESCHOOL else None, lead[1], lead[0], founded))
        members.append((gid, lead[0], "lead", founded))
        members += [(gid, sid, "member", founded) for sid, _r in picked[1:] if sid != lead[0]]
    copy_rows(Group, ["id", "name", "type", "tier", "region_id", "lead_school_id", "founded_on"], iter(groups))
    reset_sequence(Group)
    unique = list({(g, s): (g, s, r, d) for g, s, r, d in members}.values())
    copy_rows(Membership, ["group_id", "school_id", "role", "joined_on"], iter(unique))
    return len(groups), len(unique)


def _rotation(sizes, schools, counties, city, staff_id, rng) -> int:
    from rotation.models import Assignment, Plan, Quota

    plan = Plan.objects.create(region=city, name="基准交流计划", term_start=AS_OF, opens_on=date(2026, 6, 1),
                               deadline=date(2026, 12, 31), target=sizes.assignments * 2)
    copy_rows(Quota, ["plan_id", "county_id", "base", "share"],
              ((plan.pk, rid, sizes.staff // sizes.counties, sizes.assignments * 2 // sizes.counties) for rid, _c in counties))
    states = ["planned", "approved", "in_place", "in_place", "completed"]
    step = max(1, sizes.staff // sizes.assignments)

    def rows():
        for k in range(sizes.assignments):
            n = k * step
            from_school = schools[n % sizes.schools][0]
            to_school = schools[(n + 7) % sizes.schools][0]
            start = date(2026, 8, 25)
            yield (plan.pk, staff_id + n, from_school, to_school, "exchange", start, date(2029, 8, 24), date(2026, 7, 1),
                   states[k % len(states)])

    count = copy_rows(Assignment, ["plan_id", "staff_id", "from_school_id", "to_school_id", "form", "start", "planned_end",
                                   "filed_on", "state"], rows())
    reset_sequence(Assignment)
    return count


EVALUATION_YEAR = 2026
LEAVES = ["办学方向与管理", "教育教学质量", "教师队伍建设", "集团化办学与交流轮岗"]
# final ratings: (rating, share, lowest total, highest total)
RATINGS = [("excellent", 0.18, 90, 99), ("qualified", 0.62, 70, 89), ("basic", 0.15, 60, 69), ("unqualified", 0.05, 45, 59)]
MISSING = [0.25, 0.10, 0.04]  # the share of their subjects the first raters never submitted (the others none)
RULE_CHANGES = 0.015  # the share of school subjects a bound rule moved


def _evaluation(sizes, schools, counties, city, principals, rng) -> dict:
    """The city's closed year-end evaluation, rows by COPY: a cycle of the active principals (one rater each), then
    one of every school (created last, so the home page shows it: expert panel 60 % and supervisors 40 %, one rater
    each), raters given by county; the first raters never submitted some of theirs (`MISSING`: no scores, so the
    home page's missing scores by rater have content); ratings spread as `RATINGS`, some moved by bound rules."""
    from django.contrib.auth.hashers import make_password

    from evaluation.models import (
        Assignment,
        Cycle,
        Indicator,
        RaterGroup,
        RatingChange,
        Scheme,
        Score,
        Subject,
    )

    User = get_user_model()
    admin = User.objects.get(username=CITY_USER)
    unusable = make_password(None)  # raters never log in to the bench; hashing ten passwords costs seconds
    rater_ids, missing_share = [], {}
    for k in range(sizes.raters):
        user = User.objects.create(username=f"{RATER_PREFIX}{k + 1:02d}", last_name="评审", first_name=f"{k + 1}号",
                                   password=unusable)
        UserRole.objects.create(user=user, role=UserRole.Role.REVIEWER)
        rater_ids.append(user.pk)
        missing_share[user.pk] = MISSING[k] if k < len(MISSING) else 0
    now = datetime(EVALUATION_YEAR, 11, 20, 9, tzinfo=UTC)
    weights = [share for _r, share, _lo, _hi in RATINGS]
    counts = {"evaluation_subjects": 0, "evaluation_assignments": 0, "evaluation_scores": 0, "rule_changes": 0}
    subject_id, assignment_id = next_id(Subject), next_id(Assignment)

    def cycle_with_scheme(kind: str, label: str, groups: list[tuple[str, int]]):
        scheme = Scheme.objects.create(region=city, name=f"基准{label}考核方案", lineage=f"bench-{kind}", person_kind=kind,
                                       total=100, excellent_min=90, qualified_min=70, basic_min=60, frozen_at=now)
        section = Indicator.objects.create(scheme=scheme, code="A", name="履职绩效", points=100)
        leaves = [Indicator.objects.create(scheme=scheme, parent=section, code=f"A{k + 1}", name=name, points=25, order=k)
                  for k, name in enumerate(LEAVES)]
        cycle = Cycle.objects.create(region=city, name=f"基准市{EVALUATION_YEAR}年度{label}考核", year=EVALUATION_YEAR,
                                     kind=Cycle.Kind.YEAR_END, scheme=scheme, as_of=date(EVALUATION_YEAR, 11, 1),
                                     status=Cycle.Status.CLOSED, quota_unit=Cycle.QuotaUnit.COUNTY, quota_percent=20,
                                     created_by=admin)
        made = [RaterGroup.objects.create(cycle=cycle, name=name, weight=weight) for name, weight in groups]
        return cycle, [leaf.pk for leaf in leaves], [group.pk for group in made]

    def fill(cycle, leaves, groups, rows) -> list[tuple[int, str]]:
        """Subjects of `rows` ((school id, county index, staff id, post)) with their assignments and scores;
        returns (subject id, rating) of each."""
        nonlocal subject_id, assignment_id
        subjects, assignments, scores, rated = [], [], [], []
        for school, county, staff, post in rows:
            rating, _share, low, high = rng.choices(RATINGS, weights)[0]
            total = rng.randint(low * 10, high * 10) / 10
            by_group = {}
            for g, group in enumerate(groups):
                rater = rater_ids[(county + g) % len(rater_ids)]
                missing = rng.random() < missing_share[rater]
                assignments.append((assignment_id, cycle.pk, subject_id, rater, group, None if missing else now))
                if not missing:
                    values = [max(0, min(25, round(total / 4 + rng.uniform(-2, 2), 1))) for _leaf in leaves]
                    scores.extend((assignment_id, leaf, value) for leaf, value in zip(leaves, values, strict=True))
                    by_group[str(group)] = round(sum(values), 1)
                assignment_id += 1
            subjects.append((subject_id, cycle.pk, school, staff, post, total, json.dumps({"by_group": by_group}),
                             rating, rating))
            rated.append((subject_id, rating))
            subject_id += 1
        counts["evaluation_subjects"] += copy_rows(Subject, ["id", "cycle_id", "school_id", "staff_id", "post", "total",
                                                             "result", "original_rating", "final_rating"], iter(subjects))
        counts["evaluation_assignments"] += copy_rows(Assignment, ["id", "cycle_id", "subject_id", "rater_id", "group_id",
                                                                   "submitted_at"], iter(assignments))
        counts["evaluation_scores"] += copy_rows(Score, ["assignment_id", "indicator_id", "value"], iter(scores))
        return rated

    # the principals' cycle first: the schools' (created last) is the one the home page shows
    cycle, leaves, groups = cycle_with_scheme("principal", "校长", [("考核组", 100)])
    county_of = {sid: k % sizes.counties for k, (sid, _region, _code, _stage) in enumerate(schools)}
    fill(cycle, leaves, groups, ((school, county_of[school], staff, "principal") for staff, school in principals))
    cycle, leaves, groups = cycle_with_scheme("school", "学校", [("专家组", 60), ("督导组", 40)])
    rated = fill(cycle, leaves, groups, ((sid, k % sizes.counties, None, "") for k, (sid, _r, _c, _s) in enumerate(schools)))

    # bound rules: 明显进步 lifts a 合格 school to 优秀; a lead school whose members fell short drops from 优秀
    changes, moved = [], {}
    for pk, rating in rated:
        if rating in ("qualified", "excellent") and rng.random() < RULE_CHANGES:
            to = "excellent" if rating == "qualified" else "qualified"
            reason = "成员校教育教学质量明显进步，捆绑评价上调" if to == "excellent" else "集团成员校未达标，捆绑评价下调"
            changes.append((pk, "rule", rating, to, reason, json.dumps({})))
            moved[pk] = to
    counts["rule_changes"] = copy_rows(RatingChange, ["subject_id", "kind", "from_rating", "to_rating", "reason", "details"],
                                       iter(changes))
    with connection.cursor() as cursor:
        for to in ("excellent", "qualified"):
            ids = [pk for pk, rating in moved.items() if rating == to]
            if ids:
                cursor.execute(f'UPDATE "{Subject._meta.db_table}" SET "final_rating" = %s WHERE "id" = ANY(%s)', [to, ids])
    reset_sequence(Subject)
    reset_sequence(Assignment)
    return counts


def _users(city, counties) -> None:
    from django.contrib.auth.models import Permission

    from org.management.commands.load_demo import BUREAU_GROUP, LOCAL_APPS

    User = get_user_model()
    group, _ = AuthGroup.objects.get_or_create(name=BUREAU_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=LOCAL_APPS))  # as load_demo does
    for username, role, region_id in ((CITY_USER, "city_staff", city.pk), (COUNTY_USER, "county_staff", counties[0][0])):
        user = User.objects.create(username=username, first_name=username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(group)
        UserRole.objects.create(user=user, role=role, region_id=region_id)


def store_figures(*, log=print) -> None:
    """The figures that jobs store and pages read (the split's eligibility figures as of AS_OF, the senior-title
    checks), computed when missing: what the nightly jobs would have left in a running system."""
    from evaluation.models import TitleRatioFigure
    from evaluation.services_figures import title_ratio_figures_compute
    from rotation.models import EligibilityFigure
    from rotation.services import eligibility_figures_compute

    if not EligibilityFigure.objects.filter(as_of=AS_OF).exists():
        log(f"storing the eligibility figures as of {AS_OF} (the nightly job's): {eligibility_figures_compute(on=AS_OF):,} rows")
    if not TitleRatioFigure.objects.exists():
        log(f"storing the senior-title checks (the nightly job's): {title_ratio_figures_compute():,} schools")
