from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from schools.models import CoordinatorAssignment, MentorPair, academic_year_label
from schools.permissions import can_manage_school, can_see_school, get_school_for_user


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The school's own data. Its roadmaps with their progress and its risk coverage belong to
    the apps above this one: the template pulls them as panels by URL (htmx), never by import."""
    school = get_school_for_user(request.user, pk)
    statuses = [
        (academic_year_label(s.academic_year), s.get_kind_display())
        for s in school.statuses.order_by("-academic_year")
    ]
    pairs = MentorPair.objects.filter(Q(mentor=school) | Q(mentee=school)).select_related("mentor", "mentee")
    context = {
        "school": school,
        "can_manage": can_manage_school(request.user, school),
        "director": school.people.filter(is_head=True).first(),
        "statuses": statuses,
        # (pair, the other school, whether this school mentors, whether the user may open the other)
        "pairs": [
            (p, other, p.mentor_id == school.pk, can_see_school(request.user, other))
            for p in pairs
            for other in [p.mentee if p.mentor_id == school.pk else p.mentor]
        ],
        "coordinators": CoordinatorAssignment.objects.filter(school=school)
        .select_related("coordinator")
        .order_by("-academic_year"),
    }
    return render(request, "schools/school_detail.html", context)
