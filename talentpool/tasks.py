"""Celery tasks of the talent pool: thin, idempotent wrappers over services."""

import datetime as dt

from celery import shared_task

from talentpool import services


@shared_task(name="talentpool.flag_pool_reviews")
def flag_pool_reviews(today: str | None = None) -> int:
    """Flag pool members whose 3-yearly review (seed 002) is due; running it twice flags nothing new."""
    return services.pool_reviews_flag(today=dt.date.fromisoformat(today) if today else None)
