"""Writes that span several roadmap models: loading a whole roadmap, deriving an
activity's deadline windows and executors from its verbatim texts.

Windows and executors are what completion marks point at, so re-reading a text updates
them in place and never deletes one that has marks: marks are never lost to an edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count
from simple_history.utils import bulk_create_with_history

from roadmaps.deadlines import parse_deadline
from roadmaps.models import (
    Activity,
    DeadlineWindow,
    Executor,
    Roadmap,
    RoadmapSchool,
    Section,
    TargetIndicator,
)
from roadmaps.responsible import ExecutorRef, Group, OrgKind, RefKind, recognise
from schools.models import (
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
)
from schools.russian import normalise_person_name, school_key

APPROVAL_KINDS = {
    "приказ": Roadmap.ApprovalKind.ORDER,
    "распоряжение": Roadmap.ApprovalKind.DECREE,
    "письмо": Roadmap.ApprovalKind.LETTER,
    "протокол": Roadmap.ApprovalKind.PROTOCOL,
}

SCHOOL_STATUS_FOR_ROLE = {
    RoadmapSchool.Role.SUPERVISED: SchoolStatus.Kind.LOW_RESULTS,
    RoadmapSchool.Role.MENTOR: SchoolStatus.Kind.MENTOR,
}

# Legal forms that mark a name as a real organisation worth a row of its own;
# «Координационный совет» or «РМО» stay as executor labels.
LEGAL_FORMS = ("МБОУ", "МАОУ", "МОБУ", "МКОУ", "МОУ", "МБУ", "МАУ", "ГБУ", "ГАУ", "ГБОУ", "ГАОУ", "ОГБУ")


MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def window_label(start: date | None, end: date) -> str:
    """A window as a person says it: «март 2023», «февраль – март 2023», «до 10.03.2023»."""
    if start is None:
        return f"до {end:%d.%m.%Y}"
    if start == end:
        return f"{end:%d.%m.%Y}"
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if not whole_months:
        return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
    first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
    if (start.year, start.month) == (end.year, end.month):
        return f"{first} {end.year}"
    if start.year == end.year:
        return f"{first} – {last} {end.year}"
    return f"{first} {start.year} – {last} {end.year}"


@dataclass
class Rederived:
    """What re-reading a row's texts did to what marks point at, for the user to be told.

    Each entry names a window or an executor and how many marks went with it.
    """

    moved: list[tuple[str, str, int]] = field(default_factory=list)  # before, after, marks
    windows_kept: list[tuple[str, int]] = field(default_factory=list)  # left the text, kept for marks
    windows_back: list[tuple[str, int]] = field(default_factory=list)  # in the text again, marks back
    executors_kept: list[tuple[str, int]] = field(default_factory=list)
    executors_back: list[tuple[str, int]] = field(default_factory=list)

    def __add__(self, other: Rederived) -> Rederived:
        return Rederived(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def notes(self) -> list[str]:
        """One Russian sentence per change, for a row's edit."""
        notes = []
        for before, after, marks in self.moved:
            kept = ", отметки сохранены" if marks else ""
            notes.append(f"Срок перенесён: {before} → {after}{kept}.")
        for label, marks in self.windows_kept:
            notes.append(
                f"Срока «{label}» больше нет в тексте; его отметки ({marks}) сохранены"
                " и показаны отдельно на странице мероприятия."
            )
        for label, marks in self.windows_back:
            notes.append(f"Срок «{label}» снова в тексте: его отметки ({marks}) вернулись.")
        for label, marks in self.executors_kept:
            notes.append(
                f"«{label}» больше не указан в графе «Ответственный»; отметки ({marks}) сохранены"
                " и показаны отдельно на странице мероприятия."
            )
        for label, marks in self.executors_back:
            notes.append(f"«{label}» снова указан в графе «Ответственный»: отметки ({marks}) вернулись.")
        return notes

    def summary(self) -> str:
        """One Russian sentence for a whole roadmap re-read (the period or the schools changed)."""
        parts = []
        if self.moved:
            marks = sum(m for *_, m in self.moved)
            parts.append(f"перенесено сроков: {len(self.moved)} (с отметками: {marks})")
        kept = sum(m for _, m in self.windows_kept + self.executors_kept)
        if kept:
            parts.append(
                f"отметок к исключённым срокам и исполнителям: {kept}, они сохранены и показаны отдельно"
            )
        back = sum(m for _, m in self.windows_back + self.executors_back)
        if back:
            parts.append(f"вернулось отметок: {back}")
        if not parts:
            return ""
        return "Сроки и исполнители пересчитаны: " + "; ".join(parts) + ". Ни одна отметка не удалена."


