"""Benchmark the base-data import: generate a workbook, then time parse, validate and commit.

Prints rows/s and peak memory per phase, and the raw read rate of the same file by the reader
alone (the streaming reader and calamine; openpyxl read-only too with --openpyxl). `--stray-cell` puts
a formatted cell holding a space at XFD1048576 of the staff sheet, so its used range runs to Excel's
last row and column, as a roster touched by a careless Ctrl+End does (calamine is then skipped: it
allocates the whole used range and aborts the process). Peak memory is the process's resident
high-water mark (VmHWM, reset before each phase through /proc/self/clear_refs), so it counts the
Rust reader's native memory as well as Python objects. The benchmark's rows are removed afterwards
unless --keep.
"""

import os
import random
import re
import resource
import shutil
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from org import idcard
from org.excel import ImportResult, open_workbook, paused_gc
from org.excel.writer import SheetData, write_workbook
from org.importers import BaseDataImporter
from org.models import Region, School, Staff, WorkHistory
from org.services import base_data_apply
from org.sheets import BASE_DATA_SPEC, REGION_SHEET, SCHOOL_SHEET, STAFF_SHEET

CITY = "429900"
COUNTIES = [f"4299{n:02d}" for n in range(1, 7)]
POSTS = ["专任教师"] * 8 + ["中层干部", "副校长"]


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic roster: counties, rows/100 schools, `rows` staff with text ID numbers and mixed date forms."""
    rng = random.Random(seed)
    school_count = max(1, rows // 100)
    schools = [(f"BENCH{i:06d}", COUNTIES[i % len(COUNTIES)]) for i in range(school_count)]

    def staff_rows():
        for i in range(rows):
            birth = date(1965, 1, 1) + timedelta(days=i // 100)
            gender = "M" if i % 2 else "F"
            number = idcard.make("429901", birth, i % 100, gender)
            start = date(2000 + rng.randrange(24), rng.randrange(1, 13), 1)
            yield [f"教师{i}", number, "男" if gender == "M" else "女", birth, schools[i % school_count][0],
                   rng.choice(POSTS), rng.choice(["是", "否"]), "数学", "一级教师", "无", "2005-09-01",
                   start if i % 3 else f"{start:%Y.%m}", "", "在职"]

    spec = {sheet.name: sheet for sheet in BASE_DATA_SPEC.sheets}
    write_workbook(path, [
        SheetData(REGION_SHEET, spec[REGION_SHEET].headers, [[code, f"测试县{code}", CITY] for code in COUNTIES]),
        SheetData(SCHOOL_SHEET, spec[SCHOOL_SHEET].headers,
                  ([code, f"测试学校{code}", county, "小学", "乡村", "否"] for code, county in schools)),
        SheetData(STAFF_SHEET, spec[STAFF_SHEET].headers, staff_rows()),
    ])


STRAY_ROW = b'<row r="1048576"><c r="XFD1048576" s="1" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>'


def add_stray_cell(path: Path, sheet_name: str) -> None:
    """Put a formatted cell holding a space at XFD1048576 of `sheet_name` and widen the declared range to it,
    rewriting the xlsx member by member (the sheet streamed in chunks)."""
    from org.excel.reader import XlsxReader

    with XlsxReader(path) as reader:
        member = reader._paths[sheet_name]  # noqa: SLF001 - the benchmark pokes at the file on purpose
    target = path.with_suffix(".stray.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info.filename))
                continue
            with source.open(info) as reading, out.open(info.filename, "w", force_zip64=True) as writing:
                carry, first, done = b"", True, False
                while chunk := reading.read(1 << 20):
                    data = carry + chunk
                    if first:
                        data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data, count=1)
                        first = False
                    if not done and b"</sheetData>" in data:
                        data = data.replace(b"</sheetData>", STRAY_ROW + b"</sheetData>", 1)
                        done = True
                    carry, data = data[-32:], data[:-32]
                    writing.write(data)
                writing.write(carry)
    shutil.move(target, path)


class Command(BaseCommand):
    help = "Benchmark the base-data import (parse, validate, commit) on the configured database."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--file", help="reuse this workbook instead of generating one")
        parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl read-only (slow)")
        parser.add_argument("--keep", action="store_true", help="keep the imported rows")
        parser.add_argument("--stray-cell", action="store_true",
                            help="put a formatted cell at XFD1048576 of the staff sheet (used range to the last cell)")

    def handle(self, *args, rows, file, openpyxl, keep, stray_cell, **options):
        Region.objects.get_or_create(code=CITY, defaults={"name": "测试市", "level": Region.Level.CITY})
        self._cleanup()
        path = Path(file) if file else Path(tempfile.mkdtemp()) / f"bench-{rows}.xlsx"
        if not file:
            started = time.perf_counter()
            generate(path, rows)
            self._line("generate (openpyxl write-only)", rows, time.perf_counter() - started, None)
            if stray_cell:
                add_stray_cell(path, STAFF_SHEET)
                self.stdout.write("stray cell: a formatted cell holding a space at XFD1048576 of the staff sheet")
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"file: {path} ({path.stat().st_size / 1048576:.1f} MB), database: {connection.vendor}, "
                          f"load average {load} on {os.cpu_count()} CPUs")
        self._raw_read(path, "stream")
        if not stray_cell:
            self._raw_read(path, "calamine")
        if openpyxl and not stray_cell:
            self._raw_read(path, "openpyxl")
        try:
            with paused_gc():  # as BaseDataImporter.run does
                self._import(path)
                self._reimport(path)
        finally:
            if not keep:
                self._cleanup()
        self.stdout.write(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

    def _line(self, phase: str, count: int, seconds: float, peak: float | None) -> None:
        memory = f", peak {peak:.0f} MB" if peak is not None else ""
        self.stdout.write(f"{phase:<34} {count:>8} rows in {seconds:6.2f} s = {count / seconds:>9,.0f} rows/s{memory}")

    def _raw_read(self, path: Path, reader: str) -> None:
        _reset_peak()
        started, count = time.perf_counter(), 0
        with open_workbook(path, reader=reader) as book:
            for _number, _row in book.rows(STAFF_SHEET):
                count += 1
        self._line(f"raw read, {reader}", count, time.perf_counter() - started, _peak_mb())

    def _import(self, path: Path) -> None:
        importer, result = BaseDataImporter(), ImportResult()
        _reset_peak()
        started = first = time.perf_counter()
        parsed = importer.parse(path, result)
        staff_rows = len(parsed.get(STAFF_SHEET, ()))
        self._line("parse (read + typed cells)", staff_rows, time.perf_counter() - started, _peak_mb())
        _reset_peak()
        started = time.perf_counter()
        context = importer.plan(parsed, user=None, result=result)
        self._line("validate (resolve + plan)", staff_rows, time.perf_counter() - started, _peak_mb())
        if not result.ok:
            self.stdout.write(f"problems: {result.problems.as_list()[:5]}")
            return
        _reset_peak()
        started = time.perf_counter()
        base_data_apply(actor=None, plan=context.plan, context=context, reason="bench_import")
        self._line("commit (one transaction)", staff_rows, time.perf_counter() - started, _peak_mb())
        self._line("parse + validate + commit", staff_rows, time.perf_counter() - first, None)
        self.stdout.write("summary: " + "; ".join(
            f"{s.name} +{s.created} ~{s.updated} ={s.unchanged}" for s in result.sheets))

    def _reimport(self, path: Path) -> None:
        importer, result = BaseDataImporter(), ImportResult()
        _reset_peak()
        started = time.perf_counter()
        context = importer.plan(importer.parse(path, result), user=None, result=result)
        staff = next(s for s in result.sheets if s.name == STAFF_SHEET)
        self._line("re-import dry run (all unchanged)", staff.unchanged, time.perf_counter() - started, _peak_mb())
        assert context.plan.size == 0 and staff.created == staff.updated == 0

    @transaction.atomic
    def _cleanup(self) -> None:
        """Raw deletes (no per-row signals): the benchmark's staff, history rows, schools, counties."""
        schools = list(School.objects.filter(code__startswith="BENCH").values_list("id", flat=True))
        staff = Staff.objects.filter(school_id__in=schools)
        WorkHistory.objects.filter(staff__in=staff)._raw_delete(connection.alias)
        Staff.history.filter(school_id__in=schools)._raw_delete(connection.alias)
        staff._raw_delete(connection.alias)
        School.history.filter(code__startswith="BENCH")._raw_delete(connection.alias)
        School.objects.filter(id__in=schools)._raw_delete(connection.alias)
        Region.history.filter(code__in=COUNTIES)._raw_delete(connection.alias)
        Region.objects.filter(code__in=COUNTIES)._raw_delete(connection.alias)
