"""Who may change what monitoring collects about schools and municipalities. Who may see a
region, a municipality or a school is ``schools.permissions``'s rule:

- data about a school (results, profile, risk levels): whoever sees the school reads it; the
  department staff of its municipality and its principal change it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from schools.models import Municipality, Organisation
from schools.permissions import get_school_for_user, scope_of


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
