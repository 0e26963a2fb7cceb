from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from schools.audit import export_record
from schools.imports.forms import RegistryUploadForm
from schools.imports.permissions import get_draft_for_user
from schools.imports.services import draft_confirm, draft_create, registry_import
from schools.imports.template import registry_file, registry_template
from schools.limits import academic_year_param
from schools.models import academic_year_label, current_academic_year
from schools.permissions import get_municipality_for_manager

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _registry_url(municipality) -> str:
    return reverse("schools:registry_municipality", args=[municipality.pk])


@login_required
def upload(request, pk: int):
    municipality = get_municipality_for_manager(request.user, pk)
    form = RegistryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        draft = draft_create(
            municipality=municipality,
            content=form.content,
            file_name=form.cleaned_data["file"].name,
            by=request.user,
        )
        return redirect("schools:import_preview", draft.pk)
    return render(request, "schools/imports/upload.html", {"municipality": municipality, "form": form})


@login_required
def template(request, pk: int):
    municipality = get_municipality_for_manager(request.user, pk)
    response = HttpResponse(registry_template(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="registry-{municipality.pk}.xlsx"'
    return response


@login_required
def registry_download(request, pk: int):
    """The municipality's registry for a year, in the import's columns: to edit and load back."""
    municipality = get_municipality_for_manager(request.user, pk)
    year = academic_year_param(request.GET.get("year"), current_academic_year())
    response = HttpResponse(registry_file(municipality, year), content_type=XLSX)
    name = f"registry-{municipality.pk}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    export_record(
        request, obj=municipality, detail=f"Реестр школ «{municipality}», {academic_year_label(year)}"
    )
    return response


@login_required
def preview(request, pk: int):
    """GET: what the file would change; POST: import it, once."""
    draft = get_draft_for_user(request.user, pk)
    municipality = draft.municipality
    if request.method == "POST":
        summary = draft_confirm(draft=draft, by=request.user)
        if summary is None:
            messages.info(request, "Этот файл уже загружен; повторная загрузка ничего не изменила.")
            return redirect(_registry_url(municipality))
        if summary.errors:
            messages.error(
                request, "В файле есть ошибки: ничего не загружено. Исправьте их и загрузите файл снова."
            )
            return redirect("schools:import_preview", draft.pk)
        messages.success(
            request,
            f"Загружено: создано {summary.created}, обновлено {summary.updated}, "
            f"без изменений {summary.unchanged}.",
        )
        return redirect(_registry_url(municipality))
    summary = None
    if draft.confirmed_at is None:
        summary = registry_import(
            municipality=municipality,
            content=bytes(draft.content),
            file_name=draft.file_name,
            by=request.user,
            dry_run=True,
        )
    context = {
        "draft": draft,
        "municipality": municipality,
        "summary": summary,
        "registry_url": _registry_url(municipality),
    }
    if summary is not None:
        context |= {
            "new_rows": [r for r in summary.rows if r.kind == "new"],
            "changed_rows": [r for r in summary.rows if r.kind == "update"],
            "unchanged_rows": [r for r in summary.rows if r.kind == "skip"],
            "file_errors": [m for line, m in summary.errors if line == 0],
            "error_rows": [r for r in summary.rows if r.kind == "error"],
        }
    return render(request, "schools/imports/preview.html", context)
