"""The demo's indicator schemes, from the seeds.

- OFFICE: seed 001's 千分考核 of the bureau's offices, 底线 + 创新 + 满意度 in 1000 points (the
  满意度 part scored by the basic-level principals at the year-end PPT presentation), with a veto item.
- RESEARCHER: seed 001's researcher assessment, 4 A-level indicators (学科教学质量, 教学常规落实,
  个人专业发展, 基层学校满意度) and 22 B-level ones.
- PRIMARY_SCHOOL: a primary-school scheme (seed 002: a scheme per school category) of 100 points
  with three levels and every scoring method.
The B-level names and the points are the demo's, not the seed's (the seed names only the A level).
"""

from evaluation import rules


def _leaf(code, name, points, **extra):
    return {"code": code, "name": name, "points": points, **extra}


OFFICE = [
    {"code": "D", "name": "底线工作", "points": 600, "role": rules.BASELINE, "children": [
        {"code": "D1", "name": "常规工作", "points": 300, "children": [
            _leaf("D1a", "每月调度完成", 150, help_text="每月一调度，未完成一项扣10分"),
            _leaf("D1b", "半年工作展示", 150, method=rules.THRESHOLD, help_text="半年一展示，达标得满分"),
        ]},
        {"code": "D2", "name": "纪律作风", "points": 300, "children": [
            _leaf("D2a", "政治纪律", 150), _leaf("D2b", "廉洁自律", 150),
        ]},
    ]},
    {"code": "C", "name": "创新工作", "points": 300, "role": rules.INNOVATION, "children": [
        {"code": "C1", "name": "创新成果", "points": 300, "children": [
            _leaf("C1a", "创新项目", 200, help_text="市级以上推介的创新做法"),
            _leaf("C1b", "经验推广", 100),
        ]},
    ]},
    {"code": "S", "name": "满意度", "points": 100, "role": rules.SATISFACTION, "children": [
        {"code": "S1", "name": "基层评议", "points": 100, "children": [
            _leaf("S1a", "校长现场打分", 100, help_text="年终面向基层学校校长PPT展示，现场打分"),
        ]},
        _leaf("V1", "违反廉洁纪律", 0, role=rules.VETO),
    ]},
]

_B = {
    "A1": ("学科教学质量", [("联考成绩位次", rules.RANK, {"table": [5, 4, 3, 2, 1]}), ("学科质量与最优比", rules.RATIO, {}),
                         ("学科质量增值", rules.IMPROVEMENT, {"full_gain": 5}), ("薄弱学校帮扶成效", rules.POINTS, {}),
                         ("学业质量监测", rules.POINTS, {}), ("毕业年级指导", rules.POINTS, {})]),
    "A2": ("教学常规落实", [("下乡兼课教研", rules.THRESHOLD, {}), ("听课评课节数", rules.POINTS, {}),
                         ("集体备课指导", rules.POINTS, {}), ("作业设计指导", rules.POINTS, {}),
                         ("教学视导", rules.POINTS, {}), ("教研活动组织", rules.POINTS, {})]),
    "A3": ("个人专业发展", [("课题研究", rules.POINTS, {}), ("论文著作", rules.POINTS, {}), ("荣誉奖励", rules.POINTS, {}),
                         ("培训学习", rules.POINTS, {}), ("创新成果", rules.POINTS, {})]),
    "A4": ("基层学校满意度", [("校长评议", rules.POINTS, {}), ("教师评议", rules.POINTS, {}), ("服务态度", rules.POINTS, {}),
                          ("指导实效", rules.POINTS, {}), ("作风纪律", rules.POINTS, {})]),
}
_A_POINTS = {"A1": 30, "A2": 30, "A3": 20, "A4": 20}


def _researcher():
    """4 A-level sections; each B-level item carries an equal part (30/6, 30/6, 20/5, 20/5)."""
    sections = []
    for code, (name, items) in _B.items():
        each = _A_POINTS[code] // len(items)
        children = [_leaf(f"{code}{i + 1:02d}", item, each, method=method, params=params)
                    for i, (item, method, params) in enumerate(items)]
        role = rules.SATISFACTION if code == "A4" else rules.STANDARD
        sections.append({"code": code, "name": name, "points": _A_POINTS[code], "role": role, "children": children})
    return sections


RESEARCHER = _researcher()

PRIMARY_SCHOOL = [
    {"code": "P1", "name": "办学底线", "points": 40, "role": rules.BASELINE, "children": [
        {"code": "P11", "name": "安全管理", "points": 20, "children": [
            _leaf("P11a", "安全制度落实", 10, help_text="填写扣分"), _leaf("P11b", "应急演练", 10, method=rules.THRESHOLD),
        ]},
        _leaf("P12", "规范办学", 20, help_text="填写扣分"),
    ]},
    {"code": "P2", "name": "教育质量", "points": 40, "children": [
        _leaf("P21", "质量增值", 20, method=rules.IMPROVEMENT, params={"full_gain": 5}),
        _leaf("P22", "质量与最优比", 20, method=rules.RATIO),
    ]},
    {"code": "P3", "name": "创新与满意度", "points": 20, "children": [
        _leaf("P31", "特色创新", 10, role=rules.INNOVATION), _leaf("P32", "家长满意度", 10, role=rules.SATISFACTION),
        _leaf("P3V", "重大安全责任事故", 0, role=rules.VETO),
    ]},
]
