"""The registry's writes that every slice shares: a school's director and its statuses of a
year. The card page, the XLSX import and «Сменить директора» all change them here.

Every save and delete goes row by row, with ``by`` as the history's user (the web requests'
user comes from simple-history's middleware anyway; a command has none), so that the change
history keeps each change and who made it."""

from __future__ import annotations

from dataclasses import dataclass

from schools.models import Organisation, Person, SchoolStatus
from schools.russian import fold, normalise_person_name


def as_user(obj, by):
    """``obj``, its next save or delete recorded in the change history as made by ``by`` (a
    command's None leaves it to simple-history's middleware, which has no user either)."""
    if by is not None:
        obj._history_user = by
    return obj


@dataclass(frozen=True)
class DirectorChange:
    head: Person | None  # the director now (None: the school has none)
    former: Person | None  # the director who stopped being one, if any


def director_set(
    *, school: Organisation, full_name: str, email: str = "", by=None, people: list[Person] | None = None
) -> DirectorChange:
    """The school's director becomes ``full_name``.

    The same person (names compared folded: «Отчёт» = «Отчет», any case) keeps the post, with
    ``email`` when one is given. Another: the old head stays the school's person, no longer its
    head (first: one head per organisation), and the school's person of that name, or a new
    one, becomes the head. People are never deleted: marks and roadmaps point at them. An empty
    name leaves the school without a director. ``people`` are the school's Person rows when the
    caller has them already (the import reads them once for the whole file)."""
    full_name, email = normalise_person_name(full_name), email.strip().lower()
    people = list(school.people.all()) if people is None else people
    head = next((p for p in people if p.is_head), None)
    if head is not None and full_name and fold(head.full_name) == fold(full_name):
        if email and head.email != email:
            head.email = email
            as_user(head, by).save()
        return DirectorChange(head=head, former=None)
    former = None
    if head is not None:
        head.is_head = False
        as_user(head, by).save()
        former = head
    if not full_name:
        return DirectorChange(head=None, former=former)
    person = next((p for p in people if fold(p.full_name) == fold(full_name)), None)
    if person is None:
        person = Person(organisation=school, full_name=full_name, position="Директор")
        people.append(person)
    person.is_head = True
    person.email = email or person.email
    as_user(person, by).save()
    return DirectorChange(head=person, former=former)


def statuses_set(
    *,
    school: Organisation,
    year: int,
    kinds: set[str],
    by=None,
    current: dict[str, SchoolStatus] | None = None,
) -> tuple[list[str], list[str]]:
    """The school's statuses of ``year`` become ``kinds``: (added, removed), in the order of
    ``SchoolStatus.Kind``. Roadmaps are not touched: which schools take part in one is the
    roadmap's own list. ``current`` are the year's rows by kind when the caller has them (kept
    up to date)."""
    if current is None:
        current = {s.kind: s for s in SchoolStatus.objects.filter(school=school, academic_year=year)}
    added = [k for k in SchoolStatus.Kind.values if k in kinds and k not in current]
    removed = [k for k in SchoolStatus.Kind.values if k in current and k not in kinds]
    for kind in removed:
        as_user(current.pop(kind), by).delete()  # one by one: the history records each delete
    for kind in added:
        current[kind] = as_user(SchoolStatus(school=school, academic_year=year, kind=kind), by)
        current[kind].save()
    return added, removed
