# ruff: noqa: F811 (the `bound` fixture is imported from test_bound_service and named in the tests)
"""The yearly assessment job (issue 13 item 4): a run scores and rates a closed cycle and applies the bound
rules in one transaction, idempotent, refused on a published cycle and while another run is under way,
started by beat on each region's yearly date, followed on its page and through the API, scoped."""

import datetime as dt
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation import rules, services, services_job
from evaluation.models import (
    AssessmentRun,
    AssessmentSchedule,
    Assignment,
    Cycle,
    RatingChange,
    Scheme,
    SchoolQuality,
    Subject,
)
from org.ratings import Rating
from tests.evaluation.conftest import FULL
from tests.evaluation.test_bound_service import bound, ratings  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _state(cycle):
    """Everything the job writes for a cycle, comparable across runs."""
    subjects = list(Subject.objects.filter(cycle=cycle).order_by("pk").values_list(
        "pk", "total", "result", "original_rating", "final_rating"))
    changes = list(RatingChange.objects.filter(subject__cycle=cycle).order_by("pk").values_list(
        "pk", "subject_id", "kind", "from_rating", "to_rating", "details", "reason"))
    history = Subject.history.filter(cycle_id=cycle.pk).count()
    return subjects, changes, history


def _run(cycle, actor=None, **kwargs):
    run = services_job.assessment_run_start(actor=actor, cycle=cycle, queue=False)
    return services_job.assessment_run_execute(run_id=run.pk, **kwargs)


@pytest.fixture
def scored(assigned, city_user, reviewer_user, reviewer2):
    """The conftest cycle scored by both groups and closed (cycle_compute ran at the close)."""
    services.cycle_open(actor=city_user, cycle=assigned)
    for rater, values in ((reviewer_user, FULL), (reviewer2, {**FULL, "B1": "8"})):
        for assignment in Assignment.objects.filter(cycle=assigned, rater=rater):
            services.scores_save(actor=rater, assignment=assignment, values=values, submit=True)
    services.cycle_close(actor=city_user, cycle=assigned)
    assigned.refresh_from_db()
    return assigned


# --- the run ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("copy_from", [0, 2000])  # 0: on PostgreSQL the COPY + set-based UPDATE path
def test_the_job_scores_rates_and_binds_and_a_second_run_changes_nothing(bound, copy_from, monkeypatch):
    monkeypatch.setattr(services_job, "COPY_FROM", copy_from)
    cycle, subjects, _member = bound
    Scheme.objects.filter(pk=cycle.scheme_id).update(qualified_min=0, basic_min=0)  # 0 points: 合格
    seen = []
    run = _run(cycle, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert run.status == AssessmentRun.Status.DONE and run.stage == AssessmentRun.Stage.FINISHED
    assert (run.done, run.total, run.error) == (4, 4, "")
    assert run.summary["scores_written"] == 4 and run.summary["bound_changed"] == 3
    assert seen == [("scores", 4, 4), ("bound", 4, 4)]
    # 咸安三小 improved 6.2: the bound people are 优秀 (the scores alone rate everyone 合格 at 0 points)
    assert ratings(subjects) == {"principal": Rating.EXCELLENT, "deputy": Rating.EXCELLENT, "sent": Rating.EXCELLENT,
                                 "stayed": Rating.QUALIFIED}
    assert Subject.objects.get(pk=subjects["principal"].pk).original_rating == Rating.QUALIFIED
    first = _state(cycle)
    again = _run(cycle)
    assert again.status == AssessmentRun.Status.DONE
    assert again.summary == {"subjects": 4, "scores_written": 0, "bound_changed": 0, "bound_kept": 3,
                             "bound_undone": 0, "refusals": []}
    assert _state(cycle) == first  # not a row written: ratings, traces and history as they were


def test_bound_changes_are_kept_by_a_second_run(bound):
    cycle, subjects, member = bound
    Scheme.objects.filter(pk=cycle.scheme_id).update(excellent_min=0, qualified_min=0, basic_min=0)
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D("79"))  # a decline: no 优秀
    run = _run(cycle)
    assert run.summary["bound_changed"] == 3
    assert ratings(subjects) == {"principal": Rating.QUALIFIED, "deputy": Rating.QUALIFIED, "sent": Rating.QUALIFIED,
                                 "stayed": Rating.EXCELLENT}
    first = _state(cycle)
    again = _run(cycle)
    assert (again.summary["scores_written"], again.summary["bound_changed"], again.summary["bound_kept"]) == (0, 0, 3)
    assert _state(cycle) == first


