"""The obligation: one deadline window of an activity, for one executor who must act.

Every page, report, dashboard, reminder and calendar entry is a view of obligations and
their completion marks; this module is the one home of the rules they all read:

- **its state on a day** (``STATES``, ``state_of`` in Python, ``state_case`` in SQL), first
  row that applies:

  ============================================================  =====================
  window cancelled, activity in the trash, roadmap not counted  not an obligation
  marked done, not returned, completed on or before the end     done on time
  marked done, not returned, completed after the end            done late
  window ended before the day (not done, in progress, returned  overdue
  or not marked)
  window started (or has no start)                              in progress
  otherwise                                                     not yet due
  ============================================================  =====================

  "Counts as done" is the first two rows (``is_done``, ``done_condition``), and only what
  was completed by the day in question. A done mark not yet accepted reads «ждёт проверки»;
  a returned one is owed again and reads «возвращено»;
- **which roadmaps count where** (``counted``): drafts only on their own roadmap's page,
  archived ones in history (a past academic year), neither in today's work;
- **who acts** (``CAN_ACT``; ``owes`` and ``reading_of`` for an executor in hand, ``why_not``
  for what a non-obligation reads; ``acted_by``): the school's principal for a school, the person
  named, the department's staff for the department's own rows; groups and roles nobody
  can mark are not obligations;
- **who watches** (``watched_by``): the coordinator assigned to the school for the window's
  academic year, and the mentor school paired with it for that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from django.db.models import Case, Count, F, FilteredRelation, Q, QuerySet, Value, When

from roadmaps.models import CompletionMark, DeadlineWindow, Executor, Roadmap
from schools.models import Organisation, academic_year_bounds, academic_year_of


class State(NamedTuple):
    code: int  # what SQL annotates
    key: str
    label: str
    color: str  # charts
    css: str  # a Bootstrap badge


ON_TIME, LATE, OVERDUE, IN_PROGRESS, NOT_DUE = 1, 2, 3, 4, 5
STATES = (
    State(ON_TIME, "on_time", "Выполнено в срок", "#198754", "success"),
    State(LATE, "late", "Выполнено с опозданием", "#7cb342", "success-subtle text-success-emphasis border border-success"),
    State(OVERDUE, "overdue", "Просрочено", "#dc3545", "danger"),
    State(IN_PROGRESS, "in_progress", "В работе", "#0dcaf0", "info"),
    State(NOT_DUE, "not_due", "Срок не наступил", "#6c757d", "secondary-subtle text-secondary-emphasis border"),
)  # fmt: skip
BY_CODE = {state.code: state for state in STATES}
BY_KEY = {state.key: state for state in STATES}
DONE_CODES = (ON_TIME, LATE)
AWAITING_REVIEW = "ждёт проверки"
RETURNED = "возвращено"
NOT_AN_OBLIGATION = "срок отменён"


@dataclass(frozen=True)
class Reading:
    """An obligation's state on a day, with what its mark adds to it."""

    state: State
    awaiting_review: bool = False  # done, not yet accepted
    returned: bool = False  # the reviewer returned it: owed again

    @property
    def key(self) -> str:
        return self.state.key

    @property
    def is_done(self) -> bool:
        return self.state.code in DONE_CODES

    @property
    def is_open(self) -> bool:
        return not self.is_done

    @property
    def label(self) -> str:
        if self.awaiting_review:
            return f"{self.state.label}, {AWAITING_REVIEW}"
        if self.returned:
            return f"{self.state.label}, {RETURNED}"
        return self.state.label

    @property
    def css(self) -> str:
        return "warning" if self.returned else self.state.css


def is_done(mark: CompletionMark | None, on: date) -> bool:
    """The one condition for "counts as done" on a day: marked done, not returned, completed by then."""
    return (
        mark is not None
        and mark.status == CompletionMark.Status.DONE
        and mark.review != CompletionMark.Review.RETURNED
        and mark.completed_on is not None
        and mark.completed_on <= on
    )


def state_of(window: DeadlineWindow, mark: CompletionMark | None, on: date) -> Reading | None:
    """The state of (window, executor) whose mark is ``mark``; None when it is not an obligation
    (a cancelled window). Whether the roadmap counts here is the caller's ``counted``."""
    if window.is_cancelled:
        return None
    returned = mark is not None and mark.review == CompletionMark.Review.RETURNED
    if is_done(mark, on):
        state = BY_CODE[ON_TIME if mark.completed_on <= window.end else LATE]
        return Reading(state, awaiting_review=mark.review == CompletionMark.Review.PENDING)
    if window.end < on:
        return Reading(BY_CODE[OVERDUE], returned=returned)
    if window.start is None or window.start <= on:
        return Reading(BY_CODE[IN_PROGRESS], returned=returned)
    return Reading(BY_CODE[NOT_DUE], returned=returned)


