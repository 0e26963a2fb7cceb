"""The files a user can ask for, the job that asks for one, and building it.

A small file is built in the request (``documents.views``); a large one by a Celery worker
(``documents.tasks``). Meanwhile the job is kept in the Django cache under its id: who asked,
which roadmaps (so that the download is checked against what the requester may see), and,
once built, where the file lies in default storage. Progress is the task's own state
(``PROGRESS`` with done/total) in the result backend.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TypedDict

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


class Kind(StrEnum):
    DOCX = "docx"  # the approval print: completion column blank
    DOCX_MARKS = "docx-marks"
    XLSX = "xlsx"
    REPORT = "report"


class Job(TypedDict):
    """A file asked for. Plain data: it waits in the cache, pickled, for a worker."""

    user: int  # who asked
    kind: str  # a Kind
    roadmaps: list[int]  # in the file's order; the download is checked against each
    school: int | None  # a school's report counts only the school's own part
    on: str  # ISO date the file reports on
    title: str
    path: str | None  # in default storage, once built
    error: str | None  # for the user, in Russian, when the build failed


def job_key(job_id: str) -> str:
    return f"documents:job:{job_id}"


def job_get(job_id: str) -> Job | None:
    """The job, or None when it has expired (or never was)."""
    return cache.get(job_key(job_id))


def job_put(job_id: str, job: Job) -> None:
    cache.set(job_key(job_id), job, JOB_TIMEOUT)


def extension(kind: str) -> str:
    return "xlsx" if kind == Kind.XLSX else "docx"


def content_type(kind: str) -> str:
    return XLSX if kind == Kind.XLSX else DOCX


def file_name(job: Job) -> str:
    """The name the download is saved under: the title (a report's says what it is), the
    date for files that report on one, and nothing a file system would refuse."""
    on = date.fromisoformat(job["on"])
    prefix = "Отчёт о выполнении" if job["kind"] == Kind.REPORT else job["title"]
    name = f"{prefix} на {on:%d.%m.%Y}" if job["kind"] in (Kind.REPORT, Kind.XLSX) else prefix
    cleaned = "".join(ch if ch.isalnum() or ch in " .,-№()" else " " for ch in name)
    return f"{' '.join(cleaned.split())[:120]}.{extension(job['kind'])}"


def build(job: Job, progress: Callable[[int, int], None] = lambda done, total: None) -> bytes:
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


def job_build(*, job_id: str, job: Job, progress: Callable[[int, int], None]) -> str:
    """Build a job's file into default storage under ``exports/<random>``; the job keeps the
    path, or the error when the build fails (and the exception goes on to the worker)."""
    try:
        content = build(job, progress)
    except Exception:
        job_put(job_id, {**job, "error": "Не удалось сформировать файл."})
        raise
    path = default_storage.save(
        f"exports/{secrets.token_hex(16)}.{extension(job['kind'])}", ContentFile(content)
    )
    job_put(job_id, {**job, "path": path})
    return path
