"""A roadmap's target indicators with the values entered per school and date, against the target."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from monitoring.indicators.forms import IndicatorTargetForm, IndicatorValueForm
from monitoring.indicators.queries import indicator_cards, indicator_history, roadmap_schools
from monitoring.indicators.services import (
    indicator_targets_update,
    indicator_value_delete,
    indicator_value_save,
)
from monitoring.permissions import (
    can_enter_indicator_value,
    get_indicator_for_user,
    get_indicator_value_for_user,
)
from roadmaps.models import Roadmap, TargetIndicator
from roadmaps.permissions import can_edit_roadmap, get_roadmap_for_user

HISTORY_PAGE_SIZE = 25


def _back(indicator: TargetIndicator) -> str:
    return (
        reverse("monitoring:roadmap_indicators", args=[indicator.roadmap_id]) + f"#indicator-{indicator.pk}"
    )


def _page(
    request: HttpRequest, roadmap: Roadmap, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The page; ``bound`` holds a form that failed validation: {indicator pk: {name: form}}."""
    user, bound = request.user, bound or {}
    schools = roadmap_schools(roadmap)
    allowed = [s for s in schools if can_enter_indicator_value(user, roadmap, s)]
    whole = can_enter_indicator_value(user, roadmap, None)
    can_edit = can_edit_roadmap(user, roadmap)
    cards = []
    for card in indicator_cards(roadmap, schools):
        forms = bound.get(card.indicator.pk, {})
        if allowed or whole:
            forms.setdefault(
                "value_form",
                IndicatorValueForm(indicator=card.indicator, schools=allowed, whole_roadmap=whole),
            )
        if can_edit:
            forms.setdefault("target_form", IndicatorTargetForm(instance=card.indicator))
        deletable = {v.pk for v in card.recent if can_enter_indicator_value(user, roadmap, v.school)}
        cards.append({"card": card, "deletable": deletable, **forms})
    context = {"roadmap": roadmap, "cards": cards, "can_edit": can_edit, "schools": schools}
    return render(request, "monitoring/indicators/roadmap_indicators.html", context, status=status)


@login_required
def roadmap_indicators(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_roadmap_for_user(request.user, pk))


@login_required
@require_POST
def indicator_value_create(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, pk)
    roadmap = indicator.roadmap
    schools = roadmap_schools(roadmap)
    allowed = [s for s in schools if can_enter_indicator_value(request.user, roadmap, s)]
    whole = can_enter_indicator_value(request.user, roadmap, None)
    if not (allowed or whole):
        raise PermissionDenied("Значения показателей вносят управление образования и директора школ.")
    form = IndicatorValueForm(request.POST, indicator=indicator, schools=schools, whole_roadmap=True)
    if not form.is_valid():
        shown = IndicatorValueForm(request.POST, indicator=indicator, schools=allowed, whole_roadmap=whole)
        shown.is_valid()
        return _page(request, roadmap, bound={indicator.pk: {"value_form": shown}}, status=400)
    school = form.cleaned_data["school"]
    if not can_enter_indicator_value(request.user, roadmap, school):
        raise PermissionDenied("Директор школы вносит значения только своей школы.")
    data = form.cleaned_data
    _, created = indicator_value_save(
        indicator=indicator,
        school=school,
        as_of=data["as_of"],
        value=data["value"],
        text=data["text"].strip(),
        comment=data["comment"].strip(),
        user=request.user,
    )
    where = school.name if school else "дорожной карты в целом"
    verb = "внесено" if created else "исправлено (на эту дату уже было значение)"
    messages.success(request, f"Значение для {where} на {data['as_of']:%d.%m.%Y} {verb}.")
    return redirect(_back(indicator))


@login_required
@require_POST
def indicator_update(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, pk, write=True)
    form = IndicatorTargetForm(request.POST, instance=indicator)
    if not form.is_valid():
        return _page(request, indicator.roadmap, bound={indicator.pk: {"target_form": form}}, status=400)
    indicator_targets_update(indicator=indicator, **form.cleaned_data)
    messages.success(request, "Базовое и целевое значения сохранены.")
    return redirect(_back(indicator))


@login_required
@require_POST
def indicator_value_remove(request: HttpRequest, pk: int) -> HttpResponse:
    value = get_indicator_value_for_user(request.user, pk, write=True)
    indicator = value.indicator
    indicator_value_delete(value=value)
    messages.success(request, f"Значение на {value.as_of:%d.%m.%Y} удалено.")
    return redirect(_back(indicator))


@login_required
def indicator_values(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_indicator_for_user(request.user, pk)
    page = Paginator(indicator_history(indicator), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    deletable = {v.pk for v in page if can_enter_indicator_value(request.user, indicator.roadmap, v.school)}
    context = {"indicator": indicator, "roadmap": indicator.roadmap, "page": page, "deletable": deletable}
    return render(request, "monitoring/indicators/indicator_values.html", context)
