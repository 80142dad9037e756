"""Export the base-data workbook for everything in the user's scope (the importer reads it back unchanged)."""

from collections.abc import Iterable, Iterator

from org import idcard, scope, selectors
from org.excel import SheetData, SheetSpec, write_workbook
from org.models import Region
from org.sheets import (
    BASE_DATA_SPEC,
    EXEMPTION_SHEET,
    HISTORY_SPEC,
    REGION_SPEC,
    SCHOOL_SPEC,
    STAFF_SPEC,
    sheet_handler,
)

CHUNK = 2000


class SystemUser:
    """The command line without --user: sees everything (scope_for treats it as a superuser)."""

    is_authenticated = is_active = is_superuser = True
    pk = None


def _rows(spec: SheetSpec, records: Iterable[dict]) -> Iterator[list]:
    columns = spec.columns
    for record in records:
        yield [column.display(record.get(column.field)) for column in columns]


def _regions(user) -> Iterator[dict]:
    queryset = selectors.region_list(user=user).filter(level=Region.Level.COUNTY).order_by("code")
    for code, name, parent in queryset.values_list("code", "name", "parent__code"):
        yield {"code": code, "name": name, "parent": parent}


def _schools(user, queryset=None) -> Iterator[dict]:
    queryset = (queryset if queryset is not None else selectors.school_list(user=user)).order_by("code").values_list(
        "code", "name", "region__code", "stage", "location", "is_weak")
    for code, name, region, stage, location, is_weak in queryset.iterator(chunk_size=CHUNK):
        yield {"code": code, "name": name, "region": region, "stage": stage, "location": location, "is_weak": is_weak}


STAFF_VALUES = ("name", "id_number", "gender", "birth_date", "school__code", "post", "is_head_teacher", "subject",
                "title", "honour_level", "work_start", "school_start", "post_start", "status")


def _staff(user, *, full_ids: bool, queryset=None) -> Iterator[dict]:
    queryset = (queryset if queryset is not None else selectors.staff_list(user=user)).order_by(
        "school__code", "id").values_list(*STAFF_VALUES)
    for row in queryset.iterator(chunk_size=CHUNK):
        record = dict(zip(STAFF_VALUES, row, strict=True))
        record["school"] = record.pop("school__code")
        if not full_ids:  # a full birth date beside a masked number would rebuild it
            record["id_number"] = idcard.mask(record["id_number"])
            record["birth_date"] = None
        yield record


def _work_history(user, *, full_ids: bool) -> Iterator[dict]:
    queryset = selectors.work_history_list(user=user).order_by("staff_id", "start").values_list(
        "staff__id_number", "school__code", "post", "start", "end")
    for number, school, post, start, end in queryset.iterator(chunk_size=CHUNK):
        yield {"id_number": number if full_ids else idcard.mask(number), "school": school, "post": post or None,
               "start": start, "end": end}


def _exemptions(user) -> Iterable[dict]:
    handler = sheet_handler(EXEMPTION_SHEET)
    export_rows = getattr(handler, "export_rows", None)
    return export_rows(user) if export_rows is not None else ()


def base_data_export(target, *, user) -> None:
    """Write 区县, 学校, 教职工, 任职经历, 暂不交流 for the user's scope; full ID numbers for bureau staff only."""
    user = user if user is not None else SystemUser()
    full_ids = scope.is_bureau_staff(user)
    sources = {
        REGION_SPEC.name: _regions(user), SCHOOL_SPEC.name: _schools(user),
        STAFF_SPEC.name: _staff(user, full_ids=full_ids), HISTORY_SPEC.name: _work_history(user, full_ids=full_ids),
        EXEMPTION_SHEET: _exemptions(user),
    }
    write_workbook(target, (
        SheetData(spec.name, spec.headers, _rows(spec, sources[spec.name]),
                  widths=[22 if column.text_format else 14 for column in spec.columns])
        for spec in BASE_DATA_SPEC.sheets
    ))


def _sheet(spec: SheetSpec, records: Iterable[dict]) -> SheetData:
    return SheetData(spec.name, spec.headers, _rows(spec, records),
                     widths=[22 if column.text_format else 14 for column in spec.columns])


def staff_sheet_export(target, *, user, queryset) -> None:
    """The staff list as filtered (`queryset`, already scoped): one 教职工 sheet in the import layout, so the
    importer reads it back unchanged; full ID numbers and birth dates for bureau staff only."""
    write_workbook(target, [_sheet(STAFF_SPEC, _staff(user, full_ids=scope.is_bureau_staff(user), queryset=queryset))])


def school_sheet_export(target, *, user, queryset) -> None:
    """The school list as filtered (`queryset`, already scoped): one 学校 sheet in the import layout."""
    write_workbook(target, [_sheet(SCHOOL_SPEC, _schools(user, queryset=queryset))])
