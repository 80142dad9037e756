"""Demo alliances on top of `load_demo` (issue 11, item 9), with dates relative to today so it never expires:

- Xianning's five cross-county 1+1 pairs of seed 000 with their real school names;
- two tight groups in 咸安区, one compliant this term and one with gaps;
- a township alliance with small schools, course needs and 走教 schedules (one subject left uncovered);
- a preschool lead (tier 2) with four partner kindergartens;
- a term of joint activities; compliance computed for the current term.

Idempotent: a group that already exists (by name) is left as it is.
"""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from alliances import rules, services
from alliances.models import DispatchDetail, Group, GroupType
from org.models import Region, School, Staff
from org.services import save_audited
from rotation.models import Assignment

CROSS_COUNTY_PAIRS = [  # seed 000, 二(一): city school, county school
    ("咸宁市温泉中学", "通山县实验中学"),
    ("咸宁实验外国语学校", "通城县实验学校"),
    ("咸宁市实验小学", "崇阳县实验二小"),
    ("梓山湖北大邦实验学校", "赤壁市蒲纺一中"),
    ("咸宁碧桂园学校", "嘉鱼县第一初级中学"),
]
ACTIVITIES = [  # seed 000, 二(二): what the pairs did together
    ("joint_research", "数学、英语联合教研", "市实验小学与崇阳第二实小开展数学、英语联合教研。"),
    ("quality_review", "期中检测质量分析会", "组织期中检测、质量分析会与备考研讨。"),
    ("joint_exam", "九年级联考", "九年级联考，统一命题、统一阅卷。"),
    ("festival", "科学日", "联合举办科学日活动。"),
]
COMPLIANT, WITH_GAPS = "咸安实验小学教育集团", "咸安区第二初级中学教育集团"
TOWNSHIP, PRESCHOOL = "乡镇中心小学一体化联盟", "咸安实验幼儿园领航共建"


