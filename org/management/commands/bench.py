"""`python manage.py bench [--scale N]` (`make bench`): the province-scale benchmark suite of issue 15.

Builds the data on PostgreSQL (bench/data.py; `--reuse` keeps a build of the same scale), then
measures in the same run each figure beside its physical reference (bench/measures.py, bench/load.py),
prints a table and writes JSON under bench/results/ with the machine's cores, memory, PostgreSQL
version, load average and git commit. Refuses SQLite. Timing is printed, never asserted.
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
        parser.add_argument("--duration", type=float, default=10, help="wrk seconds per endpoint (default 10)")
        parser.add_argument("--only", default="", help="measure only the endpoints whose path matches this regex")
        parser.add_argument("--skip", default="", help=f"comma-separated pieces to skip: {', '.join(PIECES)}")
        parser.add_argument("--output", default="", help="JSON file name under bench/results/ (default: by time)")

    def handle(self, *args, scale, reuse, duration, only, skip, output, **options):
        try:
            data.require_postgres()
        except data.NotPostgres as error:
            raise CommandError(str(error)) from error
        if scale <= 0:
            raise CommandError("--scale 必须大于 0")
        skipped = {piece.strip() for piece in skip.split(",") if piece.strip()}
        if skipped - set(PIECES):
            raise CommandError(f"--skip: unknown pieces {sorted(skipped - set(PIECES))}; known: {', '.join(PIECES)}")
        log = self.stdout.write
        started, wall = report.now(), time.perf_counter()
        result = {"scale": scale, "started_at": started, "machine": report.machine(),
                  "options": {"reuse": reuse, "duration_s": duration, "only": only, "skip": sorted(skipped)},
                  "measures": [], "endpoints": {}}
        log(f"bench at scale {scale}: load average {result['machine']['load_average']} on {os.cpu_count()} cores")

        sizes = data.Sizes.for_scale(scale)
        if reuse and data.present(sizes):
            result["data"] = {"reused": True, "counts": vars(sizes)}
            log(f"reusing the bench data ({sizes})")
        else:
            result["data"] = {"reused": False, **data.build(scale, log=log)}

        name = output or report.default_name(scale)

        def save():  # after each piece: an interrupted run still leaves its figures
            result["wall_s"] = round(time.perf_counter() - wall, 1)
            result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
            return report.write_json(result, name=name)

        if "jobs" not in skipped:
            for piece in (measures.eligibility, measures.split, measures.progress, measures.compliance):
                result["measures"] += piece(log=log)
            result["measures"] += measures.assessment(scale, log=log)
            save()
        if "export" not in skipped:
            result["measures"] += measures.export(max(1000, round(100_000 * scale)), log=log)
            save()
        if "load" not in skipped:
            endpoints = discover()
            if only:
                endpoints = [e for e in endpoints if re.search(only, e.path)]
            User = get_user_model()
            with load.wrk_server(_free_port(), log=log) as base:
                for label, username in (("city", data.CITY_USER), ("county", data.COUNTY_USER)):
                    user = User.objects.get(username=username)
                    result["endpoints"][label] = load.measure_user(user, endpoints, base, duration=duration, log=log)
                    save()
        if "import" not in skipped:  # last: child processes that the importer's branch rewrites
            import_sizes = [max(1000, round(n * scale)) for n in (50_000, 100_000, 200_000)]
            result["measures"] += measures.imports(import_sizes, log=log)

        result["finished_at"] = report.now()
        path = save()
        log("")
        log(report.table(result))
        log(f"\nwritten: {path.relative_to(report.RESULTS.parent.parent)} (whole suite {result['wall_s']} s)")
