"""Excel exports of rotation rosters through the shared engine's streaming writer (org.excel):
Chinese headers, formula-safe cells, memory flat whatever the number of rows."""

import functools
from datetime import date

from django.utils import translation
from django.utils.translation import gettext

from org import idcard
from org.excel import SheetData, write_workbook
from rotation import rules
from rotation.selectors import evaluate_matching, stored_matching, stored_row

# The eligibility roster of DESIGN.md: the headers are the bureau's, in Chinese, whatever the UI language.
ELIGIBILITY_SHEET = "交流资格名册"
ELIGIBILITY_HEADERS = ("身份证号", "姓名", "学校代码", "学校名称", "状态代码", "状态", "原因代码", "说明")
WIDTHS = [22, 10, 14, 24, 14, 10, 36, 60]


class _Counted:
    """Count rows as the writer consumes them."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def eligibility_rows(staff_queryset, on: date, *, full_ids: bool = False, status: str | None = None,
                     reason: str | None = None, stored: bool = False):
    """The roster's rows (状态 and 说明 in the active language, each msgid translated once per export); with
    `stored`, the rows matching the status or reason by the decisions stored for `on` (selectors.stored_matching).

    ID numbers are masked unless `full_ids` (bureau staff, system jobs: DESIGN.md "Personal data")."""
    shown = (lambda number: number) if full_ids else idcard.mask
    translate = functools.lru_cache(maxsize=256)(gettext)
    labels = {status: rules.status_label(status) for status in rules.STATUSES}
    if stored:
        found = (stored_row(row) for row in stored_matching(staff_queryset, on, status=status, reason=reason)
                 .iterator(chunk_size=5000))
    else:
        found = evaluate_matching(staff_queryset, on, status=status, reason=reason)
    for row in found:
        decision = row.decision
        yield (
            shown(row.id_number), row.name, row.school_code, row.school_name, decision.status,
            labels[decision.status], ";".join(decision.codes), decision.explain(translate),
        )


def write_eligibility(target, staff_queryset, on: date, *, full_ids: bool = False, status: str | None = None,
                      reason: str | None = None, stored: bool = False) -> int:
    """Write the eligibility roster (交流资格名册) of `staff_queryset` at `on`; return the number of rows.

    Only rows of `status` and carrying `reason` when given (the list's filters; by the stored decisions with
    `stored`). Full ID numbers only with
    `full_ids` (bureau staff, operators' commands); masked otherwise."""
    rows = _Counted(eligibility_rows(staff_queryset, on, full_ids=full_ids, status=status, reason=reason,
                                    stored=stored))
    with translation.override("zh-hans"):
        write_workbook(target, [SheetData(ELIGIBILITY_SHEET, list(ELIGIBILITY_HEADERS), rows, widths=WIDTHS)])
    return rows.count
