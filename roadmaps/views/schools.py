"""A school's roadmaps with its progress: a panel of the school's page. ``schools`` sits below
``roadmaps`` and imports nothing of it, so the page pulls this panel by its URL (htmx)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from roadmaps.models import Roadmap
from roadmaps.obligations import Where, progress_by_school
from schools.permissions import get_school_for_user


@login_required
def school_roadmaps(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel to htmx; a page of its own to a browser without JavaScript following the link."""
    school = get_school_for_user(request.user, pk)
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .of_schools([school.pk])
        .select_related("owner")
        .order_by("-period_start")
    )
    context = {
        "school": school,
        "roadmaps": roadmaps,
        # Today's work, the same figures as the school's card and dashboard.
        "progress": progress_by_school([school.pk], on=timezone.localdate(), where=Where.TODAY).get(
            school.pk
        ),
    }
    template = "roadmaps/_school_roadmaps.html" if request.htmx else "roadmaps/school_roadmaps.html"
    response = render(request, template, context)
    # The same address answers the panel or the page, depending on who asks.
    patch_vary_headers(response, ["HX-Request"])
    return response