def _dates_key(dates: tuple[date | None, date]) -> tuple[date, date]:
    start, end = dates
    return end, start or date.min


def activity_set_windows(
    *, activity: Activity, period_start: date, period_end: date, has_children: bool | None = None
) -> Rederived:
    """Re-read the deadline text into windows, keeping each window's identity and so its marks.

    1. A window with the dates the text gives stays as it is; a cancelled one comes back.
    2. The other windows still in the text are paired, in order within the row, with the
       dates left over: «Февраль» → «Март» moves the one window, marks and all.
    3. A window left over is kept, cancelled, while it has marks; without marks it goes.

    Windows set by hand are never touched. Sets ``activity.needs_date`` (the caller saves it).
    """
    changes = Rederived()
    existing = list(activity.windows.annotate(n_marks=Count("marks")))
    manual = {(w.start, w.end) for w in existing if w.source == DeadlineWindow.Source.MANUAL}
    if has_children is None:
        has_children = activity.children.exists()
    wanted = _wanted_windows(activity, period_start, period_end, has_children=has_children, manual=manual)

    unmatched = {(w.start, w.end): w for w in existing if w.source == DeadlineWindow.Source.PARSED}
    changed: list[DeadlineWindow] = []
    new_dates = []
    for dates in wanted:
        window = unmatched.pop(dates, None)
        if window is None:
            new_dates.append(dates)
        elif window.is_cancelled:
            window.is_cancelled = False
            changed.append(window)
            if window.n_marks:
                changes.windows_back.append((window_label(*dates), window.n_marks))
    # Only live windows move: a cancelled one comes back by its own dates, never onto others.
    live = sorted(
        (w for w in unmatched.values() if not w.is_cancelled), key=lambda w: _dates_key((w.start, w.end))
    )
    for window, dates in zip(live, new_dates, strict=False):
        changes.moved.append((window_label(window.start, window.end), window_label(*dates), window.n_marks))
        window.start, window.end = dates
        changed.append(window)
    left = live[len(new_dates) :]
    for window in left:
        if window.n_marks:
            window.is_cancelled = True
            changed.append(window)
            changes.windows_kept.append((window_label(window.start, window.end), window.n_marks))
    # The dates a window moves to are held by no other window of the row (step 1 took those).
    DeadlineWindow.objects.bulk_update(changed, ["start", "end", "is_cancelled"])
    DeadlineWindow.objects.filter(pk__in=[w.pk for w in left if not w.n_marks]).delete()
    DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=activity, start=start, end=end) for start, end in new_dates[len(live) :]
    )
    return changes


def _wanted_windows(
    activity: Activity, period_start: date, period_end: date, *, has_children: bool, manual=frozenset()
) -> list[tuple[date | None, date]]:
    """The windows the row's deadline text gives, but those set by hand; sets ``needs_date``."""
    if has_children:
        # The sub-rows carry the dates (001 row 7.2, 002 row 6).
        activity.needs_date = False
        return []
    parsed = parse_deadline(activity.deadline_text, period_start, period_end)
    activity.needs_date = parsed.needs_date and not manual
    return [(w.start, w.end) for w in parsed.windows if (w.start, w.end) not in manual]


