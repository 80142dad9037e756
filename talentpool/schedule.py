"""Periodic jobs of the talent pool (picked up by config/celery_app.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "talentpool-flag-pool-reviews": {
        "task": "talentpool.flag_pool_reviews",
        "schedule": crontab(hour=2, minute=30),
    },
}
