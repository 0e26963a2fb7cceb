"""The results slice's nightly work: forgetting import previews nobody confirmed."""

from __future__ import annotations

from celery import shared_task

from monitoring.results.previews import previews_purge


@shared_task(name="monitoring.results.tasks.purge_results_import_previews")
def purge_results_import_previews() -> int:
    """Forget expired results import previews (see config/celery.py)."""
    return previews_purge()