class ExecutorResolver:
    """Turns recognised references into executors of one roadmap's municipality.

    Free text never adds to the registry: a name not found among the municipality's
    organisations and people stays text (an executor with its label only, or the role of a
    found organisation) until staff link it. Only ``adds_to_registry`` — the loading of a whole
    roadmap by the department (the seeds, its own file import, ``roadmap_load``) — creates the
    organisations (by legal form) and people it names.
    """

    def __init__(self, roadmap: Roadmap, *, adds_to_registry: bool = False) -> None:
        self.roadmap = roadmap
        self.owner = roadmap.owner
        self.adds_to_registry = adds_to_registry
        links = roadmap.school_links.select_related("school")
        self.schools_by_role: dict[str, list[Organisation]] = {}
        for link in links:
            self.schools_by_role.setdefault(link.role, []).append(link.school)
        municipality_orgs = Organisation.objects.filter(
            region=self.owner.region, municipality=self.owner.municipality
        )
        organisations = list(municipality_orgs)
        self.schools_by_key = {school_key(o.name): o for o in organisations if o.kind == "school"}
        self.organisations_by_name = {o.name: o for o in organisations}
        self.people = {
            normalise_person_name(p.full_name): p
            for p in Person.objects.filter(organisation__in=municipality_orgs).select_related("organisation")
        }

    def executors_for(self, ref: ExecutorRef) -> list[Executor]:
        if ref.kind == RefKind.GROUP:
            return self._group(ref)
        if ref.kind == RefKind.PERSON:
            return [self._person(ref)]
        if ref.kind == RefKind.ROLE:
            organisation = self.owner if ref.org_kind == OrgKind.DEPARTMENT else None
            return [
                Executor(
                    kind=Executor.Kind.ROLE,
                    label=ref.label,
                    role=ref.position or ref.label,
                    organisation=organisation,
                )
            ]
        return [self._organisation(ref)]

    def _group(self, ref: ExecutorRef) -> list[Executor]:
        role = RoadmapSchool.Role.MENTOR if ref.group == Group.MENTORS else RoadmapSchool.Role.SUPERVISED
        schools = self.schools_by_role.get(role, [])
        if not schools:
            # No schools named yet: keep the group so staff see who must act.
            return [Executor(kind=Executor.Kind.GROUP, label=ref.label)]
        return [Executor(kind=Executor.Kind.SCHOOL, label=ref.label, organisation=s) for s in schools]

    def _person(self, ref: ExecutorRef) -> Executor:
        organisation = self._find_organisation(ref.organisation, ref.org_kind) if ref.organisation else None
        person = self.people.get(normalise_person_name(ref.name))
        if person is None and not self.adds_to_registry:
            # Not in the registry: the row names a role of the organisation, if that is known.
            return Executor(
                kind=Executor.Kind.ROLE, label=ref.label, role=ref.position, organisation=organisation
            )
        if person is None:
            person = Person.objects.create(
                full_name=normalise_person_name(ref.name), position=ref.position, organisation=organisation
            )
            self.people[normalise_person_name(ref.name)] = person
        return Executor(
            kind=Executor.Kind.PERSON,
            label=ref.label,
            person=person,
            organisation=person.organisation,
            role=ref.position,
        )

    def _organisation(self, ref: ExecutorRef) -> Executor:
        organisation = self._find_organisation(ref.name or ref.label, ref.org_kind)
        if organisation is None:
            return Executor(kind=Executor.Kind.ORGANISATION, label=ref.label)
        kind = (
            Executor.Kind.SCHOOL
            if organisation.kind == Organisation.Kind.SCHOOL
            else Executor.Kind.ORGANISATION
        )
        return Executor(kind=kind, label=ref.label, organisation=organisation)

    def _find_organisation(self, name: str, org_kind: OrgKind | None) -> Organisation | None:
        if org_kind == OrgKind.DEPARTMENT:
            return self.owner
        school = self.schools_by_key.get(school_key(name))
        if school is not None:
            return school
        if name in self.organisations_by_name:
            return self.organisations_by_name[name]
        if not self.adds_to_registry or not name.startswith(LEGAL_FORMS):
            return None
        kind = {
            OrgKind.SCHOOL: Organisation.Kind.SCHOOL,
            OrgKind.METHODOLOGICAL: Organisation.Kind.METHODOLOGICAL,
        }.get(org_kind, Organisation.Kind.OTHER)
        organisation, _ = Organisation.objects.get_or_create(
            region=self.owner.region,
            municipality=self.owner.municipality,
            name=name,
            defaults={"kind": kind},
        )
        if kind == Organisation.Kind.SCHOOL:
            self.schools_by_key[school_key(name)] = organisation
        self.organisations_by_name[name] = organisation
        return organisation


