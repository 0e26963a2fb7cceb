from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from roadmaps.models import Executor, Roadmap
from roadmaps.permissions import get_activity_for_user, get_roadmap_for_user

ROWS_PREFETCH = [
    "windows",
    Prefetch("executors", queryset=Executor.objects.select_related("organisation", "person")),
]


@login_required
def roadmap_list(request: HttpRequest) -> HttpResponse:
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .select_related("owner__municipality")
        .annotate(rows=Count("activities", filter=Q(activities__parent__isnull=True)))
        .order_by("-period_start", "title")
    )
    query = request.GET.get("q", "").strip()
    if query:
        roadmaps = roadmaps.filter(Q(title__icontains=query) | Q(owner__name__icontains=query))
    page = Paginator(roadmaps, 25).get_page(request.GET.get("page"))
    return render(request, "roadmaps/roadmap_list.html", {"page": page, "query": query})


@login_required
def roadmap_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    activities = list(
        roadmap.activities.select_related("section").prefetch_related(*ROWS_PREFETCH).order_by("order")
    )
    sections = {s.pk: s for s in roadmap.sections.all()}
    rows = []
    shown_sections: set[int] = set()
    for activity in activities:
        section = sections.get(activity.section_id)
        # A section's heading goes before its first row; parents of nested headings first.
        chain = []
        while section is not None and section.pk not in shown_sections:
            chain.append(section)
            shown_sections.add(section.pk)
            section = sections.get(section.parent_id)
        rows.extend(("section", s) for s in reversed(chain))
        rows.append(("activity", activity))
    context = {
        "roadmap": roadmap,
        "rows": rows,
        "indicators": roadmap.indicators.all(),
        "schools": roadmap.school_links.select_related("school"),
    }
    return render(request, "roadmaps/roadmap_detail.html", context)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    children = activity.children.prefetch_related(*ROWS_PREFETCH).order_by("order")
    context = {
        "activity": activity,
        "roadmap": activity.roadmap,
        "windows": activity.windows.all(),
        "executors": activity.executors.select_related("organisation", "person"),
        "children": children,
    }
    return render(request, "roadmaps/activity_detail.html", context)