@pytest.mark.parametrize("batch, copy_from", [(1, 2000), (5000, 2000), (1, 0)])
def test_batched_scoring_matches_the_close(scored, batch, copy_from, monkeypatch):
    monkeypatch.setattr(services_job, "COPY_FROM", copy_from)
    """The job's batched scoring writes what cycle_compute wrote at the close (so it writes nothing)."""
    before = _state(scored)
    assert services_job.scores_compute(cycle=scored, batch=batch) == {"subjects": 2, "written": 0}
    assert _state(scored) == before
    Subject.objects.filter(cycle=scored).update(total=None, result={}, original_rating="", final_rating="")
    assert services_job.scores_compute(cycle=scored, batch=batch) == {"subjects": 2, "written": 2}
    assert _state(scored)[0] == before[0]


def test_a_rank_leaf_is_ranked_over_the_whole_cycle_in_batches(scored):
    leaf = scored.scheme.indicators.get(code="B1")
    Scheme.objects.filter(pk=scored.scheme_id).update(frozen_at=None)
    leaf.method = rules.RANK
    leaf.params = {"points_by_rank": ["20", "10"]}
    leaf.save()
    services.cycle_compute(cycle=scored)
    whole = _state(scored)[0]
    Subject.objects.filter(cycle=scored).update(result={})
    services_job.scores_compute(cycle=scored, batch=1)
    assert _state(scored)[0] == whole


# --- refusals -----------------------------------------------------------------------------------------


def test_refused_on_a_published_cycle_with_a_chinese_message_and_nothing_created(bound, city_user):
    cycle, _subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        services_job.assessment_run_start(actor=city_user, cycle=cycle)
    assert "已发布" in error.value.messages[0]
    assert not AssessmentRun.objects.exists() and not RatingChange.objects.exists()


def test_refused_on_an_open_cycle(bound, city_user):
    cycle, _subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.OPEN)
    with pytest.raises(ValidationError, match="已关闭"):
        services_job.assessment_run_start(actor=city_user, cycle=cycle)


def test_a_cycle_published_while_its_run_waited_fails_the_run_and_changes_nothing(bound, city_user):
    cycle, _subjects, _member = bound
    run = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    before = _state(cycle)
    run = services_job.assessment_run_execute(run_id=run.pk)
    assert run.status == AssessmentRun.Status.FAILED and "已发布" in run.error
    assert _state(cycle) == before


def test_a_second_run_is_refused_while_the_first_is_under_way_then_allowed(bound, city_user):
    cycle, _subjects, _member = bound
    first = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    with pytest.raises(ValidationError) as error:
        services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    assert f"#{first.pk}" in error.value.messages[0] and "正在" in error.value.messages[0]
    services_job.assessment_run_execute(run_id=first.pk)
    second = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    assert second.pk != first.pk


def test_a_run_held_by_a_live_task_is_not_run_twice(bound, city_user):
    cycle, _subjects, _member = bound
    run = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    AssessmentRun.objects.filter(pk=run.pk).update(status=AssessmentRun.Status.RUNNING, heartbeat_at=timezone.now())
    assert services_job.assessment_run_execute(run_id=run.pk) is None
    assert not RatingChange.objects.exists()


def test_only_the_cycles_administrators_start_it(bound, county_user, principal_user):
    cycle, _subjects, _member = bound
    for user in (county_user, principal_user):  # the cycle is the city's
        with pytest.raises(PermissionDenied):
            services_job.assessment_run_start(actor=user, cycle=cycle)
    assert not AssessmentRun.objects.exists()


def test_a_crashed_task_marks_the_run_failed(bound, city_user, monkeypatch, django_capture_on_commit_callbacks):
    cycle, _subjects, _member = bound
    monkeypatch.setattr(services_job, "bound_rules_apply", lambda **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError), django_capture_on_commit_callbacks(execute=True):
        services_job.assessment_run_start(actor=city_user, cycle=cycle)  # eager: the task runs at the commit
    run = AssessmentRun.objects.get()
    assert run.status == AssessmentRun.Status.FAILED and "内部错误" in run.error
    assert not RatingChange.objects.exists()


# --- the sweep (worker died) -------------------------------------------------------------------------


