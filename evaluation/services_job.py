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
from evaluation.models import AssessmentRun, AssessmentSchedule, Cycle, RatingChange, Subject
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


SIGNATURE_SQL = {
    "postgresql": "SELECT a.subject_id, string_agg(i.code || '|' || a.group_id || '|' || s.value::text, ',' "
                  "ORDER BY i.code, a.group_id, s.value) FROM evaluation_score s "
                  "JOIN evaluation_assignment a ON a.id = s.assignment_id JOIN evaluation_indicator i ON i.id = s.indicator_id "
                  "JOIN evaluation_ratergroup g ON g.id = a.group_id "
                  "WHERE a.cycle_id = %s AND g.is_self = %s AND a.subject_id BETWEEN %s AND %s {codes} GROUP BY a.subject_id",
    "sqlite": "SELECT subject_id, group_concat(item, ',') FROM (SELECT a.subject_id AS subject_id, i.code || '|' || "
              "a.group_id || '|' || CAST(s.value AS TEXT) AS item FROM evaluation_score s "
              "JOIN evaluation_assignment a ON a.id = s.assignment_id JOIN evaluation_indicator i ON i.id = s.indicator_id "
              "JOIN evaluation_ratergroup g ON g.id = a.group_id "
              "WHERE a.cycle_id = %s AND g.is_self = %s AND a.subject_id BETWEEN %s AND %s {codes} "
              "ORDER BY a.subject_id, i.code, a.group_id, s.value) GROUP BY subject_id",
}
CENT = Decimal("0.01")


def _signatures(cycle: Cycle, lo: int, hi: int, *, self_only: bool, codes=None) -> dict[int, str]:
    """{subject id: its scores as one canonical text "code|group|value,..."} for the subjects lo..hi:
    one row per subject from the database (not one per score), the key of the scoring memo."""
    params = [cycle.pk, self_only, lo, hi]
    extra = ""
    if codes is not None:
        extra = "AND i.code IN (" + ", ".join(["%s"] * len(codes)) + ")"
        params += list(codes)
    with connection.cursor() as cursor:
        cursor.execute(SIGNATURE_SQL[connection.vendor].format(codes=extra), params)
        return dict(cursor.fetchall())


def _entries_of(signature: str | None) -> dict:
    """A signature back as rules.score_subjects's entries: {leaf code: {group id: [values]}}."""
    entries: dict = {}
    for item in signature.split(",") if signature else ():
        code, group, value = item.split("|")
        entries.setdefault(code, {}).setdefault(group, []).append(Decimal(value).quantize(CENT))
    return entries


def scores_compute(*, cycle: Cycle, progress: Progress | None = None, batch: int = BATCH) -> dict:
    """Score and rate every subject as services.cycle_compute does (same rules, same stored shapes),
    in batches of `batch` subjects, writing only the subjects whose total, scored tree or ratings
    differ. Scoring is a pure function of a subject's scores (and, for improvement and rank leaves, its
    previous values and ranks), so each distinct combination is scored once (a memo keyed by the
    scores' text, `_signatures`). Rank and ratio leaves are ranked over the whole cycle first
    (rules.cross_subject). Ratings already changed by a decision keep their final value.
    PostgreSQL: every subject's new values go by COPY into a temporary table and one set-based UPDATE
    writes the rows that differ (IS DISTINCT FROM; the bound rules' composite kept); elsewhere the
    stored rows are compared in Python. Call inside the run's transaction. Returns {"subjects": n,
    "written": n}."""
    tree = selectors.scheme_tree(cycle.scheme)
    groups = {str(g.pk): g.as_rule() for g in cycle.groups.all()}
    self_groups = {key: rules.Group(key, Decimal(100)) for key, g in groups.items() if g.is_self}
    thresholds = cycle.scheme.thresholds
    ids = list(Subject.objects.filter(cycle=cycle).order_by("pk").values_list("pk", flat=True))
    if not ids:
        return {"subjects": 0, "written": 0}
    cross_codes = [leaf.key for leaf in rules.leaves(tree) if leaf.method in rules.CROSS_SUBJECT_METHODS]
    cross = self_cross = None
    if cross_codes:
        whole = _signatures(cycle, ids[0], ids[-1], self_only=False, codes=cross_codes)
        cross = rules.cross_subject(tree, groups, {pk: _entries_of(sig) for pk, sig in whole.items()})
        if self_groups:
            whole = _signatures(cycle, ids[0], ids[-1], self_only=True, codes=cross_codes)
            self_cross = rules.cross_subject(tree, self_groups, {pk: _entries_of(sig) for pk, sig in whole.items()})
    rank_codes = [code for code in cross_codes if cross and isinstance(cross.get(code), dict)]
    previous = {}
    if any(leaf.method == rules.IMPROVEMENT for leaf in rules.leaves(tree)):
        light = [_Light(*row) for row in Subject.objects.filter(cycle=cycle).values_list("pk", "school_id", "staff_id")]
        previous = previous_values(cycle, tree, light)
    decided = set(RatingChange.objects.filter(subject__cycle=cycle).values_list("subject_id", flat=True))
    writer = _Writer(copy=connection.vendor == "postgresql" and len(ids) >= COPY_FROM)
    memo: dict = {}
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        lo, hi = chunk[0], chunk[-1]
        signatures = _signatures(cycle, lo, hi, self_only=False)
        self_signatures = _signatures(cycle, lo, hi, self_only=True) if self_groups else {}
        keys = {pk: (signatures.get(pk), self_signatures.get(pk), tuple(sorted(previous.get(pk, {}).items())),
                     tuple(cross[c].get(pk) for c in rank_codes)) for pk in chunk}
        todo = {}
        for pk, key in keys.items():
            if key not in memo and key not in todo:
                todo[key] = pk
        if todo:
            entries = {pk: _entries_of(signatures.get(pk)) for pk in todo.values()}
            scored = rules.score_subjects(tree, groups, entries, {pk: previous[pk] for pk in todo.values() if pk in previous},
                                          cross=cross)
            self_scored = rules.score_subjects(tree, self_groups, {pk: _entries_of(self_signatures.get(pk))
                                                                   for pk in todo.values()}, cross=self_cross) \
                if self_groups else {}
            for key, pk in todo.items():
                score = scored[pk]
                decision = rules.rate(score.total, thresholds, score.vetoed)
                result = result_json(score, decision, self_scored.get(pk), entries[pk], groups)
                memo[key] = (score.total, decision.rating, result, json.dumps(result, ensure_ascii=False))
        if writer.copy:
            writer.add_all((pk, *memo[keys[pk]], pk in decided) for pk in chunk)
        else:
            stored = {row[0]: row[1:] for row in Subject.objects.filter(pk__in=chunk).values_list(
                "pk", "total", "result", "original_rating", "final_rating")}
            for pk in chunk:
                total, rating, result, _text = memo[keys[pk]]
                old_total, old_result, old_original, old_final = stored[pk]
                if "composite" in (old_result or {}):  # the bound rules' part, kept (and checked) by them
                    result = {**result, "composite": old_result["composite"]}
                final = old_final if pk in decided else rating
                if (old_total, old_result, old_original, old_final) != (total, result, rating, final):
                    writer.add(pk, total, result, rating, final)
        if len(memo) > 100000:
            memo.clear()
        writer.flush()
        if progress is not None:
            progress(AssessmentRun.Stage.SCORES, start + len(chunk), len(ids))
    writer.finish()
    return {"subjects": len(ids), "written": writer.written}


