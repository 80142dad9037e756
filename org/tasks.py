from celery import shared_task

from org.models import Region


@shared_task(name="org.health_check")
def health_check() -> dict:
    """Answer with what the worker sees in the database: proves broker, worker and database connect."""
    return {"regions": Region.objects.count()}
