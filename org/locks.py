"""Locks in the database (DESIGN.md: nothing may assume a single process)."""

from django.db import connection


def job_lock(name: str) -> None:
    """Hold a PostgreSQL advisory lock named `name` until the current transaction ends: two workers running the same
    rebuild (a nightly job and one queued from a page) take turns instead of colliding on the rows they replace.
    Other databases (SQLite) serialize writers already: nothing to do."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
