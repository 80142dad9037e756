"""The nominations workbook (推荐人选), imported through the shared Excel engine (org.excel).

Three steps: parse with the engine (no database); resolve staff, intakes, open nominations, work
history and eligibility rules with one query each; plan every row (scope, intake, window,
duplicates, eligibility with its Chinese reasons). Commit files every planned row through
`services.nomination_submit` in one transaction, all or nothing. A row whose person already has
an open nomination in that intake is "unchanged", so importing the same file twice changes nothing.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import scope
from org.excel import (
    ExcelFileError,
    ImportResult,
    ParsedRow,
    SheetResult,
    match_sheet_name,
    open_workbook,
    parse_sheet,
    paused_gc,
    register_importer,
)
from org.excel.result import Progress
from org.models import Staff, WorkHistory
from talentpool import rules
from talentpool.models import EligibilityRule, Intake, Nomination
from talentpool.sheets import NOMINATION_SPEC, SHEET, WORKBOOK_SPEC

MSG_UNKNOWN_PERSON = _("No staff member with this ID number in your scope.")
MSG_NOT_OWN = _("You may only nominate staff of your own school.")
MSG_NAME = _("The name %(given)s does not match the record (%(expected)s).")
MSG_NO_INTAKE = _("No intake %(track)s %(year)s is visible to you.")
MSG_AMBIGUOUS = _("Several programs have an intake %(track)s %(year)s; fill in 培养计划.")
MSG_WINDOW = _("The nomination window of %(track)s %(year)s is not open.")
MSG_DUPLICATE = _("Duplicate of row %(row)s in this sheet.")
MSG_INELIGIBLE = _("Not eligible: %(reasons)s")
MSG_FILE = _("File")



@dataclass
class PlannedRow:
    row: int
    staff: Staff
    intake: Intake
    values: dict


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)


class NominationImporter:
    kind = "talent_nominations"
    label = _("Talent pool nominations")
    spec = WORKBOOK_SPEC

    def run(self, path, *, user, commit: bool, progress: Progress | None = None, reason: str = "",
            today: dt.date | None = None) -> ImportResult:
        """Parse, check and plan; when `commit` and nothing is wrong, file every nomination (all or nothing)."""
        result = ImportResult()
        try:
            with paused_gc():
                rows = self.parse(path, result)
        except ExcelFileError as error:
            result.problems.add("", None, str(MSG_FILE), error.message)
            return result
        plan = self.plan(rows, user=user, result=result, today=today or timezone.localdate())
        if commit and result.ok:
            _apply(plan, user=user, today=today)
            result.committed = True
        return result

    def exported_staff(self, user):
        """The people whose ID numbers the nomination roster shows (org.import_views records the unmasking)."""
        from talentpool.selectors import nomination_list

        return Staff.objects.filter(pk__in=nomination_list(user=user).values("staff_id"))

    def export_count(self, user, limit: int | None = None) -> int:
        from org.exporting import bounded_count
        from talentpool.selectors import nomination_list

        return bounded_count(nomination_list(user=user), limit)

    def export(self, target, *, user) -> None:
        from talentpool.exports import nomination_roster

        nomination_roster(target, user=user)

    def parse(self, path, result: ImportResult) -> list[ParsedRow]:
        with open_workbook(path) as book:
            name = match_sheet_name(NOMINATION_SPEC, book.sheet_names)
            if name is None:
                return []
            rows = list(parse_sheet(NOMINATION_SPEC, book.rows(name), result.problems, sheet_name=SHEET))
        result.rows = len(rows)
        return rows

    def plan(self, rows: list[ParsedRow], *, user, result: ImportResult, today: dt.date) -> Plan:
        """Resolve with one query per table, then check every row; nothing is written."""
        sheet, plan, problems = SheetResult(SHEET), Plan(), result.problems
        result.sheets.append(sheet)
        ids = {row.values["id_number"].number for row in rows}
        staff = {s.id_number: s for s in scope.visible_to(user, Staff).filter(id_number__in=ids).select_related("school")}
        intakes = defaultdict(list)
        for intake in scope.visible_to(user, Intake).select_related("track", "track__program"):
            intakes[(intake.track.name, intake.year)].append(intake)
        open_pairs = set(Nomination.objects.filter(staff__in=staff.values()).exclude(
            status__in=[Nomination.Status.REJECTED, Nomination.Status.WITHDRAWN]).values_list("staff_id", "intake_id"))
        periods = defaultdict(list)
        for staff_id, school_id, start, end in WorkHistory.objects.filter(
                staff__in=staff.values(), post__in=Staff.LEADER_POSTS).values_list("staff_id", "school_id", "start", "end"):
            periods[staff_id].append((school_id, start, end))
        track_rules = defaultdict(list)
        for rule in EligibilityRule.objects.filter(track_id__in={i.track_id for group in intakes.values() for i in group}):
            track_rules[rule.track_id].append(rules.RuleRow(rule.kind, rule.number, rule.choice_list))
        may = _nominator(user)
        seen = {}
        for row in rows:
            checked = _check_row(row, staff, intakes, may, today, problems)
            if checked is None:
                continue
            person, intake = checked
            key = (person.pk, intake.pk)
            if key in seen:
                problems.add(SHEET, row.row, "身份证号", _text(MSG_DUPLICATE, row=seen[key]))
                continue
            seen[key] = row.row
            shown = {"身份证号": person.masked_id_number, "姓名": person.name, "培养类别": intake.track.name, "年度": intake.year}
            if key in open_pairs:
                sheet.record("unchanged", shown)
                continue
            candidate = rules.Candidate(
                birth_date=person.birth_date, post=person.post, stage=person.school.stage, title=person.title,
                post_start=person.post_start, head_teacher_since=row.values.get("head_teacher_since"),
                other_leader_periods=tuple((s, e) for school, s, e in periods[person.pk] if school != person.school_id),
            )
            decision = rules.evaluate_eligibility(candidate, track_rules[intake.track_id], intake.closes)
            if not decision.eligible:
                problems.add(SHEET, row.row, "身份证号", _text(MSG_INELIGIBLE, reasons="；".join(r.message for r in decision.failed)))
                continue
            sheet.record("created", shown)
            plan.rows.append(PlannedRow(row.row, person, intake, row.values))
        return plan


def _text(message, **params) -> str:
    return str(message) % params


def _nominator(user):
    """A pure check of who may nominate whom, from the user's scope (no query per row)."""
    check = scope.staff_check(user)

    def may(person: Staff) -> bool:
        return check(person.school_id, person.school.region_id)

    return may


