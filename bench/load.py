"""Pages and API lists under load, per user: SQL queries per request (Django's test client with
CaptureQueriesContext, in this process) and wrk against gunicorn (requests/s, p50, p95), beside the
login page on the same server."""

import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import wrk

MIN_SECONDS = 3  # wrk seconds per endpoint, at least, whatever the budget
OVERHEAD_S = 1.5  # per endpoint besides wrk: the single timed GET (queries), the settle, wrk's start
IMPORT_RESERVE_S = 240  # the import piece at scale 1.0 (50k + 100k + 200k rows, files, floors), kept from the budget


def import_reserve(scale: float) -> float:
    """Seconds kept from the load piece's budget for the import piece that runs after it."""
    return IMPORT_RESERVE_S * scale


def endpoint_seconds(left: float, endpoints: int, users: int, *, most: float, least: float = MIN_SECONDS) -> float:
    """wrk seconds per endpoint so that `users` users × (the login reference + `endpoints` endpoints, each with
    OVERHEAD_S) fit in `left` seconds: at most `most`, at least `least`, rounded down to whole seconds (wrk's
    -d takes no fractions: "4.5s" makes it exit 1 with its usage)."""
    per_user = left / max(users, 1)
    seconds = (per_user - endpoints * OVERHEAD_S) / (endpoints + 1)
    return max(int(least), min(int(most), int(seconds)))


def session_client(user) -> tuple[Client, str]:
    """A test client logged in as `user` (force_login: a real session row in the database) and the
    Cookie header value that carries the same session to gunicorn."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def count_queries(client: Client, path: str) -> tuple[int, int]:
    """(status, SQL queries) of one GET of `path` (secure=True: no HTTPS redirect under DEBUG=0)."""
    status, queries, _seconds = timed_get(client, path)
    return status, queries


def timed_get(client: Client, path: str) -> tuple[int, int, float]:
    """(status, SQL queries, wall seconds) of one GET of `path` in this process, with no other load from
    the suite: the single-request time stands in for the latency of a page slower than the wrk run."""
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    return response.status_code, len(captured.captured_queries), time.perf_counter() - started


def login_reference(base: str, *, duration: float) -> dict:
    return wrk.run(base + "/accounts/login/", duration=duration)


def measure_user(user, endpoints, base: str, *, duration: float, log=print) -> dict:
    """For each endpoint: status and query count (test client), then wrk with the user's cookie when the
    status is 200. The login page (anonymous) is measured first as the reference."""
    client, cookie = session_client(user)
    wrk.settle(base)
    login = login_reference(base, duration=duration)
    log(f"{user.username}: login page {login['rps']:.1f} req/s, p50 {login['p50_ms']} ms, p95 {login['p95_ms']} ms")
    rows = []
    for endpoint in endpoints:
        entry = {"path": endpoint.path, "name": endpoint.name, "kind": endpoint.kind}
        try:
            entry["status"], entry["queries"], single = timed_get(client, endpoint.path)
            entry["single_ms"] = round(single * 1000, 1)
        except Exception as error:  # noqa: BLE001 - a broken page is a result, not the end of the run
            entry.update(status="error", note=f"{type(error).__name__}: {str(error)[:120]}")
            rows.append(entry)
            log(f"  {endpoint.path}: {entry['note']}")
            continue
        if entry["status"] != 200:
            entry["note"] = f"status {entry['status']}: not loaded"
        else:
            entry["settle_s"] = round(wrk.settle(base), 1)
            try:
                result = wrk.run(base + endpoint.path, duration=duration, cookie=cookie)
            except wrk.WrkError as error:
                entry["note"] = str(error)[:200]
            else:
                entry.update(result)
                entry["login_ratio"] = round(login["rps"] / result["rps"], 1) if result["rps"] else None
                # issue 15's target (city user): p95 under 300 ms and throughput within 5x of the login page's
                entry["target_met"] = bool(result["requests"] and result["p95_ms"] < 300 and entry["login_ratio"] is not None
                                           and entry["login_ratio"] <= 5 and not result["timeouts"])
                if not result["requests"]:
                    entry["note"] = f"no answer within the {duration:g} s run"
                elif result["non_2xx"] or result["timeouts"] or result["errors"]:
                    entry["note"] = (f"{result['non_2xx']} non-2xx, {result['timeouts']} timeouts, "
                                     f"{result['errors']} socket errors")
        rows.append(entry)
        log(f"  {endpoint.path:<48} {entry.get('status')} {entry.get('queries')} q  {entry.get('rps', '-')} req/s  "
            f"p50 {entry.get('p50_ms', '-')} p95 {entry.get('p95_ms', '-')} ms {entry.get('note', '')}")
    return {"user": user.username, "login": login, "rows": rows}


wrk_server = wrk.gunicorn
