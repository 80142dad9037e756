"""The demo city: Xianning (421200) and its six counties, modelled on seed 000.

Deterministic (a seeded generator), so `load_demo` run twice creates nothing the second time:
every row is looked up by its natural key (region code, school code, ID number, username)
and only missing rows are created.
"""

import random
from dataclasses import dataclass
from datetime import date

from org import idcard

CITY = ("421200", "咸宁市")
COUNTIES = [
    ("421202", "咸安区"),
    ("421221", "嘉鱼县"),
    ("421222", "通城县"),
    ("421223", "崇阳县"),
    ("421224", "通山县"),
    ("421281", "赤壁市"),
]
# City-direct schools and their cross-county 1+1 partners (seed 000, 二(一)).
CITY_SCHOOLS = [
    ("4212000001", "咸宁市温泉中学", "junior", "urban"),
    ("4212000002", "咸宁实验外国语学校", "nine_year", "urban"),
    ("4212000003", "咸宁市实验小学", "primary", "urban"),
    ("4212000004", "梓山湖北大邦实验学校", "nine_year", "urban"),
    ("4212000005", "咸宁碧桂园学校", "nine_year", "urban"),
]
NAMED_COUNTY_SCHOOLS = {
    "421224": [("通山县实验中学", "junior", "urban")],
    "421222": [("通城县实验学校", "nine_year", "urban")],
    "421223": [("崇阳县实验二小", "primary", "urban")],
    "421281": [("赤壁市蒲纺一中", "junior", "urban")],
    "421221": [("嘉鱼县第一初级中学", "junior", "urban")],
}
TOWNS = ["城关", "横沟", "马桥", "桂花", "高桥", "双溪", "大坪", "南林", "石城", "白霓", "官桥", "新店"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红燕俊峰建林文辉鹏亮志宇浩晨欣怡佳雪梅琳颖波斌凯丹萍春晓雨婷"
SUBJECTS = {
    "kindergarten": ["学前教育"],
    "primary": ["语文", "数学", "英语", "科学", "音乐", "体育", "美术", "道德与法治", "信息技术"],
    "junior": ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "体育", "音乐", "美术"],
    "senior": ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治", "体育", "信息技术"],
}
SUBJECTS["nine_year"] = SUBJECTS["junior"]
SUBJECTS["complete"] = SUBJECTS["senior"]
TITLES = ["二级教师", "一级教师", "一级教师", "高级教师", "正高级教师"]
SIZE = {"kindergarten": 18, "primary": 32, "junior": 45, "senior": 70, "nine_year": 50, "complete": 60}

PASSWORD = "demo-2026"
USERS = [
    # username, full name, role, region code or school code, is_staff (the admin is for superusers only)
    ("admin", "系统管理员", None, None, True),
    ("city", "市教育局 人事科", "city_staff", "421200", False),
    ("xianan", "咸安区教育局 人事股", "county_staff", "421202", False),
    ("principal", "咸安区实验小学 校长", "principal", "4212020001", False),
    ("supervisor", "市教育督导室", "supervisor", "421200", False),
    ("reviewer", "评审专家", "reviewer", None, False),
]


@dataclass
class SchoolRow:
    code: str
    name: str
    region_code: str
    stage: str
    location: str
    is_weak: bool
    enrolment: int
    class_count: int


@dataclass
class StaffRow:
    name: str
    id_number: str
    gender: str
    birth_date: date
    school_code: str
    post: str
    is_head_teacher: bool
    subject: str
    title: str
    honour_level: int
    work_start: date | None
    school_start: date | None
    post_start: date | None
    history: list  # (school_code, post, start, end)


