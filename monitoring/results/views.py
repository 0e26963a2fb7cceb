"""School results: ВПР, ОГЭ, ЕГЭ and olympiads per school and year, against the municipal average;
the municipality's schools side by side; the XLSX import with a preview."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from monitoring.models import ExamResult, OlympiadResult
from monitoring.permissions import (
    can_edit_municipality_data,
    can_edit_school_data,
    get_exam_result_for_user,
    get_olympiad_result_for_user,
    get_school_data_for_user,
)
from monitoring.results.exam_import import (
    exam_results_import,
    import_rows_load,
    read_results_workbook,
    results_import_rows,
)
from monitoring.results.forms import ExamResultForm, OlympiadResultForm, ResultsUploadForm
from monitoring.results.importer import ImportRefused, import_rows_dump
from monitoring.results.olympiad_import import (
    olympiad_import_rows,
    olympiad_results_import,
    olympiad_rows_load,
    read_olympiad_workbook,
)
from monitoring.results.previews import GONE, preview_forget, preview_get, preview_put
from monitoring.results.queries import (
    METRICS,
    build_series,
    chart_data,
    municipality_average,
    municipality_filters,
    municipality_school_results,
    school_exam_results,
    school_olympiads,
    school_series,
)
from monitoring.results.services import (
    SUBJECTS,
    exam_result_delete,
    exam_result_save,
    olympiad_result_delete,
    olympiad_result_save,
)
from monitoring.results.template import olympiad_template, results_template
from schools.limits import int_param
from schools.permissions import can_see_municipality, get_municipality_for_user
from schools.uploads import UnsafeFile

SERIES_PER_PAGE = 12
SCHOOLS_PER_PAGE = 25
PREVIEW_PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def chartjs_path() -> str | None:
    """The vendored Chart.js, if the portal has it: no chart is drawn without it."""
    found = sorted(Path(settings.BASE_DIR, "static", "vendor").glob("chartjs-*/chart.umd.min.js"))
    return f"vendor/{found[-1].parent.name}/chart.umd.min.js" if found else None


# --- A school's results -------------------------------------------------------------------


def _school_page(request: HttpRequest, school, forms: dict | None = None, status: int = 200) -> HttpResponse:
    exam = request.GET.get("exam", "")
    exam = exam if exam in ExamResult.Exam.values else ""
    metric = METRICS.get(request.GET.get("metric", ""), METRICS["average_score"])
    page = Paginator(school_series(school, exam), SERIES_PER_PAGE).get_page(request.GET.get("page"))
    rows, years = build_series(list(page), school_exam_results(school, list(page)), metric)
    can_edit = can_edit_school_data(request.user, school)
    forms = forms or {}
    corrected = _corrected(request, school) if can_edit else None
    if can_edit:
        forms.setdefault("exam_form", ExamResultForm(initial=_correction(corrected)))
        forms.setdefault("olympiad_form", OlympiadResultForm())
    context = {
        "school": school,
        "page": page,
        "rows": rows,
        "years": years,
        "chart": chart_data(rows, years, metric),
        "chartjs": chartjs_path(),
        "exam": exam,
        "exams": ExamResult.Exam.choices,
        "metric": metric,
        "metrics": METRICS.values(),
        "query": urlencode({"exam": exam, "metric": metric.key}),
        "olympiads": school_olympiads(school),
        "can_edit": can_edit,
        "corrected": corrected,
        "sees_municipality": school.municipality is not None
        and can_see_municipality(request.user, school.municipality),
        "subjects": SUBJECTS,
        **forms,
    }
    return render(request, "monitoring/results/school_results.html", context, status=status)


def _corrected(request: HttpRequest, school) -> ExamResult | None:
    """The result of this school that «Исправить» (``?result=<pk>``) opened in the form; none
    for anything else than a number."""
    pk = int_param(request.GET.get("result"))
    if pk is None:
        return None
    result = get_exam_result_for_user(request.user, pk)
    if result.school_id != school.pk:
        raise Http404
    return result


def _correction(result: ExamResult | None) -> dict:
    if result is None:
        return {}
    fields = [
        "year",
        "exam",
        "subject",
        "grade",
        "participants",
        "average_score",
        "failed_percent",
        "high_percent",
    ]
    return {name: getattr(result, name) for name in fields}


def _back(school, anchor: str = "") -> str:
    return reverse("monitoring:school_results", args=[school.pk]) + anchor


@login_required
def school_results(request: HttpRequest, pk: int) -> HttpResponse:
    return _school_page(request, get_school_data_for_user(request.user, pk))


@login_required
@require_POST
def exam_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_data_for_user(request.user, pk, write=True)
    form = ExamResultForm(request.POST)
    if not form.is_valid():
        return _school_page(request, school, {"exam_form": form}, status=400)
    data = dict(form.cleaned_data)
    key = {k: data.pop(k) for k in ["year", "exam", "subject", "grade"]}
    result, created = exam_result_save(school=school, **key, figures=data, user=request.user)
    what = f"{result.get_exam_display()}, {result.subject}, {result.grade} класс, {result.year}"
    messages.success(request, f"Результат добавлен: {what}." if created else f"Результат исправлен: {what}.")
    return redirect(_back(school, f"?exam={result.exam}#results"))


@login_required
@require_POST
def exam_result_remove(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_exam_result_for_user(request.user, pk)
    exam_result_delete(result=result)
    messages.success(
        request, f"Результат удалён: {result.get_exam_display()}, {result.subject}, {result.year}."
    )
    return redirect(_back(result.school, "#results"))


@login_required
@require_POST
def olympiad_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_data_for_user(request.user, pk, write=True)
    form = OlympiadResultForm(request.POST)
    if not form.is_valid():
        return _school_page(request, school, {"olympiad_form": form}, status=400)
    _, created = olympiad_result_save(school=school, **form.cleaned_data, user=request.user)
    messages.success(
        request, "Участие в олимпиадах добавлено." if created else "Участие в олимпиадах исправлено."
    )
    return redirect(_back(school, "#olympiads"))


@login_required
@require_POST
def olympiad_result_remove(request: HttpRequest, pk: int) -> HttpResponse:
    result: OlympiadResult = get_olympiad_result_for_user(request.user, pk)
    olympiad_result_delete(result=result)
    messages.success(request, "Строка об участии в олимпиадах удалена.")
    return redirect(_back(result.school, "#olympiads"))


# --- The municipality's schools -----------------------------------------------------------


@login_required
def municipality_results(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk)
    years, series = municipality_filters(municipality)
    metric = METRICS.get(request.GET.get("metric", ""), METRICS["average_score"])
    chosen_series = request.GET.get("series", "")
    options = {f"{e}|{s}|{g}": (e, s, g) for e, s, g in series}
    exam, subject, grade = options.get(chosen_series) or (series[0] if series else ("", "", 0))
    asked = int_param(request.GET.get("year"))
    year = asked if asked in years else (years[0] if years else 0)
    chosen = {"exam": exam, "subject": subject, "grade": grade, "year": year}
    page = Paginator(municipality_school_results(municipality, metric, **chosen), SCHOOLS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "municipality": municipality,
        "years": years,
        "series": [(key, ExamResult.Exam(e).label, s, g) for key, (e, s, g) in options.items()],
        "chosen": chosen,
        "chosen_series": f"{exam}|{subject}|{grade}",
        "exam_label": ExamResult.Exam(exam).label if exam else "",
        "metric": metric,
        "metrics": METRICS.values(),
        "average": municipality_average(municipality, **chosen) if series else {},
        "page": page,
        "query": urlencode({"series": f"{exam}|{subject}|{grade}", "year": year, "metric": metric.key}),
        "can_import": can_edit_municipality_data(request.user, municipality),
    }
    return render(request, "monitoring/results/municipality_results.html", context)


# --- Import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportKind:
    """The exam and the olympiad imports share their pages; this is what differs."""

    name: str  # in the URL names («results_import») and the stored preview's kind
    read: Callable  # file content -> (sheet, raw rows)
    check: Callable  # (municipality=, raw_rows=) -> rows
    load: Callable  # the stored rows -> rows
    save: Callable  # (municipality=, rows=, user=) -> (added, corrected)
    saved: str  # the message, with {added} and {corrected}
    upload_template: str
    preview_template: str

    @property
    def upload_url(self) -> str:
        return f"monitoring:{self.name}_import"

    @property
    def preview_url(self) -> str:
        return f"monitoring:{self.name}_import_preview"

    @property
    def template_url(self) -> str:
        return f"monitoring:{self.name}_template"


EXAM_IMPORT = ImportKind(
    name="results",
    read=read_results_workbook,
    check=results_import_rows,
    load=import_rows_load,
    save=exam_results_import,
    saved="Результаты загружены: добавлено {added}, исправлено {corrected}.",
    upload_template="monitoring/results/import_upload.html",
    preview_template="monitoring/results/import_preview.html",
)
OLYMPIAD_IMPORT = ImportKind(
    name="olympiad",
    read=read_olympiad_workbook,
    check=olympiad_import_rows,
    load=olympiad_rows_load,
    save=olympiad_results_import,
    saved="Участие в олимпиадах загружено: добавлено {added}, исправлено {corrected}. "
    "Оно показано на страницах результатов школ.",
    upload_template="monitoring/results/olympiad_import_upload.html",
    preview_template="monitoring/results/olympiad_import_preview.html",
)


def _importing_municipality(request: HttpRequest, pk: int):
    municipality = get_municipality_for_user(request.user, pk)
    if not can_edit_municipality_data(request.user, municipality):
        raise PermissionDenied("Загружать результаты могут сотрудники управления образования.")
    return municipality


def _import_upload(request: HttpRequest, pk: int, kind: ImportKind) -> HttpResponse:
    municipality = _importing_municipality(request, pk)
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet, raw_rows = kind.read(upload.read())
        except UnsafeFile as exc:
            form.add_error("file", str(exc))
        else:
            rows = kind.check(municipality=municipality, raw_rows=raw_rows)
            token = preview_put(
                kind=kind.name,
                user=request.user,
                municipality=municipality,
                filename=upload.name,
                sheet=sheet,
                rows=import_rows_dump(rows),
            )
            return redirect(kind.preview_url, pk=municipality.pk, token=token)
    status = 400 if request.method == "POST" else 200
    context = {"municipality": municipality, "form": form, "kind": kind}
    return render(request, kind.upload_template, context, status=status)


def _import_preview(request: HttpRequest, pk: int, token: str, kind: ImportKind) -> HttpResponse:
    municipality = _importing_municipality(request, pk)
    stored = preview_get(kind=kind.name, token=token, user=request.user, municipality=municipality)
    if stored is None:
        context = {"municipality": municipality, "kind": kind, "message": GONE}
        return render(request, "monitoring/results/import_gone.html", context, status=404)
    rows = kind.load(stored.rows)
    if request.method == "POST":
        try:
            added, corrected = kind.save(municipality=municipality, rows=rows, user=request.user)
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return redirect(kind.preview_url, pk=municipality.pk, token=token)
        preview_forget(preview=stored)
        messages.success(request, kind.saved.format(added=added, corrected=corrected))
        return redirect("monitoring:municipality_results", pk=municipality.pk)
    errors = [row for row in rows if row.errors]
    updates = sum(1 for row in rows if row.updates)
    shown = errors if errors and request.GET.get("show") != "all" else rows
    context = {
        "municipality": municipality,
        "kind": kind,
        "stored": stored,
        "token": token,
        "page": Paginator(shown, PREVIEW_PER_PAGE).get_page(request.GET.get("page")),
        "total": len(rows),
        "error_count": len(errors),
        "updates": updates,
        "added": len(rows) - len(errors) - updates,
        "showing_errors": shown is errors,
        "query": "show=all" if request.GET.get("show") == "all" else "",
    }
    return render(request, kind.preview_template, context)


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX)


@login_required
@require_http_methods(["GET", "POST"])
def results_import(request: HttpRequest, pk: int) -> HttpResponse:
    return _import_upload(request, pk, EXAM_IMPORT)


@login_required
@require_http_methods(["GET", "POST"])
def results_import_preview(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    return _import_preview(request, pk, token, EXAM_IMPORT)


@login_required
def results_template_download(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _importing_municipality(request, pk)
    return _xlsx(results_template(municipality), f"Шаблон результатов — {municipality}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def olympiad_import(request: HttpRequest, pk: int) -> HttpResponse:
    return _import_upload(request, pk, OLYMPIAD_IMPORT)


@login_required
@require_http_methods(["GET", "POST"])
def olympiad_import_preview(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    return _import_preview(request, pk, token, OLYMPIAD_IMPORT)


@login_required
def olympiad_template_download(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = _importing_municipality(request, pk)
    return _xlsx(olympiad_template(municipality), f"Шаблон олимпиад — {municipality}.xlsx")
