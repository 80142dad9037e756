"""Periodic jobs of alliances (picked up by config/celery_app.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "alliances-compliance-nightly": {
        "task": "alliances.tasks.compute_compliance",
        "schedule": crontab(hour=2, minute=30),
    },
    # The home page's coverage by region and stage (alliances.services.coverage): every school of a province per
    # visit is too slow; memberships change rarely, the date daily.
    "alliances-coverage-figures": {
        "task": "alliances.tasks.compute_coverage_figures",
        "schedule": crontab(minute="*/10"),
    },
}
