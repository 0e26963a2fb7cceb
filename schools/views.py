from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from monitoring.profile import current_academic_year, risk_coverage
from roadmaps.models import Roadmap
from roadmaps.obligations import Where, progress_by_school
from schools.models import CoordinatorAssignment, MentorPair, academic_year_label
from schools.permissions import get_school_for_user, visible_schools


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = get_school_for_user(request.user, pk)
    today = timezone.localdate()
    statuses = [
        (academic_year_label(s.academic_year), s.get_kind_display())
        for s in school.statuses.order_by("-academic_year")
    ]
    pairs = MentorPair.objects.filter(Q(mentor=school) | Q(mentee=school)).select_related("mentor", "mentee")
    visible = visible_schools(request.user).values("pk")
    roadmaps = (
        Roadmap.objects.visible_to(request.user)
        .of_schools([school.pk])
        .select_related("owner")
        .order_by("-period_start")
    )
    context = {
        "school": school,
        "director": school.people.filter(is_head=True).first(),
        "statuses": statuses,
        "pairs": [
            (p, p.mentee if p.mentor_id == school.pk else p.mentor, p.mentor_id == school.pk) for p in pairs
        ],
        "visible_school_ids": set(visible.values_list("pk", flat=True)),
        "coordinators": CoordinatorAssignment.objects.filter(school=school)
        .select_related("coordinator")
        .order_by("-academic_year"),
        "roadmaps": roadmaps,
        # Today's work, the same figures as the school's card and dashboard.
        "progress": progress_by_school([school.pk], on=today, where=Where.TODAY).get(school.pk),
        "risk_coverage": risk_coverage(school, current_academic_year(), user=request.user),
    }
    return render(request, "schools/school_detail.html", context)
