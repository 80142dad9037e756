"""wrk against gunicorn on loopback: start the server, run wrk per endpoint, parse its output.

The lua script (bench/latency.lua) prints one `BENCH_JSON {...}` line from wrk's `done` hook with the
latency percentiles in microseconds; `parse_output` turns wrk's whole output into a dict with
requests/s and p50/p95 in milliseconds. Non-2xx/3xx answers are counted (wrk's "errors.status").
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

WRK = "/usr/bin/wrk"
LUA = Path(__file__).with_name("latency.lua")
JSON_LINE = re.compile(r"^BENCH_JSON (\{.*\})\s*$", re.MULTILINE)
RPS_LINE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)


class WrkError(RuntimeError):
    """wrk did not run or printed no BENCH_JSON line."""


def parse_output(text: str) -> dict:
    """wrk's stdout (run with bench/latency.lua) -> {requests, seconds, rps, p50_ms, p90_ms, p95_ms, p99_ms,
    max_ms, mean_ms, non_2xx, errors, timeouts}. Raises WrkError when the lua line is missing."""
    match = JSON_LINE.search(text)
    if not match:
        raise WrkError("no BENCH_JSON line in wrk output: " + text[-300:])
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    rps = RPS_LINE.search(text)
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(float(rps.group(1)) if rps else raw["requests"] / seconds, 2),
        **{f"{key}_ms": round(raw[f"{key}_us"] / 1000, 1) if raw["requests"] else None
           for key in ("p50", "p90", "p95", "p99", "max", "mean")},
        "non_2xx": raw["errors_status"],
        "errors": raw["errors_connect"] + raw["errors_read"] + raw["errors_write"],
        "timeouts": raw["errors_timeout"],
    }


def run(url: str, *, duration: float = 10, connections: int = 2, cookie: str | None = None,
        timeout: int = 60) -> dict:
    """One wrk run (one thread, `connections` connections, `duration` seconds) -> parse_output's dict."""
    command = [WRK, "-t1", f"-c{connections}", f"-d{max(1, int(duration))}s", f"--timeout={timeout}s", "-s", str(LUA)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + timeout + 30)
    if done.returncode != 0:
        raise WrkError(f"wrk exited {done.returncode}: {done.stderr[-300:]}")
    return parse_output(done.stdout)


def settle(base: str, *, workers: int = 2, limit: float = 180) -> float:
    """Wait until `workers` concurrent GETs of the login page all answer within 2 s: a request wrk
    abandoned at the end of its run keeps a worker busy, and must not count against the next endpoint.
    Returns the seconds waited."""
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/accounts/login/", timeout=limit) as answer:
                answer.read()
        except OSError:
            return limit
        return time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        while time.monotonic() - started < limit:
            if max(pool.map(one, range(workers))) < 2:
                break
    return time.monotonic() - started


def server_env(extra: dict | None = None) -> dict:
    """gunicorn's environment: production settings (DEBUG=0) over plain HTTP on loopback, this process's
    SECRET_KEY (so sessions made here are valid there) and database."""
    from django.conf import settings

    env = dict(os.environ)
    env.update({"DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "SECURE_HSTS_SECONDS": "0",
                "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    env.update(extra or {})
    return env


@contextmanager
def gunicorn(port: int, *, workers: int = 2, log=print):
    """gunicorn config.wsgi with `workers` workers on 127.0.0.1:port (as the Dockerfile runs it, default
    30 s worker timeout); yields the base URL; stopped (SIGTERM to its pid) on exit."""
    binary = Path(sys.executable).with_name("gunicorn")
    command = [str(binary), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--no-control-socket"]  # no shared ~/.gunicorn/gunicorn.ctl between concurrent servers
    root = Path(__file__).resolve().parent.parent
    log_path = root / "bench" / "results" / ".gunicorn.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(command, cwd=root, env=server_env(), stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/accounts/login/", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise WrkError(f"gunicorn did not start (see {log_path})")
            time.sleep(0.5)
        settle(base, workers=workers)  # both workers booted
        log(f"gunicorn {workers} workers on {base} (pid {process.pid})")
        yield base
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