def test_the_sweep_queues_a_silent_run_again_then_fails_it(bound, city_user, settings, monkeypatch):
    cycle, _subjects, _member = bound
    settings.IMPORT_MAX_RESTARTS = 1
    run = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    old = timezone.now() - timedelta(seconds=settings.IMPORT_STALE_AFTER_SECONDS + 1)
    AssessmentRun.objects.filter(pk=run.pk).update(status=AssessmentRun.Status.RUNNING, heartbeat_at=old)
    assert services_job.assessment_runs_sweep() == {"restarted": 1, "failed": 0}  # eager: it ran again
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.DONE and run.restarts == 1
    run = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    AssessmentRun.objects.filter(pk=run.pk).update(status=AssessmentRun.Status.RUNNING, heartbeat_at=old, restarts=1)
    assert services_job.assessment_runs_sweep() == {"restarted": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == AssessmentRun.Status.FAILED and "中断 2 次" in run.error
    fresh = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    AssessmentRun.objects.filter(pk=fresh.pk).update(status=AssessmentRun.Status.RUNNING, heartbeat_at=timezone.now())
    assert services_job.assessment_runs_sweep() == {"restarted": 0, "failed": 0}  # alive: left alone


# --- the yearly date (beat) ---------------------------------------------------------------------------


@pytest.mark.parametrize("today, last, due", [
    (dt.date(2026, 12, 14), None, False),  # the day before
    (dt.date(2026, 12, 15), None, True),  # on the day
    (dt.date(2026, 12, 16), None, True),  # the day after, beat missed the day: caught up
    (dt.date(2026, 12, 16), dt.date(2026, 12, 15), False),  # started on the day: not again
    (dt.date(2026, 12, 16), dt.date(2026, 12, 14), True),  # a run by hand the day before does not count
    (dt.date(2026, 12, 15), dt.date(2025, 12, 15), True),  # last year's run
])
def test_assessment_due_at_the_edges(today, last, due):
    assert rules.assessment_due(today, 12, 15, last) is due


@pytest.mark.parametrize("year, today, due", [(2027, dt.date(2027, 2, 27), False), (2027, dt.date(2027, 2, 28), True),
                                              (2028, dt.date(2028, 2, 28), False), (2028, dt.date(2028, 2, 29), True)])
def test_29_february_falls_on_the_28th_in_a_common_year(year, today, due):
    assert rules.assessment_due(today, 2, 29) is due


@pytest.mark.parametrize("month, day, ok", [(2, 29, True), (2, 30, False), (4, 31, False), (13, 1, False), (12, 31, True)])
def test_a_yearly_date_must_exist(month, day, ok):
    assert (rules.yearly_date_problem(month, day) is None) is ok


@pytest.mark.parametrize("today, started", [(dt.date(2026, 12, 14), 0), (dt.date(2026, 12, 15), 1), (dt.date(2026, 12, 16), 1)])
def test_beat_starts_the_due_runs_once(bound, world, today, started, django_capture_on_commit_callbacks):
    cycle, subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(kind=Cycle.Kind.YEAR_END)
    AssessmentSchedule.objects.create(region=world.city, month=12, day=15)
    with_date = timezone.make_aware(dt.datetime.combine(today, dt.time(1, 30)))
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=with_date), \
            django_capture_on_commit_callbacks(execute=True):
        ids = services_job.assessment_runs_due(today=today)
        assert len(ids) == started
        assert services_job.assessment_runs_due(today=today) == []  # the next beat that day, or the day after
    if started:
        run = AssessmentRun.objects.get()
        assert run.started_by is None and run.status == AssessmentRun.Status.DONE  # eager: it ran


def test_beat_skips_other_regions_published_cycles_and_disabled_dates(bound, world):
    cycle, _subjects, _member = bound
    schedule = AssessmentSchedule.objects.create(region=world.county_a, month=1, day=1)
    assert services_job.due_cycles(dt.date(2026, 12, 31)) == []  # the cycle is the city's
    schedule.region = world.city
    schedule.enabled = False
    schedule.save()
    assert services_job.due_cycles(dt.date(2026, 12, 31)) == []
    AssessmentSchedule.objects.filter(pk=schedule.pk).update(enabled=True)
    assert services_job.due_cycles(dt.date(2026, 12, 31)) == [cycle]
    assert services_job.due_cycles(dt.date(2027, 1, 2)) == []  # 2027's date: the 2026 cycle is not that year's
    AssessmentSchedule.objects.filter(pk=schedule.pk).update(previous_year=True)
    assert services_job.due_cycles(dt.date(2027, 1, 2)) == [cycle]
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    assert services_job.due_cycles(dt.date(2027, 1, 2)) == []


