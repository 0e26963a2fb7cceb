"""The figures of a dashboard, each computed by one SQL query.

The unit of progress is a (deadline window, executor) pair: a live window of an activity
times each executor of that activity who can mark (one with an organisation or a person).
Its mark is the ``CompletionMark`` of that executor and window. As of a day each pair is in
one of the five ``STATES``. ``pairs()`` is the queryset of pairs (executors joined to their
activity's windows and, by a filtered LEFT JOIN, to the mark); every breakdown below is a
``values().annotate()`` over it, so the database does the counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, NamedTuple

from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from roadmaps.models import Activity, CompletionMark, Executor, Roadmap
from schools.models import (
    MentorPair,
    Municipality,
    Organisation,
    Person,
    academic_year_bounds,
    academic_year_of,
)


class State(NamedTuple):
    code: int
    key: str
    label: str
    color: str


ON_TIME, LATE, OVERDUE, IN_PROGRESS, NOT_DUE = 1, 2, 3, 4, 5
STATES = (
    State(ON_TIME, "on_time", "Выполнено в срок", "#198754"),
    State(LATE, "late", "Выполнено с опозданием", "#7cb342"),
    State(OVERDUE, "overdue", "Просрочено", "#dc3545"),
    State(IN_PROGRESS, "in_progress", "В работе", "#0dcaf0"),
    State(NOT_DUE, "not_due", "Срок не наступил", "#6c757d"),
)
DONE_CODES = (ON_TIME, LATE)

# Drafts are not in force: they count only on their own roadmap's dashboard.
LIVE = ~Q(activity__roadmap__status=Roadmap.Status.DRAFT)
# GROUP and ROLE executors with neither an organisation nor a person cannot mark.
CAN_MARK = Q(organisation__isnull=False) | Q(person__isnull=False)


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
      the schools' own), drafts excepted; this is what the department runs and sees;
    - school: the school's part in the roadmaps of its municipality (the municipal one and its
      own), so that it equals the school's row on the municipality's dashboard;
    - roadmap: every pair of the roadmap, whatever its status.

    ``schools`` narrows the pairs to these executors (a coordinator's own schools).
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

    def condition(self) -> Q:
        pk = self.obj.pk
        if self.kind == "roadmap":
            condition = Q(activity__roadmap=pk)
        elif self.kind == "region":
            condition = LIVE & Q(activity__roadmap__owner__region=pk)
        elif self.kind == "municipality":
            condition = LIVE & Q(activity__roadmap__owner__municipality=pk)
        else:
            condition = LIVE & Q(
                organisation=pk, activity__roadmap__owner__municipality=self.obj.municipality_id
            )
        if self.schools is not None:
            condition &= Q(organisation__in=self.schools)
        return condition


def schools_condition(school_ids) -> Q:
    """Each school's part in the roadmaps of its own municipality (the school scope, for many)."""
    return LIVE & Q(
        organisation__in=school_ids, activity__roadmap__owner__municipality=F("organisation__municipality")
    )


def pairs(condition: Q, *, on: date, year: int | None = None) -> QuerySet[Executor]:
    """The pairs matching ``condition`` (a Q on Executor), each annotated with its ``state`` as of ``on``.

    ``year`` keeps the windows ending in that academic year.
    """
    # One filter() call: conditions on the multi-valued windows share one join.
    window = Q(activity__windows__is_cancelled=False)
    if year is not None:
        window &= Q(activity__windows__end__range=academic_year_bounds(year))
    done = Q(
        mark__status=CompletionMark.Status.DONE,
        mark__review__in=[CompletionMark.Review.PENDING, CompletionMark.Review.ACCEPTED],
        mark__completed_on__lte=on,
    )
    return (
        Executor.objects.filter(CAN_MARK, condition, window)
        .annotate(mark=FilteredRelation("marks", condition=Q(marks__window=F("activity__windows"))))
        .annotate(
            state=Case(
                When(done & Q(mark__completed_on__lte=F("activity__windows__end")), then=Value(ON_TIME)),
                When(done, then=Value(LATE)),
                When(activity__windows__end__lt=on, then=Value(OVERDUE)),
                When(activity__windows__start__gt=on, then=Value(NOT_DUE)),
                default=Value(IN_PROGRESS),
            )
        )
        .order_by()
    )


