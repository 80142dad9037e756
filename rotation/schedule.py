"""Periodic jobs of rotation (picked up by config/celery_app.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "rotation-progress-daily": {
        "task": "rotation.tasks.compute_all_progress",
        "schedule": crontab(hour=6, minute=0),
    },
    "rotation-eligibility-figures-nightly": {
        "task": "rotation.tasks.refresh_eligibility_figures",
        "schedule": crontab(hour=2, minute=30),
    },
}
