"""`python manage.py bench [--scale N]` (`make bench`): the province-scale benchmark suite of issue 15.

Builds the data on PostgreSQL (bench/data.py; `--reuse` keeps a build of the same scale), then
measures in the same run each figure beside its physical reference (bench/measures.py, bench/load.py),
prints a table and writes JSON under bench/results/ with the machine's cores, memory, PostgreSQL
version, load average, git commit and each piece's wall seconds. Refuses SQLite. Timing is printed,
never asserted.

The whole suite is held to `--budget` seconds (default 1800, issue 15's 30 minutes): the wrk runs of
the load piece get the seconds left after the other pieces (and a reserve for the import, which runs
last), shared equally by every endpoint of the user being measured, at most `--duration` (default 10)
and at least `--min-duration` (default 3) each. `--budget 0` gives every endpoint `--duration`.
"""

import os
import re
import socket
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from bench import data, load, measures, report
from bench.endpoints import discover

PIECES = ("import", "jobs", "export", "load")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Build province-scale data (scale 1.0: 500,000 staff) and measure imports, jobs, exports and pages."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100 counties, 20,000 schools, 500,000 staff")
        parser.add_argument("--reuse", action="store_true", help="keep the bench data when it is there at this scale")
        parser.add_argument("--duration", type=float, default=10,
                            help="wrk seconds per endpoint, at most (default 10; less when --budget runs short)")
        parser.add_argument("--min-duration", type=float, default=load.MIN_SECONDS,
                            help=f"wrk seconds per endpoint, at least, whatever the budget (default {load.MIN_SECONDS:g})")
        parser.add_argument("--budget", type=float, default=1800,
                            help="seconds for the whole suite (default 1800); the wrk runs share what the other pieces "
                                 "leave; 0: no budget, --duration per endpoint")
        parser.add_argument("--only", default="", help="measure only the endpoints whose path matches this regex")
        parser.add_argument("--users", default="city,county",
                            help="comma-separated users whose endpoints the load piece measures: city, county (default both)")
        parser.add_argument("--skip", default="", help=f"comma-separated pieces to skip: {', '.join(PIECES)}")
        parser.add_argument("--output", default="", help="JSON file name under bench/results/ (default: by time)")

    def handle(self, *args, scale, reuse, duration, min_duration, budget, only, skip, output, users="city,county",
               **options):
        try:
            data.require_postgres()
        except data.NotPostgres as error:
            raise CommandError(str(error)) from error
        if scale <= 0:
            raise CommandError("--scale 必须大于 0")
        skipped = {piece.strip() for piece in skip.split(",") if piece.strip()}
        chosen = {label.strip() for label in users.split(",") if label.strip()}
        if not chosen or chosen - {"city", "county"}:
            raise CommandError(f"--users: choose among city, county (got {users!r})")
        if skipped - set(PIECES):
            raise CommandError(f"--skip: unknown pieces {sorted(skipped - set(PIECES))}; known: {', '.join(PIECES)}")
        log = self.stdout.write
        started, wall = report.now(), time.perf_counter()
        result = {"scale": scale, "started_at": started, "machine": report.machine(),
                  "options": {"reuse": reuse, "duration_s": duration, "min_duration_s": min_duration, "budget_s": budget,
                              "only": only, "skip": sorted(skipped), "users": sorted(chosen)},
                  "measures": [], "endpoints": {}, "pieces_s": {}}
        pieces = result["pieces_s"]

        def piece_done(name, since):
            pieces[name] = round(time.perf_counter() - since, 1)
            return time.perf_counter()

        log(f"bench at scale {scale}: load average {result['machine']['load_average']} on {os.cpu_count()} cores")

        step = time.perf_counter()
        sizes = data.Sizes.for_scale(scale)
        if reuse and data.present(sizes):
            result["data"] = {"reused": True, "counts": vars(sizes)}
            log(f"reusing the bench data ({sizes})")
        else:
            result["data"] = {"reused": False, **data.build(scale, log=log)}
        step = piece_done("data", step)

        name = output or report.default_name(scale)

        def save():  # after each piece: an interrupted run still leaves its figures
            result["wall_s"] = round(time.perf_counter() - wall, 1)
            result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
            return report.write_json(result, name=name)

        if "jobs" not in skipped:
            for piece in (measures.eligibility, measures.split, measures.progress, measures.compliance):
                result["measures"] += piece(log=log)
            step = piece_done("jobs", step)
            result["measures"] += measures.assessment(scale, log=log)
            step = piece_done("assessment", step)
            save()
        if "export" not in skipped:
            result["measures"] += measures.export(max(1000, round(100_000 * scale)), log=log)
            step = piece_done("export", step)
            save()
        if "load" not in skipped:
            data.store_figures(log=log)
            endpoints = discover()
            if only:
                endpoints = [e for e in endpoints if re.search(only, e.path)]
            User = get_user_model()
            users = tuple((label, name) for label, name in (("city", data.CITY_USER), ("county", data.COUNTY_USER))
                          if label in chosen)
            reserve = 0 if "import" in skipped else load.import_reserve(scale)
            with load.wrk_server(_free_port(), log=log) as base:
                for done, (label, username) in enumerate(users):
                    user = User.objects.get(username=username)
                    seconds = duration
                    if budget:
                        left = budget - (time.perf_counter() - wall) - reserve
                        seconds = load.endpoint_seconds(left, len(endpoints), len(users) - done, most=duration,
                                                        least=min_duration)
                        log(f"{label} user: {seconds:g} s of wrk per endpoint ({left:.0f} s of the {budget:g} s budget "
                            f"left for {len(users) - done} user(s) × {len(endpoints)} endpoints, {reserve:.0f} s kept "
                            f"for the import)")
                    result["endpoints"][label] = load.measure_user(user, endpoints, base, duration=seconds, log=log)
                    result["endpoints"][label]["duration_s"] = seconds
                    step = piece_done(f"load_{label}", step)
                    save()
        if "import" not in skipped:  # last: child processes that the importer's branch rewrites
            import_sizes = [max(1000, round(n * scale)) for n in (50_000, 100_000, 200_000)]
            result["measures"] += measures.imports(import_sizes, log=log)
            step = piece_done("import", step)

        result["finished_at"] = report.now()
        path = save()
        log("")
        log(report.table(result))
        log("time per piece: " + ", ".join(f"{name} {seconds:g} s" for name, seconds in pieces.items()))
        log(f"\nwritten: {path.relative_to(report.RESULTS.parent.parent)} (whole suite {result['wall_s']} s)")
