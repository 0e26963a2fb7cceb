"""Pages for documents: exports and reports (straight away when small, as a background
job when large), and the import of a Word or Excel roadmap with a preview."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from celery.backends.base import DisabledBackend
from celery.result import AsyncResult
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from roadmaps.deadlines import parse_deadline
from roadmaps.documents.build import Job, Kind, build, content_type, file_name, job_get, subject_of
from roadmaps.documents.forms import ImportHeaderForm, ImportUploadForm, ReportForm, RowFormSet
from roadmaps.documents.importer import executor_status, import_roadmap, summary
from roadmaps.documents.report import department_of, signer_of
from roadmaps.documents.services import ImportRefused, roadmap_import
from roadmaps.documents.tasks import build_document_later
from roadmaps.models import Activity, Executor, Roadmap
from roadmaps.obligations import LIVE_EXECUTOR, Where, counts_on_page, school_part, where_for_year
from roadmaps.permissions import editable_owners, get_roadmap_for_user
from roadmaps.uploads import UnsafeFile
from schools.models import Municipality, academic_year_of
from schools.permissions import get_municipality_for_user, get_school_for_user

# Above this many rows a document is built by a Celery worker, with its progress shown.
SYNC_ROWS = 300
IMPORT_TIMEOUT = 2 * 60 * 60


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
        return FileResponse(
            io.BytesIO(build(job)),
            as_attachment=True,
            filename=file_name(job),
            content_type=content_type(job["kind"]),
        )
    return redirect("documents:job", job_id=build_document_later(job))


def _job_for_user(request: HttpRequest, job_id: str) -> Job:
    """The job, if the user may still see everything in it (404 otherwise)."""
    job = job_get(job_id)
    if job is None:
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
    return FileResponse(
        handle, as_attachment=True, filename=file_name(found), content_type=content_type(found["kind"])
    )


# --- Import -------------------------------------------------------------------------


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
        upload = form.cleaned_data["file"]
        try:
            data = import_roadmap(upload.read(), filename=upload.name)
        except UnsafeFile as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            stored = {"user": request.user.pk, "owner": form.cleaned_data["owner"].pk, "data": data}
            cache.set(_import_key(token), stored, IMPORT_TIMEOUT)
            return redirect("documents:import_preview", token=token)
    return render(request, "roadmaps/documents/import_upload.html", {"form": form})


def _import_key(token: str) -> str:
    return f"documents:import:{token}"


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    stored = cache.get(_import_key(token))
    if stored is None or stored["user"] != request.user.pk:
        raise Http404
    owner = get_object_or_404(_import_owners(request.user), pk=stored["owner"])
    data = stored["data"]
    rows = _flatten(data)
    header = ImportHeaderForm(
        request.POST or None,
        initial={
            "title": data["title"],
            "period_start": data["period_start"],
            "period_end": data["period_end"],
        },
    )
    formset = RowFormSet(request.POST or None, initial=[_row_initial(kind, row) for kind, row, _ in rows])
    if request.method == "POST" and header.is_valid() and formset.is_valid():
        data = _apply(data, header.cleaned_data, formset, rows)
        if request.POST.get("action") == "confirm":
            try:
                roadmap = roadmap_import(data=data, owner=owner)
            except ImportRefused as exc:
                messages.error(request, str(exc))
            else:
                cache.delete(_import_key(token))
                messages.success(
                    request,
                    f"Дорожная карта загружена как черновик: {summary(data)['activities']} мероприятий.",
                )
                return redirect(roadmap.get_absolute_url())
        cache.set(_import_key(token), {**stored, "data": data}, IMPORT_TIMEOUT)
        return redirect("documents:import_preview", token=token)
    context = {
        "owner": owner,
        "header": header,
        "formset": formset,
        "rows": _preview_rows(data, rows, formset),
        "summary": summary(data),
        "approval": data.get("approval", {}),
        "data": data,
    }
    return render(request, "roadmaps/documents/import_preview.html", context)


def _flatten(data: dict[str, Any]) -> list[tuple[str, dict[str, Any], int]]:
    """Sections and rows in document order: (kind, the dict itself, depth)."""
    out: list[tuple[str, dict[str, Any], int]] = []

    def rows(activities, depth):
        for row in activities:
            out.append(("activity", row, depth))
            out.extend(("child", child, depth + 1) for child in row["children"])

    def sections(items, depth):
        for section in items:
            out.append(("section", section, depth))
            rows(section["activities"], depth)
            sections(section["subsections"], depth + 1)

    rows(data.get("activities", []), 0)
    sections(data.get("sections", []), 0)
    return out


def _row_initial(kind: str, row: dict[str, Any]) -> dict[str, str]:
    if kind == "section":
        return {"number": row["number"], "content": row["title"]}
    return {k: row[k] for k in ("number", "content", "deadline", "responsible")}


def _apply(data: dict[str, Any], header: dict[str, Any], formset, rows) -> dict[str, Any]:
    """Write the user's corrections into the structure (the same dicts the flat list holds)."""
    data["title"] = header["title"]
    data["period_start"] = header["period_start"].isoformat()
    data["period_end"] = header["period_end"].isoformat()
    deleted = []
    for form, (kind, row, _) in zip(formset.forms, rows, strict=True):
        values = form.cleaned_data
        if kind == "section":
            row["number"], row["title"] = values["number"], values["content"]
            continue
        if values.get("DELETE"):
            deleted.append(row)
            continue
        for name in ("number", "content", "deadline", "responsible"):
            row[name] = values[name]
    for _kind, row, _ in rows:
        for key in ("activities", "children"):
            if key in row:
                row[key] = [r for r in row[key] if not any(r is d for d in deleted)]
    data["activities"] = [r for r in data.get("activities", []) if not any(r is d for d in deleted)]
    return data


def _preview_rows(data: dict[str, Any], rows, formset) -> list[dict[str, Any]]:
    start, end = date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
    preview = []
    for form, (kind, row, depth) in zip(formset.forms, rows, strict=True):
        item = {"kind": kind, "form": form, "depth": depth, "row": row}
        if kind != "section":
            parsed = parse_deadline(row["deadline"], start, end)
            item["windows"] = parsed.windows
            item["needs_date"] = parsed.needs_date and not row["children"]
            item["executors"] = executor_status(row["responsible"])
        preview.append(item)
    return preview
