"""The yearly assessment job (issue 13 item 4): score a closed cycle, apply the bound rules, write the
ratings and their traces; one AssessmentRun row per run records who started it, its status, stage and
progress, so the run's page survives a reload.

How a run is kept whole when its worker dies: **the whole run is one transaction, retried**. Scores,
ratings, traces and the run's "finished" mark commit together or not at all, so a killed worker leaves
the cycle exactly as it was before the run (never half-written) and the retry starts over. Why not
batches with a cursor: the bound rules read the whole cycle (every unit's 优秀 quota, every group's
members) and write ratings anywhere in it, so a cycle half-scored by a new run and half by an old one
would be rated against a mixed state; and at bench size (500,000 subjects) the whole run takes well
under the stale limit, so a retry from scratch is cheap. The cycle row stays locked (select_for_update)
for the run, so nobody publishes, reopens or changes a rating under it.

Liveness reuses the import jobs' mechanism (org.services.jobs): the run claims its row with
`heartbeat_at`, a thread on its own connection beats every IMPORT_HEARTBEAT_SECONDS and writes the
progress with the beat (the run's own writes are invisible until it commits); beat's sweep
(`assessment_runs_sweep`, IMPORT_SWEEP_SECONDS) queues a run whose beat is older than
IMPORT_STALE_AFTER_SECONDS again, at most IMPORT_MAX_RESTARTS times, then fails it with MSG_RUN_STOPPED.

Idempotent: scores are written only for subjects whose total, scored tree or ratings differ, and the
bound rules keep a trace that is already in place (services_bound); a second run changes nothing.
Refused on a published cycle (MSG_RUN_PUBLISHED) and on one not closed; one run per cycle at a time
(MSG_RUN_ACTIVE, also a partial unique constraint).
"""

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import rules, selectors
from evaluation.models import AssessmentRun, AssessmentSchedule, Cycle, RatingChange, Score, Subject
from evaluation.services import cycle_locked, ensure_manages_region, previous_values, result_json
from evaluation.services_bound import bound_rules_apply
from org.services.jobs import heartbeat, stale_before

MSG_RUN_PUBLISHED = _("The cycle is published: its ratings are final, so the assessment job cannot run on it.")
MSG_RUN_NOT_CLOSED = _("The assessment job runs on a closed cycle; this one is “%(status)s”. Close it first.")
MSG_RUN_ACTIVE = _("An assessment run of this cycle is already under way (run #%(id)s); wait for it to finish.")
MSG_RUN_CRASHED = _("The assessment stopped because of an internal error; nothing was changed. Start it again, "
                    "or contact the administrator.")
MSG_RUN_STOPPED = _("The assessment stopped %(count)s times before it could finish (the worker ended); nothing "
                    "was changed. Start it again.")

logger = logging.getLogger(__name__)
BATCH = 5000  # subjects scored per query of their scores (bounded memory at any cycle size)
COPY_FROM = 2000  # on PostgreSQL, at least this many changed subjects are written by COPY + one UPDATE

Progress = Callable[[str, int, int], None]


def _check_status(cycle: Cycle) -> None:
    if cycle.status == Cycle.Status.PUBLISHED:
        raise ValidationError(MSG_RUN_PUBLISHED)
    if cycle.status != Cycle.Status.CLOSED:
        raise ValidationError(MSG_RUN_NOT_CLOSED % {"status": cycle.get_status_display()})


def assessment_run_start(*, actor: User | None, cycle: Cycle, queue: bool = True) -> AssessmentRun:
    """Create a run of the yearly job on `cycle` and queue it on Celery after the commit (`queue`
    False: the caller runs it, as `run_assessment` does). `actor` None: the yearly schedule.
    Raises PermissionDenied (not the cycle's administrator), ValidationError (published, not closed,
    or a run of the cycle is queued or running): nothing is created then."""
    from evaluation import tasks

    with transaction.atomic():
        cycle = cycle_locked(cycle)  # two starts at once: the second waits here, then sees the first
        if actor is not None:
            ensure_manages_region(actor, cycle.region_id)
        _check_status(cycle)
        active = AssessmentRun.objects.filter(cycle=cycle, status__in=AssessmentRun.ACTIVE).first()
        if active is not None:
            raise ValidationError(MSG_RUN_ACTIVE % {"id": active.pk})
        try:
            with transaction.atomic():
                run = AssessmentRun.objects.create(cycle=cycle, started_by=actor, total=cycle.subjects.count())
        except IntegrityError:  # the partial unique constraint: another start committed first
            raise ValidationError(MSG_RUN_ACTIVE % {"id": "?"}) from None
        if queue:
            transaction.on_commit(lambda: tasks.assessment_run.delay(run.pk))
    return run


