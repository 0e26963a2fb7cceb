"""The figures of a dashboard, each computed by one SQL query.

The unit counted is the obligation (``roadmaps.obligations``): one live deadline window of an
activity for one executor who must act. ``scope_obligations()`` is the scope's obligations
with their state as of a day; every breakdown below is a ``values().annotate()`` over it, so
the database does the counting. The states, what counts as done, which roadmaps count where
and a school's part are the obligations' rules, not this module's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from roadmaps.models import Activity, Executor, Roadmap
from roadmaps.obligations import (
    DONE_CODES,
    OVERDUE,
    STATES,
    Where,
    counts,
    obligations,
    returned_condition,
    school_part,
    where_for_year,
)
from schools.models import MentorPair, Municipality, Organisation, Person, academic_year_of


def org_name(prefix: str = "") -> Coalesce:
    """An organisation's short name, else its full name (``prefix`` is the path to it)."""
    return Coalesce(NullIf(f"{prefix}short_name", Value("")), f"{prefix}name", output_field=CharField())


EXECUTOR_NAME = Coalesce(
    "person__full_name",
    NullIf("organisation__short_name", Value("")),
    "organisation__name",
    "label",
    output_field=CharField(),
)


class NameList(Aggregate):
    """The names of a group, comma-separated: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ', ')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers.

    - region, municipality: the roadmaps their organisations own (the municipal roadmaps and
      the schools' own); this is what the department runs and sees;
    - school: the school's part (``school_part``) in the roadmaps of its municipality (the
      municipal one and its own), as its card on the start pages and its row «по школам»;
    - roadmap: every obligation of the roadmap, whatever its status (``Where.OWN_PAGE``).

    Region, municipality and school count today's work (approved roadmaps), or for a past
    academic year its history (approved and archived ones): ``where``.
    ``schools`` narrows the obligations to these executors (a coordinator's own schools).
    """

    kind: str  # "region" | "municipality" | "school" | "roadmap"
    obj: Any
    schools: tuple[int, ...] | None = None

    SLUGS: ClassVar[dict[str, str]] = {
        "region": "regions",
        "municipality": "municipalities",
        "school": "schools",
        "roadmap": "roadmaps",
    }

    @property
    def slug(self) -> str:
        return self.SLUGS[self.kind]

    def where(self, *, on: date, year: int | None) -> Where:
        if self.kind == "roadmap":
            return Where.OWN_PAGE
        return where_for_year(year, academic_year_of(on))

    def condition(self) -> Q:
        pk = self.obj.pk
        if self.kind == "roadmap":
            condition = Q(activity__roadmap=pk)
        elif self.kind == "region":
            condition = Q(activity__roadmap__owner__region=pk)
        elif self.kind == "municipality":
            condition = Q(activity__roadmap__owner__municipality=pk)
        else:
            condition = school_part([pk])
        if self.schools is not None:
            condition &= Q(organisation__in=self.schools)
        return condition


def scope_obligations(scope: Scope, *, on: date, year: int | None) -> QuerySet[Executor]:
    """The scope's obligations, each with its ``state`` as of ``on``; ``year`` keeps the windows
    ending in that academic year."""
    return obligations(scope.condition(), on=on, where=scope.where(on=on, year=year), year=year)


def _counted(rows: QuerySet) -> QuerySet:
    """Each group's total, counts per state and ``done`` (``counts``), with ``done_pct`` and
    ``overdue_pct`` for sorting by share."""
    return rows.annotate(**counts()).annotate(
        done_pct=ExpressionWrapper(F("done") * 100.0 / F("total"), FloatField()),
        overdue_pct=ExpressionWrapper(F("overdue") * 100.0 / F("total"), FloatField()),
    )


def totals(qs: QuerySet) -> dict[str, int]:
    return qs.aggregate(**counts())


SCHOOL_SORTS = {
    "overdue": ("-overdue_pct", "-overdue", "name"),
    "done": ("done_pct", "name"),
    "name": ("name",),
}