NO_LONGER_NAMED = "больше не указан в тексте"
NOBODY_MARKS = "не отмечается"


def owes(executor: Executor) -> bool:
    """``LIVE_EXECUTOR`` for one executor in hand: still named in the text, and a school, an
    organisation or a person somebody marks for. (Rows in the trash never reach a page or a
    document: ``Activity.objects`` leaves them out.)"""
    return not executor.is_dropped and (
        executor.organisation_id is not None or executor.person_id is not None
    )


def reading_of(
    executor: Executor, window: DeadlineWindow, mark: CompletionMark | None, on: date
) -> Reading | None:
    """``state_of`` for one (executor, window) in hand: None also when the executor owes nothing."""
    return state_of(window, mark, on) if owes(executor) else None


def why_not(window: DeadlineWindow | None, executor: Executor) -> str:
    """What a (window, executor) that is not an obligation reads instead of a state."""
    if executor.is_dropped:
        return NO_LONGER_NAMED
    if not owes(executor):
        return NOBODY_MARKS
    return NOT_AN_OBLIGATION


# --- In SQL -------------------------------------------------------------------------------


def done_condition(on: date, mark: str = "mark") -> Q:
    """``is_done`` as a condition on the mark reached by the path ``mark``."""
    return Q(
        **{
            f"{mark}__status": CompletionMark.Status.DONE,
            f"{mark}__review__in": [CompletionMark.Review.PENDING, CompletionMark.Review.ACCEPTED],
            f"{mark}__completed_on__lte": on,
        }
    )


def returned_condition(mark: str = "mark") -> Q:
    """``Reading.returned`` as a condition: the reviewer returned the mark, it is owed again."""
    return Q(**{f"{mark}__review": CompletionMark.Review.RETURNED})


def reading_of_row(code: int, review: str | None) -> Reading:
    """The ``Reading`` of a row from SQL: its ``state_case`` code and its mark's review (None
    when not marked), with what ``state_of`` adds (awaiting review, returned)."""
    done = code in DONE_CODES
    return Reading(
        BY_CODE[code],
        awaiting_review=done and review == CompletionMark.Review.PENDING,
        returned=not done and review == CompletionMark.Review.RETURNED,
    )


def state_case(on: date, *, window: str, mark: str = "mark") -> Case:
    """``state_of`` as an SQL expression (a ``State.code``), the window and mark reached by these paths."""
    done = done_condition(on, mark)
    return Case(
        When(done & Q(**{f"{mark}__completed_on__lte": F(f"{window}__end")}), then=Value(ON_TIME)),
        When(done, then=Value(LATE)),
        When(**{f"{window}__end__lt": on}, then=Value(OVERDUE)),
        When(**{f"{window}__start__gt": on}, then=Value(NOT_DUE)),
        default=Value(IN_PROGRESS),
    )


class Where(StrEnum):
    """Which roadmaps' obligations count, by where they are shown."""

    TODAY = "today"  # today's work: start pages, cards, reminders, calendar, wide dashboards
    HISTORY = "history"  # a past academic year: approved and archived roadmaps
    OWN_PAGE = "own_page"  # a roadmap's own page, dashboard and report: whatever its status


COUNTED_STATUSES = {
    Where.TODAY: [Roadmap.Status.APPROVED],
    Where.HISTORY: [Roadmap.Status.APPROVED, Roadmap.Status.ARCHIVED],
    Where.OWN_PAGE: list(Roadmap.Status.values),
}


def counted(where: Where, roadmap: str = "activity__roadmap") -> Q:
    """The roadmaps counted ``where``, as a condition on the roadmap reached by ``roadmap``."""
    if where == Where.OWN_PAGE:
        return Q()
    return Q(**{f"{roadmap}__status__in": COUNTED_STATUSES[where]})


def counts_on_page(roadmap: Roadmap, where: Where) -> bool:
    """``counted`` for one roadmap already in hand."""
    return roadmap.status in COUNTED_STATUSES[where]


def where_for_year(year: int | None, today_year: int) -> Where:
    """A past academic year is history; the current one, a later one or all years are today's work."""
    return Where.HISTORY if year is not None and year < today_year else Where.TODAY


# Executors somebody can mark for: a school, an organisation or a person. A group («ОО» before
# the schools are named) or a bare role («Куратор») is written in the row but owes nothing.
CAN_ACT = Q(organisation__isnull=False) | Q(person__isnull=False)
# On Executor: a live executor of a live activity (dropped executors and trashed rows owe nothing).
LIVE_EXECUTOR = Q(is_dropped=False, activity__trash__isnull=True) & CAN_ACT