def _claim(run_id: int) -> bool:
    """Take a queued (or restarted) run for this task: only when no other task beats for it."""
    now = timezone.now()
    return bool(AssessmentRun.objects.filter(pk=run_id, status__in=AssessmentRun.ACTIVE)
                .filter(Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale_before(now)))
                .update(status=AssessmentRun.Status.RUNNING, stage=AssessmentRun.Stage.SCORES, done=0,
                        heartbeat_at=now, started_at=now))


def _fail(run_id: int, message: str) -> None:
    AssessmentRun.objects.filter(pk=run_id, status__in=AssessmentRun.ACTIVE).update(
        status=AssessmentRun.Status.FAILED, error=message, heartbeat_at=None, finished_at=timezone.now())


def assessment_run_crashed(*, run_id: int) -> None:
    """Mark a run whose task raised as failed with MSG_RUN_CRASHED (its transaction rolled back)."""
    _fail(run_id, str(MSG_RUN_CRASHED))


def assessment_run_execute(*, run_id: int, progress: Progress | None = None) -> AssessmentRun | None:
    """Run a claimed run (see the module docstring); `progress(stage, done, total)` is called as it goes.
    Returns the run as it ended, or None when it was not claimable (finished, or another task holds
    it). A refusal (the cycle was published or reopened meanwhile) fails the run with its message."""
    if not _claim(run_id):
        return None
    run = AssessmentRun.objects.select_related("cycle", "started_by").get(pk=run_id)
    state = {"stage": AssessmentRun.Stage.SCORES, "done": 0, "total": run.total}

    def report(stage: str, done: int, total: int) -> None:
        state.update(stage=stage, done=done, total=total)
        if progress is not None:
            progress(stage, done, total)

    try:
        with heartbeat(run_id, model=AssessmentRun, fields=lambda: dict(state)):
            _assess(run, report)
    except ValidationError as error:
        _fail(run_id, " ".join(error.messages))
    except BaseException:  # a bug, or the task's time limit: the transaction rolled back; say so, re-raise
        assessment_run_crashed(run_id=run_id)
        raise
    return AssessmentRun.objects.get(pk=run_id)


def _assess(run: AssessmentRun, report: Progress) -> None:
    with transaction.atomic():
        cycle = cycle_locked(run.cycle)
        _check_status(cycle)
        scored = scores_compute(cycle=cycle, progress=report)
        report(AssessmentRun.Stage.BOUND, scored["subjects"], scored["subjects"])
        bound = bound_rules_apply(actor=run.started_by, cycle=cycle)
        summary = {"subjects": scored["subjects"], "scores_written": scored["written"], "bound_changed": bound.changed,
                   "bound_kept": bound.kept, "bound_undone": bound.undone, "refusals": bound.refusals}
        # in the same transaction: the run is finished exactly when its writes are in
        AssessmentRun.objects.filter(pk=run.pk).update(
            status=AssessmentRun.Status.DONE, stage=AssessmentRun.Stage.FINISHED, done=scored["subjects"],
            total=scored["subjects"], summary=summary, heartbeat_at=None, finished_at=timezone.now(), error="")


# --- scoring in batches ---------------------------------------------------------------------------------


def _batch_entries(cycle: Cycle, lo: int, hi: int, *, self_only: bool, codes=None) -> dict:
    """{subject id: {leaf code: {group id: [values]}}} for the subjects lo..hi (ids) of the cycle."""
    entries = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    rows = Score.objects.filter(assignment__cycle=cycle, assignment__group__is_self=self_only)
    if lo is not None:
        rows = rows.filter(assignment__subject_id__gte=lo, assignment__subject_id__lte=hi)
    if codes is not None:
        rows = rows.filter(indicator__code__in=codes)
    for subject_id, code, group_id, value in rows.values_list(
            "assignment__subject_id", "indicator__code", "assignment__group_id", "value").iterator(chunk_size=20000):
        entries[subject_id][code][str(group_id)].append(value)
    return entries


