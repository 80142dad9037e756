"""Periodic jobs of evaluation (picked up by config/celery_app.py)."""

import os

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Every day at 01:30 (CELERY_TIMEZONE): start the yearly assessment runs whose region's date has come
    # (evaluation.services_job.assessment_runs_due; the date is AssessmentSchedule's month and day).
    "evaluation-assessment-runs-due": {
        "task": "evaluation.assessment_runs_due",
        "schedule": crontab(hour=1, minute=30),
    },
    # Assessment runs whose worker died: restarted or marked failed (services_job.assessment_runs_sweep).
    "evaluation-assessment-runs-sweep": {
        "task": "evaluation.assessment_runs_sweep",
        "schedule": float(os.environ.get("IMPORT_SWEEP_SECONDS", "60")),
    },
    # Every night at 02:45: each school's senior-title check (services_figures.title_ratio_figures_compute).
    "evaluation-title-ratio-figures-nightly": {
        "task": "evaluation.compute_title_ratio_figures",
        "schedule": crontab(hour=2, minute=45),
    },
}