def _identity(executor: Executor) -> tuple[str, int | str]:
    """Who an executor is, whatever the words: the person, else the organisation, else the label."""
    if executor.person_id:
        return ("person", executor.person_id)
    if executor.organisation_id:
        return ("organisation", executor.organisation_id)
    return ("label", executor.label)


EXECUTOR_FIELDS = ["kind", "label", "organisation", "role", "order", "is_dropped"]


def _as_written(executor: Executor) -> tuple:
    return tuple(getattr(executor, executor._meta.get_field(name).attname) for name in EXECUTOR_FIELDS)


def _named_executors(activity: Activity, resolver: ExecutorResolver) -> list[Executor]:
    """The executors the row's responsible text names (unsaved), each once, numbered in order."""
    named_all: list[Executor] = []
    seen: set[tuple[str, int | str]] = set()
    for ref in recognise(activity.responsible_text):
        for named in resolver.executors_for(ref):
            identity = _identity(named)
            if identity in seen:
                continue
            seen.add(identity)
            named.order, named.activity = len(named_all), activity
            named_all.append(named)
    return named_all


def activity_set_executors(*, activity: Activity, resolver: ExecutorResolver) -> Rederived:
    """Re-read the responsible text into executors (one per school that acts), in place.

    An executor still named (the same person, the same organisation, or the same words for
    one linked to neither) keeps its identity and marks; its label, role and order follow the
    text. One no longer named is kept, dropped, while it has marks; without marks it goes.
    Named again, a dropped one comes back with its marks.
    """
    changes = Rederived()
    existing = {
        _identity(e): e
        for e in activity.executors.select_related("organisation", "person").annotate(n_marks=Count("marks"))
    }
    changed: list[Executor] = []
    created: list[Executor] = []
    named_all = _named_executors(activity, resolver)
    for named in named_all:
        executor = existing.pop(_identity(named), None)
        if executor is None:
            created.append(named)
            continue
        if executor.is_dropped and executor.n_marks:
            changes.executors_back.append((str(executor), executor.n_marks))
        before = _as_written(executor)
        executor.kind, executor.label, executor.role = named.kind, named.label, named.role
        executor.organisation_id, executor.order = named.organisation_id, named.order
        executor.is_dropped = False
        if _as_written(executor) != before:
            changed.append(executor)
    order = len(named_all)
    gone = []
    for executor in sorted(existing.values(), key=lambda e: e.order):
        if not executor.n_marks:
            gone.append(executor.pk)
            continue
        if not executor.is_dropped:
            changes.executors_kept.append((str(executor), executor.n_marks))
        if (executor.is_dropped, executor.order) != (True, order):
            executor.is_dropped, executor.order = True, order
            changed.append(executor)
        order += 1
    Executor.objects.filter(pk__in=gone).delete()
    Executor.objects.bulk_update(changed, EXECUTOR_FIELDS)
    Executor.objects.bulk_create(created)
    return changes


