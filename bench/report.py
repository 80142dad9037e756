"""The machine, the table and the JSON file of a bench run (bench/results/)."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """Cores, memory (MB), load average, PostgreSQL version, Python, git commit and branch."""
    from django.db import connection

    memory_mb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    pg_version = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]

    def git(*args):
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=RESULTS.parent.parent,
                                  timeout=10).stdout.strip()
        except OSError:
            return ""

    return {"cores": os.cpu_count(), "memory_mb": memory_mb, "load_average": [round(x, 2) for x in os.getloadavg()],
            "postgresql": pg_version, "python": platform.python_version(), "platform": platform.platform(),
            "git_commit": git("rev-parse", "HEAD"), "git_branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_name(scale) -> str:
    return f"bench-scale{scale}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"


def write_json(result: dict, directory: Path = RESULTS, name: str | None = None) -> Path:
    """Write `result` as bench/results/bench-scale<N>-<UTC time>.json (or `name`); returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    if name is None:
        name = default_name(result.get("scale", "x"))
    path = directory / name
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _target(row: dict) -> str:
    if "target_met" not in row:
        return "-"
    return "met" if row["target_met"] else "MISSED"


def table(result: dict) -> str:
    """A plain-text table: the jobs beside their references, then the endpoints per user."""
    lines = []
    m = result.get("machine", {})
    lines.append(f"scale {result.get('scale')} · {m.get('cores')} cores · {m.get('memory_mb')} MB · PostgreSQL "
                 f"{m.get('postgresql')} · load {m.get('load_average')} → {result.get('load_average_end')} · "
                 f"commit {str(m.get('git_commit', ''))[:10]} · wall {result.get('wall_s')} s")
    lines.append("")
    lines.append(f"{'measure':<66} {'figure':>10} {'reference':>10} {'ratio':>6}  note")
    for row in result.get("measures", []):
        lines.append(f"{row['name']:<66} {_fmt(row.get('figure')) + ' ' + row.get('unit', ''):>10} "
                     f"{_fmt(row.get('reference')):>10} {_fmt(row.get('ratio'), 2):>6}  {row.get('note', '')}")
    for user, block in result.get("endpoints", {}).items():
        login = block.get("login", {})
        lines.append("")
        lines.append(f"{user}: login page (reference) {_fmt(login.get('rps'))} req/s, p50 {_fmt(login.get('p50_ms'))} ms, "
                     f"p95 {_fmt(login.get('p95_ms'))} ms")
        lines.append(f"{'endpoint':<48} {'status':>6} {'SQL':>4} {'1 req ms':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'login/x':>8} {'target':>6}")
        for row in block.get("rows", []):
            lines.append(f"{row['path']:<48} {_fmt(row.get('status')):>6} {_fmt(row.get('queries')):>4} "
                         f"{_fmt(row.get('single_ms')):>9} {_fmt(row.get('rps')):>8} {_fmt(row.get('p50_ms')):>8} {_fmt(row.get('p95_ms')):>8} "
                         f"{_fmt(row.get('login_ratio'), 1):>8} {_target(row):>6}{'  ' + row['note'] if row.get('note') else ''}")
    return "\n".join(lines)


def _wrk_seconds(result: dict) -> str:
    """The wrk seconds each user's endpoints had (the budget chooses them per user; `--duration` is a cap)."""
    chosen = {user: data["duration_s"] for user, data in result.get("endpoints", {}).items() if "duration_s" in data}
    if not chosen:
        return f"{result.get('options', {}).get('duration_s')}"
    return ", ".join(f"{seconds:g} ({user})" for user, seconds in chosen.items())


def markdown(result: dict) -> str:
    """The README's performance table: measures, then per user the endpoints (same figures as `table`)."""
    m = result.get("machine", {})
    out = [f"Scale {result.get('scale')}, {m.get('cores')} cores, {m.get('memory_mb')} MB, PostgreSQL "
           f"{str(m.get('postgresql', '')).split()[0]}, load average {m.get('load_average')} at the start and "
           f"{result.get('load_average_end')} at the end, commit {str(m.get('git_commit', ''))[:10]}, "
           f"wrk {_wrk_seconds(result)} s per endpoint, whole suite {result.get('wall_s')} s.", "",
           "| measure | figure | reference | ratio | target | note |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for row in result.get("measures", []):
        extra = f", peak {row['peak_mb']} MB" if row.get("peak_mb") and row.get("unit") == "s" else ""
        out.append(f"| {row['name']} | {_fmt(row.get('figure'))} {row.get('unit', '')}{extra} | {_fmt(row.get('reference'))} | "
                   f"{_fmt(row.get('ratio'), 2)} | {row.get('target') or ''} | {row.get('note', '')} |")
    for user, block in result.get("endpoints", {}).items():
        login = block.get("login", {})
        out += ["", f"{user} user: login page (reference) {_fmt(login.get('rps'))} req/s, p50 {_fmt(login.get('p50_ms'))} ms, "
                f"p95 {_fmt(login.get('p95_ms'))} ms", "",
                "| endpoint | status | SQL | 1 request ms | req/s | p50 ms | p95 ms | login/x | target |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for row in block.get("rows", []):
            out.append(f"| `{row['path']}` | {_fmt(row.get('status'))} | {_fmt(row.get('queries'))} | {_fmt(row.get('single_ms'))} | {_fmt(row.get('rps'))} | "
                       f"{_fmt(row.get('p50_ms'))} | {_fmt(row.get('p95_ms'))} | {_fmt(row.get('login_ratio'), 1)} | "
                       f"{_target(row)}{' (' + row['note'] + ')' if row.get('note') else ''} |")
    return "\n".join(out)


if __name__ == "__main__":  # python -m bench.report bench/results/X.json [--markdown]
    import sys

    loaded = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    print(markdown(loaded) if "--markdown" in sys.argv else table(loaded))
