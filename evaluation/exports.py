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


def results_export(target, *, user, cycle) -> None:
    """One row per visible subject: school, county, person, total, each group's part, ratings."""
    groups = [g for g in selectors.groups_of(cycle) if not g.is_self]
    headers = ["学校代码", "学校", "区县", "姓名", "岗位", "总分", *[f"{g.name}贡献" for g in groups], "自评",
               "原始等次", "最终等次"]

    def rows():
        for subject in selectors.subject_list(user=user, cycle=cycle).iterator(chunk_size=2000):
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