@transaction.atomic
def roadmap_load(
    *, data: dict[str, Any], status: str = Roadmap.Status.APPROVED, adds_to_registry: bool = True
) -> tuple[Roadmap, bool]:
    """Load one roadmap from its structured form (``fixtures/seeds/*.json``).

    ``adds_to_registry``: the department's own load (the seeds, the department's file import)
    creates the schools, organisations and people the roadmap lists and names; a school's
    import only links those already in the registry (``ExecutorResolver``).

    All or nothing: a roadmap is never left half-written. A roadmap whose
    ``source_key`` is already loaded is returned untouched, so loading twice changes nothing.
    """
    existing = Roadmap.objects.filter(source_key=data["key"]).first()
    if existing is not None:
        return existing, False

    region, _ = Region.objects.get_or_create(name=data["region"])
    municipality, _ = Municipality.objects.get_or_create(region=region, name=data["municipality"])
    owner_data = data["owner"]
    owner, _ = Organisation.objects.get_or_create(
        region=region,
        municipality=municipality,
        name=owner_data["name"],
        defaults={
            "short_name": owner_data.get("short_name", ""),
            "kind": owner_data.get("kind", "department"),
        },
    )
    approval = data.get("approval") or {}
    roadmap = Roadmap.objects.create(
        owner=owner,
        level=data.get("level", Roadmap.Level.MUNICIPAL),
        title=data["title"],
        period_start=date.fromisoformat(data["period_start"]),
        period_end=date.fromisoformat(data["period_end"]),
        status=status,
        approval_kind=APPROVAL_KINDS.get(approval.get("kind", "").lower(), ""),
        approval_number=approval.get("number", ""),
        approval_date=date.fromisoformat(approval["date"]) if approval.get("date") else None,
        approved_by=approval.get("approver", ""),
        approval_text=approval.get("text", ""),
        goal=data.get("goal", ""),
        tasks="\n".join(data.get("tasks", [])),
        column_titles=data.get("columns", []),
        source_key=data["key"],
    )
    _load_schools_and_people(roadmap=roadmap, data=data, adds_to_registry=adds_to_registry)
    TargetIndicator.objects.bulk_create(
        TargetIndicator(
            roadmap=roadmap,
            order=i,
            name=ind["name"],
            unit=ind.get("unit", ""),
            baseline=ind.get("baseline", ""),
            target=ind.get("target", ""),
            target_date=date.fromisoformat(ind["target_date"]) if ind.get("target_date") else None,
        )
        for i, ind in enumerate(data.get("indicators", []))
    )
    loader = _RowLoader(roadmap, adds_to_registry=adds_to_registry)
    for section_data in data.get("sections", []):
        loader.section(section_data, parent=None)
    for row in data.get("activities", []):
        loader.activity(row, section=None, parent=None)

    loader.save()
    return roadmap, True


class _RowLoader:
    """Creates sections in document order, and the rows with their windows and executors in a
    few bulk inserts whatever their number: a new roadmap has no marks to keep, so its rows are
    read once, by the same rules ``activity_set_windows`` and ``activity_set_executors`` apply."""

    def __init__(self, roadmap: Roadmap, *, adds_to_registry: bool) -> None:
        self.roadmap = roadmap
        self.adds_to_registry = adds_to_registry
        self.section_order = 0
        self.activity_order = 0
        self.activities: list[Activity] = []
        self.parents: set[int] = set()  # id() of the rows that have sub-rows

    def section(self, data: dict[str, Any], parent: Section | None) -> None:
        self.section_order += 1
        section = Section.objects.create(
            roadmap=self.roadmap,
            parent=parent,
            kind=data.get("kind", Section.Kind.SECTION),
            order=self.section_order,
            number=data.get("number", ""),
            title=data["title"],
        )
        for row in data.get("activities", []):
            self.activity(row, section=section, parent=None)
        for sub in data.get("subsections", []):
            self.section(sub, parent=section)

    def activity(self, data: dict[str, Any], section: Section | None, parent: Activity | None) -> None:
        self.activity_order += 1
        activity = Activity(
            roadmap=self.roadmap,
            section=section,
            parent=parent,
            number=data.get("number", ""),
            order=self.activity_order,
            content=data["content"],
            deadline_text=data.get("deadline", ""),
            responsible_text=data.get("responsible", ""),
            expected_result=data.get("expected_result", ""),
        )
        children = data.get("children", [])
        if children:
            self.parents.add(id(activity))
        self.activities.append(activity)
        for child in children:
            self.activity(child, section=section, parent=activity)

    def save(self) -> None:
        roadmap = self.roadmap
        windows = {
            id(a): _wanted_windows(
                a, roadmap.period_start, roadmap.period_end, has_children=id(a) in self.parents
            )
            for a in self.activities
        }
        # Rows before their sub-rows, which point at them; each with its «created» history.
        for level in (
            [a for a in self.activities if a.parent is None],
            [a for a in self.activities if a.parent is not None],
        ):
            bulk_create_with_history(level, Activity)
        DeadlineWindow.objects.bulk_create(
            DeadlineWindow(activity=a, start=start, end=end)
            for a in self.activities
            for start, end in windows[id(a)]
        )
        resolver = ExecutorResolver(roadmap, adds_to_registry=self.adds_to_registry)
        Executor.objects.bulk_create(e for a in self.activities for e in _named_executors(a, resolver))


