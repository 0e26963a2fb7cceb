"""The registry's read side: the getters of its rows (404 unseen, 403 seen but not run, as in
``schools.permissions``), the municipality's page of schools and a school's change history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from schools.adoption import Stage, director_stages
from schools.models import (
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
)
from schools.permissions import (
    can_manage_school,
    get_school_for_manager,
    managed_municipalities,
    visible_schools,
)
from schools.russian import natural_order

PER_PAGE = 50
HISTORY_LIMIT = 200
REFUSED = "Пары и координаторов ведут специалисты управления образования."


# --- Getters ------------------------------------------------------------------------------


def get_pair_for_manager(user, pk: int) -> MentorPair:
    seen = visible_schools(user)
    pair = get_object_or_404(
        MentorPair.objects.filter(Q(mentor__in=seen) | Q(mentee__in=seen)).select_related(
            "mentor", "mentee__municipality"
        ),
        pk=pk,
    )
    if not can_manage_school(user, pair.mentee):
        raise PermissionDenied(REFUSED)
    return pair


def get_assignment_for_manager(user, pk: int) -> CoordinatorAssignment:
    assignment = get_object_or_404(
        CoordinatorAssignment.objects.filter(school__in=visible_schools(user)).select_related(
            "coordinator", "school__municipality"
        ),
        pk=pk,
    )
    if not can_manage_school(user, assignment.school):
        raise PermissionDenied(REFUSED)
    return assignment


RESTORABLE = {"pair": MentorPair, "coordinator": CoordinatorAssignment}


def get_deleted_for_manager(user, kind: str, history_id: int):
    """A history record of a deleted pair or assignment whose school the user runs."""
    model = RESTORABLE.get(kind)
    if model is None:
        raise PermissionDenied("Вернуть можно только пару наставничества или закрепление координатора.")
    record = get_object_or_404(model.history.filter(history_type="-"), history_id=history_id)
    get_school_for_manager(user, record.mentee_id if kind == "pair" else record.school_id)
    return record


# --- The municipalities a user runs --------------------------------------------------------


def municipalities_run_by(user) -> QuerySet[Municipality]:
    return (
        managed_municipalities(user)
        .select_related("region")
        .annotate(
            school_count=Count("organisations", filter=Q(organisations__kind=Organisation.Kind.SCHOOL)),
        )
        .order_by("region__name", "name")
    )


def regions_counted(regions: QuerySet[Region]) -> QuerySet[Region]:
    """The regions with their numbers of municipalities and schools, counted in SQL: the
    landing of whoever runs several regions lists them, not their thousands of municipalities."""
    municipalities = (
        Municipality.objects.filter(region=OuterRef("pk")).order_by().values("region").annotate(n=Count("pk"))
    )
    schools = (
        Organisation.objects.schools()
        .filter(region=OuterRef("pk"), municipality__isnull=False)
        .order_by()
        .values("region")
        .annotate(n=Count("pk"))
    )
    return regions.annotate(
        municipality_count=Coalesce(Subquery(municipalities.values("n")[:1], output_field=IntegerField()), 0),
        school_count=Coalesce(Subquery(schools.values("n")[:1], output_field=IntegerField()), 0),
    ).order_by("name")


def region_municipalities(region) -> QuerySet[Municipality]:
    """Both counts as subqueries: beside a join of the schools and its GROUP BY, the staff's
    subquery ran once per school (540 times in a region of 480 schools) instead of per row."""
    staff = Membership.objects.filter(organisation__municipality=OuterRef("pk"), role=Membership.Role.STAFF)
    schools = (
        Organisation.objects.schools()
        .filter(municipality=OuterRef("pk"))
        .order_by()
        .values("municipality")
        .annotate(n=Count("pk"))
    )
    return region.municipalities.annotate(
        school_count=Coalesce(Subquery(schools.values("n")[:1], output_field=IntegerField()), 0),
        staff_count=_subquery_count(staff),
    ).order_by("name")


def _subquery_count(qs):
    counted = qs.order_by().values("organisation__municipality").annotate(n=Count("user", distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1], output_field=IntegerField()), 0)


# --- The municipality's schools -------------------------------------------------------------


# The statuses as badges: the model's labels are whole sentences.
BADGES = {
    SchoolStatus.Kind.LOW_RESULTS: ("ШНОР", "text-bg-danger"),
    SchoolStatus.Kind.UNFAVOURABLE: ("ШНСУ", "text-bg-warning"),
    SchoolStatus.Kind.MENTOR: ("наставник", "text-bg-success"),
    SchoolStatus.Kind.RISK: ("риск", "text-bg-secondary"),
}


@dataclass
class SchoolRow:
    school: Organisation
    director: Person | None = None
    statuses: list[tuple[str, str, str]] = field(default_factory=list)  # (badge, css, full label)
    mentors: list[Organisation] = field(default_factory=list)
    mentees: list[Organisation] = field(default_factory=list)
    coordinators: list[Person] = field(default_factory=list)
    # How far the director has come in (``schools.adoption``), as «Пользователи» counts it.
    stage: str = Stage.NO_ACCOUNT
    last_login: datetime | None = None

    @property
    def stage_label(self) -> str:
        return Stage.LABELS[self.stage]


def municipality_schools(
    municipality: Municipality, *, year: int, status: str = "", text: str = "", page: object = 1
) -> tuple[Page, list[SchoolRow]]:
    """One page of the municipality's schools with the year's directors, statuses, pairs and
    coordinators, and how far each director has come in: seven queries whatever the number of
    rows (and the paginator's count)."""
    schools = Organisation.objects.schools().filter(municipality=municipality)
    if status:
        schools = schools.filter(
            Exists(SchoolStatus.objects.filter(school=OuterRef("pk"), academic_year=year, kind=status))
        )
    if text := text.strip():
        schools = schools.filter(
            Q(name__icontains=text) | Q(short_name__icontains=text) | Q(inn__contains=text)
        )
    # In the order people count them (№ 6 before № 38): the municipality's names are sorted
    # here, then one page of schools is read.
    ordered = sorted(schools.values_list("pk", "name"), key=lambda school: natural_order(school[1]))
    page_obj = Paginator([pk for pk, _name in ordered], PER_PAGE).get_page(page)
    found = Organisation.objects.in_bulk(page_obj.object_list)
    rows = {pk: SchoolRow(found[pk]) for pk in page_obj.object_list}
    for person in Person.objects.filter(organisation__in=rows, is_head=True):
        rows[person.organisation_id].director = person
    for s in SchoolStatus.objects.filter(school__in=rows, academic_year=year).order_by("kind"):
        rows[s.school_id].statuses.append((*BADGES[s.kind], s.get_kind_display()))
    pairs = MentorPair.objects.filter(Q(mentor__in=rows) | Q(mentee__in=rows), academic_year=year)
    for pair in pairs.select_related("mentor", "mentee"):
        if pair.mentee_id in rows:
            rows[pair.mentee_id].mentors.append(pair.mentor)
        if pair.mentor_id in rows:
            rows[pair.mentor_id].mentees.append(pair.mentee)
    assignments = CoordinatorAssignment.objects.filter(school__in=rows, academic_year=year)
    for a in assignments.select_related("coordinator"):
        rows[a.school_id].coordinators.append(a.coordinator)
    for school_id, (stage, last_login) in director_stages(rows).items():
        rows[school_id].stage, rows[school_id].last_login = stage, last_login
    return page_obj, list(rows.values())


def municipality_pairs(municipality: Municipality, *, year: int) -> QuerySet[MentorPair]:
    """The year's pairs with a school of the municipality on either side. The two sides are
    looked up by their indexes and united: an OR across the two joins read every pair of the
    country's year (53 ms against 0.6 ms with 50,000 pairs)."""
    schools = Organisation.objects.filter(municipality=municipality).values("pk")
    either = (
        MentorPair.objects.filter(mentor__in=schools)
        .order_by()
        .values("pk")
        .union(MentorPair.objects.filter(mentee__in=schools).order_by().values("pk"))
    )
    return (
        MentorPair.objects.filter(pk__in=either, academic_year=year)
        .select_related("mentor", "mentee")
        .order_by("mentor__name", "mentee__name")
    )


def municipality_assignments(municipality: Municipality, *, year: int) -> QuerySet[CoordinatorAssignment]:
    return (
        CoordinatorAssignment.objects.filter(school__municipality=municipality, academic_year=year)
        .select_related("coordinator__organisation", "school")
        .order_by("coordinator__full_name", "school__name")
    )


def coordinator_candidates(municipality: Municipality) -> QuerySet[Person]:
    """The people of the municipality's non-school organisations, and anyone of its
    organisations who holds a coordinator's role."""
    coordinator_role = Membership.objects.filter(
        user=OuterRef("user"), organisation__municipality=municipality, role=Membership.Role.COORDINATOR
    )
    return (
        Person.objects.filter(organisation__municipality=municipality)
        .filter(~Q(organisation__kind=Organisation.Kind.SCHOOL) | Q(Exists(coordinator_role)))
        .select_related("organisation")
        .order_by("full_name")
    )


def years_around(year: int, *, municipality: Municipality) -> list[int]:
    """The years the selector offers: those with statuses or pairs in the municipality, and the
    current one with its neighbours."""
    years = set(
        SchoolStatus.objects.filter(school__municipality=municipality).values_list("academic_year", flat=True)
    )
    years |= {year - 1, year, year + 1}
    return sorted(years, reverse=True)


# --- A school's change history ---------------------------------------------------------------


@dataclass
class Change:
    when: object
    who: object
    what: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


ACTIONS = {"+": "добавлено", "~": "изменено", "-": "удалено"}
SKIPPED = {"id", "region", "municipality", "kind", "organisation", "user"}


def school_history(school: Organisation) -> list[Change]:
    """The card, statuses, pairs, coordinators and people of the school, newest first: five
    queries, ``HISTORY_LIMIT`` records of each at most."""
    sources = [
        ("карточка школы", Organisation.history.filter(id=school.pk), ()),
        ("статус", SchoolStatus.history.filter(school_id=school.pk), ()),
        (
            "пара наставничества",
            MentorPair.history.filter(Q(mentor_id=school.pk) | Q(mentee_id=school.pk)),
            ("mentor", "mentee"),
        ),
        ("координатор", CoordinatorAssignment.history.filter(school_id=school.pk), ("coordinator",)),
        ("сотрудник", Person.history.filter(organisation_id=school.pk), ()),
    ]
    entries = []
    for label, records, related in sources:
        records = list(
            records.select_related("history_user", *related).order_by("-history_date")[:HISTORY_LIMIT]
        )
        previous = _previous_of(records)
        for record in records:
            before = previous.get(record.history_id)
            changes = _diff(record, before) if before is not None and record.history_type == "~" else []
            if record.history_type == "~" and not changes:
                continue
            entries.append(
                Change(
                    record.history_date,
                    record.history_user,
                    f"{label}: {_name(record)}",
                    record.history_change_reason or ACTIONS[record.history_type],
                    changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]


def latest_change(school: Organisation):
    """The newest history record of the school's card or of its people (the director): who
    saved it last and when, for the page that refuses a save over it. Two queries."""
    records = [
        Organisation.history.filter(id=school.pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first(),
        Person.history.filter(organisation_id=school.pk)
        .select_related("history_user")
        .order_by("-history_date")
        .first(),
    ]
    return max((r for r in records if r is not None), key=lambda r: r.history_date, default=None)


def _previous_of(records: list) -> dict:
    """Each record's predecessor among ``records`` (newest first), by the row it is of."""
    previous, last_of = {}, {}
    for record in reversed(records):
        if record.id in last_of:
            previous[record.history_id] = last_of[record.id]
        last_of[record.id] = record
    return previous


def _diff(record, before) -> list[tuple[str, str, str]]:
    model = record.instance_type
    delta = record.diff_against(before, excluded_fields=SKIPPED, foreign_keys_are_objs=False)
    return [
        (
            str(model._meta.get_field(c.field).verbose_name),
            _show(model, c.field, c.old),
            _show(model, c.field, c.new),
        )
        for c in delta.changes
    ]


def _show(model, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    choices = dict(model._meta.get_field(name).choices or [])
    return str(choices.get(value, value))


def _name(record) -> str:
    model = record.instance_type
    if model is Organisation:
        return record.short_name or record.name
    if model is SchoolStatus:
        return f"{dict(SchoolStatus.Kind.choices)[record.kind]} ({record.academic_year}/{record.academic_year + 1})"
    if model is MentorPair:
        return f"{record.mentor} → {record.mentee} ({record.academic_year}/{record.academic_year + 1})"
    if model is CoordinatorAssignment:
        return f"{record.coordinator.full_name} ({record.academic_year}/{record.academic_year + 1})"
    return record.full_name + (" (директор)" if record.is_head else "")