def any_school() -> Q:
    """Every school's part: a school's row «по школам» and in the heatmap is what its own
    dashboard counts."""
    return school_part(Organisation.objects.schools().values("pk"))


# The breakdowns group by ids only and read names per group (a subquery on the grouped id), so
# that tens of thousands of obligations are not carried through the aggregate with their texts.


def _organisation_name(ref: str) -> Subquery:
    return Subquery(Organisation.objects.filter(pk=OuterRef(ref)).order_by().values(label=org_name())[:1])


def _field(model, ref: str, field: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(ref)).order_by().values(field)[:1])


def by_school(qs: QuerySet, sort: str = "overdue") -> QuerySet:
    rows = _counted(qs.filter(any_school()).values("organisation"))
    rows = rows.annotate(
        name=_organisation_name("organisation"),
        municipality_name=_field(Organisation, "organisation", "municipality__name"),
    )
    return rows.order_by(*SCHOOL_SORTS.get(sort, SCHOOL_SORTS["overdue"]))


def by_municipality(qs: QuerySet) -> QuerySet:
    """By the municipality owning the roadmap; regional roadmaps (no municipality) in one row."""
    rows = _counted(qs.values(municipality=F("activity__roadmap__owner__municipality")))
    rows = rows.annotate(name=_field(Municipality, "municipality", "name"))
    return rows.order_by(F("name").asc(nulls_last=True))


def by_roadmap(qs: QuerySet) -> QuerySet:
    rows = _counted(qs.values(roadmap=F("activity__roadmap"))).annotate(
        title=_field(Roadmap, "roadmap", "title"),
        period_start=_field(Roadmap, "roadmap", "period_start"),
        owner_name=Subquery(
            Roadmap.objects.filter(pk=OuterRef("roadmap")).order_by().values(label=org_name("owner__"))[:1]
        ),
    )
    return rows.order_by("-period_start", "title", "roadmap")


def by_section(qs: QuerySet, scope: Scope) -> QuerySet:
    """A roadmap's own sections in document order. In wider scopes the sections of many roadmaps
    grouped by title, whatever their number (school roadmaps made from one template share their
    titles, not always their numbers), largest first."""
    if scope.kind == "roadmap":
        rows = qs.values(
            section=F("activity__section"),
            number=F("activity__section__number"),
            title=F("activity__section__title"),
            position=F("activity__section__order"),
        )
        return _counted(rows).order_by(F("position").asc(nulls_first=True), "section")
    rows = qs.values(title=F("activity__section__title"))
    return _counted(rows).order_by("-total", "title")


def section_filter(sections: list[dict], scope: Scope) -> Q:
    """Obligations in these sections (rows of ``by_section``)."""
    condition = Q(pk__in=[])
    for row in sections:
        if scope.kind == "roadmap" and row["section"]:
            condition |= Q(activity__section=row["section"])
        elif row["title"] is None:
            condition |= Q(activity__section__isnull=True)
        else:
            condition |= Q(activity__section__title=row["title"])
    return condition


def section_key(row: dict, scope: Scope) -> int | str | None:
    return row["section"] if scope.kind == "roadmap" else row["title"]


def heatmap_cells(qs: QuerySet, *, school_ids, sections: list[dict], scope: Scope) -> QuerySet:
    """Per (school, section): the school's part there and how much of it is done; ``school_ids``
    None for every school."""
    key, field = (
        ("section", "activity__section") if scope.kind == "roadmap" else ("title", "activity__section__title")
    )
    schools = any_school() if school_ids is None else school_part(school_ids)
    rows = qs.filter(section_filter(sections, scope), schools).values("organisation", **{key: F(field)})
    return rows.annotate(total=Count("pk"), done=Count("pk", filter=Q(state__in=DONE_CODES)))


