"""The figures of the suite, each beside its physical reference measured in the same run.

Each function returns one or more rows {name, figure, unit, reference, ratio, target, note, ...}:
`figure` is the app's time (seconds) or rate, `reference` the floor's (same unit), `ratio` figure /
reference for times. A piece whose code is missing (another branch not merged yet) answers one row
with note "not available" instead of failing the run.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.core.management import get_commands
from django.db import connection, transaction

from bench.data import AS_OF, CITY_CODE

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def row(name, figure, unit="s", reference=None, *, target=None, note="", **extra) -> dict:
    ratio = round(figure / reference, 2) if figure is not None and reference else None
    return {"name": name, "figure": None if figure is None else round(figure, 2), "unit": unit,
            "reference": None if reference is None else round(reference, 2), "ratio": ratio, "target": target,
            "note": note, **extra}


def unavailable(name: str, why: str) -> dict:
    return row(name, None, note=f"not available: {why}")


def _timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def run_child(command: list[str], *, timeout: float, env: dict | None = None) -> dict:
    """Run a child process; wall seconds, exit code, output and its own peak RSS (MB, from wait4)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True,
                                   env=env or dict(os.environ))
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.1)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    return {"seconds": time.perf_counter() - started, "code": process.returncode, "output": output,
            "peak_mb": usage.ru_maxrss / 1024}


# --- import --------------------------------------------------------------------------------------

IMPORT_LINE = re.compile(r"^(?:parse \+ validate \+ commit|import \(check \+ commit, one transaction\))\s+(\d+) rows in\s+([\d.]+) s",
                         re.MULTILINE)  # bench_import's import line (the older wording too)
# The importer's phases (check, import; the older parse / validate / commit wording too), never the raw read
# beside them: calamine alone reading the whole sheet is the reference, not the import.
PHASE_PEAK = re.compile(r"^(?:parse|validate|commit|check \(dry run|import \(check \+ commit)[^\n]*peak (\d+) MB",
                        re.MULTILINE)


def make_import_file(rows: int, directory: Path) -> Path:
    """The workbook bench_import generates (org.management.commands.bench_import.generate)."""
    from org.management.commands.bench_import import generate

    path = directory / f"bench-import-{rows}.xlsx"
    generate(path, rows)
    return path


