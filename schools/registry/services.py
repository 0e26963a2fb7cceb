"""The registry's writes: municipalities, schools and their directors, statuses, mentor pairs
and coordinators. Every row is saved or deleted one by one, as ``by``, so that the change
history (django-simple-history) has each change and who made it; people are never deleted:
marks and roadmaps point at them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from schools.models import (
    CoordinatorAssignment,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
)
from schools.services import as_user, director_set, statuses_set


def municipality_create(
    *, region: Region, name: str, timezone: str, department_name: str, by
) -> Municipality:
    """The municipality and its department (the organisation its staff belong to)."""
    with transaction.atomic():
        municipality = as_user(Municipality(region=region, name=name.strip(), timezone=timezone), by)
        municipality.full_clean()
        municipality.save()
        department = Organisation(
            region=region,
            municipality=municipality,
            kind=Organisation.Kind.DEPARTMENT,
            name=department_name.strip(),
        )
        as_user(department, by).save()
    return municipality


@dataclass(frozen=True)
class SchoolCard:
    name: str
    short_name: str = ""
    inn: str = ""
    address: str = ""
    email: str = ""
    website: str = ""
    director_name: str = ""
    director_email: str = ""


def school_save(
    *, municipality: Municipality, card: SchoolCard, by, school: Organisation | None = None
) -> Organisation:
    """A new school of ``municipality``, or ``school``'s card changed, with its director."""
    with transaction.atomic():
        school = school or Organisation(
            region_id=municipality.region_id, municipality=municipality, kind=Organisation.Kind.SCHOOL
        )
        for name in ("name", "short_name", "inn", "address", "email", "website"):
            setattr(school, name, getattr(card, name).strip())
        as_user(school, by).save()
        director_set(school=school, full_name=card.director_name, email=card.director_email, by=by)
    return school


def school_statuses_set(
    *, school: Organisation, year: int, kinds: set[str], by
) -> tuple[list[str], list[str]]:
    """The school's statuses of ``year`` become ``kinds``: (added, removed). Roadmaps are not
    touched (``schools.services.statuses_set``)."""
    with transaction.atomic():
        return statuses_set(school=school, year=year, kinds=kinds, by=by)


def pair_create(*, mentor: Organisation, mentee: Organisation, year: int, by) -> MentorPair:
    with transaction.atomic():
        pair = as_user(MentorPair(mentor=mentor, mentee=mentee, academic_year=year), by)
        pair.save()
    return pair


def pair_delete(*, pair: MentorPair, by) -> int:
    """Deletes the pair; returns the id of its history record, for «Вернуть»."""
    with transaction.atomic():
        pk = pair.pk
        as_user(pair, by).delete()
        return MentorPair.history.filter(id=pk, history_type="-").latest("history_date").history_id


def coordinator_assign(*, coordinator: Person, school: Organisation, year: int, by) -> CoordinatorAssignment:
    with transaction.atomic():
        assignment = as_user(
            CoordinatorAssignment(coordinator=coordinator, school=school, academic_year=year), by
        )
        assignment.save()
    return assignment


def coordinator_unassign(*, assignment: CoordinatorAssignment, by) -> int:
    """Deletes the assignment; returns the id of its history record, for «Вернуть»."""
    with transaction.atomic():
        pk = assignment.pk
        as_user(assignment, by).delete()
        return CoordinatorAssignment.history.filter(id=pk, history_type="-").latest("history_date").history_id


RESTORED = "возвращено"  # the history's word for a row brought back


class AlreadyThere(Exception):
    """The deleted row is back already, or the same pair or assignment was made again."""


def deleted_restore(*, record, by):
    """Brings back the row a history record of a delete («-») holds, under its old id."""
    model = record.instance_type
    if model.objects.filter(pk=record.id).exists():
        raise AlreadyThere
    instance = record.instance
    instance._change_reason = RESTORED
    try:
        with transaction.atomic():
            as_user(instance, by).save(force_insert=True)
    except IntegrityError as error:
        raise AlreadyThere from error
    return instance
