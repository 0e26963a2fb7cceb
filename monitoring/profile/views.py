"""A school's profile (staff, pupils, materials, premises, other factors) and its risk factors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from monitoring.models import SchoolProfile, SchoolRisk
from monitoring.permissions import can_edit_school_data, get_school_data_for_user
from monitoring.profile.catalogue import FIRST_YEAR
from monitoring.profile.figures import CATEGORIES, profile_sections
from monitoring.profile.forms import ActivityRisksForm, SchoolProfileForm, SchoolRisksForm
from monitoring.profile.queries import (
    activity_risks_for,
    risk_coverage,
    risk_factor_counts,
    school_risk_levels,
)
from monitoring.profile.services import (
    StaleSave,
    activity_risks_save,
    profile_version,
    risks_version,
    school_profile_save,
    school_risks_save,
)
from roadmaps.permissions import get_activity_for_user
from schools.limits import int_param
from schools.models import academic_year_label, current_academic_year
from schools.permissions import visible_schools


def _academic_year(request: HttpRequest) -> int:
    """``?year=2025`` for 2025/2026; anything else means the academic year under way."""
    current = current_academic_year()
    year = int_param(request.GET.get("year"), default=current)
    return year if FIRST_YEAR <= year <= current + 1 else current


def _year_choices(years_with_data, year: int) -> list[tuple[int, str]]:
    current = current_academic_year()
    years = sorted({*years_with_data, current, current - 1, year}, reverse=True)
    return [(y, academic_year_label(y)) for y in years]


def _with_year(name: str, pk: int, year: int) -> str:
    return f"{reverse(name, args=[pk])}?year={year}"


@login_required
def school_profile(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_data_for_user(request.user, pk)
    year = _academic_year(request)
    profiles = {
        p.academic_year: p
        for p in SchoolProfile.objects.filter(
            school=school, academic_year__in=[year, year - 1]
        ).select_related("updated_by")
    }
    context = {
        "school": school,
        "year": year,
        "year_label": academic_year_label(year),
        "previous_label": academic_year_label(year - 1),
        "years": _year_choices(
            school.profiles.order_by().values_list("academic_year", flat=True).distinct(), year
        ),
        "profile": profiles.get(year),
        "sections": profile_sections(profiles.get(year), profiles.get(year - 1)),
        "can_edit": can_edit_school_data(request.user, school),
    }
    return render(request, "monitoring/profile/school_profile.html", context)


@login_required
def school_profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_data_for_user(request.user, pk, write=True)
    year = _academic_year(request)
    profile = SchoolProfile.objects.filter(school=school, academic_year=year).first()
    copied_from, stale, seen = None, None, profile_version(profile)
    if request.method == "POST":
        form = SchoolProfileForm(
            request.POST, instance=profile or SchoolProfile(school=school, academic_year=year)
        )
        if form.is_valid():
            try:
                school_profile_save(
                    school=school,
                    academic_year=year,
                    data=form.cleaned_data,
                    by=request.user,
                    seen=request.POST.get("seen"),
                )
            except StaleSave as error:
                # Nothing saved; the form keeps what this user typed, and saving again replaces.
                stale, seen = error, error.version
            else:
                messages.success(
                    request, f"Сведения о школе за {academic_year_label(year)} учебный год сохранены."
                )
                return redirect(_with_year("monitoring:school_profile", school.pk, year))
    elif profile is None:
        # A new year starts from last year's figures: most of them change little.
        copied_from = SchoolProfile.objects.filter(school=school, academic_year=year - 1).first()
        form = SchoolProfileForm(instance=copied_from)
    else:
        form = SchoolProfileForm(instance=profile)
    context = {
        "school": school,
        "year": year,
        "year_label": academic_year_label(year),
        "form": form,
        "groups": [(title, [form[name] for name in names]) for title, names, _ in CATEGORIES],
        "copied_from": copied_from,
        "stale": stale,
        "seen": seen,
    }
    status = 409 if stale else 400 if form.errors else 200
    return render(request, "monitoring/profile/school_profile_form.html", context, status=status)


@login_required
def school_risks(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_data_for_user(request.user, pk, write=request.method == "POST")
    year = _academic_year(request)
    factors = school_risk_levels(school, year)
    can_edit = can_edit_school_data(request.user, school)
    form = SchoolRisksForm(request.POST or None, factors=factors) if can_edit else None
    stale, seen = None, risks_version(factors)
    if request.method == "POST" and form.is_valid():
        try:
            changed = school_risks_save(
                school=school,
                academic_year=year,
                levels=form.levels(),
                by=request.user,
                seen=request.POST.get("seen"),
            )
        except StaleSave as error:
            stale, seen = error, error.version
        else:
            messages.success(
                request, f"Уровни рисков за {academic_year_label(year)} сохранены (изменено: {changed})."
            )
            return redirect(_with_year("monitoring:school_risks", school.pk, year))
    context = {
        "school": school,
        "year": year,
        "year_label": academic_year_label(year),
        "years": _year_choices(
            school.risks.order_by().values_list("academic_year", flat=True).distinct(), year
        ),
        "factors": factors,
        "form": form,
        "risk_coverage": risk_coverage(school, year, user=request.user),
        "stale": stale,
        "seen": seen,
    }
    status = 409 if stale else 400 if form is not None and form.errors else 200
    return render(request, "monitoring/profile/school_risks.html", context, status=status)


@login_required
def school_risk_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """This year's coverage of the school's risks: a panel of the school's page, which pulls it
    by htmx (``schools`` imports nothing of monitoring); a page of its own without JavaScript."""
    school = get_school_data_for_user(request.user, pk)
    year = current_academic_year()
    context = {
        "school": school,
        "year": year,
        "risk_coverage": risk_coverage(school, year, user=request.user),
    }
    template = (
        "monitoring/profile/_risk_coverage.html"
        if request.htmx
        else "monitoring/profile/school_risk_coverage.html"
    )
    response = render(request, template, context)
    # The same address answers the panel or the page, depending on who asks.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def activity_risks(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the factors an activity addresses; POST (roadmap editors) saves them."""
    saving = request.method == "POST"
    # Risk tags are kept beside the text: the roadmap's editors tag an approved roadmap too.
    activity = get_activity_for_user(request.user, pk, manage=saving)
    status, error = 200, ""
    if saving:
        form = ActivityRisksForm(request.POST)
        if form.is_valid():
            activity_risks_save(activity=activity, factors=form.cleaned_data["factors"])
            if not request.htmx:
                messages.success(request, "Факторы риска мероприятия сохранены.")
                return redirect("monitoring:activity_risks", pk=activity.pk)
        else:
            status, error = 400, "Не сохранено: " + " ".join(form.errors["factors"])
    block = activity_risks_for(activity, user=request.user)
    block.saved, block.error = saving and not error, error
    template = (
        "monitoring/profile/_activity_risks.html"
        if request.htmx
        else "monitoring/profile/activity_risks.html"
    )
    return render(request, template, {"activity": activity, "activity_risks": block}, status=status)


@login_required
def risk_factor_list(request: HttpRequest) -> HttpResponse:
    year = _academic_year(request)
    in_scope = SchoolRisk.objects.filter(school__in=visible_schools(request.user).values("pk"))
    context = {
        "year": year,
        "year_label": academic_year_label(year),
        "years": _year_choices(in_scope.order_by().values_list("academic_year", flat=True).distinct(), year),
        "factors": risk_factor_counts(request.user, year),
    }
    return render(request, "monitoring/profile/risk_factor_list.html", context)