class Command(BaseCommand):
    help = "Load demo alliances (run after load_demo; idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        self.actor = get_user_model().objects.filter(username="admin").first()
        self.city = Region.objects.filter(code="421200").first()
        self.county = Region.objects.filter(code="421202").first()
        if self.actor is None or self.city is None or self.county is None:
            self.stdout.write("alliances demo: run load_demo first")
            return
        self.today = timezone.localdate()
        self.term = rules.term_of(self.today)
        self.founded = self.term.start - timedelta(days=400)
        created = [name for name, make in [("cross", self._cross_county), (COMPLIANT, self._compliant),
                                           (WITH_GAPS, self._with_gaps), (TOWNSHIP, self._township),
                                           (PRESCHOOL, self._preschool)] if make()]
        done = services.compliance_compute(term=self.term)
        services.coverage_figures_compute(on=self.today)  # what the periodic job stores for the home page, fresh
        self.stdout.write(f"alliances demo: {Group.objects.count()} groups ({len(created)} parts new), "
                          f"compliance of {done} groups for {self.term.code}")

    # --- helpers ---------------------------------------------------------------------------------

    def _school(self, name):
        return School.objects.filter(name=name).first()

    def _group(self, name, type, region, lead, members, tier=None):
        if Group.objects.filter(name=name).exists() or lead is None or not all(members):
            return None
        return services.group_create(actor=self.actor, name=name, type=type, region=region, lead_school=lead, members=members,
                                     founded_on=self.founded, tier=tier)

    def _dispatch(self, staff, to_school, *, years=1, band="", subject="", state=Assignment.State.IN_PLACE):
        start = self.term.start - timedelta(days=7)
        end = start.replace(year=start.year + years) - timedelta(days=1)
        row = Assignment(staff=staff, from_school=staff.school, to_school=to_school, form=Assignment.Form.EXCHANGE, start=start,
                         planned_end=end, filed_on=start - timedelta(days=40), state=state,
                         arrived_on=start if state == Assignment.State.IN_PLACE else None,
                         is_key_teacher=staff.honour_level >= rules.KEY_HONOUR)
        save_audited(row, actor=self.actor, reason="demo")
        if band or subject:
            DispatchDetail.objects.create(assignment=row, band=band, subject=subject)
        return row

    def _people(self, school, post, count, *, key=False, exclude=()):
        rows = list(Staff.objects.filter(school=school, post=post, status=Staff.Status.ACTIVE).exclude(pk__in=exclude)
                    .order_by("-honour_level", "id")[:count])
        if key:  # the demo's key teachers hold a district-level honour (seed 003's definition)
            Staff.objects.filter(pk__in=[s.pk for s in rows], honour_level__lt=rules.KEY_HONOUR).update(honour_level=rules.KEY_HONOUR)
            for person in rows:
                person.honour_level = max(person.honour_level, rules.KEY_HONOUR)
        return rows

    # --- the parts -------------------------------------------------------------------------------

    def _cross_county(self) -> bool:
        made = False
        for index, (city_name, county_name) in enumerate(CROSS_COUNTY_PAIRS, start=1):
            lead, partner = self._school(city_name), self._school(county_name)
            group = self._group(f"{city_name}—{county_name}跨县域教联体", GroupType.CROSS_COUNTY, self.city, lead, [partner])
            if group is None:
                continue
            made = True
            group.founded_on = group.founded_on  # seed 000: built November 2024; kept relative for the demo
            for offset, (kind, title, summary) in enumerate(ACTIVITIES[: 2 + index % 3]):
                day = min(self.today, self.term.start + timedelta(days=20 + 25 * offset))
                services.activity_create(actor=self.actor, group=group, kind=kind, held_on=day, title=title, summary=summary,
                                         schools=[lead, partner])
        return made

    def _tight(self, name, lead_name, member_filter):
        lead = School.objects.filter(name=lead_name).first()
        member = School.objects.filter(region=self.county, **member_filter).exclude(pk=getattr(lead, "pk", None)).order_by("code").first()
        return self._group(name, GroupType.TIGHT, self.county, lead, [member]), lead, member

    def _compliant(self) -> bool:
        group, lead, member = self._tight(COMPLIANT, "咸安实验小学", {"stage": "primary", "location": "town"})
        if group is None:
            return False
        cadres = self._people(lead, Staff.Post.MIDDLE_CADRE, 2) + self._people(lead, Staff.Post.VICE_PRINCIPAL, 1)
        for person in cadres:
            self._dispatch(person, member, years=3)
        teachers = self._people(lead, Staff.Post.TEACHER, 9, key=True)
        back = self._people(member, Staff.Post.TEACHER, 9)
        pairs = [(band, subject) for band in rules.BANDS for subject in ("语文", "数学", "英语")]
        for person, peer, (band, subject) in zip(teachers, back, pairs, strict=False):
            self._dispatch(person, member, band=band, subject=subject)
            self._dispatch(peer, lead, band=band, subject=subject)
        for person in self._people(member, Staff.Post.MIDDLE_CADRE, 2) + self._people(member, Staff.Post.VICE_PRINCIPAL, 1):
            self._dispatch(person, lead, years=3)
        vice = next((p for p in cadres if p.post == Staff.Post.VICE_PRINCIPAL), None)
        if vice is not None:
            services.post_appoint(actor=self.actor, group=group, school=member, staff=vice, kind="executive", start=self.term.start,
                                  document_no=f"咸教人〔{self.term.year}〕12号")
        return True

    def _with_gaps(self) -> bool:
        group, lead, member = self._tight(WITH_GAPS, "咸安第二初级中学", {"stage": "junior", "location": "town"})
        if group is None:
            return False
        for person in self._people(lead, Staff.Post.MIDDLE_CADRE, 2):
            self._dispatch(person, member, years=3)
        for person in self._people(lead, Staff.Post.TEACHER, 4, key=True):
            self._dispatch(person, member)
        for person in self._people(member, Staff.Post.MIDDLE_CADRE, 1):
            self._dispatch(person, lead, years=3)
        return True

    def _township(self) -> bool:
        central = School.objects.filter(region=self.county, stage="primary", location="town").order_by("-code").first()
        if central is None or Group.objects.filter(name=TOWNSHIP).exists():
            return False
        town = central.name.removesuffix("中心小学")
        villages = list(School.objects.filter(region=self.county, stage="primary", location="rural", name__startswith=town))
        villages = villages or list(School.objects.filter(region=self.county, stage="primary", location="rural")[:2])
        for index, village in enumerate(villages):  # the demo's village schools are small schools (< 100 pupils)
            School.objects.filter(pk=village.pk).update(enrolment=60 + 10 * index, class_count=6)
            village.enrolment = 60 + 10 * index
        group = self._group(f"{town}{TOWNSHIP}", GroupType.TOWNSHIP, self.county, central, villages)
        Group.objects.filter(pk=group.pk).update(name=TOWNSHIP)
        group.name = TOWNSHIP
        teachers = list(Staff.objects.filter(school=central, post=Staff.Post.TEACHER, status=Staff.Status.ACTIVE).order_by("id")[:3])
        needs = ["音乐", "美术", "体育", "科学"]
        for village in villages:
            for subject in needs:
                services.course_need_save(actor=self.actor, group=group, school=village, subject=subject, weekly_lessons=2)
        for v_index, village in enumerate(villages):
            for t_index, (teacher, subject) in enumerate(zip(teachers, needs[:3], strict=False)):
                services.slot_create(actor=self.actor, group=group, school=village, staff=teacher, subject=subject,
                                     weekday=1 + (v_index * 2 + t_index) % 5, starts_at=time(8 + v_index * 2, 0),
                                     ends_at=time(8 + v_index * 2, 40), valid_from=self.term.start)
        services.activity_create(actor=self.actor, group=group, kind="joint_research", title="小规模学校音体美同步课堂",
                                 held_on=min(self.today, self.term.start + timedelta(days=30)), schools=[central, *villages])
        return True

    def _preschool(self) -> bool:
        lead = School.objects.filter(name="咸安实验幼儿园").first()
        if lead is None or Group.objects.filter(name=PRESCHOOL).exists():
            return False
        partners = list(School.objects.filter(region=self.county, stage="kindergarten").exclude(pk=lead.pk).order_by("code")[:4])
        for index in range(len(partners), 4):
            school, _ = School.objects.get_or_create(
                code=f"42120299{index:02d}", defaults={"name": f"咸安区第{index + 1}民办幼儿园", "region": self.county,
                                                       "stage": "kindergarten", "location": "town", "enrolment": 150})
            partners.append(school)
        School.objects.filter(pk__in=[p.pk for p in partners]).update(is_weak=True)
        for partner in partners:
            partner.is_weak = True
        services.preschool_rating_save(actor=self.actor, school=lead, level=rules.CITY_MODEL)
        group = self._group(PRESCHOOL, GroupType.PRESCHOOL, self.county, lead, partners, tier=2)
        services.activity_create(actor=self.actor, group=group, kind="shadowing", title="教师跟岗研修",
                                 held_on=min(self.today, self.term.start + timedelta(days=45)), schools=[lead, *partners])
        return True
