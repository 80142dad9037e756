"""Rotation's sheets of Excel workbooks.

交流名册 (its own workbook, registered with the upload machinery as "rotation_roster"): template,
import through `assignment_create` (every refusal of the roster applies, all or nothing), export.

暂不交流 (base-data workbook): org.importers parses and checks the rows (ID, kind, dates, scope);
this handler plans them against the stored exemptions and persists them as APPROVED exemptions,
matched on (staff, kind, start) so importing the same file twice changes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Value
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from org import idcard, scope, versioning
from org.excel import (
    ExcelFileError,
    ImportResult,
    SheetData,
    SheetResult,
    match_sheet_name,
    open_workbook,
    parse_sheet,
    write_workbook,
)
from org.models import School, Staff
from rotation.models import Assignment, Exemption, Plan
from rotation.selectors import PolicyResolver
from rotation.services.assignments import assignment_create
from rotation.services.exemptions import MSG_PREGNANCY_NOT_FEMALE
from rotation.sheets import ROSTER_BOOK, ROSTER_SHEET, ROSTER_SPEC

# The engine's choice values for 类别 → the rotation reason codes.
KINDS = {
    "key_project": Exemption.Kind.KEY_PROJECT,
    "pregnancy_nursing": Exemption.Kind.PREGNANCY_NURSING,
    "illness": Exemption.Kind.ILLNESS,
}
IMPORT_REASON = _("Approved exemption imported from the base-data workbook.")
IMPORT_APPROVED = _("Approved by the base-data import.")
MSG_OVERTURNS_REJECTION = _(
    "Row %(row)d: the bureau rejected this exemption (%(kind)s from %(start)s); the import cannot approve it. "
    "Apply again through the exemption page."
)
EXEMPTION_SHEET = "暂不交流"


class ExemptionSheetHandler:
    """Store the 暂不交流 sheet as approved Exemption rows (org.sheets.SheetHandler)."""

    def plan(self, rows, context, result, problems) -> list[tuple]:
        """Return (existing exemption or None, ID number, values) per row; record created/updated/unchanged."""
        staff_ids = {row.values["id_number"].number: context.plan.staff_ids.get(row.values["id_number"].number)
                     for row in rows}
        existing = {
            (exemption.staff_id, exemption.kind, exemption.start): exemption
            for exemption in Exemption.objects.filter(staff_id__in={pk for pk in staff_ids.values() if pk})
        }
        planned = []
        for row in rows:
            number, values = row.values["id_number"].number, row.values
            kind = KINDS[values["kind"]]
            if kind == Exemption.Kind.PREGNANCY_NURSING and idcard.parse(number).gender == "M":
                problems.add(EXEMPTION_SHEET, row.row, "类别", MSG_PREGNANCY_NOT_FEMALE % {"name": idcard.mask(number)})
                continue
            current = existing.get((staff_ids[number], kind, values["start"]))
            if current is not None and current.state == Exemption.State.REJECTED:
                message = MSG_OVERTURNS_REJECTION % {"row": row.row, "kind": Exemption.Kind(kind).label, "start": values["start"]}
                problems.add(EXEMPTION_SHEET, row.row, "类别", message)
                continue
            wanted = {"end": values.get("end"), "document_no": values.get("approval") or "", "state": Exemption.State.APPROVED}
            label = {"row": row.row, "label": f"{idcard.mask(number)} · {Exemption.Kind(kind).label}"}
            if current is None:
                result.record("created", {**label, "changes": []})
            elif any(getattr(current, name) != value for name, value in wanted.items()):
                changes = [[name, str(getattr(current, name) or ""), str(value or "")]
                           for name, value in wanted.items() if getattr(current, name) != value]
                result.record("updated", {**label, "changes": changes})
            else:
                result.record("unchanged", {**label, "changes": []})
                continue
            planned.append((current, number, kind, values["start"], wanted))
        return planned

    def persist(self, planned, context) -> None:
        """Write the planned rows with history naming the importing user (inside the import's transaction)."""
        now, reason = timezone.now(), str(IMPORT_REASON)
        with translation.override("zh-hans"):
            approved_reason = str(IMPORT_APPROVED)
        creates, updates = [], []
        for current, number, kind, start, wanted in planned:
            if current is None:
                creates.append(Exemption(
                    staff_id=context.plan.staff_ids[number], kind=kind, start=start, decided_by=context.user,
                    decided_at=now, decision_reason=reason, **wanted,
                ))
            else:
                if current.state != Exemption.State.APPROVED:  # a pending application approved by this import
                    current.decided_by, current.decided_at, current.decision_reason = context.user, now, approved_reason
                for name, value in wanted.items():
                    setattr(current, name, value)
                updates.append(current)
        if creates:
            bulk_create_with_history(creates, Exemption, batch_size=1000, default_user=context.user,
                                     default_change_reason=reason)
        if updates:
            fields = versioning.counted_as_saves(Exemption, updates, ["end", "document_no", "state", "decided_by",
                                                                    "decided_at", "decision_reason"])
            bulk_update_with_history(updates, Exemption, fields, batch_size=1000,
                                     default_user=context.user, default_change_reason=reason)

    def export_rows(self, user):
        """The 暂不交流 sheet of the base-data export: approved exemptions in the user's scope."""
        full_ids = scope.is_bureau_staff(user)
        engine_kind = {code: value for value, code in KINDS.items()}
        rows = (scope.visible_to(user, Exemption).filter(state=Exemption.State.APPROVED)
                .order_by("staff_id", "start").values_list("staff__id_number", "kind", "start", "end", "document_no"))
        for number, kind, start, end, document_no in rows.iterator(chunk_size=2000):
            yield {"id_number": number if full_ids else idcard.mask(number), "kind": engine_kind[kind], "start": start,
                   "end": end, "approval": document_no or None}


# --- the rotation roster (交流名册) -------------------------------------------------------------

MSG_UNKNOWN_STAFF = _("ID number %(id)s is not a staff member in your scope.")
MSG_UNKNOWN_SCHOOL = _("School code %(code)s is not a school in your scope.")
MSG_UNKNOWN_PLAN = _("There is no rotation plan named %(name)s in your scope.")
MSG_AMBIGUOUS_PLAN = _("%(count)s rotation plans you see are named %(name)s (%(which)s): a row cannot tell which one it means.")



class RosterImporter:
    """The roster workbook: every row goes through `assignment_create`, so every refusal applies;
    all or nothing; a row already on the roster (same person, receiving school, start) is unchanged."""

    kind = "rotation_roster"
    label = _("Rotation roster (交流名册)")
    spec = ROSTER_BOOK

    def run(self, path, *, user, commit: bool, progress=None, reason: str = "") -> ImportResult:
        result = ImportResult()
        try:
            with open_workbook(path) as book:
                name = match_sheet_name(ROSTER_SPEC, book.sheet_names)
                rows = list(parse_sheet(ROSTER_SPEC, book.rows(name), result.problems, sheet_name=ROSTER_SHEET)) if name else []
        except ExcelFileError as error:
            result.problems.add("", None, "", error.message)
            return result
        result.rows = len(rows)
        sheet = SheetResult(ROSTER_SHEET)
        result.sheets.append(sheet)
        with transaction.atomic():
            self._apply(rows, user, sheet, result.problems)
            if result.problems or not commit:
                transaction.set_rollback(True)
        result.committed = commit and result.ok
        return result

    def _apply(self, rows, user, sheet, problems) -> None:
        numbers = {row.values["id_number"].number for row in rows}
        staff = {s.id_number: s for s in scope.visible_to(user, Staff).filter(id_number__in=numbers).select_related("school__region")}
        schools = {s.code: s for s in scope.visible_to(user, School).filter(code__in={row.values["to_school"] for row in rows})}
        named = {}  # a name is not a key: each year's plan may be called 秋季交流
        for plan in (scope.visible_to(user, Plan).filter(name__in={row.values["plan"] for row in rows} - {None})
                     .select_related("region").order_by("region__code", "term_start", "pk")):
            named.setdefault(plan.name, []).append(plan)
        plans = {name: found[0] for name, found in named.items() if len(found) == 1}
        ambiguous = {name: found for name, found in named.items() if len(found) > 1}
        existing = set(Assignment.objects.filter(staff__in=staff.values()).values_list("staff__id_number", "to_school__code", "start"))
        resolver = PolicyResolver()  # one per import: the policies and regions are read once, not per row
        for row in rows:
            values = row.values
            number = values["id_number"].number
            label = {"row": row.row, "label": f"{idcard.mask(number)} → {values['to_school']}", "changes": []}
            if (number, values["to_school"], values["start"]) in existing:
                sheet.record("unchanged", label)
                continue
            if values["plan"] in ambiguous:
                found = ambiguous[values["plan"]]
                problems.add(ROSTER_SHEET, row.row, "交流计划", MSG_AMBIGUOUS_PLAN % {
                    "count": len(found), "name": values["plan"],
                    "which": "、".join(f"{p.region.name} {p.term_start.isoformat()}" for p in found)})
                continue
            if self._refs_ok(row, staff, schools, plans, problems):
                self._create(row, user, staff[number], schools[values["to_school"]], plans.get(values["plan"]), problems,
                             resolver)
                sheet.record("created", label)

    @staticmethod
    def _refs_ok(row, staff, schools, plans, problems) -> bool:
        values, ok = row.values, True
        if values["id_number"].number not in staff:
            problems.add(ROSTER_SHEET, row.row, "身份证号", MSG_UNKNOWN_STAFF % {"id": idcard.mask(values["id_number"].number)})
            ok = False
        if values["to_school"] not in schools:
            problems.add(ROSTER_SHEET, row.row, "接收学校代码", MSG_UNKNOWN_SCHOOL % {"code": values["to_school"]})
            ok = False
        if values["plan"] and values["plan"] not in plans:
            problems.add(ROSTER_SHEET, row.row, "交流计划", MSG_UNKNOWN_PLAN % {"name": values["plan"]})
            ok = False
        return ok

    @staticmethod
    def _create(row, user, staff, to_school, plan, problems, resolver=None) -> None:
        values = row.values
        try:
            with transaction.atomic():
                assignment_create(
                    actor=user, staff=staff, to_school=to_school, form=values["form"], start=values["start"],
                    planned_end=values["planned_end"], plan=plan, post_at_destination=values["post_at_destination"] or "",
                    relation_moves=bool(values["relation_moves"]), subsidy_yuan=values["subsidy_yuan"] or 0,
                    subsidy_note=values["subsidy_note"] or "", exemption_override=values["exemption_override"] or "",
                    filed_on=values["filed_on"], resolver=resolver,
                )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = ROSTER_COLUMN_OF.get(field, "")
                for message in messages:
                    problems.add(ROSTER_SHEET, row.row, column, message)
        except PermissionDenied as error:
            problems.add(ROSTER_SHEET, row.row, "身份证号", str(error))

    def exported_staff(self, user):
        """The people whose ID numbers the roster export shows (org.import_views records the unmasking)."""
        return Staff.objects.filter(pk__in=scope.visible_to(user, Assignment).values("staff_id"))

    def export_count(self, user, limit: int | None = None) -> int:
        """Rows the roster export writes (org.exporting chooses inline or a job)."""
        from org.exporting import bounded_count

        return bounded_count(scope.visible_to(user, Assignment), limit)

    def export(self, target, *, user, queryset=None) -> None:
        """The roster in the bureau's layout, for the user's scope or the (scoped) `queryset` of a filtered list
        (full ID numbers for bureau staff only)."""
        write_workbook(target, [SheetData(ROSTER_SHEET, ROSTER_SPEC.headers, roster_rows(user, queryset),
                                          widths=[22 if column.text_format else 14 for column in ROSTER_SPEC.columns])])


ROSTER_COLUMN_OF = {
    "staff": "身份证号", "to_school": "接收学校代码", "start": "起始时间", "planned_end": "计划结束时间",
    "filed_on": "报备日期", "exemption_override": "仍予交流理由", "form": "交流形式",
}
ROSTER_VALUES = ("staff__id_number", "staff__name", "from_school__code", "to_school__code", "form", "start", "planned_end",
                 "post_at_destination", "relation_moves", "subsidy_yuan", "subsidy_note", "filed_on", "plan__name",
                 "exemption_override", "state")


def roster_rows(user, queryset=None):
    """The roster's rows (of `queryset`, already scoped and filtered, else the user's whole scope); a row's ID
    number is shown in full only when the user manages that staff member (the receiving side sees who comes,
    masked: DESIGN.md "Personal data")."""
    queryset = (scope.visible_to(user, Assignment) if queryset is None else queryset).order_by("from_school__code", "start", "id")
    queryset = queryset.annotate(full_id=managed_flag(user, "staff__school")).values_list(*ROSTER_VALUES, "full_id")
    fields = [column.field for column in ROSTER_SPEC.columns]
    for *row, full_id in queryset.iterator(chunk_size=2000):
        record = dict(zip(fields, row, strict=True))
        if not full_id:
            record["id_number"] = idcard.mask(record["id_number"])
        record["subsidy_yuan"] = int(record["subsidy_yuan"])
        yield [column.display(record[column.field]) for column in ROSTER_SPEC.columns]


def managed_flag(user, path: str):
    """An expression: whether the row's school (reached through `path`) is one the user manages."""
    if scope.sees_everything(user):
        return Value(True, output_field=BooleanField())
    if not scope.manages_any(user):
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(scope.managed_q(user, path), output_field=BooleanField())


roster_importer = RosterImporter()
