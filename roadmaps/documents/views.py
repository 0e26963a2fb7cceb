"""Pages for documents: exports and reports (straight away when small, as a background
job when large), and the import of a Word or Excel roadmap with a preview."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from celery.backends.base import DisabledBackend
from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from roadmaps.deadlines import parse_deadline
from roadmaps.documents.build import Job, Kind, build, content_type, file_name, job_get, subject_of
from roadmaps.documents.formats import reads_slowly
from roadmaps.documents.forms import ImportHeaderForm, ImportUploadForm, ReportForm, RowFormSet
from roadmaps.documents.importer import executor_status
from roadmaps.documents.report import department_of, signer_of
from roadmaps.documents.services import (
    AlreadyConfirmed,
    ImportRefused,
    draft_confirm,
    draft_keep_for_worker,
    draft_read_now,
    draft_rows,
    draft_save,
    duplicates,
    row_values,
    schools_unknown,
)
from roadmaps.documents.tasks import build_document_later, read_import_later
from roadmaps.models import Activity, Executor, ImportDraft, Roadmap
from roadmaps.obligations import LIVE_EXECUTOR, Where, counts_on_page, school_part, where_for_year
from roadmaps.permissions import editable_owners, get_roadmap_for_user
from schools.audit import export_record
from schools.limits import int_param, page_number
from schools.models import Municipality, Organisation, academic_year_of
from schools.permissions import get_municipality_for_user, get_school_for_user
from schools.uploads import MB, ZIP_MAGIC, UnsafeFile, check_upload, open_zip

# Above this many rows a document is built by a Celery worker, with its progress shown.
SYNC_ROWS = 300


@login_required
@require_POST
def roadmap_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in (Kind.DOCX, Kind.DOCX_MARKS, Kind.XLSX):
        raise Http404
    roadmap = get_roadmap_for_user(request.user, pk)
    job = _job(request, kind, [roadmap.pk], title=roadmap.title, subject=subject_of(roadmap))
    return _deliver(request, job)


@login_required
@require_POST
def municipality_export(request: HttpRequest, pk: int) -> HttpResponse:
    municipality, roadmaps = _municipality_roadmaps(request, pk)
    job = _job(
        request, Kind.XLSX, roadmaps, title=f"Дорожные карты — {municipality}", subject=str(municipality)
    )
    return _deliver(request, job)


# Which roadmaps a report counts (``obligations.Where``): a roadmap's own report counts it
# whatever its status; a municipality's or a school's counts today's work, or for a date in a
# past academic year that year's history; never a draft. Why: ``documents.report``'s docstring.


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_report(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    return _report(
        request,
        [roadmap],
        f"{roadmap.title} ({roadmap.owner})",
        subject=subject_of(roadmap),
        signer=lambda: signer_of(roadmap.owner, roadmap.approved_by),
        back=roadmap.get_absolute_url(),
        where=lambda on: Where.OWN_PAGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def municipality_report(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk)
    roadmaps = Roadmap.objects.visible_to(request.user).filter(owner__municipality=municipality)

    def signer() -> tuple[str, str]:
        # The department's head, else whoever approved the department's latest roadmap.
        department = department_of(municipality)
        approved = roadmaps.filter(owner=department).exclude(approved_by="").order_by("-period_start")
        return signer_of(department, approved.values_list("approved_by", flat=True).first() or "")

    return _report(
        request,
        roadmaps.order_by("-period_start", "title"),
        f"Дорожные карты: {municipality}",
        subject=str(municipality),
        signer=signer,
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_report(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_for_user(request.user, pk)
    # The roadmaps where the school has its own part, as its dashboard and card count it.
    part = Executor.objects.filter(LIVE_EXECUTOR, school_part([school.pk])).values("activity__roadmap")
    roadmaps = Roadmap.objects.visible_to(request.user).filter(pk__in=part).order_by("-period_start", "title")
    if request.method == "GET" and not roadmaps.exists():
        messages.info(request, f"{school} не названа исполнителем ни в одной дорожной карте.")
    return _report(
        request,
        roadmaps,
        f"Школа: {school.name}",
        subject=str(school),
        signer=lambda: signer_of(school),
        school=school,
    )


def _where_on(on: date) -> Where:
    return where_for_year(academic_year_of(on), academic_year_of(timezone.localdate()))


def _report(
    request: HttpRequest,
    roadmaps: Iterable[Roadmap],
    scope: str,
    *,
    subject: str,
    signer: Callable[[], tuple[str, str]],
    school=None,
    back: str = "",
    where: Callable[[date], Where] = _where_on,
) -> HttpResponse:
    """The report's form, and the report once posted. ``signer``: who signs by default
    (position, name), asked only for the empty form."""
    if request.method == "POST":
        form = ReportForm(request.POST)
    else:
        position, name = signer()
        form = ReportForm(
            initial={
                "signer_position": position,
                "signer_name": name,
                "compiler": request.user.get_full_name(),
            }
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        on = data["on"]
        counted = [roadmap.pk for roadmap in roadmaps if counts_on_page(roadmap, where(on))]
        if counted:
            job = _job(
                request,
                Kind.REPORT,
                counted,
                title=scope,
                subject=subject,
                on=on,
                school=school.pk if school else None,
                compiler=data["compiler"],
                phone=data["phone"],
                signer_position=data["signer_position"],
                signer_name=data["signer_name"],
            )
            return _deliver(request, job)
        messages.info(
            request,
            f"На {on:%d.%m.%Y} в отчёт не входит ни одна дорожная карта"
            + (f" с мероприятиями школы {school}" if school else "")
            + ": черновик входит только в отчёт по своей дорожной карте, архивная — в отчёты"
            " за прошедшие учебные годы.",
        )
    return render(
        request, "roadmaps/documents/report_form.html", {"form": form, "scope": scope, "back": back}
    )


def _municipality_roadmaps(request: HttpRequest, pk: int) -> tuple[Municipality, list[int]]:
    """Every roadmap of the municipality the user sees (its XLSX export), for whoever sees the
    municipality as its dashboard does: a municipality without roadmaps gives an empty summary."""
    municipality = get_municipality_for_user(request.user, pk)
    roadmaps = list(
        Roadmap.objects.visible_to(request.user)
        .filter(owner__municipality=municipality)
        .order_by("-period_start", "title")
        .values_list("pk", flat=True)
    )
    return municipality, roadmaps


def _job(
    request: HttpRequest,
    kind: str,
    roadmaps: list[int],
    *,
    title: str,
    subject: str = "",
    on: date | None = None,
    school=None,
    **signature: str,
) -> Job:
    """``signature``: a report's compiler, phone, signer_position and signer_name."""
    return Job(
        user=request.user.pk,
        kind=Kind(kind).value,
        roadmaps=roadmaps,
        school=school,
        on=(on or timezone.localdate()).isoformat(),
        title=title,
        subject=subject or title,
        **signature,
        path=None,
        error=None,
    )


