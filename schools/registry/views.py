"""«Школы»: the registry of a municipality's schools, run by its department staff and the
region's staff without the admin."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from schools.limits import academic_year_param
from schools.models import Organisation, SchoolStatus, academic_year_label, current_academic_year
from schools.permissions import (
    get_municipality_for_manager,
    get_region_for_manager,
    get_school_for_manager,
    managed_regions,
    manages_anything,
)
from schools.registry import queries, services
from schools.registry.forms import CoordinatorForm, MunicipalityForm, PairForm, SchoolForm, StatusesForm

NOTHING_TO_RUN = (
    "Раздел «Школы» — для специалистов управления образования и региона: "
    "у вас нет муниципалитета, реестр которого вы ведёте."
)
UNDO_KEY = "registry_undo"


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year") or request.POST.get("year")
    return academic_year_param(value, current_academic_year())


def _school(request: HttpRequest, pk: int):
    """The school the user runs; a regional one (no municipality) has no registry here."""
    school = get_school_for_manager(request.user, pk)
    if school.municipality_id is None:
        raise PermissionDenied("Школа не относится к муниципалитету: её карточку ведут в администрировании.")
    return school


def _back(municipality_pk: int, year: int) -> str:
    return reverse("schools:registry_municipality", args=[municipality_pk]) + f"?year={year}"


@login_required
def registry(request: HttpRequest) -> HttpResponse:
    if not manages_anything(request.user):
        raise PermissionDenied(NOTHING_TO_RUN)
    municipalities = queries.municipalities_run_by(request.user)
    regions = list(managed_regions(request.user))
    counted = []
    if len(regions) > 1:
        # The country, for the superuser: its regions, each with its page of municipalities,
        # rather than thousands of municipalities; one run outside them is still listed.
        counted = list(queries.regions_counted(managed_regions(request.user)))
        municipalities = municipalities.exclude(region__in=[r.pk for r in regions])
    municipalities = list(municipalities)
    if len(municipalities) == 1 and not regions:
        return redirect("schools:registry_municipality", municipalities[0].pk)
    groups: dict = {}
    for m in municipalities:
        groups.setdefault(m.region, []).append(m)
    context = {"groups": groups.items(), "regions": regions, "counted": counted}
    return render(request, "schools/registry/registry.html", context)


@login_required
def registry_region(request: HttpRequest, pk: int, form: MunicipalityForm | None = None) -> HttpResponse:
    region = get_region_for_manager(request.user, pk)
    municipalities = list(queries.region_municipalities(region))
    zones = Counter(m.timezone for m in municipalities).most_common(1)
    form = form or MunicipalityForm(
        region=region, initial={"timezone": zones[0][0] if zones else "Europe/Moscow"}
    )
    context = {"region": region, "municipalities": municipalities, "form": form}
    return render(request, "schools/registry/region.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def registry_municipality_create(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_region_for_manager(request.user, pk)
    form = MunicipalityForm(request.POST, region=region)
    if not form.is_valid():
        return registry_region(request, pk, form=form)
    municipality = services.municipality_create(region=region, by=request.user, **form.cleaned_data)
    messages.success(request, f"Муниципалитет «{municipality}» добавлен. Теперь можно внести его школы.")
    return redirect("schools:registry_municipality", municipality.pk)


@login_required
def registry_municipality(request: HttpRequest, pk: int, forms: dict | None = None) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    year = _year(request)
    status = request.GET.get("status", "") if request.GET.get("status") in SchoolStatus.Kind.values else ""
    text = request.GET.get("q", "")[:100]
    page, rows = queries.municipality_schools(
        municipality, year=year, status=status, text=text, page=request.GET.get("page", 1)
    )
    years = queries.years_around(year, municipality=municipality)
    candidates = queries.coordinator_candidates(municipality)
    forms = forms or {}
    context = {
        "undo": request.session.pop(UNDO_KEY, None),
        "municipality": municipality,
        "year": year,
        "year_label": academic_year_label(year),
        "years": [(y, academic_year_label(y)) for y in years],
        "status": status,
        "text": text,
        # «ШНОР», not the whole sentence, in the filter.
        "kinds": [(value, label.split(" — ")[0]) for value, label in SchoolStatus.Kind.choices],
        "page": page,
        "rows": rows,
        "query": urlencode({k: v for k, v in {"year": year, "status": status, "q": text}.items() if v}),
        "pairs": queries.municipality_pairs(municipality, year=year),
        "assignments": queries.municipality_assignments(municipality, year=year),
        "pair_form": forms.get("pair")
        or PairForm(municipality=municipality, years=years, initial={"year": year}),
        "coordinator_form": forms.get("coordinator")
        or CoordinatorForm(
            municipality=municipality, candidates=candidates, years=years, initial={"year": year}
        ),
    }
    return render(request, "schools/registry/municipality.html", context, status=400 if forms else 200)


@login_required
def registry_school_add(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    form = SchoolForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        school = services.school_save(municipality=municipality, card=form.card(), by=request.user)
        messages.success(request, f"Школа «{school}» добавлена в реестр.")
        return redirect("schools:registry_municipality", municipality.pk)
    context = {"municipality": municipality, "form": form, "school": None}
    return render(request, "schools/registry/school_form.html", context, status=400 if form.errors else 200)


@login_required
def registry_school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    municipality = school.municipality
    stale = None
    with transaction.atomic():
        if request.method == "POST":  # one save of the card at a time
            Organisation.objects.select_for_update().filter(pk=school.pk).first()
            school.refresh_from_db()
        current = SchoolForm.initial_of(school)
        initial = current | {"seen": SchoolForm.fingerprint(current)}
        form = SchoolForm(request.POST or None, municipality=municipality, school=school, initial=initial)
        if request.method == "POST" and form.is_valid():
            if not form.is_stale(current):
                services.school_save(
                    municipality=municipality, card=form.card(), by=request.user, school=school
                )
                messages.success(request, f"Карточка школы «{school}» сохранена.")
                return redirect("schools:registry_school_edit", school.pk)
            # Someone saved the card meanwhile: nothing is overwritten. The form shows the newer
            # card with this user's own changes on it (both changed a field: theirs kept, marked),
            # now marked as seeing the newer card, and the page says who saved.
            stale = queries.latest_change(school)
            data, both = form.merged(current)
            form = SchoolForm(
                data | {"seen": initial["seen"]}, municipality=municipality, school=school, initial=initial
            )
            form.is_valid()
            for name in both:
                form.add_error(
                    name, f"Здесь же изменено другим: «{current[name] or '—'}». Оставлено ваше значение."
                )
    year = _year(request)
    context = {
        "municipality": municipality,
        "form": form,
        "school": school,
        "year": year,
        "years": [(y, academic_year_label(y)) for y in queries.years_around(year, municipality=municipality)],
        "kinds": SchoolStatus.Kind.choices,
        "current_kinds": set(school.statuses.filter(academic_year=year).values_list("kind", flat=True)),
        "stale": stale,
        "current": current,
    }
    status = 409 if stale else 400 if form.errors else 200
    return render(request, "schools/registry/school_form.html", context, status=status)


@login_required
@require_POST
def registry_statuses(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    form = StatusesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Статусы не сохранены: не указан учебный год.")
        return redirect("schools:registry_school_edit", school.pk)
    year = form.cleaned_data["year"]
    added, removed = services.school_statuses_set(
        school=school, year=year, kinds=set(form.cleaned_data["kinds"]), by=request.user
    )
    label = dict(SchoolStatus.Kind.choices)
    said = [f"добавлен «{label[k]}»" for k in added] + [f"снят «{label[k]}»" for k in removed]
    text = "; ".join(said) if said else "ничего не изменилось"
    messages.success(request, f"Статусы школы на {academic_year_label(year)} учебный год: {text}.")
    return redirect(reverse("schools:registry_school_edit", args=[school.pk]) + f"?year={year}")


# --- Mentor pairs and coordinators ----------------------------------------------------------


def _restore_note(request: HttpRequest, text: str, kind: str, history_id: int) -> None:
    """The note after a delete, with its «Вернуть»: kept in the session until the registry
    page shows it once (a message could not carry the button's form)."""
    restore = reverse("schools:registry_restore", args=[kind, history_id])
    request.session[UNDO_KEY] = {"text": text, "url": restore}


@login_required
@require_POST
def registry_pair_create(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    years = queries.years_around(_year(request), municipality=municipality)
    form = PairForm(request.POST, municipality=municipality, years=years)
    if not form.is_valid():
        return registry_municipality(request, pk, forms={"pair": form})
    data = form.cleaned_data
    pair = services.pair_create(
        mentor=data["mentor"], mentee=data["mentee"], year=data["year"], by=request.user
    )
    messages.success(request, f"Пара наставничества добавлена: {pair}.")
    return redirect(_back(municipality.pk, data["year"]) + "#pairs")


@login_required
@require_POST
def registry_pair_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pair = queries.get_pair_for_manager(request.user, pk)
    text, year, municipality_pk = str(pair), pair.academic_year, pair.mentee.municipality_id
    history_id = services.pair_delete(pair=pair, by=request.user)
    _restore_note(request, f"Пара наставничества удалена: {text}.", "pair", history_id)
    return redirect(_back(municipality_pk, year) + "#pairs")


@login_required
@require_POST
def registry_coordinator_create(request: HttpRequest, pk: int) -> HttpResponse:
    municipality = get_municipality_for_manager(request.user, pk)
    years = queries.years_around(_year(request), municipality=municipality)
    candidates = queries.coordinator_candidates(municipality)
    form = CoordinatorForm(request.POST, municipality=municipality, candidates=candidates, years=years)
    if not form.is_valid():
        return registry_municipality(request, pk, forms={"coordinator": form})
    data = form.cleaned_data
    assignment = services.coordinator_assign(
        coordinator=data["coordinator"], school=data["school"], year=data["year"], by=request.user
    )
    messages.success(request, f"Координатор закреплён: {assignment}.")
    return redirect(_back(municipality.pk, data["year"]) + "#coordinators")


@login_required
@require_POST
def registry_coordinator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = queries.get_assignment_for_manager(request.user, pk)
    text, year, municipality_pk = str(assignment), assignment.academic_year, assignment.school.municipality_id
    history_id = services.coordinator_unassign(assignment=assignment, by=request.user)
    _restore_note(request, f"Закрепление координатора снято: {text}.", "coordinator", history_id)
    return redirect(_back(municipality_pk, year) + "#coordinators")


@login_required
@require_POST
def registry_restore(request: HttpRequest, kind: str, history_id: int) -> HttpResponse:
    record = queries.get_deleted_for_manager(request.user, kind, history_id)
    school = record.mentee if kind == "pair" else record.school
    try:
        restored = services.deleted_restore(record=record, by=request.user)
    except services.AlreadyThere:
        messages.info(request, "Возвращать нечего: эта запись уже есть в реестре.")
    else:
        messages.success(request, f"Возвращено: {restored}.")
    return redirect(
        _back(school.municipality_id, record.academic_year)
        + ("#pairs" if kind == "pair" else "#coordinators")
    )


# --- History ----------------------------------------------------------------------------------


@login_required
def registry_school_history(request: HttpRequest, pk: int) -> HttpResponse:
    school = _school(request, pk)
    context = {
        "school": school,
        "municipality": school.municipality,
        "entries": queries.school_history(school),
    }
    return render(request, "schools/registry/school_history.html", context)
