"""Periodic jobs of org (picked up by config/celery_app.py)."""

import os

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Import jobs whose worker died: restarted or marked failed (org.services.jobs.import_jobs_sweep).
    "org-import-jobs-sweep": {
        "task": "org.import_jobs_sweep",
        "schedule": float(os.environ.get("IMPORT_SWEEP_SECONDS", "60")),
    },
    # Export jobs whose worker died, and export files older than EXPORT_KEEP_HOURS (org.services.exports).
    "org-export-jobs-sweep": {
        "task": "org.export_jobs_sweep",
        "schedule": float(os.environ.get("IMPORT_SWEEP_SECONDS", "60")),
    },
    # The home page's active staff per school (org.services.figures): counting 500,000 staff per visit is too slow.
    "org-staff-figures": {
        "task": "org.compute_staff_figures",
        "schedule": crontab(minute="*/30"),
    },
}
