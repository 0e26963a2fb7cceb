"""The roadmaps' nightly work outside the documents slice: orphan evidence files."""

from __future__ import annotations

from celery import shared_task

from roadmaps.services.files import evidence_orphans_purge


@shared_task(name="roadmaps.tasks.purge_evidence_orphans")
def purge_evidence_orphans() -> int:
    """Delete evidence files no evidence row points at, older than a day (see config/celery.py)."""
    return evidence_orphans_purge()
