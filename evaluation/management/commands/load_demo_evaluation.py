"""Load the evaluation demo: seed 001's office (1000 points) and researcher schemes, a primary-school
scheme, last year's published cycle and this year's open one over 咸安区's primary schools (dates
relative to today), with expert, peer and self-assessment raters, and two years of quality data.
Idempotent: schemes and cycles are found by name, so running it twice creates nothing new."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from evaluation import demo, services
from evaluation.models import Assignment, Cycle, Scheme, SchoolQuality
from org.models import Region, School, UserRole

CITY_CODE, COUNTY_CODE = "421200", "421202"
PASSWORD = "demo-2026"
THRESHOLDS = {"excellent_min": Decimal(90), "qualified_min": Decimal(70), "basic_min": Decimal(60)}
SCHEMES = [
    ("机关科室千分考核", "office", "", Decimal(1000), demo.OFFICE,
     {"excellent_min": Decimal(900), "qualified_min": Decimal(700), "basic_min": Decimal(600)}),
    ("教研员考核", "researcher", "", Decimal(100), demo.RESEARCHER, THRESHOLDS),
    ("小学办学水平考核", "school", "primary", Decimal(100), demo.PRIMARY_SCHOOL, THRESHOLDS),
]
GROUPS = [{"name": "专家组", "weight": Decimal(70), "combine": "trimmed_mean"}, {"name": "学校互评", "weight": Decimal(30)},
          {"name": "自评", "weight": Decimal(0), "is_self": True}]


def _values(index: int, year_shift: int) -> dict:
    """Deterministic scores: deductions, threshold, quality, innovation, satisfaction."""
    quality = 78 + (index * 7) % 15 + 2 * year_shift
    return {"P11a": str(index % 3), "P11b": "1" if index % 5 else "0", "P12": str((index * 2) % 5),
            "P21": str(quality), "P22": str(quality), "P31": str(5 + index % 6), "P32": str(7 + index % 4)}


class Command(BaseCommand):
    help = "Load the evaluation demo (schemes from seed 001, two cycles over 咸安区's primary schools)."

    @transaction.atomic
    def handle(self, *args, **options):
        city = Region.objects.filter(code=CITY_CODE).first()
        User = get_user_model()
        clerk = User.objects.filter(username="city").first()
        if city is None or clerk is None:
            raise CommandError("Run load_demo first: the demo city 421200 and its users are missing.")
        schemes = {name: self._scheme(clerk, city, name, kind, category, total, tree, limits)
                   for name, kind, category, total, tree, limits in SCHEMES}
        raters = self._raters(User)
        today = timezone.localdate()
        county = Region.objects.get(code=COUNTY_CODE)
        last = self._cycle(clerk, city, county, schemes["小学办学水平考核"], raters, f"{today.year - 1}年度小学办学水平考核",
                           today.year - 1, today - dt.timedelta(days=365), None)
        current = self._cycle(clerk, city, county, schemes["小学办学水平考核"], raters, f"{today.year}年度小学办学水平考核",
                              today.year, today - dt.timedelta(days=10), last)
        if last.status == Cycle.Status.DRAFT:
            self._run(clerk, last, raters, year_shift=0, complete=True)
            services.cycle_close(actor=clerk, cycle=last)
            services.cycle_publish(actor=clerk, cycle=last)
        if current.status == Cycle.Status.DRAFT:
            self._run(clerk, current, raters, year_shift=1, complete=False)
        self._quality(clerk, county, today.year)
        last.refresh_from_db()
        current.refresh_from_db()
        self.stdout.write(f"evaluation: {len(schemes)} schemes, cycles “{last}” ({last.get_status_display()}) and "
                          f"“{current}” ({current.get_status_display()}), {current.subjects.count()} schools each")

    def _scheme(self, clerk, city, name, kind, category, total, tree, limits) -> Scheme:
        found = Scheme.objects.filter(region=city, name=name).order_by("version").first()
        if found is not None:
            return found
        return services.scheme_create(actor=clerk, tree=tree, data={
            "region": city, "name": name, "person_kind": kind, "category": category, "total": total, **limits})

    def _raters(self, User) -> dict:
        second, created = User.objects.get_or_create(username="reviewer2", defaults={"first_name": "互评专家"})
        if created:
            second.set_password(PASSWORD)
            second.save()
            UserRole.objects.create(user=second, role=UserRole.Role.REVIEWER)
        return {"experts": User.objects.get(username="reviewer"), "peers": second,
                "principal": User.objects.filter(username="principal").first()}

    def _cycle(self, clerk, city, county, scheme, raters, name, year, as_of, previous) -> Cycle:
        found = Cycle.objects.filter(region=city, name=name).first()
        if found is not None:
            return found
        cycle = services.cycle_create(actor=clerk, groups=GROUPS, data={
            "region": city, "name": name, "year": year, "kind": Cycle.Kind.YEAR_END, "scheme": scheme, "as_of": as_of,
            "previous": previous, "quota_unit": Cycle.QuotaUnit.COUNTY})
        services.subjects_generate(actor=clerk, cycle=cycle, region=county, stage=School.Stage.PRIMARY)
        subjects = list(cycle.subjects.select_related("school"))
        groups = {g.name: g for g in cycle.groups.all()}
        services.assignments_create(actor=clerk, cycle=cycle, raters=[raters["experts"]], group=groups["专家组"], subjects=subjects)
        services.assignments_create(actor=clerk, cycle=cycle, raters=[raters["peers"]], group=groups["学校互评"], subjects=subjects)
        principal = raters["principal"]
        own = [s for s in subjects if principal and UserRole.objects.filter(user=principal, school=s.school).exists()]
        if own:
            services.assignments_create(actor=clerk, cycle=cycle, raters=[principal], group=groups["自评"], subjects=own)
        return cycle

    def _run(self, clerk, cycle, raters, *, year_shift: int, complete: bool) -> None:
        services.cycle_open(actor=clerk, cycle=cycle)
        rows = Assignment.objects.filter(cycle=cycle).select_related("rater", "group").order_by("subject__school__code", "id")
        for index, assignment in enumerate(rows):
            if not complete and (assignment.group.name != "专家组" or index % 2):
                continue  # this year: the experts half done, the peers not started
            values = _values(index, year_shift)
            services.scores_save(actor=assignment.rater, assignment=assignment, values=values, submit=True)

    def _quality(self, clerk, county, year) -> None:
        schools = School.objects.filter(region=county, stage=School.Stage.PRIMARY).order_by("code")
        for index, school in enumerate(schools):
            for shift, y in enumerate((year - 2, year - 1)):
                if not SchoolQuality.objects.filter(school=school, year=y).exists():
                    services.quality_save(actor=clerk, school=school, year=y, data={
                        "quality_score": Decimal(78 + (index * 7) % 15 + 2 * shift),
                        "student_increase": (index * 13) % 60 - 10, "staff_exchanged": index % 5})
