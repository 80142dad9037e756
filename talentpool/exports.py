"""Talent-pool documents: the nomination and pool rosters as Excel (streamed, Chinese headers,
formula cells neutralised by org.excel.write_workbook), and the public-notice list as .docx.

ID numbers: bureau staff exporting a roster get them in full (DESIGN.md, personal data); anyone
else gets them masked.
"""

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from org import idcard, scope
from org.excel import SheetData, write_workbook
from talentpool import selectors
from talentpool.importers import NOMINATION_SPEC, POSTS_BY_CODE, SOURCES_BY_CODE
from talentpool.models import Intake, Nomination

CHUNK = 2000
NOMINATION_EXTRA = ["学校代码", "学校名称", "区县", "岗位", "状态", "综合得分", "公示开始", "公示结束", "会议日期", "会议纪要编号", "提交时间"]
POOL_HEADERS = ["姓名", "身份证号", "学校代码", "学校名称", "区县", "人才库类别", "层级", "入库日期", "状态", "复核到期日", "待复核", "来源推荐"]


def _id(number: str, full: bool) -> str:
    return number if full else idcard.mask(number)


def _date(value) -> str:
    return value.isoformat() if value else ""


def nomination_rows(*, user, queryset=None) -> Iterator[list]:
    """The nomination roster: the import columns first (so it reads back), then the workflow's state."""
    full = scope.is_bureau_staff(user)
    rows = (queryset if queryset is not None else selectors.nomination_list(user=user)).order_by("intake_id", "id")
    for n in rows.iterator(chunk_size=CHUNK):
        school = n.staff.school
        yield [
            _id(n.staff.id_number, full), n.staff.name, n.intake.track.program.name, n.intake.track.name, n.intake.year,
            SOURCES_BY_CODE[n.source], n.reasons, n.achievements, _date(n.head_teacher_since),
            school.code, school.name, school.region.name, POSTS_BY_CODE.get(n.staff.post, n.staff.post),
            str(n.get_status_display()), float(n.final_score) if n.final_score is not None else "",
            _date(n.notice_start), _date(n.notice_end), _date(n.meeting_date), n.minutes_ref,
            timezone.localtime(n.submitted_at).strftime("%Y-%m-%d %H:%M"),
        ]


def nomination_roster(target, *, user, queryset=None) -> None:
    headers = NOMINATION_SPEC.headers + NOMINATION_EXTRA
    write_workbook(target, [SheetData(NOMINATION_SPEC.name, headers, nomination_rows(user=user, queryset=queryset))])


def pool_rows(*, user, queryset=None) -> Iterator[list]:
    full = scope.is_bureau_staff(user)
    rows = (queryset if queryset is not None else selectors.pool_member_list(user=user)).order_by("id")
    for m in rows.iterator(chunk_size=CHUNK):
        school = m.staff.school
        yield [
            m.staff.name, _id(m.staff.id_number, full), school.code, school.name, school.region.name,
            str(m.get_pool_type_display()), str(m.get_tier_display()), _date(m.joined), str(m.get_status_display()),
            _date(m.review_due), "是" if m.review_flagged else "否", str(m.source) if m.source_id else "",
        ]


def pool_roster(target, *, user, queryset=None) -> None:
    write_workbook(target, [SheetData("人才库名册", POOL_HEADERS, pool_rows(user=user, queryset=queryset))])


# --- the public notice (公示) -----------------------------------------------------------------------


def notice_context(*, user, intake: Intake) -> dict:
    """What the notice shows: the intake's nominations on public notice, their period, the issuing bureau."""
    rows = list(selectors.nomination_list(user=user).filter(intake=intake, status=Nomination.Status.NOTICE)
                .order_by("staff__school__region__code", "staff__school__code", "staff__name"))
    program = intake.track.program
    return {
        "intake": intake,
        "title": f"{program.name}{intake.track.name}{intake.year}年度拟入库人选公示",
        "rows": rows,
        "start": min((n.notice_start for n in rows), default=None),
        "end": max((n.notice_end for n in rows), default=None),
        "issuer": f"{program.region.name}教育局",
        "today": timezone.localdate(),
    }


def _notice_intro(context: dict) -> str:
    start, end = context["start"], context["end"]
    period = f"{_cn_date(start)}至{_cn_date(end)}" if start and end else ""
    return (
        f"经学校推荐、逐级遴选、组织考察，现将{context['intake'].track.name}拟入库人选予以公示，"
        f"公示期为{period}。公示期间，如对公示对象有异议，请以书面形式向{context['issuer']}反映，"
        "反映问题应实事求是，并提供具体事实或线索。"
    )


def _cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


NOTICE_COLUMNS = ["序号", "姓名", "性别", "学校", "区县", "岗位", "职称"]


def notice_table_rows(context: dict) -> list[list[str]]:
    return [
        [str(i), n.staff.name, "男" if n.staff.gender == "M" else "女", n.staff.school.name, n.staff.school.region.name,
         POSTS_BY_CODE.get(n.staff.post, n.staff.post), n.staff.title or ""]
        for i, n in enumerate(context["rows"], start=1)
    ]


def notice_docx(target, context: dict) -> None:
    """Write the public-notice list as a Word document (python-docx)."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "SimSun", Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(context["title"])
    run.bold, run.font.size = True, Pt(16)
    document.add_paragraph(_notice_intro(context))
    table = document.add_table(rows=1, cols=len(NOTICE_COLUMNS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, NOTICE_COLUMNS, strict=True):
        cell.text = header
    for values in notice_table_rows(context):
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value
    for line in (context["issuer"], _cn_date(context["today"])):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(target)


notice_intro = _notice_intro
