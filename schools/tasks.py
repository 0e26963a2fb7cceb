from __future__ import annotations

from celery import shared_task

from schools.audit import access_events_purge


@shared_task(name="schools.tasks.purge_access_events")
def purge_access_events() -> int:
    return access_events_purge()