def schools() -> list[SchoolRow]:
    rng = random.Random(421200)
    rows = [SchoolRow(code, name, CITY[0], stage, loc, False, 2400, 48) for code, name, stage, loc in CITY_SCHOOLS]
    for region_code, region_name in COUNTIES:
        short = region_name[:-1]
        plan = [(f"{short}实验小学", "primary", "urban"), (f"{short}第一中学", "senior", "urban"),
                (f"{short}实验幼儿园", "kindergarten", "urban"), (f"{short}第二初级中学", "junior", "urban")]
        plan += NAMED_COUNTY_SCHOOLS.get(region_code, [])
        towns = rng.sample(TOWNS, 4)
        for town in towns:
            plan += [(f"{short}{town}镇中心小学", "primary", "town"), (f"{short}{town}镇初级中学", "junior", "town")]
        for town in towns[:3]:
            plan += [(f"{short}{town}镇{village}村小学", "primary", "rural") for village in rng.sample("东西南北上下前后", 2)]
            plan.append((f"{short}{town}镇中心幼儿园", "kindergarten", "rural"))
        plan.append((f"{short}第二高级中学", "complete", "town"))
        for index, (name, stage, location) in enumerate(plan, start=1):
            weak = location != "urban" and rng.random() < 0.35
            classes = {"rural": rng.randint(4, 8), "town": rng.randint(12, 24), "urban": rng.randint(24, 48)}[location]
            rows.append(SchoolRow(f"{region_code}{index:04d}", name, region_code, stage, location, weak, classes * 42, classes))
    return rows


def today() -> date:
    """The day the demo is loaded: everything dated in the demo is placed relative to it (issue 10, 13), so
    a demo loaded in any year shows open intakes and a running plan. Tests replace it to load another year."""
    from django.utils import timezone

    return timezone.localdate()


def school_year_start(on: date) -> date:
    """1 September of the school year that `on` falls in (2026-03-10 -> 2025-09-01)."""
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def _date(rng: random.Random, year: int, month: int = 9) -> date:
    return date(year, month, 1) if month == 9 else date(year, month, rng.randint(1, 28))


def staff(school_rows: list[SchoolRow], *, on: date | None = None) -> list[StaffRow]:
    """The demo's staff, with careers up to the school year of `on` (default: today())."""
    rng = random.Random(20240901)
    current = school_year_start(on or today()).year
    by_region: dict[str, list[SchoolRow]] = {}
    for school in school_rows:
        by_region.setdefault(school.region_code, []).append(school)
    used: set[str] = set()
    rows = []
    for school in school_rows:
        count = SIZE[school.stage] // (3 if school.location == "rural" else 1)
        posts = ["principal", "vice_principal"] + ["vice_principal"] * (count > 30) + ["middle_cadre"] * max(1, count // 12)
        posts += ["teacher"] * (count - len(posts))
        peers = [s for s in by_region[school.region_code] if s.code != school.code]
        for post in posts:
            rows.append(_person(rng, school, post, peers, used, current))
    return rows


def _person(rng, school, post, peers, used, current: int) -> StaffRow:
    gender = rng.choice("MF")
    birth = date(rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
    if post != "teacher":
        birth = birth.replace(year=min(birth.year, 1990))
    area = school.region_code if school.region_code != CITY[0] else "421202"
    sequence = rng.randint(0, 99)
    number = idcard.make(area, birth, sequence, gender)
    while number in used:
        sequence += 1
        number = idcard.make(area, birth, sequence, gender)
    used.add(number)
    work_start = date(birth.year + rng.randint(21, 24), 9, 1)
    years_worked = max(0, current - work_start.year)
    school_start = date(work_start.year + rng.randint(0, max(0, years_worked - 1)), 9, 1) if years_worked else work_start
    history = []
    cursor = work_start
    while cursor < school_start and peers:
        other = rng.choice(peers)
        end_year = min(school_start.year, cursor.year + rng.randint(2, 7))
        end = date(end_year, 8, 31)
        history.append((other.code, "teacher", cursor, end))
        cursor = date(end_year, 9, 1)
    post_start = None
    if post != "teacher":
        post_start = date(rng.randint(school_start.year, max(school_start.year, current - 1)), 9, 1)
    if rng.random() < 0.01:
        school_start = None  # incomplete records exist in every real roster
    subjects = SUBJECTS[school.stage]
    return StaffRow(
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2]))),
        id_number=number, gender=gender, birth_date=birth, school_code=school.code, post=post,
        is_head_teacher=post == "teacher" and rng.random() < 0.3,
        subject=rng.choice(subjects), title=rng.choice(TITLES),
        honour_level=rng.choices([0, 1, 2, 3, 4, 5], weights=[50, 20, 15, 10, 4, 1])[0],
        work_start=work_start, school_start=school_start, post_start=post_start, history=history,
    )
