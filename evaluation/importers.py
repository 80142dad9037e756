"""The evaluation workbooks, read and written with the shared Excel engine (org.excel); their layouts
are evaluation.sheets.

1. The rater's score sheet (评分表): one workbook per rater and cycle, one row per assignment
   (subject and rater group), one column per indicator with its allowed range in the header note
   row; uploaded back, every bad cell is named (sheet, row, column) and nothing is saved unless
   every row is sound. The columns follow the cycle's scheme, so the spec is built per cycle.
2. The school quality workbook (学校质量数据): 学校代码, 年度, 教育教学质量, 学生增量, 交流人数; an
   importer registered with org.excel, so it goes through the base-data import pages (upload,
   preview, commit; importing the same file twice changes nothing).
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import exports, rules, selectors, services
from evaluation.models import Assignment, Cycle, SchoolQuality, Score
from evaluation.sheets import (
    NOT_COVERED,
    QUALITY_FIELDS,
    QUALITY_SHEET,
    QUALITY_SPEC,
    QUALITY_WORKBOOK,
    SCORE_SHEET,
    score_sheet_spec,
)
from org import scope
from org.excel import (
    ExcelFileError,
    ImportResult,
    Problems,
    SheetData,
    SheetResult,
    match_sheet_name,
    open_workbook,
    parse_sheet,
    register_importer,
    write_workbook,
)
from org.models import School

MSG_UNKNOWN_TASK = _("Task %(task)s is not one of your assignments in this cycle.")
MSG_TASK_SUBMITTED_CHANGED = _(
    "Task %(task)s is already submitted and this row changes %(names)s; changes go through the cycle administrator.")
MSG_TASK_DUPLICATE = _("Task %(task)s appears again (row %(row)s).")
MSG_FILE = _("File")
MSG_CYCLE_NOT_OPEN = _("The cycle is not open for scoring.")


def write_score_sheet(target, *, cycle: Cycle, rater) -> None:
    """The rater's workbook: a row per own assignment, the values entered so far; columns outside the
    assignment's indicator group show “—”."""
    spec, all_leaves = score_sheet_spec(cycle)
    assignments = list(Assignment.objects.filter(cycle=cycle, rater=rater).select_related(
        "subject__school", "subject__staff", "group", "section").order_by("subject__school__code", "id"))
    entered = defaultdict(dict)
    for assignment_id, code, value in Score.objects.filter(
            assignment__in=assignments).values_list("assignment_id", "indicator__code", "value"):
        entered[assignment_id][code] = value
    tree = selectors.scheme_tree(cycle.scheme)
    codes = dict(cycle.scheme.indicators.values_list("pk", "code"))
    rows = []
    for assignment in assignments:
        covered = {leaf.key for leaf in selectors.assignment_leaves(assignment, tree, codes)}
        row = [assignment.pk, str(assignment.subject), str(assignment.group),
               str(assignment.section.name) if assignment.section else "全部"]
        row += [entered[assignment.pk].get(leaf.key, "") if leaf.key in covered else NOT_COVERED for leaf in all_leaves]
        rows.append(row)
    write_workbook(target, [SheetData(SCORE_SHEET, spec.headers, rows, widths=[10, 22, 12, 12] + [18] * len(all_leaves))])


def read_score_sheet(path, *, cycle: Cycle, rater, commit: bool, submit: bool = False) -> ImportResult:
    """Parse a rater's uploaded score sheet; every bad cell is a problem (sheet, row, column). With
    `commit` and no problems, the values are saved in one transaction; with `submit` every row must
    be complete and all are submitted (then locked)."""
    result = ImportResult()
    spec, all_leaves = score_sheet_spec(cycle)
    try:
        with open_workbook(path) as book:
            name = match_sheet_name(spec, book.sheet_names) or (book.sheet_names[0] if book.sheet_names else None)
            rows = list(parse_sheet(spec, book.rows(name), result.problems, sheet_name=SCORE_SHEET)) if name else []
    except ExcelFileError as error:
        result.problems.add("", None, str(MSG_FILE), error.message)
        return result
    if cycle.status != Cycle.Status.OPEN:
        result.problems.add(SCORE_SHEET, None, "", MSG_CYCLE_NOT_OPEN)
        return result
    skipped = []
    planned = _plan_scores(rows, all_leaves, cycle=cycle, rater=rater, problems=result.problems, submit=submit,
                           skipped=skipped)
    result.rows = len(rows)
    sheet = SheetResult(SCORE_SHEET)
    for assignment in skipped:
        sheet.record("unchanged", {"任务编号": assignment.pk, "评价对象": str(assignment.subject)})
    for assignment, _values in planned:
        sheet.record("updated", {"任务编号": assignment.pk, "评价对象": str(assignment.subject)})
    result.sheets.append(sheet)
    if commit and result.ok:
        with transaction.atomic():
            for assignment, values in planned:
                services.scores_save(actor=rater, assignment=assignment, values=values, submit=submit)
        result.committed = True
    return result


