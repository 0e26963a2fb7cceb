"""The schools app's models, by topic: ``places`` (who and where), ``access`` (the access log,
invitations, the personal-data consent), ``imports`` (the registry import's preview)."""

from schools.models.access import AccessEvent, ConsentAcceptance, ConsentText, Invitation
from schools.models.imports import RegistryImport
from schools.models.places import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    OrganisationQuerySet,
    Person,
    Region,
    SchoolStatus,
    academic_year_bounds,
    academic_year_expression,
    academic_year_label,
    academic_year_of,
    current_academic_year,
    validate_inn,
    validate_timezone,
)

__all__ = [
    "AccessEvent",
    "ConsentAcceptance",
    "ConsentText",
    "CoordinatorAssignment",
    "Invitation",
    "Membership",
    "MentorPair",
    "Municipality",
    "Organisation",
    "OrganisationQuerySet",
    "Person",
    "Region",
    "RegistryImport",
    "SchoolStatus",
    "academic_year_bounds",
    "academic_year_expression",
    "academic_year_label",
    "academic_year_of",
    "current_academic_year",
    "validate_inn",
    "validate_timezone",
]
