"""Excel exports of rotation rosters: openpyxl write-only (streaming), Chinese headers, formula-safe cells."""

from collections.abc import Iterable
from datetime import date

from django.utils import translation
from openpyxl import Workbook

from rotation import rules
from rotation.selectors import evaluate_staff

# The eligibility roster of DESIGN.md: the headers are the bureau's, in Chinese, whatever the UI language.
ELIGIBILITY_HEADERS = ("身份证号", "姓名", "学校代码", "学校名称", "状态代码", "状态", "原因代码", "说明")
FORMULA_PREFIXES = ("=", "+", "-", "@")


def neutralise(value):
    """Keep a cell from being read as a formula (a leading apostrophe-like quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_rows(stream, sheet_title: str, headers: Iterable[str], rows: Iterable[Iterable]) -> int:
    """Write one sheet to a binary stream (or path); return the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(headers))
    count = 0
    for row in rows:
        sheet.append([neutralise(value) for value in row])
        count += 1
    workbook.save(stream)
    return count


def eligibility_rows(staff_queryset, on: date):
    """The roster's rows (状态 and 说明 in the active language)."""
    for row in evaluate_staff(staff_queryset, on):
        decision = row.decision
        yield (
            row.id_number, row.name, row.school_code, row.school_name, decision.status,
            rules.status_label(decision.status), ";".join(decision.codes), decision.explanation,
        )


def write_eligibility(stream, staff_queryset, on: date) -> int:
    """Write the eligibility roster (交流资格名册) of `staff_queryset` at `on`."""
    with translation.override("zh-hans"):
        return write_rows(stream, "交流资格名册", ELIGIBILITY_HEADERS, eligibility_rows(staff_queryset, on))
