"""Building a document in the background: a large export or report runs as a Celery task.

A job is a dict in the Django cache under the task id: who asked, which roadmaps (so
that the download is checked against what the requester may see), and, once built,
where the file lies in default storage. Progress is the task's own state
(``PROGRESS`` with done/total) in the result backend.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from celery import shared_task
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.report import build_report, export_report
from roadmaps.documents.rows import fetch_roadmaps
from schools.models import Organisation

JOB_TIMEOUT = 24 * 60 * 60
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Kind:
    DOCX = "docx"  # the approval print: completion column blank
    DOCX_MARKS = "docx-marks"
    XLSX = "xlsx"
    REPORT = "report"

    ALL = (DOCX, DOCX_MARKS, XLSX, REPORT)


def job_key(job_id: str) -> str:
    return f"documents:job:{job_id}"


def extension(kind: str) -> str:
    return "xlsx" if kind == Kind.XLSX else "docx"


def content_type(kind: str) -> str:
    return XLSX if kind == Kind.XLSX else DOCX


def build(job: dict[str, Any], progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
    """The file a job asks for. Exports of several roadmaps report progress per roadmap."""
    ids = job["roadmaps"]
    total = len(ids) + 1
    roadmaps = []
    # Fetched in batches so that progress moves and memory stays flat for a municipality.
    for start in range(0, len(ids), 10):
        roadmaps += fetch_roadmaps(ids[start : start + 10])
        progress(min(start + 10, len(ids)), total)
    roadmaps.sort(key=lambda r: ids.index(r.pk))
    on = date.fromisoformat(job["on"])
    if job["kind"] == Kind.XLSX:
        content = export_xlsx(roadmaps, on=on)
    elif job["kind"] == Kind.REPORT:
        school = Organisation.objects.get(pk=job["school"]) if job.get("school") else None
        content = export_report(build_report(roadmaps=roadmaps, on=on, title=job["title"], school=school))
    else:
        content = export_docx(roadmaps[0], with_marks=job["kind"] == Kind.DOCX_MARKS)
    progress(total, total)
    return content


@shared_task(bind=True)
def build_document(self, job_id: str) -> str | None:
    """Build a job's file into default storage under ``exports/<random>``; the job keeps the path."""
    job = cache.get(job_key(job_id))
    if job is None:
        return None  # expired before a worker got to it

    def progress(done: int, total: int) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    try:
        content = build(job, progress)
    except Exception:
        cache.set(job_key(job_id), {**job, "error": "Не удалось сформировать файл."}, JOB_TIMEOUT)
        raise
    path = default_storage.save(
        f"exports/{secrets.token_hex(16)}.{extension(job['kind'])}", ContentFile(content)
    )
    cache.set(job_key(job_id), {**job, "path": path}, JOB_TIMEOUT)
    return path
