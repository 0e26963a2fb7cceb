"""Building a document in the background: a large export or report runs as a Celery task.

The job, the file and its name are ``documents.build``'s; here a job is only queued and run.
"""

from __future__ import annotations

import uuid

from celery import shared_task
from django.db import transaction

from roadmaps.documents.build import Job, job_build, job_get, job_put


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