def schools_in_registry(owner: Organisation, names: list[str]) -> dict[str, Organisation | None]:
    """Each name of a roadmap's list of schools, with the school of the owner's municipality it
    names in the registry (compared by ``school_key``: «МОБУ СОШ № 6» and «СОШ №6» are one), or
    None when the registry has no such school. One query, over the municipality's schools (none
    for an empty list)."""
    if not names:
        return {}
    registry = {
        school_key(school.name): school
        for school in Organisation.objects.schools().filter(
            region_id=owner.region_id, municipality_id=owner.municipality_id
        )
    }
    return {name: registry.get(school_key(name)) for name in names}


def _load_schools_and_people(*, roadmap: Roadmap, data: dict[str, Any], adds_to_registry: bool) -> None:
    """The roadmap's schools (and their directors, its people); without ``adds_to_registry``
    only the schools already in the registry are linked, and nobody is added."""
    owner = roadmap.owner
    academic_year = roadmap.academic_year
    schools_data = data.get("schools", [])
    known = schools_in_registry(owner, [school_data["name"] for school_data in schools_data])
    for school_data in schools_data:
        school = known[school_data["name"]]
        if school is None and not adds_to_registry:
            continue
        if school is None:
            school = known[school_data["name"]] = Organisation.objects.create(
                region=owner.region,
                municipality=owner.municipality,
                name=school_data["name"],
                kind=Organisation.Kind.SCHOOL,
            )
        role = school_data.get("status", RoadmapSchool.Role.SUPERVISED)
        RoadmapSchool.objects.get_or_create(roadmap=roadmap, school=school, defaults={"role": role})
        # A school's status for the year is the department's to set (the registry), not a
        # school's file's.
        if role in SCHOOL_STATUS_FOR_ROLE and adds_to_registry:
            SchoolStatus.objects.get_or_create(
                school=school, academic_year=academic_year, kind=SCHOOL_STATUS_FOR_ROLE[role]
            )
        if school_data.get("director") and adds_to_registry:
            Person.objects.get_or_create(
                organisation=school,
                full_name=normalise_person_name(school_data["director"]),
                defaults={"position": "директор", "is_head": True},
            )
    if not adds_to_registry:
        return
    people = list(data.get("people", []))
    if data.get("coordinator"):
        people.append({**data["coordinator"], "organisation": owner.name})
    for person_data in people:
        organisation, _ = Organisation.objects.get_or_create(
            region=owner.region,
            municipality=owner.municipality,
            name=person_data.get("organisation") or owner.name,
            defaults={"kind": Organisation.Kind.OTHER},
        )
        Person.objects.get_or_create(
            organisation=organisation,
            full_name=normalise_person_name(person_data["name"]),
            defaults={"position": person_data.get("position", "")},
        )
