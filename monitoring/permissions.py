"""Scoped getters for what monitoring shows beyond roadmaps: regions, municipalities and the data
collected about schools. The rules follow ``roadmaps.permissions``:

- the region: superusers and regional viewers of that region;
- a municipality: its staff and coordinators, the region's viewers, superusers;
- data about a school (results, profile, risk levels): whoever sees the school reads it; the
  department staff of its municipality and its principal change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from roadmaps.permissions import get_school_for_user, scope_of
from schools.models import Municipality, Organisation, Region


def visible_regions(user) -> QuerySet[Region]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk__in=scope.regions)


def visible_municipalities(user) -> QuerySet[Municipality]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(Q(pk__in=scope.municipalities) | Q(region__in=scope.regions))


def get_region_for_user(user, pk: int) -> Region:
    return get_object_or_404(visible_regions(user), pk=pk)


def get_municipality_for_user(user, pk: int) -> Municipality:
    return get_object_or_404(visible_municipalities(user).select_related("region"), pk=pk)


def can_edit_school_data(user, school: Organisation) -> bool:
    scope = scope_of(user)
    if scope.is_superuser:
        return True
    return school.municipality_id in scope.staff_municipalities or school.pk in scope.principal_schools


def can_edit_municipality_data(user, municipality: Municipality) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or municipality.pk in scope.staff_municipalities


def get_school_data_for_user(user, pk: int, write: bool = False) -> Organisation:
    """The school whose results, profile or risks are asked for: 404 unseen, 403 read-only."""
    school = get_school_for_user(user, pk)
    if write and not can_edit_school_data(user, school):
        raise PermissionDenied("Изменять сведения о школе могут управление образования и директор школы.")
    return school
