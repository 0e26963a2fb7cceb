"""Who is who, and who may see which region, municipality and school. The rules of the higher
apps (``roadmaps.permissions``, ``monitoring.permissions``) start from the roles read here.

- Not visible: 404, so an outsider cannot even learn that an object exists.

Rules:
- a region: superusers and the regional viewers of that region;
- a municipality: its department staff and coordinators, the region's viewers, superusers;
- a school: whoever sees its municipality or region, its principal, its mentor school and the
  schools it mentors.

Each rule is written twice on purpose, as a queryset for lists and as a ``can_see_*`` test on an
object already in hand (breadcrumbs, links) that costs no query; tests/schools/test_permissions.py
checks that the two agree for every persona.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
)


@dataclass
class UserScope:
    """A user's roles, read once per request (two queries)."""

    is_superuser: bool = False
    staff_municipalities: set[int] = field(default_factory=set)
    coordinator_municipalities: set[int] = field(default_factory=set)
    principal_schools: set[int] = field(default_factory=set)
    mentor_schools: set[int] = field(default_factory=set)
    mentee_schools: set[int] = field(default_factory=set)
    assigned_schools: set[int] = field(default_factory=set)
    staff_organisations: set[int] = field(default_factory=set)
    regions: set[int] = field(default_factory=set)
    person_id: int | None = None

    @property
    def municipalities(self) -> set[int]:
        return self.staff_municipalities | self.coordinator_municipalities

    @property
    def own_schools(self) -> set[int]:
        """The schools seen through a school role rather than through a municipality or region."""
        return self.principal_schools | self.mentor_schools | self.mentee_schools


def scope_of(user) -> UserScope:
    cached = getattr(user, "_roadmap_scope", None)
    if cached is not None:
        return cached
    scope = UserScope(is_superuser=user.is_authenticated and user.is_superuser)
    if user.is_authenticated:
        memberships = Membership.objects.filter(user=user).select_related("organisation")
        for m in memberships:
            org = m.organisation
            if m.role == Membership.Role.STAFF and org.municipality_id:
                scope.staff_municipalities.add(org.municipality_id)
                scope.staff_organisations.add(org.pk)
            elif m.role == Membership.Role.COORDINATOR and org.municipality_id:
                scope.coordinator_municipalities.add(org.municipality_id)
            elif m.role == Membership.Role.PRINCIPAL:
                scope.principal_schools.add(org.pk)
            elif m.role == Membership.Role.MENTOR:
                scope.mentor_schools.add(org.pk)
            elif m.role == Membership.Role.REGIONAL_VIEWER:
                scope.regions.add(org.region_id)
        scope.person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        if scope.mentor_schools:
            scope.mentee_schools = set(
                MentorPair.objects.filter(mentor__in=scope.mentor_schools).values_list("mentee", flat=True)
            )
        if scope.person_id and scope.coordinator_municipalities:
            scope.assigned_schools = set(
                CoordinatorAssignment.objects.filter(coordinator_id=scope.person_id).values_list(
                    "school", flat=True
                )
            )
    user._roadmap_scope = scope
    return scope


# --- Regions ------------------------------------------------------------------------------


def visible_regions(user) -> QuerySet[Region]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk__in=scope.regions)


def can_see_region(user, region: Region) -> bool:
    scope = scope_of(user)
    return scope.is_superuser or region.pk in scope.regions


def get_region_for_user(user, pk: int) -> Region:
    return get_object_or_404(visible_regions(user), pk=pk)


# --- Municipalities -----------------------------------------------------------------------


def visible_municipalities(user) -> QuerySet[Municipality]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(Q(pk__in=scope.municipalities) | Q(region__in=scope.regions))


def can_see_municipality(user, municipality: Municipality) -> bool:
    scope = scope_of(user)
    return (
        scope.is_superuser
        or municipality.pk in scope.municipalities
        or municipality.region_id in scope.regions
    )


def get_municipality_for_user(user, pk: int) -> Municipality:
    return get_object_or_404(visible_municipalities(user).select_related("region"), pk=pk)


# --- Schools ------------------------------------------------------------------------------


def visible_schools(user) -> QuerySet[Organisation]:
    scope = scope_of(user)
    schools = Organisation.objects.schools()
    if scope.is_superuser:
        return schools
    return schools.filter(
        Q(municipality__in=scope.municipalities) | Q(region__in=scope.regions) | Q(pk__in=scope.own_schools)
    )


def can_see_school(user, school: Organisation) -> bool:
    scope = scope_of(user)
    return school.kind == Organisation.Kind.SCHOOL and (
        scope.is_superuser
        or school.municipality_id in scope.municipalities
        or school.region_id in scope.regions
        or school.pk in scope.own_schools
    )


def get_school_for_user(user, pk: int) -> Organisation:
    return get_object_or_404(visible_schools(user).select_related("municipality__region"), pk=pk)
