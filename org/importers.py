"""The base-data workbook (基础数据): 区县, 学校, 教职工, 任职经历, 暂不交流 (DESIGN.md, Excel).

The sheets themselves (column specs, label maps, the handler registry) live in `org.sheets`; this module
holds the planners. Three steps, as everywhere (STYLE.md 7): parse the sheets with the engine (no
database), resolve the references (one query per table and batch), plan what would be created, updated
or left unchanged while checking duplicates, references, ID agreement and the user's scope; then
`org.services.base_data_apply` persists the plan all or nothing (one transaction around its batches).

Streaming, and its memory bound (issue 16, 6; measured by `bench_import` and `--memory-series`): the
file is read sheet by sheet and row by row (`org.excel.iter_workbook`), checked and planned BATCH_ROWS
rows at a time, and each planned batch is pickled to a temporary file (`org.excel.Spool`; a dry run only
counts) before the next is read; the commit reads the plan back batch by batch inside one transaction.
Peak memory (RSS of the worker) is bounded, whatever the file's size on disk or of its XML, by

    ~100 MB   Python, Django and the app
  + reader    streamed (lxml): ~20 MB; calamine (a dense sheet, any size): one part of FAST_CHUNK_XML =
              8 MB of XML at a time, ~45 MB; shared strings over 16 MB are spilled to disk
  + ~15 MB    one batch of BATCH_ROWS = 5,000 rows (rows, their plan, the database rows they match)
  + ~50 B     per staff ID number of the 教职工 sheet and per 任职经历 / 暂不交流 row (idcard.NumberRows,
              PersonDayKeys: duplicates and references across sheets are found with them)
  + ~120 B    per school or region code of the file

so under 300 MB for any upload the size limit lets in (measured with `bench_import --memory-series`:
~175 MB at 50,000 staff, ~190 MB at 200,000; it was 191 / 252 MB at 50,000 / 100,000 when calamine read
a sheet whole). The preview keeps counts and the first
PREVIEW_ROWS rows of each kind, the problems the first MAX_PROBLEMS.

The 暂不交流 sheet belongs to the rotation app: it is parsed and checked here, and stored by
whatever `org.sheets.register_sheet_handler(EXEMPTION_SHEET, handler)` registered (see `SheetHandler`),
batch by batch; until then the result says, in Chinese, that it was checked but not stored.
"""

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import idcard, rules, scope
from org.excel import (
    MSG_REQUIRED,
    ExcelFileError,
    ImportResult,
    ParsedRow,
    Problems,
    SheetResult,
    SheetSpec,
    Spool,
    cells,
    iter_workbook,
    paused_gc,
    register_importer,
)
from org.excel.result import Progress
from org.models import Region, School, Staff, WorkHistory
from org.sheets import (  # re-exported: the importer's callers and tests name them here too
    BASE_DATA_SPEC,
    EXEMPTION_SHEET,
    HISTORY_SHEET,
    HISTORY_SPEC,
    REGION_SHEET,
    SCHOOL_SHEET,
    SCHOOL_SPEC,
    STAFF_SHEET,
    STAFF_SPEC,
    sheet_handler,
)

__all__ = [
    "BaseDataImporter", "BaseDataPlan", "ImportContext", "base_data_importer", "region_level", "LEVEL_RANK",
    "STAFF_FIELDS", "SCHOOL_FIELDS", "LOOKUP_CHUNK", "BATCH_ROWS", "in_filters", "batched",
]

MSG_DUPLICATE = _("Duplicate of row %(row)s in this sheet.")
# One message for "unknown" and "registered outside your region" (DESIGN.md: which codes exist outside the
# user's region is not told): a region or school code of another county reads exactly like a missing one.
MSG_UNKNOWN_REGION = _("Region code %(code)s is not in the 区县 sheet, and does not exist or is outside your region.")
MSG_UNKNOWN_SCHOOL = _("School code %(code)s is not in the 学校 sheet, and does not exist or is outside your region.")
# One message for "unknown" and "registered in another county": a reference sheet must not
# reveal which ID numbers exist outside the user's region.
MSG_UNKNOWN_STAFF = _("ID number %(id)s is neither in the 教职工 sheet nor among the staff of your region.")
MSG_PARENT_REQUIRED = _("A new county needs 上级代码 (the code of its city); only the top region (a city or a "
                        "province) has a blank 上级代码.")
MSG_PARENT_LEVEL = _("Region %(parent)s cannot be above %(child)s: by their codes (GB/T 2260) it is not a higher level.")
MSG_LEVEL_CHANGED = _("Code %(code)s is registered at another level (province, city or county) than its code says.")
MSG_SCHOOL_NOT_COUNTY = _("Region %(code)s is a city or a province; a school belongs to a county or district.")
MSG_REGION_SCOPE = _("Region code %(code)s does not exist or is outside your region: you may not create or "
                     "change it.")
MSG_SCHOOL_SCOPE = _("School code %(code)s does not exist or is outside your region: you may not create or "
                     "change it.")
