"""PostgreSQL's JIT is off for the app's connections unless PG_JIT=1: at 50,000 staff the home page's grouped counts
with EXISTS subqueries passed jit_above_cost and spent ~600 ms compiling a query that runs in ~70 ms."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