def _check_row(row: ParsedRow, staff: dict, intakes: dict, may, today: dt.date, problems):
    values = row.values
    person = staff.get(values["id_number"].number)
    if person is None or person.status != Staff.Status.ACTIVE:
        problems.add(SHEET, row.row, "身份证号", str(MSG_UNKNOWN_PERSON))
        return None
    if not may(person):
        problems.add(SHEET, row.row, "身份证号", str(MSG_NOT_OWN))
        return None
    if values.get("name") and values.get("name") != person.name:
        problems.add(SHEET, row.row, "姓名", _text(MSG_NAME, given=values.get("name"), expected=person.name))
        return None
    found = [i for i in intakes.get((values["track"], values["year"]), [])
             if not values.get("program") or i.track.program.name == values.get("program")]
    params = {"track": values["track"], "year": values["year"]}
    if not found:
        problems.add(SHEET, row.row, "培养类别", _text(MSG_NO_INTAKE, **params))
        return None
    if len(found) > 1:
        problems.add(SHEET, row.row, "培养计划", _text(MSG_AMBIGUOUS, **params))
        return None
    intake = found[0]
    if not intake.opens <= today <= intake.closes:
        problems.add(SHEET, row.row, "年度", _text(MSG_WINDOW, **params))
        return None
    return person, intake


@transaction.atomic
def _apply(plan: Plan, *, user, today: dt.date | None) -> None:
    from talentpool import services

    for planned in plan.rows:
        values = planned.values
        services.nomination_submit(
            actor=user, intake=planned.intake, staff=planned.staff, reasons=values["reasons"],
            achievements=values.get("achievements") or "", head_teacher_since=values.get("head_teacher_since"),
            source=values.get("source") or Nomination.Source.NOMINATION, today=today,
        )


nomination_importer = register_importer(NominationImporter())