MSG_TRANSFER_ROWS = _(
    "This person is registered in another county and row %(row)s of 教职工 asks for their transfer; import "
    "their other rows after the city bureau approves it (leave these rows out for now)."
)
MSG_OTHER_CITY = _(
    "This ID number is registered outside this city; a transfer across cities must be started by the "
    "person's current unit (it releases them first).")
MSG_TRANSFER = _(
    "%(count)s rows are people registered in another county: each becomes a cross-county transfer request "
    "(跨县调动) that the city bureau approves; their records move once it does."
)
MSG_GENDER = _("The gender %(given)s does not match the ID number (%(expected)s).")
MSG_BIRTH = _("The birth date %(given)s does not match the ID number (%(expected)s).")
MSG_SCHOOL_START = _("The start at the current school must be after the birth date.")
MSG_END_BEFORE_START = _("The end date is before the start date.")
MSG_NOT_STORED = _(
    "%(rows)s rows were read and checked but not stored: exemptions are stored by the rotation module, "
    "which is not installed yet."
)
MSG_FILE = _("File")

STAFF_FIELDS = ("name", "gender", "birth_date", "school_id", "post", "is_head_teacher", "subject", "title",
                "honour_level", "work_start", "school_start", "post_start", "status")
SCHOOL_FIELDS = ("name", "region_id", "stage", "location", "is_weak")
STAFF_DEFAULTS = {"is_head_teacher": False, "subject": "", "title": "", "honour_level": 0, "status": "active"}
STAFF_CREATE_DEFAULTS = {**STAFF_DEFAULTS, "work_start": None, "school_start": None, "post_start": None}
LOOKUP_CHUNK = 5000
BATCH_ROWS = 5000  # rows read, checked, planned and written at once: the memory bound's batch term