def read_copy_floor(path: Path) -> tuple[float, float, int]:
    """The physical floor of an import: python-calamine reads the staff sheet, COPY writes the same rows
    (as text) into a temporary table. Returns (read seconds, COPY seconds, rows)."""
    from python_calamine import CalamineWorkbook

    from org.sheets import STAFF_SHEET

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(STAFF_SHEET).to_python()[1:]
    read_s = time.perf_counter() - started
    width = max((len(r) for r in rows), default=1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_copy_floor ({}) ON COMMIT DROP".format(", ".join(f"c{i} text" for i in range(width))))
        started = time.perf_counter()
        with cursor.cursor.copy("COPY bench_copy_floor FROM STDIN") as copy:
            for values in rows:
                copy.write_row([None if v == "" else str(v) for v in values] + [None] * (width - len(values)))
        copy_s = time.perf_counter() - started
    return read_s, copy_s, len(rows)


def imports(sizes: list[int], *, log=print) -> list[dict]:
    """`manage.py bench_import --file F --rows N` in a child process per size: import seconds (its
    "parse + validate + commit" line) and peak memory (its phases' peak, else the child's), beside
    calamine read + COPY of the same file in this process."""
    if "bench_import" not in get_commands():
        return [unavailable("import", "no bench_import command")]
    out = []
    with tempfile.TemporaryDirectory() as directory:
        for rows in sizes:
            try:
                path = make_import_file(rows, Path(directory))
            except Exception as error:  # noqa: BLE001 - the generator belongs to the importer's branch
                out.append(unavailable(f"import {rows:,} rows", f"generator failed: {error}"))
                continue
            read_s, copy_s, read_rows = read_copy_floor(path)
            child = run_child([*MANAGE, "bench_import", "--rows", str(rows), "--file", str(path)], timeout=1800)
            match = IMPORT_LINE.search(child["output"])
            import_s = float(match.group(2)) if match else child["seconds"]
            peaks = [int(p) for p in PHASE_PEAK.findall(child["output"])]
            peak = max(peaks) if peaks else child["peak_mb"]
            note = "" if match else "import line not found, child wall time"
            if child["code"] != 0:
                note = f"bench_import exited {child['code']}: {child['output'][-200:]}"
            log(f"import {rows}: {import_s:.1f} s, peak {peak:.0f} MB (child {child['peak_mb']:.0f} MB); "
                f"read {read_s:.1f} s + COPY {copy_s:.1f} s")
            out.append(row(f"import {rows:,} rows (vs calamine read + COPY)", import_s, "s", read_s + copy_s,
                           target="< 20 s, < 300 MB, goal ratio < 3", note=note, rows=rows,
                           rows_per_s=round(rows / import_s) if import_s else None, peak_mb=round(peak),
                           child_peak_mb=round(child["peak_mb"]), read_s=round(read_s, 2), copy_s=round(copy_s, 2),
                           read_rows=read_rows))
            out.append(row(f"import {rows:,} rows peak memory", peak, "MB", target="< 300 MB whatever the size"))
    return out


# --- jobs ----------------------------------------------------------------------------------------

def eligibility(*, log=print) -> list[dict]:
    """Eligibility of every active staff member of the bench city (rotation.selectors.evaluate_staff),
    beside streaming the same rows (the same values_list through a cursor) without deciding."""
    from org.models import Region
    from rotation import selectors

    city = Region.objects.get(code=CITY_CODE)
    queryset = selectors.all_active_staff(city)
    columns = getattr(selectors, "STAFF_COLUMNS", ("id",))
    read_s, read_count = _timed(lambda: sum(1 for _ in queryset.order_by("id").values_list(*columns)
                                            .iterator(chunk_size=getattr(selectors, "CHUNK_SIZE", 5000))))
    seconds, count = _timed(lambda: sum(1 for _ in selectors.evaluate_staff(queryset, AS_OF)))
    log(f"eligibility: {count} staff in {seconds:.1f} s (streaming read {read_s:.1f} s)")
    return [row(f"eligibility, {count:,} staff (vs streaming read)", seconds, "s", read_s, target="< 30 s (goal 15 s)",
                staff=count, staff_per_s=round(count / seconds) if seconds else None)]


def split(*, log=print) -> list[dict]:
    """The target split's two costs: deciding every staff member live (what a plan's creation still does) and the
    job that stores the figures the split page and API read (rotation.services.eligibility_figures_compute); the
    latter leaves the figures as of AS_OF stored for the load piece."""
    from org.models import Region
    from rotation import selectors
    from rotation.services import eligibility_figures_compute

    city = Region.objects.get(code=CITY_CODE)
    seconds, shares = _timed(selectors.split_rows, counties=selectors.counties_under(region=city),
                             staff=selectors.all_active_staff(city), on=AS_OF, target=1000)
    log(f"target split: {len(shares)} counties in {seconds:.1f} s")
    job_s, stored = _timed(eligibility_figures_compute, on=AS_OF)
    log(f"eligibility figures job: {stored:,} rows in {job_s:.1f} s")
    return [row(f"target split, {len(shares)} counties", seconds, "s"),
            row(f"eligibility figures job (the split page's bases), {stored:,} rows", job_s, "s")]


def progress(*, log=print) -> list[dict]:
    try:
        from rotation.models import Plan
        from rotation.tasks import compute_progress
    except ImportError as error:
        return [unavailable("progress job", str(error))]
    plan = Plan.objects.filter(region__code=CITY_CODE).order_by("id").first()
    if plan is None:
        return [unavailable("progress job", "no bench plan")]
    seconds, counties = _timed(compute_progress, plan.pk, AS_OF.isoformat())
    log(f"progress job: {counties} rows in {seconds:.1f} s")
    return [row(f"progress job, plan of {plan.assignments.count():,} assignments", seconds, "s")]


def compliance(*, log=print) -> list[dict]:
    try:
        from alliances import rules
        from alliances.tasks import compute_compliance
    except ImportError as error:
        return [unavailable("compliance job", str(error))]
    term = rules.term_of(AS_OF).code
    seconds, groups = _timed(compute_compliance, term)
    log(f"compliance job: {groups} groups in {seconds:.1f} s")
    return [row(f"compliance job, {groups:,} groups", seconds, "s")]


def assessment(scale: float, *, log=print) -> list[dict]:
    """h13's `bench_assessment` command when it exists (a child process; its own data and output): at `scale`
    (--schools/--people), each cycle's job run once (--once), and the city it builds removed afterwards (it
    would stay otherwise: 500,000 more staff in the bench database per run)."""
    if "bench_assessment" not in get_commands():
        return [unavailable("yearly assessment job", "no bench_assessment command")]
    from bench.data import purge_city
    from org.models import Region

    help_text = run_child([*MANAGE, "bench_assessment", "--help"], timeout=120)["output"]
    args = ["--scale", str(scale)] if "--scale" in help_text else []
    if "--people" in help_text:
        args += ["--schools", str(max(6, round(20_000 * scale))), "--people", str(max(18, round(500_000 * scale)))]
    args += [flag for flag in ("--once",) if flag in help_text]
    cities_before = set(Region.objects.filter(level=Region.Level.CITY).values_list("pk", flat=True))
    child = run_child([*MANAGE, "bench_assessment", *args], timeout=1800)
    started = time.perf_counter()
    for city in Region.objects.filter(level=Region.Level.CITY).exclude(pk__in=cities_before):
        purge_city(city)
    purge_s = time.perf_counter() - started
    tail = " | ".join(line for line in child["output"].strip().splitlines()[-3:])
    log(f"bench_assessment {' '.join(args)}: {child['seconds']:.1f} s, exit {child['code']}: {tail} "
        f"(its city removed in {purge_s:.1f} s)")
    return [row("yearly assessment (bench_assessment, wall)", child["seconds"], "s",
                note=("" if child["code"] == 0 else f"exit {child['code']}: ") + tail[:300],
                peak_mb=round(child["peak_mb"]), args=" ".join(args), purge_s=round(purge_s, 1))]


# --- export --------------------------------------------------------------------------------------

def export(rows: int, *, log=print) -> list[dict]:
    """The eligibility roster export (rotation.exports.write_eligibility) of `rows` staff, beside bare
    openpyxl write-only writing the same values (read back from the app's file with calamine)."""
    try:
        from python_calamine import CalamineWorkbook

        from org.models import Region
        from rotation import selectors
        from rotation.exports import write_eligibility
    except ImportError as error:
        return [unavailable("export", str(error))]
    from openpyxl import Workbook

    city = Region.objects.get(code=CITY_CODE)
    queryset = selectors.all_active_staff(city)
    last = list(queryset.order_by("id").values_list("id", flat=True)[rows - 1:rows])
    limited = queryset.filter(id__lte=last[0]) if last else queryset
    with tempfile.TemporaryDirectory() as directory:
        app_path, bare_path = Path(directory) / "app.xlsx", Path(directory) / "bare.xlsx"
        seconds, count = _timed(write_eligibility, str(app_path), limited, AS_OF, full_ids=True)
        values = CalamineWorkbook.from_path(str(app_path)).get_sheet_by_index(0).to_python()

        def bare():
            book = Workbook(write_only=True)
            sheet = book.create_sheet("sheet")
            for line in values:
                sheet.append(line)
            book.save(bare_path)

        bare_s, _ = _timed(bare)
        size_mb = app_path.stat().st_size / 1048576
    log(f"export: {count} rows in {seconds:.1f} s, bare openpyxl {bare_s:.1f} s")
    return [row(f"export eligibility roster, {count:,} rows (vs bare openpyxl write-only)", seconds, "s", bare_s,
                target="ratio < 1.5", rows=count, rows_per_s=round(count / seconds) if seconds else None,
                file_mb=round(size_mb, 1))]