def scores_compute(*, cycle: Cycle, progress: Progress | None = None, batch: int = BATCH) -> dict:
    """Score and rate every subject as services.cycle_compute does (same rules, same stored shapes),
    in batches of `batch` subjects, writing only the subjects whose total, scored tree or ratings
    differ (COPY into a temporary table and one UPDATE on PostgreSQL). Rank and ratio leaves are ranked
    over the whole cycle first (rules.cross_subject). Ratings already changed by a decision keep their
    final value. Call inside the run's transaction. Returns {"subjects": n, "written": n}."""
    tree = selectors.scheme_tree(cycle.scheme)
    groups = {str(g.pk): g.as_rule() for g in cycle.groups.all()}
    self_groups = {key: rules.Group(key, Decimal(100)) for key, g in groups.items() if g.is_self}
    thresholds = cycle.scheme.thresholds
    cross_codes = [leaf.key for leaf in rules.leaves(tree) if leaf.method in rules.CROSS_SUBJECT_METHODS]
    cross = self_cross = None
    if cross_codes:
        cross = rules.cross_subject(tree, groups, _batch_entries(cycle, None, None, self_only=False, codes=cross_codes))
        if self_groups:
            self_cross = rules.cross_subject(tree, self_groups, _batch_entries(cycle, None, None, self_only=True,
                                                                                 codes=cross_codes))
    improvement = any(leaf.method == rules.IMPROVEMENT for leaf in rules.leaves(tree))
    light = [_Light(*row) for row in Subject.objects.filter(cycle=cycle).order_by("pk").values_list(
        "pk", "school_id", "staff_id")]
    previous = previous_values(cycle, tree, light) if improvement else {}
    ids = [s.pk for s in light]
    del light
    rank_codes = [code for code in cross_codes if cross and isinstance(cross.get(code), dict)]
    decided = set(RatingChange.objects.filter(subject__cycle=cycle).values_list("subject_id", flat=True))
    writer = _Writer(expected=len(ids))
    memo: dict = {}  # scoring is a pure function of a subject's entries, previous values and ranks

    def key_of(pk, raw, own_self):
        frozen = tuple(sorted((code, tuple(sorted((g, tuple(v)) for g, v in by_group.items())))
                              for code, by_group in raw.items()))
        own_self = tuple(sorted((code, tuple(sorted((g, tuple(v)) for g, v in by_group.items())))
                                for code, by_group in own_self.items()))
        extra = (tuple(sorted(previous.get(pk, {}).items())), tuple(cross[c].get(pk) for c in rank_codes))
        return frozen, own_self, extra

    for start in range(0, len(ids), batch):
        lo, hi = ids[start], ids[min(start + batch, len(ids)) - 1]
        rows = list(Subject.objects.filter(cycle=cycle, pk__gte=lo, pk__lte=hi).order_by("pk").values_list(
            "pk", "total", "result", "original_rating", "final_rating"))
        entries = _batch_entries(cycle, lo, hi, self_only=False)
        self_entries = _batch_entries(cycle, lo, hi, self_only=True) if self_groups else {}
        keys = {pk: key_of(pk, entries.get(pk, {}), self_entries.get(pk, {})) for pk, *_rest in rows}
        todo = {}
        for pk, key in keys.items():
            if key not in memo and key not in todo:
                todo[key] = pk
        if todo:
            scored = rules.score_subjects(tree, groups, {pk: entries.get(pk, {}) for pk in todo.values()},
                                          {pk: previous[pk] for pk in todo.values() if pk in previous}, cross=cross)
            self_scored = rules.score_subjects(tree, self_groups, {pk: self_entries.get(pk, {}) for pk in todo.values()},
                                               cross=self_cross) if self_groups else {}
            for key, pk in todo.items():
                score = scored[pk]
                decision = rules.rate(score.total, thresholds, score.vetoed)
                memo[key] = (score.total, decision.rating,
                             json.dumps(result_json(score, decision, self_scored.get(pk), entries.get(pk, {}), groups)))
        for pk, total, stored, original, final in rows:
            new_total, rating, result_text = memo[keys[pk]]
            result = json.loads(result_text)
            if "composite" in (stored or {}):  # the bound rules' part, kept (and checked) by them
                result["composite"] = stored["composite"]
            new_final = final if pk in decided else rating
            if (total, stored, original, final) != (new_total, result, rating, new_final):
                writer.add(pk, new_total, result, rating, new_final)
        if len(memo) > 200000:
            memo.clear()
        writer.flush_small()
        if progress is not None:
            progress(AssessmentRun.Stage.SCORES, start + len(rows), len(ids))
    writer.finish()
    return {"subjects": len(ids), "written": writer.written}


class _Light:
    """What services.previous_values reads of a subject."""

    __slots__ = ("pk", "school_id", "staff_id")

    def __init__(self, pk, school_id, staff_id):
        self.pk, self.school_id, self.staff_id = pk, school_id, staff_id