def batched(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of at most `size` items from `rows`, consumed lazily (itertools.batched, Python 3.12)."""
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


# --- the plan that the service persists -------------------------------------------------------

def _spool(discard: bool = False) -> Spool:
    return Spool(batch=BATCH_ROWS, discard=discard)


@dataclass
class BaseDataPlan:
    """What a commit writes, spooled to a temporary file batch by batch (close() deletes it). New rows
    reference each other by code until the service gives them ids."""

    regions: list[tuple[str, dict, int | None]] = field(default_factory=list)  # (code, values, existing id)
    # Creates and updates are plain dicts of field values (model instances cost 40 % of planning at 100,000
    # rows), with the reference they still need: "region_code", "school_code", "staff_number"; updates
    # carry their "id".
    school_creates: Spool = field(default_factory=_spool)
    school_updates: Spool = field(default_factory=_spool)
    staff_creates: Spool = field(default_factory=_spool)
    staff_updates: Spool = field(default_factory=_spool)
    history_creates: Spool = field(default_factory=_spool)
    history_updates: Spool = field(default_factory=_spool)
    # (handler, its plan of one batch, the batch's ID numbers): persisted batch by batch.
    extra: Spool = field(default_factory=_spool)
    # Cross-county transfers to request: {staff_id, from_region_id, school_code, name, values}.
    transfers: Spool = field(default_factory=_spool)
    region_ids: dict[str, int] = field(default_factory=dict)  # code -> id, known before the commit
    school_ids: dict[str, int] = field(default_factory=dict)
    staff_ids: dict[str, int] = field(default_factory=dict)  # ID number -> id, of the batch at hand only

    @classmethod
    def counting(cls) -> "BaseDataPlan":
        """A plan for a dry run: its spools count rows and keep none (the transfers, read by the preview's
        note, are counted too)."""
        return cls(**{name: _spool(discard=True) for name in ("school_creates", "school_updates", "staff_creates",
                                                              "staff_updates", "history_creates",
                                                              "history_updates", "extra", "transfers")})

    @property
    def size(self) -> int:
        return (len(self.regions) + len(self.school_creates) + len(self.school_updates) + len(self.staff_creates)
                + len(self.staff_updates) + len(self.history_creates) + len(self.history_updates))

    def spools(self) -> list[Spool]:
        return [self.school_creates, self.school_updates, self.staff_creates, self.staff_updates,
                self.history_creates, self.history_updates, self.extra, self.transfers]

    @property
    def held(self) -> int:
        """Planned rows in memory now (each spool holds at most one batch)."""
        return sum(spool.held for spool in self.spools())

    def close(self) -> None:
        for spool in self.spools():
            spool.close()


@dataclass
class ImportContext:
    """The user, their scope, and what is known so far (from the file and the database).

    Kept for the whole file (the per-key term of the memory bound): the staff ID numbers of the 教职工
    sheet, the codes of regions and schools seen. Kept for the batch at hand only: the staff rows the
    database holds for the batch's ID numbers."""

    user: object
    plan: BaseDataPlan
    staff_in_file: idcard.NumberRows = field(default_factory=idcard.NumberRows)  # ID number -> its 教职工 row
    staff_school_region: dict[str, int | None] = field(default_factory=dict)  # ID -> region id of the DB school
    regions: dict[str, tuple] = field(default_factory=dict)  # code -> (id, code, name, level, parent id,
    #                                                            parent code), from the DB
    schools: dict[str, tuple] = field(default_factory=dict)  # code -> (code, id, *SCHOOL_FIELDS), from the DB
    school_region: dict[int, int] = field(default_factory=dict)  # school id -> region id
    staff: dict[str, tuple] = field(default_factory=dict)  # ID -> (ID, id, region id, *STAFF_FIELDS), from the DB
    staff_school_code: dict[str, str] = field(default_factory=dict)  # ID -> code of the DB school (preview)
    new_regions: set[str] = field(default_factory=set)  # codes created by this file
    new_region_parent: dict[str, str | None] = field(default_factory=dict)  # new code -> parent code
    transfer_rows: dict[str, int] = field(default_factory=dict)  # ID number -> 教职工 row of a transfer
    new_schools: dict[str, int | None] = field(default_factory=dict)  # code -> region id (None: new region)
    looked_up: set = field(default_factory=set)  # ("region" | "school", code) already asked of the database
    today: date = field(default_factory=timezone.localdate)  # asked once: per row it cost 10 % of the check

    def __post_init__(self):
        self.scope = scope.scope_for(self.user) if self.user is not None else scope.Scope(everything=True)
        self._seen_regions = None

    def manages(self, region_id: int | None) -> bool:
        return self.scope.everything or region_id in self.scope.manage_region_ids

    def sees_region(self, code: str) -> bool:
        """Whether the user may know region `code` exists: new in this file, or a region they see or one above
        (org.scope.regions_seen, asked once). Any other code reads like a missing one."""
        if self.scope.everything or code in self.new_region_parent:
            return True
        return self.plan.region_ids.get(code) in self._seen()[0]

    def in_partly_seen_city(self, code: str) -> bool:
        """Whether county `code` lies, by its digits (GB/T 2260), in a city the user sees only in part (a county
        bureau's city): whether or not the county exists, the user may not write there. Decided from the code
        and the user's scope alone, never from what exists."""
        _ids, partly_seen_codes = self._seen()
        return not self.scope.everything and f"{code[:4]}00" in partly_seen_codes

    def _seen(self) -> tuple[set, set]:
        """(ids of the regions seen, codes of those seen only as a region above their own), asked once."""
        if self._seen_regions is None:
            ids = scope.regions_seen(self.user)
            above = Region.objects.filter(id__in=ids - set(self.scope.region_ids)).values_list("code", flat=True)
            self._seen_regions = (ids, set(above))
        return self._seen_regions

    def region_anchor(self, code: str | None) -> int | None:
        """The id of the region `code`, or of its nearest ancestor already in the system when it is new in
        this file (None: a new top region, which only a user with every region may create)."""
        while code is not None:
            if code in self.plan.region_ids:
                return self.plan.region_ids[code]
            code = self.new_region_parent.get(code)
        return None

    def staff_known(self, id_number: str) -> bool:
        return id_number in self.staff_in_file or id_number in self.plan.staff_ids

    def staff_manageable(self, id_number: str) -> bool:
        if id_number in self.staff_school_region:
            return self.manages(self.staff_school_region[id_number]) or self.staff_school_region[id_number] is None
        return id_number in self.staff_in_file


# --- the importer -----------------------------------------------------------------------------

class BaseDataImporter:
    kind = "base_data"
    label = _("Base data (regions, schools, staff, work history, exemptions)")
    spec = BASE_DATA_SPEC

    def run(self, path, *, user, commit: bool, progress: Progress | None = None, reason: str = "") -> ImportResult:
        """Parse, check and plan the workbook batch by batch; when `commit` and nothing is wrong, persist
        it all in one transaction. The plan is spooled to a temporary file, deleted before returning."""
        from org.services import base_data_apply

        result = ImportResult()
        found: dict = {}
        context = None
        try:
            with paused_gc():
                try:
                    context = self.check(path, user=user, result=result, progress=progress, found=found,
                                         keep_plan=commit)
                except ExcelFileError as error:
                    result.problems.add("", None, str(MSG_FILE), error.message)
                    return result
                names = {kind: sheet.name for kind, sheet in found.items()}
                result.problems.rename(names)
                for sheet in result.sheets:
                    notes = found[sheet.name].notes if sheet.name in found else []
                    sheet.note = " ".join([*notes, str(sheet.note)] if sheet.note else notes)
                result.problems.sort(["", *[names.get(sheet.name, sheet.name) for sheet in self.spec.sheets]])
                if commit and result.ok:
                    # No progress inside the transaction: other connections could not see it before the commit.
                    base_data_apply(actor=user, plan=context.plan, context=context, reason=reason or "Excel import")
                    result.committed = True
        finally:
            if context is not None:
                context.plan.close()
        return result

    def export_count(self, user, limit: int | None = None) -> int:
        """Rows the export writes, counted cheaply (org.exporting.bounded_count): staff and work history (the two
        large sheets)."""
        from org import selectors
        from org.exporting import counter

        return counter(selectors.staff_list(user=user), selectors.work_history_list(user=user))(limit)

    def export(self, target, *, user) -> None:
        from org.exports import base_data_export

        base_data_export(target, user=user)

    def check(self, path, *, user, result: ImportResult, progress: Progress | None = None,
              found: dict | None = None, keep_plan: bool = True) -> "ImportContext":
        """Steps 1 to 3, nothing written: stream every sheet (cell problems go to result.problems, `found`
        receives which sheet of the file was read as which), resolve its references and plan it, batch
        by batch, into `context.plan` (spooled; the caller closes it; `keep_plan=False`: only counted, for
        a dry run). Raises ExcelFileError."""
        context = ImportContext(user=user, plan=BaseDataPlan() if keep_plan else BaseDataPlan.counting())
        counted = [0]
        try:
            for name, rows in iter_workbook(path, self.spec, result.problems, progress, found=found,
                                            counted=counted):
                sheet = SheetResult(name)
                PLANNERS[name](rows, context, sheet, result.problems)
                result.sheets.append(sheet)
        except BaseException:
            context.plan.close()
            raise
        finally:
            result.rows = counted[0]
        return context


def _codes(rows: Iterable[ParsedRow], *fields: str) -> set:
    return {row.values.get(name) for row in rows for name in fields} - {None}


def _resolve_regions(codes: set, context: ImportContext) -> None:
    """Ask the database for the region codes not asked yet (one query)."""
    codes = {code for code in codes if ("region", code) not in context.looked_up}
    if not codes:
        return
    context.looked_up.update(("region", code) for code in codes)
    for row in Region.objects.filter(code__in=codes).values_list("id", "code", "name", "level", "parent_id",
                                                                 "parent__code"):
        context.regions[row[1]] = row
        context.plan.region_ids[row[1]] = row[0]


def _resolve_schools(codes: set, context: ImportContext) -> None:
    """Ask the database for the school codes not asked yet (one query)."""
    codes = {code for code in codes if ("school", code) not in context.looked_up}
    if not codes:
        return
    context.looked_up.update(("school", code) for code in codes)
    for row in School.objects.filter(code__in=codes).values_list("code", "id", *SCHOOL_FIELDS):
        context.schools[row[0]] = row
        context.plan.school_ids[row[0]] = row[1]
        context.school_region[row[1]] = row[3]


def _resolve_staff(rows: list[ParsedRow], context: ImportContext) -> None:
    """The staff the database holds for this batch's ID numbers (one query), replacing the last batch's."""
    context.staff, context.staff_school_code, context.staff_school_region = {}, {}, {}
    context.plan.staff_ids = {}
    ids = sorted({row.values["id_number"].number for row in rows})
    for chunk in in_filters(ids):
        for row in Staff.objects.filter(id_number__in=chunk).values_list("id_number", "id", "school__region_id",
                                                                         *STAFF_FIELDS, "school__code"):
            context.staff[row[0]] = row[:-1]
            context.staff_school_code[row[0]] = row[-1]
            context.plan.staff_ids[row[0]] = row[1]
            context.staff_school_region[row[0]] = row[2]


def in_filters(ids: list, sql_type: str = "varchar"):
    """What an `__in` lookup gets: on PostgreSQL one array parameter (measured 2x faster than 5,000
    placeholders a query at 100,000 IDs), elsewhere chunks that fit SQLite's parameter limit."""
    if connection.vendor == "postgresql":
        if ids:
            yield RawSQL(f"SELECT unnest(%s::{sql_type}[])", [ids])
        return
    for start in range(0, len(ids), LOOKUP_CHUNK):
        yield ids[start:start + LOOKUP_CHUNK]


_in_filters = in_filters


class PersonDayKeys:
    """(ID number, a code or kind, a date) -> the sheet row where it first appeared, for sheets with several
    rows a person (任职经历, 暂不交流): packed into an idcard.NumberRows (~50 bytes a row, where a dict of
    "number|code|day" strings costs ~200), the codes numbered as they come."""

    def __init__(self):
        self.rows = idcard.NumberRows()
        self.codes: dict = {}

    def setdefault(self, key: tuple, row: int) -> int:
        number, code, day = key
        index = self.codes.setdefault(code, len(self.codes))
        return self.rows.setdefault((number, (index << 32) | day.toordinal()), row)


def _first_seen(seen, key, row: ParsedRow, sheet: str, problems: Problems, column: str) -> bool:
    """Whether `key` is new in this sheet (`seen`: a dict, idcard.NumberRows or PersonDayKeys); a duplicate names the
    first row (one lookup: rows of a sheet have distinct numbers)."""
    first = seen.setdefault(key, row.row)
    if first != row.row:
        problems.add(sheet, row.row, column, MSG_DUPLICATE % {"row": first})
        return False
    return True


def _changes(spec: SheetSpec, fields: dict[str, str], old: dict, new: dict) -> list[list]:
    """[header, old shown, new shown] for every field that differs (fields: model field -> column field)."""
    out = []
    for model_field, column_field in fields.items():
        if model_field in new and old.get(model_field) != new[model_field]:
            column = spec.column(column_field)
            out.append([column.header, str(column.display(old.get(model_field))),
                        str(column.display(new[model_field]))])
    return out


# --- 区县 ---------------------------------------------------------------------------------------

LEVEL_RANK = {Region.Level.PROVINCE: 0, Region.Level.CITY: 1, Region.Level.COUNTY: 2}


def region_level(code: str) -> str:
    """GB/T 2260: xx0000 is a province, xxxx00 a city (prefecture), anything else a county or district."""
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    if code.endswith("00"):
        return Region.Level.CITY
    return Region.Level.COUNTY


def _plan_regions(rows, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    """Regions, parents first (provinces, then cities, then counties), so a bureau on an empty system
    imports its own city (blank 上级代码) and its counties in one sheet. The rows are spooled by level
    (three temporary files), then planned level by level in the sheet's order."""
    seen: dict = {}
    levels = [_spool() for _rank in LEVEL_RANK]
    try:
        for row in rows:
            levels[LEVEL_RANK[region_level(row.values["code"])]].append(row)
        for level in levels:
            for batch in level.batches():
                _resolve_regions(_codes(batch, "code", "parent"), context)
                for row in batch:
                    code = row.values["code"]
                    if not _first_seen(seen, code, row, REGION_SHEET, problems, "区县代码"):
                        continue
                    if not _plan_region(row, context, sheet, problems):
                        problems.reject(REGION_SHEET, "code", code, row.row)
    finally:
        for level in levels:
            level.close()
    context.new_regions = {code for code, _values, pk in context.plan.regions if pk is None}


def _region_known(code: str, context: ImportContext) -> bool:
    return code in context.plan.region_ids or code in context.new_region_parent


def _plan_region(row: ParsedRow, context: ImportContext, sheet: SheetResult, problems: Problems) -> bool:
    values = row.values
    code, parent_code = values["code"], values.get("parent")
    level = region_level(code)
    existing = context.regions.get(code)
    hidden = existing is not None and not context.sees_region(code)
    if hidden:
        existing = None  # another county's or city's region: answered as if it did not exist
    if parent_code and not (_region_known(parent_code, context) and context.sees_region(parent_code)):
        problems.add(REGION_SHEET, row.row, "上级代码", problems.see_row(REGION_SHEET, "code", parent_code)
                     or MSG_UNKNOWN_REGION % {"code": parent_code})
        return False
    if parent_code and LEVEL_RANK[region_level(parent_code)] >= LEVEL_RANK[level]:
        problems.add(REGION_SHEET, row.row, "上级代码", MSG_PARENT_LEVEL % {"parent": parent_code, "child": code})
        return False
    if existing is not None and existing[3] != level:
        problems.add(REGION_SHEET, row.row, "区县代码", MSG_LEVEL_CHANGED % {"code": code})
        return False
    parent_id = context.plan.region_ids.get(parent_code) if parent_code else (existing[4] if existing else None)
    anchor = context.region_anchor(parent_code) if parent_code else parent_id
    new = {"name": values["name"], "parent_code": parent_code, "level": level}
    label = f"{code} {values['name']}"
    if existing is None:
        if not parent_code and level == Region.Level.COUNTY:
            problems.add(REGION_SHEET, row.row, "上级代码", MSG_PARENT_REQUIRED)
            return False
        if hidden or not context.manages(anchor):
            problems.add(REGION_SHEET, row.row, "区县代码", MSG_REGION_SCOPE % {"code": code})
            return False
        context.plan.regions.append((code, new, None))
        context.new_region_parent[code] = parent_code
        sheet.record("created", {"row": row.row, "label": label, "changes": []})
        return True
    changes = []
    if existing[2] != values["name"]:
        changes.append(["区县名称", existing[2], values["name"]])
    if parent_code and parent_id != existing[4]:
        changes.append(["上级代码", existing[5] or "", parent_code])
    if not changes:
        if not (context.scope.everything or existing[0] in context.scope.region_ids):
            problems.add(REGION_SHEET, row.row, "区县代码", MSG_REGION_SCOPE % {"code": code})
            return False
        sheet.record("unchanged", {"row": row.row, "label": label, "changes": []})
        return True
    if not (context.manages(existing[4]) and context.manages(anchor)):
        problems.add(REGION_SHEET, row.row, "区县代码", MSG_REGION_SCOPE % {"code": code})
        return False
    context.plan.regions.append((code, new, existing[0]))
    sheet.record("updated", {"row": row.row, "label": label, "changes": changes})
    return True


# --- 学校 ---------------------------------------------------------------------------------------

SCHOOL_COLUMNS = {"name": "name", "region_id": "region", "stage": "stage", "location": "location", "is_weak": "is_weak"}


def _plan_schools(rows, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    seen: dict = {}
    new_regions = context.new_regions
    for batch in batched(rows, BATCH_ROWS):
        _resolve_regions(_codes(batch, "region"), context)
        _resolve_schools(_codes(batch, "code"), context)
        for row in batch:
            _plan_school(row, seen, new_regions, context, sheet, problems)


def _plan_school(row: ParsedRow, seen: dict, new_regions: set, context: ImportContext, sheet: SheetResult,
                 problems: Problems) -> None:
    values = row.values
    code, region_code = values["code"], values["region"]
    if not _first_seen(seen, code, row, SCHOOL_SHEET, problems, "学校代码"):
        return
    region_id = context.plan.region_ids.get(region_code)
    unknown = (region_id is None and region_code not in new_regions) or not context.sees_region(region_code)
    if unknown and not problems.see_row(REGION_SHEET, "code", region_code) \
            and context.in_partly_seen_city(region_code):
        # a county of the user's city they do not manage, existing or not: the same answer either way
        problems.add(SCHOOL_SHEET, row.row, "学校代码", MSG_SCHOOL_SCOPE % {"code": code})
        problems.reject(SCHOOL_SHEET, "code", code, row.row)
        return
    if unknown:
        problems.add(SCHOOL_SHEET, row.row, "区县代码", problems.see_row(REGION_SHEET, "code", region_code)
                     or MSG_UNKNOWN_REGION % {"code": region_code})
        problems.reject(SCHOOL_SHEET, "code", code, row.row)
        return
    if region_level(region_code) != Region.Level.COUNTY:
        problems.add(SCHOOL_SHEET, row.row, "区县代码", MSG_SCHOOL_NOT_COUNTY % {"code": region_code})
        problems.reject(SCHOOL_SHEET, "code", code, row.row)
        return
    managed_region = context.region_anchor(region_code)
    existing = context.schools.get(code)
    if not context.manages(managed_region) or (existing is not None and not context.manages(existing[3])):
        problems.add(SCHOOL_SHEET, row.row, "学校代码", MSG_SCHOOL_SCOPE % {"code": code})
        problems.reject(SCHOOL_SHEET, "code", code, row.row)
        return
    new = {"name": values["name"], "region_id": region_id, "stage": values["stage"],
           "location": values["location"]}
    if "is_weak" in values:
        new["is_weak"] = bool(values["is_weak"])
    label = f"{code} {values['name']}"
    if existing is None:
        context.plan.school_creates.append({"code": code, "is_weak": False, **new, "region_code": region_code})
        context.new_schools[code] = region_id
        sheet.record("created", {"row": row.row, "label": label, "changes": []})
        return
    old = dict(zip(SCHOOL_FIELDS, existing[2:], strict=True))
    changes = _changes(SCHOOL_SPEC, SCHOOL_COLUMNS, old, new)
    if region_id is None or old["region_id"] != region_id:
        changes = [c for c in changes if c[0] != "区县代码"] + [["区县代码", "", region_code]]
    if not changes:
        sheet.record("unchanged", {"row": row.row, "label": label, "changes": []})
        return
    context.plan.school_updates.append({"id": existing[1], "code": code, **old, **new, "region_code": region_code})
    sheet.record("updated", {"row": row.row, "label": label, "changes": changes})


# --- 教职工 -------------------------------------------------------------------------------------

STAFF_COLUMNS = {name: name for name in STAFF_FIELDS if name != "school_id"} | {"school_id": "school"}


def _school_for(code: str, context: ImportContext) -> tuple[bool, int | None, int | None]:
    """(known, school id or None when new in this file, region id or None when that is new too)."""
    if code in context.plan.school_ids:
        return True, context.plan.school_ids[code], context.school_region[context.plan.school_ids[code]]
    if code in context.new_schools:
        return True, None, context.new_schools[code]
    return False, None, None


def _staff_values(values: dict, info: idcard.IdInfo, school_id) -> dict:
    new = {"gender": info.gender, "birth_date": info.birth_date, "school_id": school_id}
    for name in ("name", "post", "work_start", "school_start", "post_start"):
        if name in values:
            new[name] = values[name]
    for name, default in STAFF_DEFAULTS.items():
        if name in values:
            new[name] = default if values[name] is None else values[name]
    return new


def _staff_row_problems(values: dict, info: idcard.IdInfo, row: ParsedRow, problems: Problems, today: date) -> bool:
    ok = True
    if values.get("gender") and values["gender"] != info.gender:
        problems.add(STAFF_SHEET, row.row, "性别", MSG_GENDER % {
            "given": STAFF_SPEC.column("gender").display(values["gender"]),
            "expected": STAFF_SPEC.column("gender").display(info.gender)})
        ok = False
    if values.get("birth_date") and not cells.same_period(values["birth_date"], info.birth_date):
        problems.add(STAFF_SHEET, row.row, "出生日期", MSG_BIRTH % {"given": values["birth_date"],
                                                                "expected": info.birth_date})
        ok = False
    if values.get("school_start") and values["school_start"] <= info.birth_date:
        problems.add(STAFF_SHEET, row.row, "现校起始时间", MSG_SCHOOL_START)
        ok = False
    elif values.get("school_start"):
        refusals = rules.school_start_refusals(school_start=values["school_start"], birth_date=info.birth_date,
                                               today=today)
        for message in refusals.get("school_start", []):
            problems.add(STAFF_SHEET, row.row, "现校起始时间", message)
            ok = False
    return ok


def _plan_staff(rows, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    for batch in batched(rows, BATCH_ROWS):
        _resolve_schools(_codes(batch, "school"), context)
        _resolve_staff(batch, context)
        for row in batch:
            _plan_staff_row(row, context, sheet, problems)


def _plan_staff_row(row: ParsedRow, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    plan = context.plan
    values = row.values
    info = values["id_number"]
    number, code = info.number, values["school"]
    if not _first_seen(context.staff_in_file, number, row, STAFF_SHEET, problems, "身份证号"):
        return
    known, school_id, region_id = _school_for(code, context)
    if not _staff_row_problems(values, info, row, problems, context.today):
        problems.reject(STAFF_SHEET, "id_number", number, row.row)
        return
    if not known:
        problems.add(STAFF_SHEET, row.row, "学校代码", problems.see_row(SCHOOL_SHEET, "code", code)
                     or MSG_UNKNOWN_SCHOOL % {"code": code})
        problems.reject(STAFF_SHEET, "id_number", number, row.row)
        return
    if not context.manages(region_id) and not (region_id is None and school_id is None):
        # Another county's school: the same answer as an unknown code (DESIGN.md: which codes exist
        # outside the user's region is not told).
        problems.add(STAFF_SHEET, row.row, "学校代码", MSG_UNKNOWN_SCHOOL % {"code": code})
        problems.reject(STAFF_SHEET, "id_number", number, row.row)
        return
    existing = context.staff.get(number)
    if existing is not None and not context.manages(existing[2]):
        from org.services.transfers import transfer_decidable

        if region_id is not None and not transfer_decidable(existing[2], region_id):
            # Another city: nobody here can decide it; the message names no place (DESIGN.md scope).
            problems.add(STAFF_SHEET, row.row, "身份证号", MSG_OTHER_CITY)
            problems.reject(STAFF_SHEET, "id_number", number, row.row)
            return
        _plan_transfer(values, info, row, existing, context, sheet)  # 跨县调动, for the city to decide
        return
    new = _staff_values(values, info, school_id)
    label = f"{values['name']} {idcard.mask(number)}"
    old = dict(zip(STAFF_FIELDS, existing[3:], strict=True)) if existing is not None else None
    if new.get("school_start") is None and (old is None or ("school_start" in new and old["school_start"])):
        problems.add(STAFF_SHEET, row.row, "现校起始时间", MSG_REQUIRED)  # required for new staff, never cleared
        problems.reject(STAFF_SHEET, "id_number", number, row.row)
        return
    if old is None:
        plan.staff_creates.append({"id_number": number, **STAFF_CREATE_DEFAULTS, **new, "school_code": code})
        sheet.record("created", {"row": row.row, "label": label, "changes": []})
        return
    changes = _changes(STAFF_SPEC, STAFF_COLUMNS, {**old, "school_id": None}, {**new, "school_id": None})
    if school_id != old["school_id"]:
        changes.append(["学校代码", context.staff_school_code.get(number) or "", code])
    if not changes:
        sheet.record("unchanged", {"row": row.row, "label": label, "changes": []})
        return
    plan.staff_updates.append({"id": existing[1], "id_number": number, **old, **new, "school_code": code})
    sheet.record("updated", {"row": row.row, "label": label, "changes": changes})


def _plan_transfer(values: dict, info, row: ParsedRow, existing: tuple, context: ImportContext,
                   sheet: SheetResult) -> None:
    """A person registered in another county, put at a school of ours: a transfer request, shown as such
    (the preview names only what the user typed, never the other county's record)."""
    from org.services.transfers import transfer_values

    context.transfer_rows[info.number] = row.row
    context.plan.transfers.append({
        "staff_id": existing[1], "from_region_id": existing[2], "school_code": values["school"],
        "name": values["name"], "values": transfer_values(_staff_values(values, info, None))})
    sheet.note = str(MSG_TRANSFER % {"count": len(context.plan.transfers)})


# --- 任职经历 -----------------------------------------------------------------------------------

def _staff_reference_ok(number: str, row: ParsedRow, sheet_name: str, context: ImportContext,
                        problems: Problems) -> bool:
    if number in context.transfer_rows:
        problems.add(sheet_name, row.row, "身份证号", MSG_TRANSFER_ROWS % {"row": context.transfer_rows[number]})
        return False
    if not context.staff_known(number) or not context.staff_manageable(number):
        # A row of the 教职工 sheet that was refused (e.g. a person registered in another city): point to it,
        # never "not in the 教职工 sheet"; a person only in the database is told as unknown (scope).
        in_sheet = number in context.staff_in_file
        see = (problems.see_row(STAFF_SHEET, "id_number", number)
               if in_sheet or not context.staff_known(number) else None)
        problems.add(sheet_name, row.row, "身份证号", see or MSG_UNKNOWN_STAFF % {"id": idcard.mask(number)})
        return False
    return True


def _plan_history(rows, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    seen = PersonDayKeys()
    plan = context.plan
    for batch in batched(rows, BATCH_ROWS):
        _resolve_schools(_codes(batch, "school"), context)
        _resolve_staff(batch, context)
        staff_pks = sorted(plan.staff_ids[n] for n in _codes_of_ids(batch) if n in plan.staff_ids)
        existing = {}
        for chunk in in_filters(staff_pks, "bigint"):
            for pk, staff, school, start, post, end in WorkHistory.objects.filter(staff_id__in=chunk).values_list(
                    "id", "staff_id", "school_id", "start", "post", "end"):
                existing[(staff, school, start)] = (pk, post, end)
        for row in batch:
            _plan_history_row(row, seen, existing, context, sheet, problems)


def _plan_history_row(row: ParsedRow, seen: "PersonDayKeys", existing: dict, context: ImportContext,
                      sheet: SheetResult,
                      problems: Problems) -> None:
    plan = context.plan
    values = row.values
    number, code, start = values["id_number"].number, values["school"], values["start"]
    if not _first_seen(seen, (number, code, start), row, HISTORY_SHEET, problems, "起始时间"):
        return
    if not _staff_reference_ok(number, row, HISTORY_SHEET, context, problems):
        return
    known, school_id, _region = _school_for(code, context)
    if not known:
        problems.add(HISTORY_SHEET, row.row, "学校代码", problems.see_row(SCHOOL_SHEET, "code", code)
                     or MSG_UNKNOWN_SCHOOL % {"code": code})
        return
    if values.get("end") and values["end"] < start:
        problems.add(HISTORY_SHEET, row.row, "结束时间", MSG_END_BEFORE_START)
        return
    post = values.get("post") or ""
    label = f"{idcard.mask(number)} {code} {start:%Y-%m-%d}"
    old = existing.get((plan.staff_ids.get(number), school_id, start))
    if old is None:
        plan.history_creates.append({"post": post, "start": start, "end": values.get("end"),
                                     "staff_number": number, "school_code": code})
        sheet.record("created", {"row": row.row, "label": label, "changes": []})
        return
    new_post = post if "post" in values else old[1]
    new_end = values.get("end") if "end" in values else old[2]
    if (new_post, new_end) == old[1:]:
        sheet.record("unchanged", {"row": row.row, "label": label, "changes": []})
        return
    plan.history_updates.append({"id": old[0], "staff_id": plan.staff_ids[number], "school_id": school_id,
                                 "post": new_post, "start": start, "end": new_end})
    changes = _changes(HISTORY_SPEC, {"post": "post", "end": "end"}, {"post": old[1], "end": old[2]},
                       {"post": new_post, "end": new_end})
    sheet.record("updated", {"row": row.row, "label": label, "changes": changes})


def _codes_of_ids(rows) -> set[str]:
    return {row.values["id_number"].number for row in rows}


# --- 暂不交流 -----------------------------------------------------------------------------------

def _plan_exemptions(rows, context: ImportContext, sheet: SheetResult, problems: Problems) -> None:
    """Check the rows here; a registered handler (rotation) plans them batch by batch and stores them."""
    seen = PersonDayKeys()
    handler = sheet_handler(EXEMPTION_SHEET)
    checked = 0
    for batch in batched(rows, BATCH_ROWS):
        _resolve_staff(batch, context)
        valid = []
        for row in batch:
            values = row.values
            number = values["id_number"].number
            key = (number, values["kind"], values["start"])
            if not _first_seen(seen, key, row, EXEMPTION_SHEET, problems, "起始时间"):
                continue
            if not _staff_reference_ok(number, row, EXEMPTION_SHEET, context, problems):
                continue
            if values.get("end") and values["end"] < values["start"]:
                problems.add(EXEMPTION_SHEET, row.row, "结束时间", MSG_END_BEFORE_START)
                continue
            valid.append(row)
        checked += len(valid)
        if handler is not None and valid:
            planned = handler.plan(valid, context, sheet, problems)
            context.plan.extra.append((EXEMPTION_SHEET, planned, sorted(_codes_of_ids(valid))))
    if handler is None:
        sheet.stored = False
        sheet.note = str(MSG_NOT_STORED % {"rows": checked})


PLANNERS = {REGION_SHEET: _plan_regions, SCHOOL_SHEET: _plan_schools, STAFF_SHEET: _plan_staff,
            HISTORY_SHEET: _plan_history, EXEMPTION_SHEET: _plan_exemptions}


base_data_importer = register_importer(BaseDataImporter())