def by_executor(qs: QuerySet) -> QuerySet:
    """By person, else by organisation; the most overdue first. (Names are two subqueries: wrapped
    in one expression they would be grouped by, and run for every obligation.)"""
    rows = _counted(qs.values("organisation", "person")).annotate(
        person_name=_field(Person, "person", "full_name"),
        organisation_name=_organisation_name("organisation"),
    )
    return rows.order_by("-overdue", "-total", "organisation", "person")


def trend_due(qs: QuerySet) -> QuerySet:
    """Per month of the deadline: the obligations due, in each state as of the day, and how many
    of them the reviewer returned (owed again)."""
    return (
        qs.values(month=TruncMonth("activity__windows__end"))
        .annotate(**counts(), returned=Count("pk", filter=returned_condition()))
        .order_by("month")
    )


def summed(rows) -> dict[str, int]:
    """The counts of several groups added up (the totals from the months of ``trend_due``, which
    saves a query over all the obligations)."""
    keys = ["total", *(state.key for state in STATES), "done", "returned"]
    return {key: sum(row[key] for row in rows) for key in keys}


def trend_done(qs: QuerySet) -> QuerySet:
    """Per month of completion: obligations done."""
    return (
        qs.filter(state__in=DONE_CODES)
        .values(month=TruncMonth("mark__completed_on"))
        .annotate(done=Count("pk"))
        .order_by("month")
    )


def overdue_windows(qs: QuerySet) -> QuerySet:
    """Overdue (activity, window) rows, longest overdue first, with the executors behind and how
    many of them had their mark returned."""
    rows = qs.filter(state=OVERDUE).values(
        window=F("activity__windows"),
        start=F("activity__windows__start"),
        end=F("activity__windows__end"),
        activity_pk=F("activity"),
        position=F("activity__order"),
        roadmap=F("activity__roadmap"),
    )
    rows = rows.annotate(
        executors=Count("pk"),
        returned=Count("pk", filter=returned_condition()),
        names=NameList(EXECUTOR_NAME),
    ).annotate(
        number=_field(Activity, "activity_pk", "number"),
        content=_field(Activity, "activity_pk", "content"),
        roadmap_title=_field(Roadmap, "roadmap", "title"),
    )
    return rows.order_by("end", "-executors", "roadmap", "position", "window")


def mentor_pairs(scope: Scope, *, on: date, year: int | None) -> QuerySet[MentorPair]:
    """The mentor pairs of the scope for the academic year (the roadmap's, the chosen one, else the
    latest one up to the «as of» day that has pairs)."""
    pk = scope.obj.pk
    if scope.kind == "roadmap":
        condition = Q(mentee__in=Executor.objects.filter(activity__roadmap=pk).values("organisation"))
        year = scope.obj.academic_year
    elif scope.kind == "region":
        condition = Q(mentee__region=pk)
    elif scope.kind == "municipality":
        condition = Q(mentee__municipality=pk)
    else:
        condition = Q(mentor=pk) | Q(mentee=pk)
    if scope.schools is not None:
        condition &= Q(mentee__in=scope.schools)
    found = MentorPair.objects.filter(condition)
    if year is None:
        latest = found.filter(academic_year__lte=academic_year_of(on)).order_by("-academic_year")
        found = found.filter(academic_year=Subquery(latest.values("academic_year")[:1]))
    else:
        found = found.filter(academic_year=year)
    return found.select_related("mentor", "mentee").order_by("mentor__name", "mentee__name", "pk")


def mentee_progress(scope: Scope, school_ids, *, on: date, year: int | None) -> dict[int, dict]:
    """Each mentee's part (``school_part``, as its row «по школам»): within the dashboard's scope,
    or (on a school's dashboard, where the mentees are other schools) its own school scope."""
    if scope.kind == "school":
        condition = school_part(school_ids)
    else:
        condition = scope.condition() & school_part(school_ids)
    where = scope.where(on=on, year=year)
    rows = _counted(obligations(condition, on=on, where=where, year=year).values("organisation"))
    return {row["organisation"]: row for row in rows}
