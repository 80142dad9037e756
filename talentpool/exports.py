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
from talentpool.models import Intake, Level, Nomination, PoolMember, PoolType
from talentpool.sheets import NOMINATION_SPEC, POSTS_BY_CODE, SOURCES_BY_CODE

CHUNK = 2000
NOMINATION_EXTRA = ["学校代码", "学校名称", "区县", "岗位", "状态", "综合得分", "公示开始", "公示结束", "会议日期", "会议纪要编号", "提交时间"]
POOL_HEADERS = ["姓名", "身份证号", "学校代码", "学校名称", "区县", "人才库类别", "层级", "入库日期", "状态", "复核到期日", "待复核", "来源推荐编号"]


def _id(number: str, full: bool) -> str:
    return number if full else idcard.mask(number)


def _date(value) -> str:
    return value.isoformat() if value else ""


NOMINATION_VALUES = (
    "staff__id_number", "staff__name", "intake__track__program__name", "intake__track__name", "intake__year", "source",
    "reasons", "achievements", "head_teacher_since", "staff__school__code", "staff__school__name",
    "staff__school__region__name", "staff__post", "status", "final_score", "notice_start", "notice_end", "meeting_date",
    "minutes_ref", "submitted_at",
)


def _labels(choices) -> dict:
    return {code: str(label) for code, label in choices}


def nomination_rows(*, user, queryset=None) -> Iterator[list]:
    """The nomination roster: the import columns first (so it reads back), then the workflow's state.
    Plain value rows (no model instances, labels translated once) keep the export streaming fast."""
    full = scope.is_bureau_staff(user)
    statuses = _labels(Nomination.Status.choices)
    rows = (queryset if queryset is not None else selectors.nomination_list(user=user)).order_by("intake_id", "id")
    for (id_number, name, program, track, year, source, reasons, achievements, head_since, school_code, school_name,
         region, post, status, score, notice_start, notice_end, meeting, minutes, submitted) in \
            rows.values_list(*NOMINATION_VALUES).iterator(chunk_size=CHUNK):
        yield [
            _id(id_number, full), name, program, track, year, SOURCES_BY_CODE[source], reasons, achievements,
            _date(head_since), school_code, school_name, region, POSTS_BY_CODE.get(post, post), statuses[status],
            float(score) if score is not None else "", _date(notice_start), _date(notice_end), _date(meeting), minutes,
            timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M"),
        ]


def nomination_roster(target, *, user, queryset=None) -> None:
    headers = NOMINATION_SPEC.headers + NOMINATION_EXTRA
    write_workbook(target, [SheetData(NOMINATION_SPEC.name, headers, nomination_rows(user=user, queryset=queryset))])


POOL_VALUES = (
    "staff__name", "staff__id_number", "staff__school__code", "staff__school__name", "staff__school__region__name",
    "pool_type", "tier", "joined", "status", "review_due", "review_flagged", "source_id",
)


def pool_rows(*, user, queryset=None) -> Iterator[list]:
    full = scope.is_bureau_staff(user)
    types, tiers, statuses = _labels(PoolType.choices), _labels(Level.choices), _labels(PoolMember.Status.choices)
    rows = (queryset if queryset is not None else selectors.pool_member_list(user=user)).order_by("id")
    for (name, id_number, school_code, school_name, region, pool_type, tier, joined, status, due, flagged, source) in \
            rows.values_list(*POOL_VALUES).iterator(chunk_size=CHUNK):
        yield [
            name, _id(id_number, full), school_code, school_name, region, types[pool_type], tiers[tier], _date(joined),
            statuses[status], _date(due), "是" if flagged else "否", source or "",
        ]


def pool_roster(target, *, user, queryset=None) -> None:
    write_workbook(target, [SheetData("人才库名册", POOL_HEADERS, pool_rows(user=user, queryset=queryset))])


APPOINTMENT_HEADERS = ["姓名", "身份证号", "任职岗位", "学校代码", "学校名称", "区县", "任职日期", "是否来自人才库",
                       "非人才库校长提醒", "任职文号"]
APPOINTMENT_VALUES = ("staff__name", "staff__id_number", "to_post", "school__code", "school__name", "school__region__name",
                      "appointed_on", "from_pool_id", "outside_pool_warning", "document_ref")


def appointment_rows(*, user, queryset) -> Iterator[list]:
    """The appointments (already scoped and filtered) in the list's order; ID numbers in full for bureau staff."""
    from talentpool.models import Appointment

    full = scope.is_bureau_staff(user)
    posts = _labels(Appointment.ToPost.choices)
    for (name, id_number, post, school_code, school_name, region, on, from_pool, warning, ref) in \
            queryset.order_by("-appointed_on", "id").values_list(*APPOINTMENT_VALUES).iterator(chunk_size=CHUNK):
        yield [name, _id(id_number, full), posts[post], school_code, school_name, region, _date(on),
               "是" if from_pool else "否", "是" if warning else "否", ref]


def appointment_roster(target, *, user, queryset) -> None:
    write_workbook(target, [SheetData("干部任用名单", APPOINTMENT_HEADERS, appointment_rows(user=user, queryset=queryset))])


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
