"""The files a user can ask for, the job that asks for one, and building it.

A small file is built in the request (``documents.views``); a large one by a Celery worker
(``documents.tasks``). Meanwhile the job is kept in the database under its id
(``models.ExportJob``, so that every web worker sees it, with or without Redis): who asked,
which roadmaps (so that the download is checked against what the requester may see), and,
once built, where the file lies in default storage. Progress is the task's own state
(``PROGRESS`` with done/total) in the result backend. A job and its file are forgotten after
``JOB_LIFETIME`` (``jobs_purge``, nightly).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from roadmaps.documents.cells import Reads
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.report import Signature, build_report, export_report
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Executor, ExportJob, Roadmap
from roadmaps.permissions import parts_read
from schools.models import Organisation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Kind(StrEnum):
    DOCX = "docx"  # the approval print: completion column blank
    DOCX_MARKS = "docx-marks"
    XLSX = "xlsx"
    REPORT = "report"


class Job(TypedDict, total=False):
    """A file asked for. Plain data: it waits in the database (``ExportJob``) for a worker.

    Keys added since the first deploy are read with ``.get``: a job queued before a deploy
    still builds (with blanks where it has no value).
    """

    user: int  # who asked
    kind: str  # a Kind
    roadmaps: list[int]  # in the file's order; the download is checked against each
    school: int | None  # a school's report counts only the school's own part
    on: str  # ISO date the file reports on
    title: str  # what the report is about, under its heading
    subject: str  # the file name's middle: «<title shortened> — <owner>», a municipality, a school
    # A report's signature block (``report.Signature``).
    compiler: str
    phone: str
    signer_position: str
    signer_name: str
    path: str | None  # in default storage, once built
    error: str | None  # for the user, in Russian, when the build failed


def job_get(job_id: str) -> Job | None:
    """The job, or None when it has expired (or never was)."""
    found = ExportJob.objects.live().filter(job_id=job_id).first()
    if found is None:
        return None
    return Job(**found.data, path=found.path or None, error=found.error or None)


def job_put(job_id: str, job: Job) -> None:
    """Keep the job, or its new state (built, failed): its expiry stays the first one's."""
    data = {key: value for key, value in job.items() if key not in ("path", "error")}
    ExportJob.objects.update_or_create(
        job_id=job_id,
        defaults={
            "user_id": job["user"],
            "data": data,
            "path": job.get("path") or "",
            "error": job.get("error") or "",
        },
    )


def jobs_purge(*, now=None) -> int:
    """Forget expired jobs, and delete their files once that is committed; return how many."""
    with transaction.atomic():
        expired = ExportJob.objects.expired(now=now)
        paths = list(expired.exclude(path="").values_list("path", flat=True))
        deleted, _ = expired.delete()

        def delete_files() -> None:
            for path in paths:
                default_storage.delete(path)

        transaction.on_commit(delete_files)
    return deleted


def extension(kind: str) -> str:
    return "xlsx" if kind == Kind.XLSX else "docx"


def content_type(kind: str) -> str:
    return XLSX if kind == Kind.XLSX else DOCX


# What no file system of the users' takes in a name (Windows is the strictest), and controls.
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
SUBJECT_LENGTH = 90
TITLE_LENGTH = 60
# Bytes of a name before its extension: file systems take 255 bytes, Cyrillic takes two each.
NAME_BYTES = 240


def shortened(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word and ending «…» when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,.;:—-") + "…"


def subject_of(roadmap: Roadmap) -> str:
    """A roadmap in a file name: its title shortened, and whose it is."""
    return f"{shortened(roadmap.title, TITLE_LENGTH)} — {roadmap.owner}"


def file_name(job: Job) -> str:
    """The name the download is saved under: what the file is, which roadmap (or municipality,
    or school), and its date — «Дорожная карта — <title> — <owner> — 2026-12-02.docx»,
    «Отчёт о выполнении — … — на 01.12.2026.docx». Cyrillic is kept (the response's
    ``filename*`` carries it); what a file system refuses becomes a space; the subject is
    shortened until the name fits in ``NAME_BYTES`` of UTF-8."""
    on = date.fromisoformat(job["on"])
    kind = job["kind"]
    if kind == Kind.REPORT:
        what, when = "Отчёт о выполнении", f"на {on:%d.%m.%Y}"
    else:
        several = len(job["roadmaps"]) > 1
        what = "Дорожные карты" if several else "Дорожная карта"
        if kind == Kind.DOCX_MARKS:
            what += " с отметками"
        when = on.isoformat()
    subject = _safe(job.get("subject") or job["title"])
    after = ""
    if kind != Kind.REPORT and subject.casefold().startswith("дорожн"):
        # The title already says what it is: not «Дорожная карта — Дорожная карта по …».
        what, after = "", what.removeprefix("Дорожная карта").removeprefix("Дорожные карты").strip()
    limit = SUBJECT_LENGTH
    while True:
        stem = " — ".join(part for part in (what, shortened(subject, limit), after, when) if part)
        if len(stem.encode()) <= NAME_BYTES or limit <= 10:
            return f"{stem.rstrip(' .')}.{extension(kind)}"
        limit -= 10


def _safe(text: str) -> str:
    return " ".join(UNSAFE.sub(" ", text).split())


def signature_of(job: Job) -> Signature:
    return Signature(
        compiler=job.get("compiler", ""),
        phone=job.get("phone", ""),
        position=job.get("signer_position", ""),
        signer=job.get("signer_name", ""),
    )


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
    reads = readers_part(job["user"], roadmaps)
    if job["kind"] == Kind.XLSX:
        content = export_xlsx(roadmaps, on=on, reads=reads)
    elif job["kind"] == Kind.REPORT:
        school = Organisation.objects.get(pk=job["school"]) if job.get("school") else None
        report = build_report(
            roadmaps=roadmaps,
            on=on,
            title=job["title"],
            school=school,
            signature=signature_of(job),
            reads=reads,
        )
        content = export_report(report)
    else:
        content = export_docx(roadmaps[0], with_marks=job["kind"] == Kind.DOCX_MARKS, reads=reads)
    progress(total, total)
    return content


def readers_part(user_id: int, roadmaps: list[Roadmap]) -> Reads:
    """Whose mark details the file carries: those the requester reads on the page
    (``permissions.parts_read``); None when they read every part of every roadmap."""
    user = get_user_model().objects.get(pk=user_id)
    parts = {roadmap.pk: parts_read(user, roadmap) for roadmap in roadmaps}
    if all(p.everything for p in parts.values()):
        return None

    def reads(executor: Executor) -> bool:
        # The documents' prefetch keeps each executor's activity (``rows.fetch_roadmaps``).
        return parts[executor.activity.roadmap_id].reads(executor)

    return reads


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
