"""Benchmark the Excel export writer beside its physical references (issue 15): print time and peak memory.

Builds --rows synthetic staff of one city (rotation's bench_eligibility set-up, inside a transaction rolled
back at the end), then measures in the same run:

- `export end to end`: the eligibility roster (交流资格名册) as the export writes it: read, evaluate, write;
- `rows only`: the same rows produced without writing (what the evaluation and the reads cost);
- `export writer`: org.excel.write_workbook writing those rows (the writer every export uses);
- `bare openpyxl`: openpyxl write-only appending the same values (the issue's reference);
- `bare XlsxWriter`: XlsxWriter constant-memory writing the same values with write_row;
- `audit only`: recording the unmasking of every full ID number the city user's export shows;
- `export job`: the city user's export job (org.services.export_job_run: scope, count, write, keep the file,
  audit).

Ratios: the export writer against each bare writer (target: within 1.5x of bare openpyxl), and the export end
to end against rows only + bare openpyxl. Peak memory is the growth of the process's resident high-water mark
(VmHWM, reset before each phase through /proc/self/clear_refs) over its resident size when the phase starts.
"""

import os
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import xlsxwriter
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from openpyxl import Workbook

from org.excel import SheetData, write_workbook
from org.models import ExportJob, Region, Unmasking, UserRole
from org.services.privacy import unmaskings_record
from rotation import exports, selectors

AS_OF = date(2026, 9, 1)


def _status_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Phase:
    """Time a block and the growth of the resident high-water mark over the resident size at its start."""

    def __enter__(self):
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass
        self.rss_start = _status_kb("VmRSS")
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.peak_mb = max(0, _status_kb("VmHWM") - self.rss_start) / 1024
        return False


class Command(BaseCommand):
    help = "Time the export writer beside bare openpyxl write-only and XlsxWriter writing the same values."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, rows, seed, **options):
        from rotation.management.commands.bench_eligibility import Command as EligibilityBench

        with transaction.atomic():
            started = time.perf_counter()
            EligibilityBench()._populate(rows, random.Random(seed))
            self.stdout.write(f"set-up: {rows} staff in {time.perf_counter() - started:.1f} s (not timed below); "
                              f"database {connection.vendor}; {os.cpu_count()} cores, load average "
                              f"{os.getloadavg()[0]:.1f}")
            self._measure(rows)
            transaction.set_rollback(True)

    def _measure(self, rows):
        queryset = selectors.all_active_staff(Region.objects.get(code="990000"))
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder)
            with Phase() as phase:
                count = exports.write_eligibility(path / "export.xlsx", queryset, AS_OF, full_ids=True)
            results["export end to end"] = phase
            with Phase() as phase:
                values = list(exports.eligibility_rows(queryset, AS_OF, full_ids=True))
            results["rows only"] = phase
            headers = list(exports.ELIGIBILITY_HEADERS)
            with Phase() as phase:
                write_workbook(path / "writer.xlsx", [SheetData(exports.ELIGIBILITY_SHEET, headers, iter(values),
                                                                widths=exports.WIDTHS)])
            results["export writer"] = phase
            with Phase() as phase:
                book = Workbook(write_only=True)
                sheet = book.create_sheet(exports.ELIGIBILITY_SHEET)
                sheet.append(headers)
                for row in values:
                    sheet.append(row)
                book.save(path / "openpyxl.xlsx")
            results["bare openpyxl"] = phase
            with Phase() as phase:
                book = xlsxwriter.Workbook(path / "xlsxwriter.xlsx", {"constant_memory": True})
                sheet = book.add_worksheet(exports.ELIGIBILITY_SHEET)
                sheet.write_row(0, 0, headers)
                for number, row in enumerate(values, start=1):
                    sheet.write_row(number, 0, row)
                book.close()
            results["bare XlsxWriter"] = phase
            del values
            user = self._city_user()
            with Phase() as phase:
                unmaskings_record(actor=user, staff=queryset, kind=Unmasking.Kind.EXPORT, detail="bench")
            results["audit only"] = phase
            results["export job"] = self._job(user)
            sizes = {name: (path / f"{name}.xlsx").stat().st_size / 1048576
                     for name in ("export", "writer", "openpyxl", "xlsxwriter")}
        self.stdout.write(f"{count} rows × {len(exports.ELIGIBILITY_HEADERS)} columns "
                          f"(files: export {sizes['export']:.1f} MB, openpyxl {sizes['openpyxl']:.1f} MB, "
                          f"XlsxWriter {sizes['xlsxwriter']:.1f} MB)")
        self.stdout.write(f"{'phase':<20} {'seconds':>8} {'rows/s':>10} {'peak MB':>8}")
        for name, phase in results.items():
            self.stdout.write(f"{name:<20} {phase.seconds:>8.2f} {count / phase.seconds:>10,.0f} {phase.peak_mb:>8.0f}")
        writer, openpyxl_s, xlsx_s = (results[name].seconds for name in ("export writer", "bare openpyxl", "bare XlsxWriter"))
        floor = results["rows only"].seconds + openpyxl_s
        self.stdout.write(f"export writer / bare openpyxl: {writer / openpyxl_s:.2f} (target ≤ 1.5)")
        self.stdout.write(f"export writer / bare XlsxWriter: {writer / xlsx_s:.2f}")
        self.stdout.write(f"bare XlsxWriter / bare openpyxl: {xlsx_s / openpyxl_s:.2f}")
        self.stdout.write(f"export end to end / (rows only + bare openpyxl): {results['export end to end'].seconds / floor:.2f}")
        self.stdout.write(f"export job / (export end to end + audit only): {results['export job'].seconds / (results['export end to end'].seconds + results['audit only'].seconds):.2f}")

    @staticmethod
    def _city_user() -> User:
        user = User.objects.create(username="bench-export-city")
        UserRole.objects.create(user=user, role=UserRole.Role.CITY_STAFF, region=Region.objects.get(code="990000"))
        return user

    def _job(self, user) -> Phase:
        """The city user's export job, run in this process (what a worker does): scope, count, write, keep the
        file, record the unmasking of every full ID number (as the inline export does)."""
        from org.services.exports import export_job_run

        job = ExportJob.objects.create(user=user, kind="rotation.eligibility", filename="bench.xlsx",
                                       query={"as_of": [AS_OF.isoformat()]})
        with Phase() as phase:
            export_job_run(job_id=job.pk)
        job.refresh_from_db()
        if job.file:
            job.file.delete(save=False)  # the transaction rolls back; the file would stay
        if job.status != ExportJob.Status.DONE:
            self.stderr.write(f"export job: {job.status} {job.error}")
        return phase