def _deliver(request: HttpRequest, job: Job) -> HttpResponse:
    """The file itself when it is quick to build, else a background job and its page."""
    rows = Activity.objects.filter(roadmap__in=job["roadmaps"]).count()
    if rows <= SYNC_ROWS:
        content = build(job)
        _export_record(request, job)
        return FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=file_name(job),
            content_type=content_type(job["kind"]),
        )
    return redirect("documents:job", job_id=build_document_later(job))


def _export_record(request: HttpRequest, job: Job) -> None:
    """The access log's record of a file handed over: built here, or a job's file downloaded
    (asking for a job hands over nothing yet). Its object is the school of a school's report,
    else the roadmap when there is one; the file's name says what it is and about whom."""
    roadmaps = job["roadmaps"]
    # The record needs only the object's model and key: the getters have already checked it.
    if job.get("school"):
        obj = Organisation(pk=job["school"])
    elif len(roadmaps) == 1:
        obj = Roadmap(pk=roadmaps[0])
    else:
        obj = None
    numbers = ", ".join(str(pk) for pk in roadmaps)
    export_record(request, obj=obj, detail=f"«{file_name(job)}»; дорожные карты № {numbers or '—'}")


def _job_for_user(request: HttpRequest, job_id: str) -> Job:
    """The job of the user who asked for it, while they may still see everything in it; 404
    for anyone else, a superuser too. The file carries what its requester reads
    (``build.readers_part``): another user's job, even for a roadmap both see, may hold other
    schools' details."""
    job = job_get(job_id)
    if job is None or job["user"] != request.user.pk:
        raise Http404
    for pk in job["roadmaps"]:
        get_roadmap_for_user(request.user, pk)
    if job.get("school"):
        get_school_for_user(request.user, job["school"])
    return job