def _plan_scores(rows, all_leaves, *, cycle, rater, problems: Problems, submit: bool, skipped: list) -> list:
    """The (assignment, values) pairs to save. A submitted task's row whose values equal the stored
    ones (a freshly downloaded sheet) is appended to `skipped`; a real change to it is a problem."""
    mine = {a.pk: a for a in Assignment.objects.filter(cycle=cycle, rater=rater).select_related("subject", "section")}
    tree = selectors.scheme_tree(cycle.scheme)
    codes = dict(cycle.scheme.indicators.values_list("pk", "code"))
    seen, planned = {}, []
    for row in rows:
        task = row.values["task"]
        assignment = mine.get(task)
        if assignment is None:
            problems.add(SCORE_SHEET, row.row, "任务编号", MSG_UNKNOWN_TASK % {"task": task})
            continue
        if task in seen:
            problems.add(SCORE_SHEET, row.row, "任务编号", MSG_TASK_DUPLICATE % {"task": task, "row": seen[task]})
            continue
        seen[task] = row.row
        covered = {leaf.key: leaf for leaf in selectors.assignment_leaves(assignment, tree, codes)}
        values = {}
        for leaf in all_leaves:
            value = row.values.get(f"leaf:{leaf.key}")
            if value is not None and leaf.key in covered:
                values[leaf.key] = value
        if assignment.submitted_at is not None:
            stored = dict(Score.objects.filter(assignment=assignment).values_list("indicator__code", "value"))
            changed = [covered[key].name for key in covered
                       if (values.get(key) is None) != (stored.get(key) is None)
                       or (values.get(key) is not None and Decimal(values[key]) != Decimal(stored[key]))]
            if changed:
                problems.add(SCORE_SHEET, row.row, "任务编号", MSG_TASK_SUBMITTED_CHANGED % {
                    "task": task, "names": "、".join(changed)})
            else:
                skipped.append(assignment)
            continue
        blank = [leaf.name for leaf in covered.values() if leaf.role != rules.VETO and leaf.key not in values]
        if submit and blank:
            problems.add(SCORE_SHEET, row.row, "", services.MSG_INCOMPLETE % {"names": "、".join(blank)})
            continue
        planned.append((assignment, values))
    return planned


# --- school quality data ----------------------------------------------------------------------------

MSG_UNKNOWN_SCHOOL = _("No school with this code in your scope.")
MSG_DUPLICATE = _("Duplicate of row %(row)s in this sheet.")


COLUMN_OF = {"year": "年度", "quality_score": "教育教学质量"}


class QualityImporter:
    kind = "evaluation_quality"
    label = _("School quality data")
    spec = QUALITY_WORKBOOK

    def run(self, path, *, user, commit: bool, progress=None, **_ignored) -> ImportResult:
        """Parse, resolve schools in the user's scope, upsert by school code and year (all or nothing)."""
        result = ImportResult()
        sheet = SheetResult(QUALITY_SHEET)
        result.sheets.append(sheet)
        try:
            with open_workbook(path) as book:
                name = match_sheet_name(QUALITY_SPEC, book.sheet_names)
                rows = list(parse_sheet(QUALITY_SPEC, book.rows(name), result.problems, sheet_name=QUALITY_SHEET)) if name else []
        except ExcelFileError as error:
            result.problems.add("", None, str(MSG_FILE), error.message)
            return result
        result.rows = len(rows)
        plan = self._plan(rows, user=user, result=result, sheet=sheet)
        if commit and result.ok:
            with transaction.atomic():
                for school, year, data in plan:
                    services.quality_save(actor=user, school=school, year=year, data=data)
            result.committed = True
        return result

    def _plan(self, rows, *, user, result, sheet) -> list:
        schools = {s.code: s for s in scope.manageable(user, School).filter(code__in={r.values["school"] for r in rows})}
        existing = {(q.school_id, q.year): q for q in SchoolQuality.objects.filter(school__in=schools.values())}
        seen, plan = {}, []
        this_year = timezone.localdate().year
        for row in rows:
            school = schools.get(row.values["school"])
            if school is None:
                result.problems.add(QUALITY_SHEET, row.row, "学校代码", MSG_UNKNOWN_SCHOOL)
                continue
            key = (school.pk, row.values["year"])
            if key in seen:
                result.problems.add(QUALITY_SHEET, row.row, "学校代码", MSG_DUPLICATE % {"row": seen[key]})
                continue
            seen[key] = row.row
            data = {name: row.values[name] for name in QUALITY_FIELDS}
            typed = rules.quality_problems(year=key[1], quality_score=data["quality_score"], this_year=this_year)
            for name, message in typed.items():
                result.problems.add(QUALITY_SHEET, row.row, COLUMN_OF[name], message)
            if typed:
                continue
            current = existing.get(key)
            shown = {"学校代码": school.code, "学校名称": school.name, "年度": key[1]}
            if current is None:
                sheet.record("created", shown)
            elif all(getattr(current, n) == v for n, v in data.items()):
                sheet.record("unchanged", shown)
                continue
            else:
                sheet.record("updated", shown)
            plan.append((school, key[1], data))
        return plan

    def export_count(self, user, limit: int | None = None) -> int:
        from evaluation import selectors
        from org.exporting import bounded_count

        return bounded_count(selectors.quality_list(user=user), limit)

    def export(self, target, *, user) -> None:
        exports.quality_export(target, user=user)


register_importer(QualityImporter())


def raise_for(result: ImportResult) -> None:
    """Turn an import's problems into one ValidationError (API and tests)."""
    if not result.ok:
        raise ValidationError([f"{p.sheet} {p.row or ''} {p.column}：{p.message}".strip() for p in result.problems])
