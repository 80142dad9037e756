"""Demo rotation data on top of `load_demo`: a city plan for next autumn's term, open since this school
year's 1 September (placed relative to the day it is loaded, org.demo.today), split to the counties,
with a roster far enough along in some counties and behind in others that the progress page
shows green, yellow and red. Idempotent: a plan that already exists is left as it is.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from org import demo
from org.models import Region, School, Staff
from rotation.models import Assignment, Plan
from rotation.services.assignments import assignment_approve, assignment_confirm_arrival, assignment_create
from rotation.services.figures import eligibility_figures_compute
from rotation.services.plans import plan_create
from rotation.services.progress import progress_compute

PLAN_NAME = "{year}年秋季城乡教师双向交流"
TARGET = 240  # about 8.8 % of the demo's teachers, the ratio of seed 000's 1,530 to 17,331
# How many of each county's share to put on the roster: ahead, behind (yellow), far behind (red).
PACE = {"421202": 0.5, "421221": 0.05, "421222": 0.15, "421223": 0.3, "421224": 0.0, "421281": 0.25}


def plan_dates(on: date) -> dict[str, date]:
    """A plan running on `on`: open since this school year's 1 September, due the 31 August after, for the
    term starting the next day; its stints run from 28 August for a year."""
    opens_on = demo.school_year_start(on)
    term_start = opens_on.replace(year=opens_on.year + 1)
    start = term_start - timedelta(days=4)
    return {"opens_on": opens_on, "deadline": term_start - timedelta(days=1), "term_start": term_start,
            "start": start, "end": start.replace(year=start.year + 1) - timedelta(days=1)}


class Command(BaseCommand):
    help = "Load a demo rotation plan with a partly filled roster (run after load_demo)."

    @transaction.atomic
    def handle(self, *args, **options):
        city = Region.objects.filter(code="421200").first()
        actor = get_user_model().objects.filter(username="admin").first()
        if city is None or actor is None:
            self.stdout.write("rotation demo: run load_demo first")
            return
        dates = plan_dates(demo.today())
        name = PLAN_NAME.format(year=dates["term_start"].year)
        plan = Plan.objects.filter(region=city, name=name).first()
        if plan is not None:
            self.stdout.write(f"rotation demo: plan {plan.name} exists ({plan.assignments.count()} assignments)")
            eligibility_figures_compute()  # the dashboards' nightly figures, fresh
            return
        plan = plan_create(actor=actor, region=city, name=name, term_start=dates["term_start"],
                           opens_on=dates["opens_on"], deadline=dates["deadline"], target=TARGET)
        created = sum(self._fill(plan, quota, actor, dates) for quota in plan.quotas.select_related("county"))
        progress_compute(plan=plan, on=demo.today())
        eligibility_figures_compute()  # what the nightly job stores for the dashboards
        self.stdout.write(f"rotation demo: plan {plan.name}, target {TARGET}, {created} assignments")

    def _fill(self, plan, quota, actor, dates) -> int:
        wanted = round(quota.share * PACE.get(quota.county.code, 0))
        rural = list(School.objects.filter(region=quota.county, location=School.Location.RURAL).order_by("code"))
        teachers = Staff.objects.filter(
            school__region=quota.county, school__location=School.Location.URBAN, post=Staff.Post.TEACHER,
            status=Staff.Status.ACTIVE, school_start__lte=dates["term_start"].replace(year=dates["term_start"].year - 6),
        ).select_related("school__region").order_by("id")
        made = 0
        for staff in teachers.iterator():
            if made >= wanted or not rural:
                break
            try:
                assignment = assignment_create(actor=actor, staff=staff, to_school=rural[made % len(rural)],
                                               form=Assignment.Form.SUPPORT, start=dates["start"], planned_end=dates["end"],
                                               plan=plan)
            except ValidationError:
                continue  # exempt, or already on the roster: the engine decides, the demo skips them
            assignment_approve(actor=actor, assignment=assignment)
            if made % 3 == 0 and dates["start"] <= demo.today():  # an arrival cannot be in the future (issue 8)
                assignment_confirm_arrival(actor=actor, assignment=assignment, arrived_on=dates["start"])
            made += 1
        return made
