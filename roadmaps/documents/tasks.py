"""Documents in the background: a large export or report is built, a large or converted
upload is read, by a Celery task.

The job, the file and its name are ``documents.build``'s, the draft's reading
``documents.services``'; here they are only queued and run.
"""

from __future__ import annotations

import uuid

from celery import shared_task
from django.conf import settings
from django.db import transaction

from roadmaps.documents.build import Job, job_build, job_get, job_put, jobs_purge
from roadmaps.documents.services import draft_read, drafts_purge
from roadmaps.models import ImportDraft


def build_document_later(job: Job) -> str:
    """Keep the job under a fresh id and queue its build once the request's transaction
    commits; return the id, which is also the task's."""
    job_id = uuid.uuid4().hex
    job_put(job_id, job)
    transaction.on_commit(lambda: build_document.apply_async(args=[job_id], task_id=job_id))
    return job_id


# Named as Celery named it from this module before the name was written down: messages already
# queued under it still find it, wherever the function goes.
@shared_task(bind=True, name="roadmaps.documents.tasks.build_document")
def build_document(self, job_id: str) -> str | None:
    """Build a job's file into default storage, reporting progress as the task's state."""
    job = job_get(job_id)
    if job is None:
        return None  # expired before a worker got to it

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    return job_build(job_id=job_id, job=job, progress=progress)


def read_import_later(draft: ImportDraft) -> None:
    """Queue the reading of a stored upload once the request's transaction commits."""
    transaction.on_commit(lambda: read_import.delay(draft.pk))


# Past LibreOffice's own limit and a PDF's, so that the reader's own message reaches the user;
# at the soft limit the draft says the file took too long, the hard one frees the worker.
READ_SOFT_LIMIT = settings.SOFFICE_TIMEOUT + 180


@shared_task(
    name="roadmaps.documents.tasks.read_import",
    soft_time_limit=READ_SOFT_LIMIT,
    time_limit=READ_SOFT_LIMIT + 60,
)
def read_import(draft_id: int) -> None:
    """Read an uploaded roadmap file (a large one, or one that reads slowly) into its draft."""
    draft_read(draft_id=draft_id)


@shared_task(name="roadmaps.documents.tasks.purge_import_drafts")
def purge_import_drafts() -> int:
    """Forget drafts untouched for a week, with their stored files (see config/celery.py)."""
    return drafts_purge()


@shared_task(name="roadmaps.documents.tasks.purge_export_jobs")
def purge_export_jobs() -> int:
    """Forget export jobs past their day, with their files (see config/celery.py)."""
    return jobs_purge()