def state_counts() -> dict[str, Any]:
    counts: dict[str, Any] = {"total": Count("pk")}
    for state in STATES:
        counts[state.key] = Count("pk", filter=Q(state=state.code))
    return counts


def _counted(rows: QuerySet) -> QuerySet:
    """Each group's counts per state, ``done`` and ``done_pct`` (for sorting by share)."""
    return rows.annotate(**state_counts()).annotate(
        done=F("on_time") + F("late"),
        done_pct=ExpressionWrapper((F("on_time") + F("late")) * 100.0 / F("total"), FloatField()),
        overdue_pct=ExpressionWrapper(F("overdue") * 100.0 / F("total"), FloatField()),
    )


def totals(qs: QuerySet) -> dict[str, int]:
    return qs.aggregate(**state_counts())


SCHOOL_SORTS = {
    "overdue": ("-overdue_pct", "-overdue", "name"),
    "done": ("done_pct", "name"),
    "name": ("name",),
}

# The breakdowns group by ids only and read names per group (a subquery on the grouped id), so
# that tens of thousands of pairs are not carried through the aggregate with their texts.


def _organisation_name(ref: str) -> Subquery:
    return Subquery(Organisation.objects.filter(pk=OuterRef(ref)).order_by().values(label=org_name())[:1])


def _field(model, ref: str, field: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(ref)).order_by().values(field)[:1])


def by_school(qs: QuerySet, sort: str = "overdue") -> QuerySet:
    rows = _counted(qs.filter(organisation__kind=Organisation.Kind.SCHOOL).values("organisation"))
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
    """Pairs in these sections (rows of ``by_section``)."""
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
    """Per (school, section): pairs and pairs done; ``school_ids`` None for every school."""
    key, field = (
        ("section", "activity__section") if scope.kind == "roadmap" else ("title", "activity__section__title")
    )
    schools = (
        Q(organisation__kind=Organisation.Kind.SCHOOL)
        if school_ids is None
        else Q(organisation__in=school_ids)
    )
    rows = qs.filter(section_filter(sections, scope), schools).values("organisation", **{key: F(field)})
    return rows.annotate(total=Count("pk"), done=Count("pk", filter=Q(state__in=DONE_CODES)))


def by_executor(qs: QuerySet) -> QuerySet:
    """By person, else by organisation; the most overdue first. (Names are two subqueries: wrapped
    in one expression they would be grouped by, and run for every pair.)"""
    rows = _counted(qs.values("organisation", "person")).annotate(
        person_name=_field(Person, "person", "full_name"),
        organisation_name=_organisation_name("organisation"),
    )
    return rows.order_by("-overdue", "-total", "organisation", "person")


def trend_due(qs: QuerySet) -> QuerySet:
    """Per month of the deadline: the pairs due, in each state as of the day."""
    return qs.values(month=TruncMonth("activity__windows__end")).annotate(**state_counts()).order_by("month")


def summed(rows) -> dict[str, int]:
    """The counts of several groups added up (the totals from the months of ``trend_due``, which
    saves a query over all the pairs)."""
    keys = ["total", *(state.key for state in STATES)]
    return {key: sum(row[key] for row in rows) for key in keys}


def trend_done(qs: QuerySet) -> QuerySet:
    """Per month of completion: pairs done."""
    return (
        qs.filter(state__in=DONE_CODES)
        .values(month=TruncMonth("mark__completed_on"))
        .annotate(done=Count("pk"))
        .order_by("month")
    )


def overdue_windows(qs: QuerySet) -> QuerySet:
    """Overdue (activity, window) rows, longest overdue first, with the executors behind."""
    rows = qs.filter(state=OVERDUE).values(
        window=F("activity__windows"),
        start=F("activity__windows__start"),
        end=F("activity__windows__end"),
        activity_pk=F("activity"),
        position=F("activity__order"),
        roadmap=F("activity__roadmap"),
    )
    rows = rows.annotate(executors=Count("pk"), names=NameList(EXECUTOR_NAME)).annotate(
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
    """Each mentee's counts: within the dashboard's scope, or (on a school's dashboard, where the
    mentees are other schools) within each mentee's own school scope."""
    if scope.kind == "school":
        condition = schools_condition(school_ids)
    else:
        condition = scope.condition() & Q(organisation__in=school_ids)
    rows = _counted(pairs(condition, on=on, year=year).values("organisation"))
    return {row["organisation"]: row for row in rows}
