"""Scoped getters: every object reaches a view through one of these.

404 when the user may not see the object, so an outsider cannot even learn it exists.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from roadmaps.models import Activity, Roadmap


def get_roadmap_for_user(user, pk: int) -> Roadmap:
    return get_object_or_404(Roadmap.objects.visible_to(user).select_related("owner"), pk=pk)


def get_activity_for_user(user, pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.visible_to(user).select_related("roadmap__owner", "section", "parent"), pk=pk
    )
