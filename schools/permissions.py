"""Who is who, and who may see which region, municipality and school. The rules of the higher
apps (``roadmaps.permissions``, ``monitoring.permissions``) start from the roles read here.

- Not visible: 404, so an outsider cannot even learn that an object exists.

Rules of reading:
- a region: superusers, the regional viewers and the region staff of that region;
- a municipality: its department staff and coordinators, the region's viewers and staff,
  superusers;
- a school: whoever sees its municipality or region, its principal, its mentor school and the
  schools it mentors. A mentor school's director reads the schools it mentors through the
  mentor pairs: one login serves both.

Rules of running the registry and the people (``can_manage_*``): a municipality's schools,
statuses, pairs, coordinators and users are run by its department staff and by the region
staff of its region; a region's municipalities and department staff by its region staff;
everything by superusers. Seen but not run: 403 (``PermissionDenied``).

Each rule is written twice on purpose, as a queryset for lists and as a ``can_see_*`` test on an
object already in hand (breadcrumbs, links) that costs no query; tests/schools/test_permissions.py
checks that the two agree for every persona.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from schools.models import (
    CoordinatorAssignment,
    Invitation,
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
    region_staff_regions: set[int] = field(default_factory=set)
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
            elif m.role == Membership.Role.REGION_STAFF:
                scope.regions.add(org.region_id)
                scope.region_staff_regions.add(org.region_id)
        scope.person_id = Person.objects.filter(user=user).values_list("pk", flat=True).first()
        if scope.mentor_schools or scope.principal_schools:
            # A director of a mentor school mentors through the pairs, without a second role.
            pairs = MentorPair.objects.filter(mentor__in=scope.mentor_schools | scope.principal_schools)
            for mentor, mentee in pairs.values_list("mentor", "mentee"):
                scope.mentor_schools.add(mentor)
                scope.mentee_schools.add(mentee)
        if scope.person_id and scope.coordinator_municipalities:
            scope.assigned_schools = set(
                CoordinatorAssignment.objects.filter(coordinator_id=scope.person_id).values_list(
                    "school", flat=True
                )
            )
    user._roadmap_scope = scope
    return scope


def has_no_role(user) -> bool:
    """Logged in, not a superuser, and no role in any organisation. The scope read for the
    request answers most users; only an empty scope costs one more query (a role in an
    organisation of no municipality is a role too)."""
    scope = scope_of(user)
    if not user.is_authenticated or scope.is_superuser:
        return False
    if scope.municipalities or scope.staff_organisations or scope.own_schools or scope.regions:
        return False
    return not Membership.objects.filter(user=user).exists()


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


def can_manage_region(user, region: Region) -> bool:
    """Runs the region's municipalities and their department staff."""
    scope = scope_of(user)
    return scope.is_superuser or region.pk in scope.region_staff_regions


def managed_regions(user) -> QuerySet[Region]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(pk__in=scope.region_staff_regions)


def get_region_for_manager(user, pk: int) -> Region:
    """404 when the user does not see the region, 403 when they see it but do not run it."""
    region = get_region_for_user(user, pk)
    if not can_manage_region(user, region):
        raise PermissionDenied("Регионом управляют специалисты региона.")
    return region


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


def can_manage_municipality(user, municipality: Municipality) -> bool:
    """Runs the municipality's registry of schools and its users."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or municipality.pk in scope.staff_municipalities
        or municipality.region_id in scope.region_staff_regions
    )


def managed_municipalities(user) -> QuerySet[Municipality]:
    scope = scope_of(user)
    if scope.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(
        Q(pk__in=scope.staff_municipalities) | Q(region__in=scope.region_staff_regions)
    )


def manages_anything(user) -> bool:
    """Whether the «Школы» and «Пользователи» pages are the user's: no query."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.staff_municipalities or scope.region_staff_regions)


