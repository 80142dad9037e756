"""Demo rotation data on top of `load_demo`: a city plan for autumn 2027, split to the counties,
with a roster far enough along in some counties and behind in others that the progress page
shows green, yellow and red. Idempotent: a plan that already exists is left as it is.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from org.models import Region, School, Staff
from rotation.models import Assignment, Plan
from rotation.services.assignments import assignment_approve, assignment_confirm_arrival, assignment_create
from rotation.services.plans import plan_create
from rotation.services.progress import progress_compute

PLAN_NAME = "2027年秋季城乡教师双向交流"
TARGET = 240  # about 8.8 % of the demo's teachers, the ratio of seed 000's 1,530 to 17,331
# How many of each county's share to put on the roster: ahead, behind (yellow), far behind (red).
PACE = {"421202": 0.5, "421221": 0.05, "421222": 0.15, "421223": 0.3, "421224": 0.0, "421281": 0.25}
START, END = date(2027, 8, 28), date(2028, 8, 27)


class Command(BaseCommand):
    help = "Load a demo rotation plan with a partly filled roster (run after load_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        city = Region.objects.filter(code="421200").first()
        actor = get_user_model().objects.filter(username="admin").first()
        if city is None or actor is None:
            self.stdout.write("rotation demo: run load_demo first")
            return
        plan = Plan.objects.filter(region=city, name=PLAN_NAME).first()
        if plan is not None:
            self.stdout.write(f"rotation demo: plan {plan.name} exists ({plan.assignments.count()} assignments)")
            return
        plan = plan_create(actor=actor, region=city, name=PLAN_NAME, term_start=date(2027, 9, 1),
                           opens_on=date(2026, 9, 1), deadline=date(2027, 8, 31), target=TARGET)
        created = sum(self._fill(plan, quota, actor) for quota in plan.quotas.select_related("county"))
        progress_compute(plan=plan, on=timezone.localdate())
        self.stdout.write(f"rotation demo: plan {plan.name}, target {TARGET}, {created} assignments")

    def _fill(self, plan, quota, actor) -> int:
        wanted = round(quota.share * PACE.get(quota.county.code, 0))
        rural = list(School.objects.filter(region=quota.county, location=School.Location.RURAL).order_by("code"))
        teachers = Staff.objects.filter(
            school__region=quota.county, school__location=School.Location.URBAN, post=Staff.Post.TEACHER,
            status=Staff.Status.ACTIVE, school_start__lte=date(2021, 9, 1),
        ).select_related("school__region").order_by("id")
        made = 0
        for staff in teachers.iterator():
            if made >= wanted or not rural:
                break
            try:
                assignment = assignment_create(actor=actor, staff=staff, to_school=rural[made % len(rural)],
                                               form=Assignment.Form.SUPPORT, start=START, planned_end=END, plan=plan)
            except ValidationError:
                continue  # exempt, or already on the roster: the engine decides, the demo skips them
            assignment_approve(actor=actor, assignment=assignment)
            if made % 3 == 0 and START <= timezone.localdate():  # an arrival cannot be in the future (issue 8)
                assignment_confirm_arrival(actor=actor, assignment=assignment, arrived_on=START)
            made += 1
        return made
