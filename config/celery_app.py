"""The Celery application: settings from Django (CELERY_*), tasks and beat entries per app."""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each app may declare its periodic jobs as BEAT_SCHEDULE in <app>/schedule.py (a plain dict,
# no Django imports); beat runs them, nothing runs a scheduler in-process.
_schedule = {}
for _app_name in ("org", "talentpool", "rotation", "alliances", "evaluation"):
    try:
        _module = importlib.import_module(f"{_app_name}.schedule")
    except ModuleNotFoundError:
        continue
    _schedule.update(getattr(_module, "BEAT_SCHEDULE", {}))
app.conf.beat_schedule = _schedule