@login_required
def job(request: HttpRequest, job_id: str) -> HttpResponse:
    found = _job_for_user(request, job_id)
    done, total, state = 0, 1, "PENDING"
    if not found.get("path") and not found.get("error"):
        result = AsyncResult(job_id)
        # Without a result backend (tasks in-process) the job's own record is all there is.
        if not isinstance(result.backend, DisabledBackend):
            state = result.state
            if state == "PROGRESS" and isinstance(result.info, dict):
                done, total = result.info.get("done", 0), max(result.info.get("total", 1), 1)
            elif state == "FAILURE":
                found["error"] = "Не удалось сформировать файл."
    context = {
        "job": found,
        "job_id": job_id,
        "filename": file_name(found),
        "percent": 100 if found.get("path") else int(100 * done / total),
        "state": state,
    }
    template = "roadmaps/documents/job.html#status" if request.htmx else "roadmaps/documents/job.html"
    return render(request, template, context)


@login_required
def job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    found = _job_for_user(request, job_id)
    if not found.get("path"):
        return redirect("documents:job", job_id=job_id)
    try:
        handle = default_storage.open(found["path"], "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    _export_record(request, found)
    return FileResponse(
        handle, as_attachment=True, filename=file_name(found), content_type=content_type(found["kind"])
    )


# --- Import -------------------------------------------------------------------------

# A file above this size, or one that reads slowly (a conversion, a PDF), is read by a Celery worker.
READ_AT_ONCE = MB
# Rows of the preview on one page: one page's forms stay far under Django's limit of fields.
PAGE_ROWS = 50


def _import_owners(user):
    owners = editable_owners(user).filter(municipality__isnull=False).order_by("name")
    if not owners.exists():
        raise PermissionDenied(
            "Загружать дорожные карты могут сотрудники управления образования и директора школ."
        )
    return owners


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    owners = _import_owners(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        upload, owner = form.cleaned_data["file"], form.cleaned_data["owner"]
        content = upload.read()
        keep = {"user": request.user, "owner": owner, "file_name": upload.name, "content": content}
        try:
            if _is_large(content):
                # Not even checked here: the check parses every part, which takes seconds too.
                draft = draft_keep_for_worker(**keep)
            elif reads_slowly(kind := check_upload(content)):
                draft = draft_keep_for_worker(**keep)
            else:
                draft = draft_read_now(**keep, kind=kind)
        except UnsafeFile as exc:
            form.add_error("file", str(exc))
        else:
            if draft.state == ImportDraft.State.READING:
                read_import_later(draft)
            return redirect("documents:import_preview", token=draft.token)
    return render(request, "roadmaps/documents/import_upload.html", {"form": form})


def _is_large(content: bytes) -> bool:
    """Whether reading the file takes seconds. The time follows the XML inside a ZIP, not the
    file: 5,000 rows of Word are 80 KB of file, 4 MB unpacked and 11 s to read. The sizes come
    from the ZIP's directory; nothing is unpacked."""
    if len(content) > READ_AT_ONCE:
        return True
    if not content.startswith(ZIP_MAGIC):
        return False
    with open_zip(content) as archive:
        return sum(entry.file_size for entry in archive.infolist()) > READ_AT_ONCE


def _draft_for_user(request: HttpRequest, token) -> ImportDraft:
    """The user's own draft (another user's, even a superuser's, is 404 like a stale token),
    while the user may still import for its owner."""
    draft = get_object_or_404(
        ImportDraft.objects.select_related("owner", "roadmap"), token=token, user=request.user
    )
    if not _import_owners(request.user).filter(pk=draft.owner_id).exists():
        raise Http404
    return draft


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token) -> HttpResponse:
    draft = _draft_for_user(request, token)
    if draft.state == ImportDraft.State.CONFIRMED:
        return _already_confirmed(request, AlreadyConfirmed(draft.roadmap))
    if request.htmx and draft.state != ImportDraft.State.READING:
        return HttpResponse(headers={"HX-Refresh": "true"})  # read: the polling ends in the whole page
    if draft.state != ImportDraft.State.READY:
        template = "roadmaps/documents/import_preview.html"
        return render(request, template + ("#reading" if request.htmx else ""), {"draft": draft})
    rows = draft_rows(draft.data)
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = _page_number(request.POST.get("page") or request.GET.get("page"), pages)
    start = (page - 1) * PAGE_ROWS
    shown = rows[start : start + PAGE_ROWS]
    data = draft.data
    header = ImportHeaderForm(
        request.POST or None,
        initial={
            "title": data["title"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
        },
    )
    formset = RowFormSet(request.POST or None, initial=[row_values(kind, row) for kind, row, _ in shown])
    if request.method == "POST":
        if formset.total_form_count() != len(shown):
            raise SuspiciousOperation("The posted rows are not the page's rows.")
        if header.is_valid() and formset.is_valid():
            return _import_save(request, draft, header.cleaned_data, formset, start=start, page=page)
    context = {
        "draft": draft,
        "owner": draft.owner,
        "header": header,
        "formset": formset,
        "rows": _preview_rows(data, shown, formset),
        "summary": draft.summary,
        "approval": data.get("approval", {}),
        "data": data,
        "duplicates": list(duplicates(data, draft.owner)[:5]),
        "schools_unknown": schools_unknown(data, draft.owner),
        "owner_is_school": draft.owner.kind == Organisation.Kind.SCHOOL,
        "page": page,
        "pages": _page_links(page, pages),
        "first_row": start + 1,
        "last_row": start + len(shown),
        "total_rows": len(rows),
    }
    return render(request, "roadmaps/documents/import_preview.html", context)


def _import_save(
    request: HttpRequest, draft, header: dict, formset, *, start: int, page: int
) -> HttpResponse:
    """Save the posted page into the draft; then confirm, or go to the page asked for."""
    rows = {start + i: form.cleaned_data for i, form in enumerate(formset.forms)}
    try:
        draft = draft_save(draft=draft, header=header, rows=rows)
        if request.POST.get("action") == "confirm":
            roadmap = draft_confirm(draft=draft, another_one=bool(request.POST.get("another_one")))
            messages.success(
                request,
                f"Дорожная карта загружена как черновик: {draft.summary['activities']} мероприятий.",
            )
            return redirect(roadmap.get_absolute_url())
    except AlreadyConfirmed as exc:
        return _already_confirmed(request, exc)
    except ImportRefused as exc:
        messages.error(request, str(exc))
    goto = int_param(request.POST.get("goto"), default=page)
    return redirect(reverse("documents:import_preview", args=[draft.token]) + f"?page={goto}")


def _already_confirmed(request: HttpRequest, exc: AlreadyConfirmed) -> HttpResponse:
    messages.info(request, str(exc))
    return redirect(exc.roadmap.get_absolute_url() if exc.roadmap else "roadmaps:roadmap_list")


def _page_number(value: str | None, pages: int) -> int:
    return min(page_number(value), pages)


def _page_links(page: int, pages: int) -> list[int | None]:
    """Page numbers to link: the first and last, and two either side of this one; None for a gap."""
    near = {1, pages, *range(page - 2, page + 3)}
    links: list[int | None] = []
    for number in sorted(n for n in near if 1 <= n <= pages):
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def _text_rows(text: str, *, width: int, least: int = 2, most: int = 12) -> int:
    """A textarea's height for its text: long texts are read whole, without scrolling."""
    lines = sum(1 + len(line) // width for line in (text or "").split("\n"))
    return min(max(lines, least), most)


def _preview_rows(data: dict[str, Any], rows, formset) -> list[dict[str, Any]]:
    start, end = date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
    preview = []
    for form, (kind, row, depth) in zip(formset.forms, rows, strict=True):
        item = {"kind": kind, "form": form, "depth": depth, "row": row}
        if kind == "section":
            item["content_rows"] = _text_rows(row["title"], width=110, least=1)
        else:
            parsed = parse_deadline(row["deadline"], start, end)
            item["windows"] = parsed.windows
            item["needs_date"] = parsed.needs_date and not row["children"]
            item["executors"] = executor_status(row["responsible"])
            item["content_rows"] = _text_rows(row["content"], width=70)
            item["side_rows"] = _text_rows(max(row["deadline"], row["responsible"], key=len), width=28)
        preview.append(item)
    return preview
