"""The roadmap list (search and filters), a roadmap's page, its form and its copy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from roadmaps.forms import IndicatorFormSet, RoadmapFilterForm, RoadmapForm
from roadmaps.models import Activity, Roadmap, RoadmapEvent, Section
from roadmaps.permissions import (
    can_change_text,
    can_decide,
    can_edit_roadmap,
    editable_owners,
    get_roadmap_for_user,
)
from roadmaps.services.approval import can_archive
from roadmaps.services.editing import roadmap_copy, roadmap_refresh_dates, roadmap_schools_set
from roadmaps.table import roadmap_rows
from schools.models import Municipality, academic_year_bounds, academic_year_expression
from schools.permissions import scope_of, visible_schools


@login_required
def roadmap_list(request: HttpRequest) -> HttpResponse:
    visible = Roadmap.objects.visible_to(request.user)
    # The academic years the visible roadmaps start in, distinct in SQL.
    years = list(
        visible.annotate(academic=academic_year_expression("period_start"))
        .order_by("-academic")
        .values_list("academic", flat=True)
        .distinct()
    )
    schools = visible_schools(request.user)
    form = RoadmapFilterForm(request.GET or None, years=years, schools=schools)
    # Counted for the rows of the page only, not for every roadmap before paging.
    top_rows = (
        Activity.objects.filter(roadmap=OuterRef("pk"), parent__isnull=True)
        .order_by()
        .values("roadmap")
        .annotate(n=Count("pk"))
        .values("n")
    )
    roadmaps = visible.select_related("owner__municipality").annotate(rows=Coalesce(Subquery(top_rows), 0))
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            text = data["q"]
            roadmaps = roadmaps.filter(
                Q(title__icontains=text)
                | Q(owner__name__icontains=text)
                | Q(goal__icontains=text)
                | Exists(Activity.objects.filter(roadmap=OuterRef("pk"), content__icontains=text))
            )
        if data["year"]:
            start, end = academic_year_bounds(data["year"])
            roadmaps = roadmaps.filter(period_start__lte=end, period_end__gte=start)
        if data["level"]:
            roadmaps = roadmaps.filter(level=data["level"])
        if data["status"]:
            roadmaps = roadmaps.filter(status=data["status"])
        named = None
        if data["school"]:
            named = [data["school"].pk]
        elif data.get("school_name"):
            named = schools.filter(name__icontains=data["school_name"]).values("pk")[:50]
        if named is not None:
            roadmaps = roadmaps.of_schools(named)
    page = Paginator(roadmaps.order_by("-period_start", "title"), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "querystring": query.urlencode(),
        "can_create": editable_owners(request.user).exists(),
        "municipalities": Municipality.objects.filter(pk__in=scope_of(request.user).municipalities),
    }
    return render(request, "roadmaps/roadmap_list.html", context)


@login_required
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    today = timezone.localdate()
    context = {
        "roadmap": roadmap,
        "rows": roadmap_rows(roadmap, today),
        "indicators": roadmap.indicators.all(),
        "schools": roadmap.school_links.select_related("school"),
        "can_edit": can_change_text(request.user, roadmap),
        "can_manage": can_edit_roadmap(request.user, roadmap),
        "can_decide": can_decide(request.user, roadmap),
        "can_archive": can_archive(roadmap, today),
        "revised": roadmap.events.filter(kind=RoadmapEvent.Kind.REVISED).order_by("-at").first(),
        "section_kinds": Section.Kind.choices,
    }
    return render(request, "roadmaps/roadmap_detail.html", context)


def _roadmap_form_page(request: HttpRequest, roadmap: Roadmap | None) -> HttpResponse:
    owners = editable_owners(request.user)
    if not owners.exists():
        raise PermissionDenied(
            "Создавать дорожные карты могут сотрудники управления образования и директора школ."
        )
    instance = roadmap or Roadmap(status=Roadmap.Status.DRAFT)
    form = RoadmapForm(request.POST or None, instance=instance, owners=owners)
    indicators = IndicatorFormSet(request.POST or None, instance=instance, prefix="indicators")
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        with transaction.atomic():
            period_changed = roadmap is not None and (
                "period_start" in form.changed_data or "period_end" in form.changed_data
            )
            saved = form.save()
            indicators.instance = saved
            indicators.save()
            schools_changed = roadmap_schools_set(
                roadmap=saved,
                supervised=form.cleaned_data["supervised_schools"],
                mentors=form.cleaned_data["mentor_schools"],
            )
            changes = roadmap_refresh_dates(roadmap=saved) if period_changed or schools_changed else None
        messages.success(request, "Дорожная карта сохранена." if roadmap else "Дорожная карта создана.")
        if changes:
            # Windows and executors are re-read in place: say what moved, and that no mark was lost.
            messages.info(request, changes.summary())
        return redirect(saved)
    for f in indicators.forms:
        for name, bound in f.fields.items():
            if name != "DELETE":
                bound.widget.attrs.setdefault("class", "form-control form-control-sm")
    return render(
        request,
        "roadmaps/roadmap_form.html",
        {"form": form, "indicators": indicators, "roadmap": roadmap},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def roadmap_create(request: HttpRequest) -> HttpResponse:
    return _roadmap_form_page(request, None)


@login_required
def roadmap_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _roadmap_form_page(request, get_roadmap_for_user(request.user, pk, write=True))


@login_required
@require_POST
def roadmap_copy_view(request: HttpRequest, pk: int) -> HttpResponse:
    # A copy stays with the roadmap's owner: nobody takes another organisation's roadmap into
    # their own ownership by copying it (a principal copying the municipal roadmap, say).
    source = get_roadmap_for_user(request.user, pk, manage=True)
    copy = roadmap_copy(source=source, owner=source.owner)
    messages.success(
        request,
        "Создана копия на следующий учебный год (черновик). Проверьте сроки: годы в них сдвинуты на год вперёд.",
    )
    return redirect(copy)