class _Light:
    """What services.previous_values reads of a subject."""

    __slots__ = ("pk", "school_id", "staff_id")

    def __init__(self, pk, school_id, staff_id):
        self.pk, self.school_id, self.staff_id = pk, school_id, staff_id


class _Writer:
    """The new scores to the database. `copy` (PostgreSQL, larger cycles): every subject's new values by
    COPY into a temporary table (dropped at commit), then one UPDATE of the rows that differ; else
    bulk_update of the changed subjects per batch."""

    def __init__(self, *, copy: bool):
        self.copy = copy
        self.pending: list[tuple] = []
        self.written = 0
        if copy:
            with connection.cursor() as cursor:  # dropped at commit; also here, for runs inside one transaction (tests)
                cursor.execute("DROP TABLE IF EXISTS pg_temp.evaluation_subject_new")
                cursor.execute("CREATE TEMPORARY TABLE evaluation_subject_new (id bigint PRIMARY KEY, total numeric(8, 2), "
                               "original_rating varchar(16), result jsonb, keep_final boolean) ON COMMIT DROP")

    def add(self, *row) -> None:
        self.pending.append(row)
        self.written += 1

    def add_all(self, rows) -> None:
        with connection.cursor() as cursor, cursor.cursor.copy(
                "COPY evaluation_subject_new (id, total, original_rating, result, keep_final) FROM STDIN") as copy:
            for pk, total, rating, _result, text, keep in rows:
                copy.write_row((pk, total, rating, text, keep))

    def flush(self) -> None:
        if self.pending:
            Subject.objects.bulk_update([Subject(pk=pk, total=total, result=result, original_rating=rating,
                                                 final_rating=final) for pk, total, result, rating, final in self.pending],
                                        ["total", "result", "original_rating", "final_rating"], batch_size=1000)
            self.pending = []

    def finish(self) -> None:
        self.flush()
        if not self.copy:
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE evaluation_subject_new")
            cursor.execute("""
                WITH wanted AS (
                    SELECT n.id, n.total, n.original_rating,
                           CASE WHEN s.result ? 'composite' THEN n.result || jsonb_build_object('composite', s.result -> 'composite')
                                ELSE n.result END AS result,
                           CASE WHEN n.keep_final THEN s.final_rating ELSE n.original_rating END AS final_rating
                    FROM evaluation_subject_new n JOIN evaluation_subject s ON s.id = n.id)
                UPDATE evaluation_subject s SET total = w.total, result = w.result, original_rating = w.original_rating,
                       final_rating = w.final_rating
                FROM wanted w
                WHERE s.id = w.id AND (s.total, s.result, s.original_rating, s.final_rating)
                      IS DISTINCT FROM (w.total, w.result, w.original_rating, w.final_rating)""")
            self.written = cursor.rowcount


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