def test_beat_schedule_registers_the_daily_and_sweep_jobs():
    from config.celery_app import app

    assert app.conf.beat_schedule["evaluation-assessment-runs-due"]["task"] == "evaluation.assessment_runs_due"
    assert app.conf.beat_schedule["evaluation-assessment-runs-sweep"]["task"] == "evaluation.assessment_runs_sweep"


# --- the command ---------------------------------------------------------------------------------------


def test_run_assessment_prints_progress_and_records_a_run(bound):
    from io import StringIO

    from django.core.management import call_command

    cycle, _subjects, _member = bound
    out = StringIO()
    call_command("run_assessment", str(cycle.pk), stdout=out)
    text = out.getvalue()
    assert "4 / 4" in text and AssessmentRun.objects.get().status == AssessmentRun.Status.DONE


# --- pages ---------------------------------------------------------------------------------------------


def test_the_cycle_page_offers_the_start_to_its_administrators_only(bound, client, city_user, county_user):
    cycle, _subjects, _member = bound
    client.force_login(city_user)
    assert 'data-testid="run-start"' in client.get(cycle.get_absolute_url()).content.decode()
    client.force_login(county_user)  # sees the city's cycle, does not run it
    assert 'data-testid="run-start"' not in client.get(cycle.get_absolute_url()).content.decode()
    response = client.post(reverse("evaluation:run-start", args=[cycle.pk]))
    assert response.status_code == 302 and not AssessmentRun.objects.exists()