def obligations(condition: Q, *, on: date, where: Where, year: int | None = None) -> QuerySet[Executor]:
    """Every obligation matching ``condition`` (a Q on Executor): one row per (executor, live
    window), annotated with ``state`` as of ``on`` (a ``State.code``) and the mark as ``mark``.

    The window is ``activity__windows``; ``year`` keeps the windows ending in that academic year.
    """
    # One filter() call: the conditions on the multi-valued windows share one join.
    window = Q(activity__windows__is_cancelled=False)
    if year is not None:
        window &= Q(activity__windows__end__range=academic_year_bounds(year))
    return (
        Executor.objects.filter(LIVE_EXECUTOR, counted(where), condition, window)
        .annotate(mark=FilteredRelation("marks", condition=Q(marks__window=F("activity__windows"))))
        .annotate(state=state_case(on, window="activity__windows"))
        .order_by()
    )


# --- Who acts, who watches --------------------------------------------------------------


def acted_by(scope) -> Q:
    """On Executor: what the user of ``scope`` (``permissions.scope_of``) must mark themselves —
    their school's part, their own name, their department's own rows. A person named without a
    login is acted for by their organisation's principals or staff, as ``executor_users`` says."""
    mine = Q(pk__in=[])
    nobody_named = Q(person__isnull=True) | Q(person__user__isnull=True)
    if scope.principal_schools:
        mine |= Q(organisation__in=scope.principal_schools) & nobody_named
    if scope.person_id:
        mine |= Q(person_id=scope.person_id)
    if scope.staff_organisations:
        mine |= Q(organisation__in=scope.staff_organisations) & nobody_named
    return mine


def executor_users(
    *, organisation_id: int | None, person_user_id: int | None, principals: dict, staff: dict
) -> list[int]:
    """Who acts for one executor: the person named (if they have a login), else the principals
    of the school, else the staff of the department. ``principals`` and ``staff`` map an
    organisation to its users (``Membership``)."""
    if person_user_id:
        return [person_user_id]
    if organisation_id is None:
        return []
    return principals.get(organisation_id) or staff.get(organisation_id, [])


def watched_by(school_id: int, window_end: date, *, coordinators: dict, mentors: dict) -> list[int]:
    """Who watches a school's obligation: its coordinator for the academic year the window ends
    in, and the mentor schools paired with it that year. ``coordinators`` and ``mentors`` map
    (school, academic year) to users."""
    key = (school_id, academic_year_of(window_end))
    return [*coordinators.get(key, []), *mentors.get(key, [])]


def watched_condition(assignments, window: str = "activity__windows") -> Q:
    """``watched_by`` as a condition on Executor, for one watcher given the (school, academic
    year) pairs they are assigned: the schools' rows whose window (reached by ``window``) ends
    in an academic year the school is theirs."""
    condition = Q(pk__in=[])
    for school_id, year in assignments:
        condition |= Q(organisation=school_id, **{f"{window}__end__range": academic_year_bounds(year)})
    return condition


# --- A school's part ------------------------------------------------------------------------


def school_part(school_ids) -> Q:
    """On Executor: each school's part in the roadmaps of its own municipality (the municipal
    ones and its own): the rows naming the school, and those naming its people (Таганрог names
    the directors). A school's dashboard, its card on the start pages and its page count this."""
    return Q(
        organisation__in=school_ids,
        activity__roadmap__owner__municipality=F("organisation__municipality"),
    )


def is_school_part(roadmap, executor, school_pk: int | None = None) -> bool:
    """``school_part`` for an executor in hand (its organisation loaded): a row naming the school
    (or one of its people) in a roadmap of the school's own municipality. Without ``school_pk``,
    any school's part."""
    organisation = executor.organisation
    if organisation is None or organisation.kind != Organisation.Kind.SCHOOL:
        return False
    if school_pk is not None and organisation.pk != school_pk:
        return False
    return organisation.municipality_id is not None and (
        organisation.municipality_id == roadmap.owner.municipality_id
    )


def counts() -> dict[str, Count]:
    """Aggregates for ``values(...).annotate(**counts())`` over ``obligations()``: the total,
    one count per state, and ``done``."""
    result: dict[str, Count] = {"total": Count("pk")}
    for state in STATES:
        result[state.key] = Count("pk", filter=Q(state=state.code))
    result["done"] = Count("pk", filter=Q(state__in=DONE_CODES))
    return result


def progress_by_school(school_ids, *, on: date, where: Where = Where.TODAY) -> dict[int, dict[str, int]]:
    """Per school: the total, each state's count, ``done`` and ``percent`` done — one query."""
    rows = (
        obligations(school_part(school_ids), on=on, where=where).values("organisation").annotate(**counts())
    )
    return {
        row["organisation"]: {
            **{key: value for key, value in row.items() if key != "organisation"},
            "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
        }
        for row in rows
    }