class _Writer:
    """Changed subjects to the database: bulk_update per batch, or on PostgreSQL when many are expected,
    COPY into a temporary table (dropped at commit) and one UPDATE ... FROM at the end."""

    COLUMNS = ("id", "total", "result", "original_rating", "final_rating")

    def __init__(self, expected: int):
        self.copy = connection.vendor == "postgresql" and expected >= COPY_FROM
        self.pending: list[tuple] = []
        self.written = 0
        if self.copy:
            with connection.cursor() as cursor:
                cursor.execute("CREATE TEMPORARY TABLE evaluation_subject_new ON COMMIT DROP AS "
                               "SELECT id, total, result, original_rating, final_rating FROM evaluation_subject WITH NO DATA")

    def add(self, *row) -> None:
        self.pending.append(row)
        self.written += 1

    def flush_small(self) -> None:
        if not self.pending:
            return
        if not self.copy:
            Subject.objects.bulk_update([Subject(**dict(zip(("pk", *self.COLUMNS[1:]), row))) for row in self.pending],
                                        list(self.COLUMNS[1:]), batch_size=1000)
        else:
            with connection.cursor() as cursor, cursor.cursor.copy(
                    "COPY evaluation_subject_new (id, total, result, original_rating, final_rating) FROM STDIN") as copy:
                for pk, total, result, original, final in self.pending:
                    copy.write_row((pk, total, json.dumps(result, ensure_ascii=False), original, final))
        self.pending = []

    def finish(self) -> None:
        self.flush_small()
        if self.copy and self.written:
            with connection.cursor() as cursor:
                cursor.execute("UPDATE evaluation_subject s SET total = n.total, result = n.result, "
                               "original_rating = n.original_rating, final_rating = n.final_rating "
                               "FROM evaluation_subject_new n WHERE s.id = n.id")


# --- the beat jobs ---------------------------------------------------------------------------------------


def assessment_runs_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Restart runs whose heartbeat stopped (their worker died), or fail them after IMPORT_MAX_RESTARTS
    (as org.services.jobs.import_jobs_sweep does for imports). Returns {"restarted": n, "failed": n}."""
    from evaluation import tasks

    now = now or timezone.now()
    stale = AssessmentRun.objects.filter(status=AssessmentRun.Status.RUNNING, heartbeat_at__lt=stale_before(now))
    counts = {"restarted": 0, "failed": 0}
    for run_id, restarts in stale.values_list("pk", "restarts"):
        current = AssessmentRun.objects.filter(pk=run_id, status=AssessmentRun.Status.RUNNING, restarts=restarts,
                                               heartbeat_at__lt=stale_before(now))
        if restarts >= settings.IMPORT_MAX_RESTARTS:
            if current.update(status=AssessmentRun.Status.FAILED, error=str(MSG_RUN_STOPPED % {"count": restarts + 1}),
                              heartbeat_at=None, finished_at=now):
                counts["failed"] += 1
                logger.warning("assessment run %s: stopped %s times, marked failed", run_id, restarts + 1)
            continue
        if current.update(heartbeat_at=None, restarts=F("restarts") + 1):
            counts["restarted"] += 1
            logger.warning("assessment run %s: heartbeat stopped, queued again", run_id)
            tasks.assessment_run.delay(run_id)
    return counts


def due_cycles(today: dt.date) -> list[Cycle]:
    """The cycles whose yearly job is due today (rules.assessment_due): per enabled AssessmentSchedule,
    the closed year-end cycles its region owns of this year (or the year before, `previous_year`)."""
    due = []
    for schedule in AssessmentSchedule.objects.filter(enabled=True):
        year = today.year - 1 if schedule.previous_year else today.year
        cycles = Cycle.objects.filter(region_id=schedule.region_id, status=Cycle.Status.CLOSED,
                                      kind=Cycle.Kind.YEAR_END, year=year).annotate(last=Max("runs__created_at"))
        for cycle in cycles:
            last = timezone.localdate(cycle.last) if cycle.last else None
            if rules.assessment_due(today, schedule.month, schedule.day, last):
                due.append(cycle)
    return due


def assessment_runs_due(*, today: dt.date | None = None) -> list[int]:
    """The daily beat job: start the yearly run of every due cycle (`due_cycles`); a cycle refused
    (a run already under way) is skipped and tried again tomorrow. Returns the ids of the runs started."""
    started = []
    for cycle in due_cycles(today or timezone.localdate()):
        try:
            started.append(assessment_run_start(actor=None, cycle=cycle).pk)
        except ValidationError as error:
            logger.info("yearly assessment of cycle %s not started: %s", cycle.pk, " ".join(error.messages))
    return started
