"""The bench harness's pieces (issue 15): endpoint discovery, the wrk output parser, the JSON writer and
the table, the SQLite refusal, and on PostgreSQL a tiny build. No timing is asserted."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import path
from django.views.generic import DetailView, ListView

from bench import report, wrk
from bench.endpoints import discover
from org.models import School

# A URL configuration of this module: discovery must keep the list and leave the detail, the create
# form and the download out.
urlpatterns = [
    path("things/", ListView.as_view(model=School), name="thing-list"),
    path("things/<int:pk>/", DetailView.as_view(model=School), name="thing-detail"),
    path("things/new/", ListView.as_view(model=School), name="thing-create"),
    path("things/export.xlsx", ListView.as_view(model=School), name="thing-download"),
]

CANNED = """Running 10s test @ http://127.0.0.1:8000/org/staff/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   148.21ms   30.10ms 298.70ms   80.00%
    Req/Sec    13.52      4.10    20.00     70.00%
  135 requests in 10.01s, 2.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:     13.49
Transfer/sec:    214.80KB
BENCH_JSON {"requests": 135, "duration_us": 10010000, "bytes": 2202009, "errors_connect": 0, "errors_read": 0, \
"errors_write": 0, "errors_status": 3, "errors_timeout": 1, "p50_us": 140250, "p90_us": 190000, "p95_us": 231400, \
"p99_us": 290100, "max_us": 298700, "mean_us": 148210.5}
"""


def test_discovery_keeps_list_pages_and_api_lists_only():
    endpoints = {e.path: e for e in discover()}
    assert {"/org/staff/", "/org/schools/", "/rotation/eligibility/", "/api/v1/staff/", "/api/v1/rotation/assignments/"} <= set(endpoints)
    assert endpoints["/api/v1/staff/"].kind == "api" and endpoints["/org/staff/"].kind == "page"
    for found in endpoints:
        assert "<" not in found and "(" not in found
        assert not found.startswith("/admin/") and not found.endswith((".xlsx", "/new/", "/export/"))
    assert "/accounts/login/" not in endpoints and "/api/v1/schema/" not in endpoints and "/api/v1/" not in endpoints
    assert "/rotation/split/?target=1000&as_of=2026-09-01" in endpoints  # a computation gets its inputs


def test_discovery_measures_each_home_page_section_at_its_own_url():
    endpoints = {e.path: e.name for e in discover()}
    for section in ("rotation", "talentpool", "alliances", "evaluation"):
        assert endpoints[f"/dashboard/{section}/"] == f"page:dashboard-section-{section}"
    assert endpoints["/"] == "page:home"


def test_discovery_covers_a_new_route_and_skips_detail_create_and_download():
    assert [e.path for e in discover(urlconf=__name__)] == ["/things/"]


def test_wrk_output_parsed_from_the_lua_line():
    parsed = wrk.parse_output(CANNED)
    assert parsed["requests"] == 135 and parsed["rps"] == 13.49 and parsed["seconds"] == 10.01
    assert (parsed["p50_ms"], parsed["p95_ms"], parsed["p99_ms"]) == (140.2, 231.4, 290.1)
    assert (parsed["non_2xx"], parsed["timeouts"], parsed["errors"]) == (3, 1, 0)


def test_wrk_output_without_requests_has_no_latency_and_without_the_line_raises():
    empty = CANNED.replace('"requests": 135', '"requests": 0').replace("Requests/sec:     13.49", "Requests/sec:      0.00")
    parsed = wrk.parse_output(empty)
    assert parsed["rps"] == 0 and parsed["p95_ms"] is None
    with pytest.raises(wrk.WrkError):
        wrk.parse_output("Running 10s test @ http://127.0.0.1/\n  0 requests in 10.00s\n")


@pytest.mark.django_db
def test_json_written_with_the_machine_and_the_table_renders(tmp_path):
    result = {"scale": 0.02, "machine": report.machine(), "wall_s": 1.0,
              "measures": [{"name": "import 1,000 rows", "figure": 2.0, "unit": "s", "reference": 1.0, "ratio": 2.0}],
              "endpoints": {"city": {"login": {"rps": 100.0, "p50_ms": 10.0, "p95_ms": 20.0},
                                     "rows": [{"path": "/org/staff/", "status": 200, "queries": 9, "rps": 10.0,
                                               "p50_ms": 100.0, "p95_ms": 200.0, "login_ratio": 10.0,
                                               "target_met": False}]}}}
    written = report.write_json(result, directory=tmp_path)
    loaded = json.loads(written.read_text(encoding="utf-8"))
    assert written.name.startswith("bench-scale0.02-") and written.suffix == ".json"
    assert {"cores", "memory_mb", "load_average", "postgresql", "git_commit"} <= set(loaded["machine"])
    text = report.table(loaded)
    assert "/org/staff/" in text and "MISSED" in text and "import 1,000 rows" in text


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for SQLite")
def test_bench_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "--scale", "0.001")


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY: PostgreSQL only")
def test_tiny_build_on_postgres_and_one_page_counted():
    from django.contrib.auth import get_user_model

    from bench import data, load
    from evaluation.dashboard import evaluation_dashboard
    from evaluation.models import Cycle
    from org import idcard
    from org.models import Staff

    built = data.build(0.0001, log=lambda *_: None)
    sizes = data.Sizes.for_scale(0.0001)
    assert built["counts"]["staff"] == sizes.staff == 200 and data.present(sizes)
    numbers = list(Staff.objects.filter(school__code__startswith=data.SCHOOL_PREFIX).values_list("id_number", flat=True))
    assert len(set(numbers)) == 200
    for number in numbers[:20]:
        idcard.validate_id_number(number)
    client, cookie = load.session_client(get_user_model().objects.get(username=data.CITY_USER))
    assert cookie.startswith("sessionid=")
    status, queries = load.count_queries(client, "/org/schools/")
    assert status == 200 and queries > 0
    data.store_figures(log=lambda *_: None)  # what the nightly jobs leave for the split and title-ratio pages
    response = client.get("/rotation/split/", {"target": 10, "as_of": data.AS_OF.isoformat()}, secure=True)
    assert response.status_code == 200 and sum(share.share for share in response.context["shares"]) == 10
    assert client.get("/evaluation/title-ratios/", secure=True).context["computed_at"] is not None
    # the city's evaluation: the home page's cycle has every school as a subject, scores missing by rater, ratings
    section = evaluation_dashboard(user=get_user_model().objects.get(username=data.CITY_USER))
    assert section["cycle"].subjects.filter(staff__isnull=True).count() == sizes.schools == section["subjects"]
    assert section["missing"] and section["chart"] is not None
    assert built["counts"]["evaluation_subjects"] > sizes.schools and built["counts"]["evaluation_scores"] > 0
    data.build(0.0001, log=lambda *_: None)  # a second build replaces the first
    assert Staff.objects.filter(school__code__startswith=data.SCHOOL_PREFIX).count() == 200
    assert Cycle.objects.filter(region__code=data.CITY_CODE).count() == 2


def test_wrk_seconds_share_the_budget_left_within_the_bounds():
    from bench import load

    # 2 users × (login + 88 endpoints × (s + 1.5 s overhead)) must fit in the seconds left
    seconds = load.endpoint_seconds(1200, 88, 2, most=10)
    assert seconds == 5.0 and 2 * (89 * seconds + 88 * load.OVERHEAD_S) <= 1200
    assert load.endpoint_seconds(1200, 88, 1, most=10) == 10  # the county user alone: the cap
    assert load.endpoint_seconds(100, 88, 2, most=10) == load.MIN_SECONDS  # no budget left: the floor
    assert load.endpoint_seconds(-50, 88, 2, most=10, least=2) == 2
    assert load.endpoint_seconds(1000, 88, 2, most=10) == 4  # rounded down to whole seconds (4.1)
    # 4.98 s left per endpoint: 4, never 4.5 (wrk's -d takes whole seconds; "4.5s" made the county's run exit 1)
    assert load.endpoint_seconds(672, 103, 1, most=10) == 4
    assert isinstance(load.endpoint_seconds(672, 103, 1, most=10.0, least=3.0), int)
    assert load.import_reserve(0.1) == load.IMPORT_RESERVE_S * 0.1


@pytest.mark.django_db
def test_the_city_bench_assessment_builds_is_removed_with_its_staff():
    if connection.vendor != "postgresql":
        pytest.skip("the bench data need PostgreSQL")
    from bench import data
    from org.models import Region, School, Staff, WorkHistory
    from tests.factories import StaffFactory

    kept = StaffFactory()
    city = Region.objects.create(code="439480", name="基准市43948", level=Region.Level.CITY)
    county = Region.objects.create(code="439481", name="县", level=Region.Level.COUNTY, parent=city)
    school = School.objects.create(code="B43948-000001", name="校", region=county)
    gone = StaffFactory(school=school)
    WorkHistory.objects.create(staff=gone, school=school, start="2010-09-01")
    data.purge_city(city)
    assert not Region.objects.filter(code__startswith="43948").exists()
    assert list(Staff.objects.all()) == [kept] and not WorkHistory.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the suite runs on PostgreSQL only")
@pytest.mark.parametrize("users", ["", "city,province", "region"])
def test_bench_refuses_unknown_users_before_building_anything(users):
    with pytest.raises(CommandError, match="--users"):
        call_command("bench", "--scale", "0.0001", "--users", users)


def test_the_import_line_of_bench_import_is_found():
    """The suite reads the import's own seconds from bench_import's line, not the child's whole wall (which
    counts generating the workbook and the dry run): the line's wording changed once and the suite missed it."""
    from bench.measures import IMPORT_LINE

    output = ("generate (openpyxl write-only): 9.1 s\n"
              "check (dry run, nothing written)                              100000 rows in  20.10 s = 4,975 rows/s\n"
              "import (check + commit, one transaction)                      100000 rows in  21.50 s = 4,651 rows/s, "
              "peak 300 MB\n")
    match = IMPORT_LINE.search(output)
    assert match and match.group(1) == "100000" and float(match.group(2)) == 21.5


def test_the_import_peak_is_the_importers_phases_not_the_raw_read():
    """bench_import prints a peak per phase; the import's peak is its check's and import's, never the raw
    calamine read beside them (the reference, which holds the whole sheet)."""
    from bench.measures import PHASE_PEAK

    output = ("raw read, python-calamine                                    100001 rows in   1.13 s =    88,660 rows/s, "
              "peak 250 MB\n"
              "check (dry run, nothing written)                             100000 rows in   4.82 s =    20,759 rows/s, "
              "peak 171 MB\n"
              "import (check + commit, one transaction)                     100000 rows in   8.13 s =    12,297 rows/s, "
              "peak 182 MB\n"
              "peak memory of the import: 182 MB (issue 15 target: 300 MB)\n")
    assert [int(peak) for peak in PHASE_PEAK.findall(output)] == [171, 182]
