"""Writes that span several roadmap models: loading a whole roadmap, deriving an
activity's deadline windows and executors from its verbatim texts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

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
    normalise_person_name,
    school_key,
)

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


def activity_set_windows(
    *, activity: Activity, period_start: date, period_end: date, has_children: bool | None = None
) -> None:
    """Replace the windows parsed from the deadline text; windows set by hand stay."""
    activity.windows.filter(source=DeadlineWindow.Source.PARSED).delete()
    if has_children is None:
        has_children = activity.children.exists()
    if has_children:
        # The sub-rows carry the dates (001 row 7.2, 002 row 6).
        activity.needs_date = False
        return
    parsed = parse_deadline(activity.deadline_text, period_start, period_end)
    manual = {(w.start, w.end) for w in activity.windows.all()}
    DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=activity, start=w.start, end=w.end)
        for w in parsed.windows
        if (w.start, w.end) not in manual
    )
    activity.needs_date = parsed.needs_date and not manual


class ExecutorResolver:
    """Turns recognised references into executors of one roadmap's municipality."""

    def __init__(self, roadmap: Roadmap) -> None:
        self.roadmap = roadmap
        self.owner = roadmap.owner
        links = roadmap.school_links.select_related("school")
        self.schools_by_role: dict[str, list[Organisation]] = {}
        for link in links:
            self.schools_by_role.setdefault(link.role, []).append(link.school)
        municipality_orgs = Organisation.objects.filter(
            region=self.owner.region, municipality=self.owner.municipality
        )
        self.schools_by_key = {school_key(o.name): o for o in municipality_orgs if o.kind == "school"}
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
        if not name.startswith(LEGAL_FORMS):
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
        return organisation


def activity_set_executors(*, activity: Activity, resolver: ExecutorResolver) -> None:
    """Replace the executors recognised from the responsible text (one per school that acts)."""
    activity.executors.all().delete()
    executors: list[Executor] = []
    seen: set[tuple[str, int | None, int | None, str]] = set()
    for ref in recognise(activity.responsible_text):
        for executor in resolver.executors_for(ref):
            identity = (
                ("person", executor.person_id, None, "")
                if executor.person_id
                else ("org", executor.organisation_id, None, "")
                if executor.organisation_id
                else ("label", None, None, executor.label)
            )
            if identity in seen:
                continue
            seen.add(identity)
            executor.activity = activity
            executor.order = len(executors)
            executors.append(executor)
    Executor.objects.bulk_create(executors)


@transaction.atomic
def roadmap_load(*, data: dict[str, Any], status: str = Roadmap.Status.APPROVED) -> tuple[Roadmap, bool]:
    """Load one roadmap from its structured form (``fixtures/seeds/*.json``).

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
    _load_schools_and_people(roadmap=roadmap, data=data)
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
    loader = _RowLoader(roadmap)
    for section_data in data.get("sections", []):
        loader.section(section_data, parent=None)
    for row in data.get("activities", []):
        loader.activity(row, section=None, parent=None)

    resolver = ExecutorResolver(roadmap)
    for activity in loader.activities:
        activity_set_windows(
            activity=activity,
            period_start=roadmap.period_start,
            period_end=roadmap.period_end,
            has_children=activity.pk in loader.parents,
        )
        activity_set_executors(activity=activity, resolver=resolver)
    Activity.objects.bulk_update(loader.activities, ["needs_date"])
    return roadmap, True


class _RowLoader:
    """Creates sections and rows in document order, numbering ``order`` as it goes."""

    def __init__(self, roadmap: Roadmap) -> None:
        self.roadmap = roadmap
        self.section_order = 0
        self.activity_order = 0
        self.activities: list[Activity] = []
        self.parents: set[int] = set()

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
        activity = Activity.objects.create(
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
            self.parents.add(activity.pk)
        self.activities.append(activity)
        for child in children:
            self.activity(child, section=section, parent=activity)


def _load_schools_and_people(*, roadmap: Roadmap, data: dict[str, Any]) -> None:
    owner = roadmap.owner
    academic_year = roadmap.academic_year
    for school_data in data.get("schools", []):
        school, _ = Organisation.objects.get_or_create(
            region=owner.region,
            municipality=owner.municipality,
            name=school_data["name"],
            defaults={"kind": Organisation.Kind.SCHOOL},
        )
        role = school_data.get("status", RoadmapSchool.Role.SUPERVISED)
        RoadmapSchool.objects.get_or_create(roadmap=roadmap, school=school, defaults={"role": role})
        if role in SCHOOL_STATUS_FOR_ROLE:
            SchoolStatus.objects.get_or_create(
                school=school, academic_year=academic_year, kind=SCHOOL_STATUS_FOR_ROLE[role]
            )
        if school_data.get("director"):
            Person.objects.get_or_create(
                organisation=school,
                full_name=normalise_person_name(school_data["director"]),
                defaults={"position": "директор", "is_head": True},
            )
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
