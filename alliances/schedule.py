"""Periodic jobs of alliances (picked up by config/celery_app.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "alliances-compliance-nightly": {
        "task": "alliances.tasks.compute_compliance",
        "schedule": crontab(hour=2, minute=30),
    },
}