def test_start_button_runs_and_the_run_page_survives_a_reload(bound, client, city_user,
                                                              django_capture_on_commit_callbacks):
    cycle, _subjects, _member = bound
    client.force_login(city_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:run-start", args=[cycle.pk]))
    run = AssessmentRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    for _ in range(2):
        page = client.get(run.get_absolute_url()).content.decode()
        assert "已完成" in page and 'data-testid="run-summary"' in page and "<script>" not in page
    status = client.get(reverse("evaluation:run-status", args=[run.pk])).json()
    assert status["status"] == "done" and status["running"] is False and status["done"] == 4


def test_a_running_run_page_polls_with_a_static_script(bound, client, city_user):
    cycle, _subjects, _member = bound
    run = services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    AssessmentRun.objects.filter(pk=run.pk).update(status=AssessmentRun.Status.RUNNING, stage="scores", done=2)
    client.force_login(city_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert 'data-running="1"' in page and "js/assessment_run.js" in page and "2 / 4" in page
    assert client.get(reverse("evaluation:run-status", args=[run.pk])).json()["percent"] == 50


def test_the_start_refusal_comes_back_as_a_message(bound, client, city_user):
    cycle, _subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    client.force_login(city_user)
    response = client.post(reverse("evaluation:run-start", args=[cycle.pk]), follow=True)
    assert "已发布" in response.content.decode() and not AssessmentRun.objects.exists()


def test_run_pages_are_scoped(bound, client, city_user, world):
    from org.models import UserRole
    from tests.conftest import _user_with_role

    cycle, _subjects, _member = bound
    run = _run(cycle, actor=city_user)
    other_city = _user_with_role("other-bureau", UserRole.Role.COUNTY_STAFF, region=_other_county())
    client.force_login(other_city)
    for url in (run.get_absolute_url(), reverse("evaluation:run-status", args=[run.pk]),
                reverse("evaluation:cycle-runs", args=[cycle.pk])):
        assert client.get(url).status_code == 404
    client.force_login(city_user)
    for url in (run.get_absolute_url(), reverse("evaluation:run-status", args=[run.pk]),
                reverse("evaluation:cycle-runs", args=[cycle.pk])):
        assert client.get(url).status_code == 200


def test_a_countys_staff_do_not_see_the_runs_of_their_citys_cycle(bound, client, city_user, county_user):
    """The run's summary covers the whole city cycle (its subjects, refusals naming other counties' schools and
    people): a county that sees the cycle does not see its runs."""
    cycle, _subjects, _member = bound
    run = _run(cycle, actor=city_user)
    AssessmentRun.objects.filter(pk=run.pk).update(summary={"subjects": 3, "refusals": ["嘉鱼县某校：名额已满"]})
    client.force_login(county_user)
    assert client.get(cycle.get_absolute_url()).status_code == 200  # the cycle itself stays visible
    for url in (run.get_absolute_url(), reverse("evaluation:run-status", args=[run.pk])):
        assert client.get(url).status_code == 404
    assert "/evaluation/runs/" not in client.get(reverse("evaluation:cycle-runs", args=[cycle.pk])).content.decode()
    assert api(county_user).get("/api/v1/evaluation/assessment-runs/").data["count"] == 0


def test_the_run_page_is_bureau_staff_only(bound, client, city_user, principal_user):
    cycle, _subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    run = _run(cycle, actor=city_user)
    client.force_login(principal_user)
    assert client.get(run.get_absolute_url()).status_code == 404


def _other_county():
    from tests.factories import RegionFactory

    city = RegionFactory(code="420100", name="武汉市", level="city")
    return RegionFactory(code="420102", name="江岸区", parent=city)


def test_the_runs_list_pins_its_queries(bound, client, city_user, django_assert_num_queries):
    cycle, _subjects, _member = bound
    for _ in range(3):
        _run(cycle, actor=city_user)
    _run(cycle)  # by the schedule
    client.force_login(city_user)
    url = reverse("evaluation:cycle-runs", args=[cycle.pk])
    client.get(url)
    with django_assert_num_queries(7):  # session, user, roles (scope), cycle, regions seen, runs with their starters, ...
        page = client.get(url).content.decode()
    assert page.count("/evaluation/runs/") == 4 and "年度定时" in page


# --- API -----------------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_starts_and_follows_a_run(bound, city_user, django_capture_on_commit_callbacks):
    cycle, _subjects, _member = bound
    Scheme.objects.filter(pk=cycle.scheme_id).update(qualified_min=0, basic_min=0)  # 0 points: 合格
    with django_capture_on_commit_callbacks(execute=True):
        response = api(city_user).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assess/")
    assert response.status_code == 202, response.data
    run_id = response.data["id"]
    response = api(city_user).get(f"/api/v1/evaluation/assessment-runs/{run_id}/")
    assert response.data["status"] == "done" and response.data["percent"] == 100 and response.data["running"] is False
    assert response.data["summary"]["bound_changed"] == 3
    listed = api(city_user).get("/api/v1/evaluation/assessment-runs/", {"cycle": cycle.pk}).data
    assert [row["id"] for row in listed["results"]] == [run_id]


def test_api_refusals(bound, city_user, county_user):
    cycle, _subjects, _member = bound
    response = api(county_user).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assess/")
    assert response.status_code == 403
    services_job.assessment_run_start(actor=city_user, cycle=cycle, queue=False)
    response = api(city_user).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assess/")
    assert response.status_code == 400 and "正在" in response.data["detail"]
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    AssessmentRun.objects.update(status=AssessmentRun.Status.FAILED)
    response = api(city_user).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assess/")
    assert response.status_code == 400 and "已发布" in response.data["detail"]


def test_api_runs_are_scoped(bound, city_user, principal_user):
    from org.models import UserRole
    from tests.conftest import _user_with_role

    cycle, _subjects, _member = bound
    run = _run(cycle, actor=city_user)
    outsider = _user_with_role("other-bureau", UserRole.Role.COUNTY_STAFF, region=_other_county())
    for user in (outsider, principal_user):
        assert api(user).get(f"/api/v1/evaluation/assessment-runs/{run.pk}/").status_code == 404
        assert api(user).get("/api/v1/evaluation/assessment-runs/").data["count"] == 0
    assert api(outsider).post(f"/api/v1/evaluation/cycles/{cycle.pk}/assess/").status_code == 404
    assert api(city_user).get("/api/v1/evaluation/assessment-runs/").data["count"] == 1


def test_api_runs_list_pins_its_queries(bound, city_user, django_assert_num_queries):
    cycle, _subjects, _member = bound
    for _ in range(3):
        _run(cycle, actor=city_user)
    client = api(city_user)
    client.get("/api/v1/evaluation/assessment-runs/")
    with django_assert_num_queries(2):  # count, rows (the scope was read by the first request's user)
        assert client.get("/api/v1/evaluation/assessment-runs/").data["count"] == 3


def test_api_schema_lists_the_run_endpoints(admin_client):
    schema = admin_client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/evaluation/assessment-runs/" in schema and "/api/v1/evaluation/cycles/{id}/assess/" in schema