def get_municipality_for_manager(user, pk: int) -> Municipality:
    """404 when the user does not see the municipality, 403 when they see it but do not run it."""
    municipality = get_municipality_for_user(user, pk)
    if not can_manage_municipality(user, municipality):
        raise PermissionDenied("Реестр муниципалитета ведут специалисты управления образования.")
    return municipality


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


def can_manage_school(user, school: Organisation) -> bool:
    """Edits the school's card, statuses, pairs, coordinators and its people's accounts."""
    scope = scope_of(user)
    return (
        scope.is_superuser
        or school.municipality_id in scope.staff_municipalities
        or school.region_id in scope.region_staff_regions
    )


def get_school_for_manager(user, pk: int) -> Organisation:
    """404 when the user does not see the school, 403 when they see it but do not run it."""
    school = get_school_for_user(user, pk)
    if not can_manage_school(user, school):
        raise PermissionDenied("Карточку школы ведут специалисты управления образования.")
    return school


# --- People's accounts: who may give which role where (schools/invitations) ---------------

SCHOOL_ROLES = frozenset({Membership.Role.PRINCIPAL})
MUNICIPAL_ROLES = frozenset({Membership.Role.COORDINATOR, Membership.Role.STAFF})
REGIONAL_ROLES = frozenset({Membership.Role.REGION_STAFF, Membership.Role.REGIONAL_VIEWER})


def roles_grantable(user, organisation: Organisation) -> frozenset[str]:
    """The roles ``user`` may give (by invitation) and take away in ``organisation``: the one
    rule of the users pages, the invitation form and the services.

    A municipality's runners (its department staff, the region's staff) give a school its
    principal, the municipality's other organisations their coordinators and staff; the
    region's staff give its regional bodies their staff and viewers; superusers anything.
    """
    scope = scope_of(user)
    if scope.is_superuser:
        return frozenset(Membership.Role.values)
    if organisation.municipality_id is None:
        return REGIONAL_ROLES if organisation.region_id in scope.region_staff_regions else frozenset()
    runs = (
        organisation.municipality_id in scope.staff_municipalities
        or organisation.region_id in scope.region_staff_regions
    )
    if not runs:
        return frozenset()
    return SCHOOL_ROLES if organisation.kind == Organisation.Kind.SCHOOL else MUNICIPAL_ROLES


def visible_organisations(user) -> QuerySet[Organisation]:
    """The organisations of the municipalities and regions the user sees."""
    scope = scope_of(user)
    if scope.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(municipality__in=visible_municipalities(user)) | Q(municipality=None, region__in=scope.regions)
    )


def get_organisation_for_manager(user, pk: int) -> Organisation:
    """404 when the user does not see the organisation, 403 when they give no role in it."""
    organisation = get_object_or_404(visible_organisations(user).select_related("municipality"), pk=pk)
    if not roles_grantable(user, organisation):
        raise PermissionDenied("Учётные записи этой организации ведут специалисты управления образования.")
    return organisation


def get_user_for_manager(user, pk: int, organisation_pk: int):
    """An account that has (or had) a role in an organisation the user runs, with that
    organisation: 404 when either is not seen or the account never had a role there, 403 when
    the organisation is seen but not run."""
    from django.contrib.auth import get_user_model

    organisation = get_organisation_for_manager(user, organisation_pk)
    had_role = Q(memberships__organisation=organisation) | Q(
        pk__in=Membership.history.filter(organisation_id=organisation.pk).values("user_id")
    )
    account = get_object_or_404(get_user_model().objects.filter(had_role).distinct(), pk=pk)
    return account, organisation


def get_invitation_for_manager(user, pk: int):
    """404 when the user does not see the invitation's organisation, 403 when they do not run it."""
    invitation = get_object_or_404(
        Invitation.objects.filter(organisation__in=visible_organisations(user)).select_related(
            "organisation", "invited_by"
        ),
        pk=pk,
    )
    if not roles_grantable(user, invitation.organisation):
        raise PermissionDenied("Приглашениями этой организации ведают специалисты управления образования.")
    return invitation
