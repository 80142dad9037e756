"""Load seed 000's 校长班主任双培养计划 for the demo city: tracks with their yearly quotas (30 and 100
for three years, 390 in all), their eligibility rules, a scoring form, and one intake a year.
The pool already holds last year's intake (12 vice principals in the principal reserve, 40 head teachers), entered by
the city bureau as a bureau enters its existing roster (services.pool_member_add), so the dashboards show members.
Idempotent: rows are found by their natural keys, so running it twice creates nothing new."""

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from org import demo
from org.models import Region, Staff
from talentpool.models import (
    EligibilityRule,
    Intake,
    PoolMember,
    Program,
    PromotionTarget,
    ScoringForm,
    ScoringItem,
    Track,
)

CITY_CODE = "421200"
SCORING_ITEMS = [("政治素养", "20"), ("资历条件", "20"), ("办学实绩", "30"), ("育人成效", "30")]
TRACKS = [
    ("校长培养对象", "principal_reserve", 30, [("min_leader_years", 3, ""), ("stage_in", None, "primary,junior,nine_year")]),
    ("班主任培养对象", "head_teacher", 100, [("min_head_teacher_years", 2, "")]),
]


class Command(BaseCommand):
    help = "Load seed 000's dual training program (双培养计划) for the demo city."

    def handle(self, *args, **options):
        city = Region.objects.filter(code=CITY_CODE).first()
        if city is None:
            raise CommandError("Run load_demo first: the demo city 421200 is missing.")
        form, _ = ScoringForm.objects.get_or_create(name="双培养计划考察评分表")
        for order, (name, weight) in enumerate(SCORING_ITEMS):
            ScoringItem.objects.get_or_create(form=form, name=name, defaults={"weight": Decimal(weight), "order": order})
        program, _ = Program.objects.get_or_create(
            name="校长班主任双培养计划", region=city,
            defaults={"level": "city", "start_year": demo.today().year - 1, "years": 3, "description": "seed 000：每年遴选校长30名、班主任100名，共390人。"},
        )
        for name, pool_type, quota, rules in TRACKS:
            track, _ = Track.objects.get_or_create(
                program=program, name=name, defaults={"pool_type": pool_type, "annual_quota": quota, "scoring_form": form})
            for kind, number, choices in rules:
                EligibilityRule.objects.get_or_create(track=track, kind=kind, defaults={"number": number, "choices": choices})
            for year in range(program.start_year, program.end_year + 1):
                # A calendar year each, so this year's intake is open on any day the demo is loaded.
                Intake.objects.get_or_create(track=track, year=year, defaults={
                    "opens": dt.date(year, 1, 1), "closes": dt.date(year, 12, 31), "quota": quota})
        # Seed 000's first-period outcome (4 vice principals made principal, 3 head teachers vice principal, 15 middle
        # cadres) as this year's promotion targets of the dashboards; the bureau edits them in the admin.
        for to_post, number in (("principal", 4), ("vice_principal", 3), ("middle_cadre", 15)):
            PromotionTarget.objects.get_or_create(region=city, year=demo.today().year, to_post=to_post,
                                                  defaults={"number": number})
        self._members(program)
        total = sum(track.total_quota for track in program.tracks.all())
        self.stdout.write(f"{program.name}: {program.tracks.count()} tracks, {total} places in all")

    def _members(self, program) -> None:
        """Last year's intake in the pool: vice principals and head teachers spread over the counties (every
        eighth of them, in a fixed order), joined on 1 September of last year, at the city tier."""
        from django.contrib.auth import get_user_model

        from talentpool.services.pool import pool_member_add

        actor = get_user_model().objects.filter(username="city").first()
        in_city = Q(school__region=program.region) | Q(school__region__parent=program.region)
        if actor is None or PoolMember.objects.filter(staff__in=Staff.objects.filter(in_city)).exists():
            return
        joined = dt.date(demo.today().year - 1, 9, 1)
        active = Staff.objects.filter(in_city, status=Staff.Status.ACTIVE).order_by("id")
        picks = [(active.filter(post="vice_principal"), "principal_reserve", 12),
                 (active.filter(is_head_teacher=True).exclude(post__in=["principal", "vice_principal"]), "head_teacher", 40)]
        for staff_rows, pool_type, count in picks:
            for staff in list(staff_rows[::8][:count]):
                pool_member_add(actor=actor, staff=staff, program=program, pool_type=pool_type, tier="city", joined=joined)
