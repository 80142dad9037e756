"""Exports of the evaluation app (org.excel writer: streaming, cells neutralised): a cycle's results,
its missing-score list, and the school quality data (the quality importer reads the same columns)."""

from decimal import Decimal

from evaluation import selectors
from evaluation.sheets import QUALITY_SPEC
from org.excel import SheetData, write_workbook
from org.ratings import Rating

RATINGS = dict(Rating.choices)


def _number(text):
    return Decimal(text) if text not in (None, "") else ""


def results_export(target, *, user, cycle, queryset=None) -> None:
    """One row per visible subject (or per row of `queryset`, already scoped and filtered): school, county, person,
    total, each group's part (of `cycle`, when given), ratings."""
    groups = [g for g in selectors.groups_of(cycle) if not g.is_self] if cycle is not None else []
    headers = ["学校代码", "学校", "区县", "姓名", "岗位", "总分", *[f"{g.name}贡献" for g in groups], "自评",
               "原始等次", "最终等次"]

    def rows():
        subjects = queryset if queryset is not None else selectors.subject_list(user=user, cycle=cycle)
        for subject in subjects.iterator(chunk_size=2000):
            parts = subject.result.get("by_group", {})
            yield [subject.school.code, subject.school.name, subject.school.region.name,
                   subject.staff.name if subject.staff_id else "", str(subject.get_post_display()) if subject.post else "",
                   subject.total, *[_number(parts.get(str(g.pk))) for g in groups], _number(subject.result.get("self_total")),
                   str(RATINGS.get(subject.original_rating, "")), str(RATINGS.get(subject.final_rating, ""))]

    write_workbook(target, [SheetData("评价结果", headers, rows())])


def missing_export(target, *, user, cycle) -> None:
    """The missing-score list by rater and subject (what keeps the cycle from closing)."""
    headers = ["评审人", "评价对象", "学校", "评价组", "评价指标组", "未填指标数"]
    rows = ([m["rater"].get_full_name() or m["rater"].get_username(), str(m["subject"]), m["subject"].school.name,
             m["group"].name, m["section"].name if m["section"] else "全部", m["blank"]]
            for m in selectors.missing_for_user(user=user, cycle=cycle))
    write_workbook(target, [SheetData("缺评清单", headers, rows)])


def quality_export(target, *, user) -> None:
    """The school quality data the user may see, in the layout the quality importer reads (sheets.QUALITY_SPEC)."""

    def rows():
        for row in selectors.quality_list(user=user).iterator(chunk_size=2000):
            yield [row.school.code, row.school.name, row.year, row.quality_score, row.student_increase, row.staff_exchanged]

    write_workbook(target, [SheetData(QUALITY_SPEC.name, QUALITY_SPEC.headers, rows())])


# --- incentives (issue 13 item 5) -------------------------------------------------------------------

FUND_HEADERS = ["类别", "学校代码", "学校", "区县", "姓名", "等次", "等次权重", "综合得分", "交流月数", "分配权重",
                "金额（分）", "金额（元）"]
KIND_LABELS = {"school": "先进单位", "staff": "交流教师"}


def fund_export(target, *, user, allocation) -> None:
    """One row per share of a visible allocation, then the unallocated amount and the total; the 金额（分） column
    adds up to the fund exactly (integers), 金额（元） shows the same in yuan with two places."""
    from evaluation import rules, selectors_incentives

    def rows():
        for share in selectors_incentives.share_list(user=user, allocation=allocation).iterator(chunk_size=2000):
            basis = share.basis
            yield [KIND_LABELS.get(share.kind, share.kind), share.school.code, share.school.name, share.school.region.name,
                   share.staff.name if share.staff_id else "", str(RATINGS.get(share.rating, "")), basis.get("rating_weight"),
                   _number(basis.get("composite")), basis.get("months", ""), share.weight, share.amount_fen,
                   Decimal(rules.yuan(share.amount_fen))]
        yield ["未分配", "", "", "", "", "", "", "", "", "", allocation.unallocated_fen, Decimal(rules.yuan(allocation.unallocated_fen))]
        yield ["合计", "", "", "", "", "", "", "", "", "", allocation.fund_fen, Decimal(rules.yuan(allocation.fund_fen))]

    write_workbook(target, [SheetData("奖励资金分配", FUND_HEADERS, rows())])


TITLE_RATIO_HEADERS = ["学校代码", "学校", "区县", "学段", "在岗人数", "高级职称人数", "实际比例（%）", "核定比例（%）",
                       "高级岗位上限", "差额", "结论"]


def title_ratio_export(target, *, rows) -> None:
    """The senior-title check rows (selectors_incentives.title_ratio_rows, already scoped and filtered)."""
    from evaluation.views_incentives import STATUS_LABELS

    def lines():
        for row in rows:
            check, school = row.ratio, row.school
            yield [school.code, school.name, school.region.name, str(school.get_stage_display()), check.posts, check.senior,
                   check.actual_percent if check.actual_percent is not None else "",
                   check.percent if check.percent is not None else "", "" if check.ceiling is None else check.ceiling,
                   "" if check.difference is None else check.difference, str(STATUS_LABELS[check.status])]

    write_workbook(target, [SheetData("高级职称岗位比例", TITLE_RATIO_HEADERS, lines())])
