"""Benchmark the base-data import beside its physical references, each figure measured in the same run.

    python manage.py bench_import --rows 100000 [--stray-cell] [--wide 40] [--memory-series]

Prints, for a generated workbook of `--rows` staff:

- the import (check + commit in one run, as a job does): seconds, rows/s and peak memory;
- the dry run (the check a job does before its owner commits): seconds and peak memory;
- the raw read of the same file by python-calamine alone (its staff sheet, no typing);
- PostgreSQL COPY of the same rows (the staff rows the import wrote, copied out and back into a table
  like org_staff with its indexes, in one transaction that is rolled back);
- the ratio import / (read + COPY) (issue 15: goal within 3x).

Every phase runs in a child process (`manage.py bench_import --child ...`), so its peak memory is the
resident high-water mark of a fresh process doing only that (`resource.getrusage(RUSAGE_SELF).ru_maxrss`,
which counts the Rust reader's native memory as well as Python objects), as a Celery worker would see.

`--stray-cell` puts a formatted cell holding a space at XFD1048576 of the staff sheet, so its used range runs
to Excel's last row and column, as a roster touched by a careless Ctrl+End does (the raw calamine read is
then timed on the same workbook without the stray cell: calamine alone allocates the whole used range).
`--wide N` adds N columns of ~1 KB of text to every staff row (ignored by the import: not template columns), making
a workbook whose XML is many times its size, like the 47 MB upload that expanded to 400 MB (issue 16, 6).
`--memory-series` measures the import's time and peak memory at 50,000, 100,000 and 200,000 rows (issue
15: memory must not grow with the file). The benchmark's rows are removed afterwards unless --keep.
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from org import idcard
from org.excel import open_workbook, paused_gc
from org.importers import BaseDataImporter
from org.models import Region, School, Staff, WorkHistory
from org.sheets import BASE_DATA_SPEC, REGION_SHEET, SCHOOL_SHEET, STAFF_SHEET

CITY = "429900"
COUNTIES = [f"4299{n:02d}" for n in range(1, 7)]
POSTS = ["专任教师"] * 8 + ["中层干部", "副校长"]
SERIES = (50_000, 100_000, 200_000)


def _peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def staff_values(rows: int, seed: int = 7):
    """The benchmark's staff rows: text ID numbers, mixed date forms (a date cell, 2005-09-01, 2010.03)."""
    rng = random.Random(seed)
    school_count = max(1, rows // 100)
    for i in range(rows):
        birth = date(1965, 1, 1) + timedelta(days=i // 100)
        gender = "M" if i % 2 else "F"
        number = idcard.make("429901", birth, i % 100, gender)
        start = date(2000 + rng.randrange(24), rng.randrange(1, 13), 1)
        yield [f"教师{i}", number, "男" if gender == "M" else "女", birth, f"BENCH{i % school_count:06d}",
               rng.choice(POSTS), rng.choice(["是", "否"]), "数学", "一级教师", "无", "2005-09-01",
               start if i % 3 else f"{start:%Y.%m}", "", "在职"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A realistic roster: counties, rows/100 schools, `rows` staff. The workbook is written by the app's
    writer (openpyxl write-only) with one staff row; the staff sheet's rows are then written straight into
    its XML in the very form openpyxl gives them (inline strings, dates as serials with openpyxl's date
    style), ~20x faster than openpyxl for 200,000 rows."""
    school_count = max(1, rows // 100)
    schools = [(f"BENCH{i:06d}", COUNTIES[i % len(COUNTIES)]) for i in range(school_count)]
    values = staff_values(rows, seed)
    first = next(values)
    spec = {sheet.name: sheet for sheet in BASE_DATA_SPEC.sheets}
    draft = path.with_suffix(".draft.xlsx")
    # openpyxl write-only (not the app's writer, which is XlsxWriter): the XML form copied below is openpyxl's.
    draft_book = openpyxl.Workbook(write_only=True)
    for name, rows_ in ((REGION_SHEET, [[code, f"测试县{code}", CITY] for code in COUNTIES]),
                        (SCHOOL_SHEET, ([code, f"测试学校{code}", county, "小学", "乡村", "否"] for code, county in schools)),
                        (STAFF_SHEET, [first])):
        sheet = draft_book.create_sheet(name)
        sheet.append(spec[name].headers)
        for row in rows_:
            sheet.append(row)
    draft_book.save(draft)
    from org.excel.reader import XlsxReader

    with XlsxReader(draft) as reader:
        member = reader._paths[STAFF_SHEET]  # noqa: SLF001 - the benchmark writes the file on purpose
    with zipfile.ZipFile(draft) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != member:
                out.writestr(info, data)
                continue
            date_style = re.search(rb'<c r="D2" s="(\d+)" t="n">', data).group(1).decode()
            end = data.index(b"</sheetData>")
            with out.open(info.filename, "w", force_zip64=True) as writing:
                writing.write(data[:end])
                lines = []
                for number, row in enumerate(values, start=3):
                    lines.append(_row_xml(number, row, date_style))
                    if len(lines) == 2000:
                        writing.write("".join(lines).encode())
                        lines = []
                writing.write("".join(lines).encode())
                writing.write(data[end:])
    draft.unlink()


_COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_EPOCH = date(1899, 12, 30)


def _row_xml(number: int, row: list, date_style: str) -> str:
    cells = []
    for position, value in enumerate(row):
        ref = f"{_COLUMNS[position]}{number}"
        if isinstance(value, date):
            cells.append(f'<c r="{ref}" s="{date_style}" t="n"><v>{(value - _EPOCH).days}</v></c>')
        elif value == "":
            cells.append(f'<c r="{ref}" t="inlineStr"></c>')
        else:
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            text = text.encode("ascii", "xmlcharrefreplace").decode()
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


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




WIDE_TEXTS = [f"备注：该教师{year}年{month}月调入本校，曾任{subject}教研组长，获{level}优秀教师称号，编号{serial:06d}。"
              for year, month, subject, level, serial in (
                  (2000 + i % 24, 1 + i % 12, ["语文", "数学", "英语", "物理", "化学"][i % 5],
                   ["校级", "县级", "市级"][i % 3], (i * 7919) % 1000000) for i in range(2000))]


def add_wide_columns(path: Path, sheet_name: str, columns: int) -> None:
    """Append `columns` cells of ~1 KB of text each (inline strings, no cell reference: placed after the
    row's last cell) to every row of `sheet_name`, rewriting the sheet member in chunks. The import ignores them (their
    headers are not template columns); they make the XML many times the file's size."""
    from org.excel.reader import XlsxReader

    with XlsxReader(path) as reader:
        member = reader._paths[sheet_name]  # noqa: SLF001 - the benchmark pokes at the file on purpose
    header = "".join(f'<c t="inlineStr"><is><t>备注{i + 1}</t></is></c>' for i in range(columns)).encode()
    # Each cell ~1 KB of text: eight remarks drawn from the pool (a 备注 column pasted from documents).
    texts = [f'<c t="inlineStr"><is><t>{"".join(WIDE_TEXTS[(i * 7 + k * 131) % len(WIDE_TEXTS)] for k in range(8))}'
             f'</t></is></c>'.encode() for i in range(len(WIDE_TEXTS))]
    target = path.with_suffix(".wide.xlsx")
    counter = [0]

    def extra(_match) -> bytes:
        counter[0] += 1
        if counter[0] == 1:
            return header + b"</row>"
        base = counter[0] * 31
        return b"".join(texts[(base + i * 17) % len(texts)] for i in range(columns)) + b"</row>"

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info.filename))
                continue
            with source.open(info) as reading, out.open(info.filename, "w", force_zip64=True) as writing:
                carry = b""
                while chunk := reading.read(1 << 20):
                    data = carry + chunk
                    cut = data.rfind(b"</row>")
                    if cut < 0:
                        carry = data
                        continue
                    cut += len(b"</row>")
                    writing.write(re.sub(rb"</row>", extra, data[:cut]))
                    carry = data[cut:]
                writing.write(carry)
    shutil.move(target, path)


def xml_size(path: Path) -> int:
    """Bytes of XML the workbook expands to (the sum of its members' uncompressed sizes)."""
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


class Command(BaseCommand):
    help = "Benchmark the base-data import beside calamine's read and PostgreSQL COPY of the same rows."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--file", help="reuse this workbook instead of generating one")
        parser.add_argument("--keep", action="store_true", help="keep the imported rows")
        parser.add_argument("--stray-cell", action="store_true",
                            help="put a formatted cell at XFD1048576 of the staff sheet (used range to the last cell)")
        parser.add_argument("--wide", type=int, default=0, metavar="COLUMNS",
                            help="add this many text columns to every staff row (a workbook whose XML is huge)")
        parser.add_argument("--memory-series", action="store_true",
                            help="peak memory and time of the import at 50,000, 100,000 and 200,000 rows")
        parser.add_argument("--in-process", action="store_true",
                            help="run every phase in this process (tests: child processes cannot see a test's "
                                 "transaction); peak memory is then this process's so far")
        parser.add_argument("--child", choices=["import", "check", "read"], help=argparse.SUPPRESS)

    def handle(self, *args, rows, file, keep, stray_cell, wide, memory_series, child, in_process, **options):
        self.in_process = in_process
        if child:
            self.stdout.write(json.dumps(self._phase(child, Path(file))))
            return
        Region.objects.get_or_create(code=CITY, defaults={"name": "测试市", "level": Region.Level.CITY})
        self._cleanup()
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"database: {connection.vendor}, load average {load} on {os.cpu_count()} CPUs")
        if memory_series:
            self._series(keep)
            return
        work = Path(tempfile.mkdtemp())
        try:
            self._one(work, rows, file, keep, stray_cell, wide)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # --- one workbook, every figure --------------------------------------------------------------

    def _one(self, work: Path, rows: int, file, keep: bool, stray_cell: bool, wide: int) -> None:
        path = Path(file) if file else work / f"bench-{rows}.xlsx"
        reference = path
        if not file:
            started = time.perf_counter()
            generate(path, rows)
            self.stdout.write(f"generate (openpyxl write-only): {time.perf_counter() - started:.1f} s")
            if stray_cell or wide:
                reference = work / "reference.xlsx"
                shutil.copy(path, reference)
            if wide:
                add_wide_columns(path, STAFF_SHEET, wide)
                self.stdout.write(f"wide: {wide} text columns added to every staff row")
            if stray_cell:
                add_stray_cell(path, STAFF_SHEET)
                self.stdout.write("stray cell: a formatted cell holding a space at XFD1048576 of the staff sheet")
        self.stdout.write(f"file: {path.stat().st_size / 1048576:.1f} MB, {xml_size(path) / 1048576:.0f} MB of XML")
        read = self._run_child("read", path if reference is path else reference)
        note = "" if reference is path else " (the same rows without the stray cell / extra columns)"
        self._line(f"raw read, python-calamine{note}", read)
        check = self._run_child("check", path)
        self._line("check (dry run, nothing written)", check)
        imported = self._run_child("import", path)
        self._line("import (check + commit, one transaction)", imported)
        try:
            copy_seconds, copied = self._copy_reference()
            if connection.vendor != "postgresql":
                self.stdout.write("PostgreSQL COPY: skipped (not PostgreSQL); the ratio below counts the read alone")
            self.stdout.write(f"{'PostgreSQL COPY of the same staff rows':<58} {copied:>8} rows in {copy_seconds:6.2f} s"
                              f" = {copied / max(copy_seconds, 1e-9):>9,.0f} rows/s")
            floor = read["seconds"] + copy_seconds
            self.stdout.write(f"ratio import / (read + COPY) = {imported['seconds']:.2f} / {floor:.2f} = "
                              f"{imported['seconds'] / floor:.2f}x (issue 15 goal: 3x)")
            self.stdout.write(f"peak memory of the import: {imported['peak_mb']:.0f} MB (issue 15 target: 300 MB)")
            self.stdout.write("summary: " + imported["summary"])
        finally:
            if not keep:
                self._cleanup()

    def _series(self, keep: bool) -> None:
        self.stdout.write(f"{'rows':>8} {'file MB':>8} {'XML MB':>7} {'seconds':>8} {'rows/s':>8} {'peak MB':>8}")
        for rows in SERIES:
            work = Path(tempfile.mkdtemp())
            try:
                path = work / f"bench-{rows}.xlsx"
                generate(path, rows)
                figures = self._run_child("import", path)
                self.stdout.write(f"{rows:>8} {path.stat().st_size / 1048576:>8.1f} {xml_size(path) / 1048576:>7.0f} "
                                  f"{figures['seconds']:>8.1f} {figures['rows'] / figures['seconds']:>8,.0f} "
                                  f"{figures['peak_mb']:>8.0f}")
            finally:
                shutil.rmtree(work, ignore_errors=True)
                if not keep:
                    self._cleanup()

    def _line(self, phase: str, figures: dict) -> None:
        count, seconds = figures["rows"], figures["seconds"]
        self.stdout.write(f"{phase:<58} {count:>8} rows in {seconds:6.2f} s = {count / max(seconds, 1e-9):>9,.0f} "
                          f"rows/s, peak {figures['peak_mb']:.0f} MB")

    # --- the child processes ---------------------------------------------------------------------

    def _run_child(self, phase: str, path: Path) -> dict:
        from django.conf import settings

        if self.in_process:
            return self._phase(phase, path)
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench_import", "--child", phase,
                   "--file", str(path)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ.copy())
        if done.returncode != 0:
            raise RuntimeError(f"bench_import --child {phase} failed ({done.returncode}): {done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _phase(self, phase: str, path: Path) -> dict:
        """One phase (in a fresh child process unless --in-process): {"rows", "seconds", "peak_mb", "summary"}."""
        started = time.perf_counter()
        summary = ""
        if phase == "read":
            count = 0
            with paused_gc(), open_workbook(path, reader="calamine") as book:
                for _number, _row in book.rows(STAFF_SHEET):
                    count += 1
        else:
            result = BaseDataImporter().run(path, user=None, commit=phase == "import", reason="bench_import")
            if not result.ok:
                raise RuntimeError(f"problems: {result.problems.as_list()[:5]}")
            staff = next((s for s in result.sheets if s.name == STAFF_SHEET), None)
            count = (staff.created + staff.updated + staff.unchanged) if staff else 0
            summary = "; ".join(f"{s.name} +{s.created} ~{s.updated} ={s.unchanged}" for s in result.sheets)
        seconds = time.perf_counter() - started
        return {"rows": count, "seconds": seconds, "peak_mb": _peak_mb(), "summary": summary}

    # --- the COPY reference ----------------------------------------------------------------------

    def _copy_reference(self) -> tuple[float, int]:
        """COPY the benchmark's staff rows out (not timed), then time COPY of them into a table like org_staff
        (same columns, indexes and constraints but foreign keys), in a transaction that is rolled back."""
        import io

        if connection.vendor != "postgresql":
            return 0.0, 0
        table = Staff._meta.db_table
        schools = list(School.objects.filter(code__startswith="BENCH").values_list("id", flat=True))
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY (SELECT * FROM {table} WHERE school_id = ANY(%s)) TO STDOUT",
                                    [schools]) as copy:
                for data in copy:
                    buffer.write(data)
        rows = buffer.getvalue().count(b"\n")
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"CREATE TABLE bench_copy (LIKE {table} INCLUDING ALL)")
                    started = time.perf_counter()
                    with cursor.cursor.copy("COPY bench_copy FROM STDIN") as copy:
                        view = memoryview(buffer.getvalue())
                        for start in range(0, len(view), 1 << 20):
                            copy.write(view[start:start + (1 << 20)])
                    seconds = time.perf_counter() - started
                    raise _RollBack(seconds)
        except _RollBack as done:
            return done.seconds, rows

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


class _RollBack(Exception):  # noqa: N818 - not an error: leaves the COPY reference's transaction
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
