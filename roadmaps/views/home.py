"""Each role's start page.

What a start page lists is today's work (``obligations.Where.TODAY``: approved roadmaps only;
a draft is seen on its own page, an archived roadmap in history): «Мои мероприятия», the
coordinator's and the mentor's «мои», their school cards and the queue «Ждут проверки».
What the user must mark is ``obligations.acted_by``; each state is ``obligations.state_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor
from roadmaps.obligations import (
    LIVE_EXECUTOR,
    OVERDUE,
    STATES,
    Reading,
    Where,
    acted_by,
    counted,
    progress_by_school,
    state_of,
)
from schools.models import Organisation
from schools.permissions import has_no_role, scope_of

ITEMS_LIMIT = 300


@dataclass
class Todo:
    executor: Executor
    window: DeadlineWindow
    mark: CompletionMark | None
    state: Reading

    @property
    def activity(self) -> Activity:
        return self.executor.activity


def _todos(user, today: date) -> list[Todo]:
    """Every obligation the user must mark themselves (``acted_by``) in today's work."""
    executors = (
        Executor.objects.filter(
            LIVE_EXECUTOR,
            counted(Where.TODAY),
            acted_by(scope_of(user)),
            activity__in=Activity.objects.visible_to(user),
        )
        .select_related("activity__roadmap", "organisation", "person")
        .prefetch_related("marks", "activity__windows")
        .order_by("activity__roadmap", "activity__order")[:ITEMS_LIMIT]
    )
    todos = []
    for executor in executors:
        marks = {m.window_id: m for m in executor.marks.all()}
        for window in executor.activity.windows.all():
            mark = marks.get(window.pk)
            state = state_of(window, mark, today)
            if state is not None:
                todos.append(Todo(executor, window, mark, state))
    todos.sort(key=lambda t: t.window.end)
    return todos


def _open_todos(user, today: date) -> list[Todo]:
    """What the user is named for personally (a coordinator's, a mentor director's rows), not yet done."""
    return [todo for todo in _todos(user, today) if todo.state.is_open]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope.principal_schools:
        return my_activities(request)
    if scope.assigned_schools or scope.coordinator_municipalities:
        return coordinator_home(request)
    if scope.mentor_schools:
        return mentor_home(request)
    if scope.regions and not scope.municipalities:
        # A regional viewer follows progress rather than single roadmaps.
        return redirect("monitoring:dashboard_home")
    if has_no_role(request.user):
        # Not an empty list of roadmaps: a page that says whom to ask for a role.
        return redirect("schools:no_role")
    return redirect("roadmaps:roadmap_list")


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    """«Мои мероприятия»: overdue first, then this month, then later."""
    today = timezone.localdate()
    todos = _todos(request.user, today)
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    groups = {"returned": [], "overdue": [], "this_month": [], "later": [], "done": []}
    for todo in todos:
        if todo.state.is_done:
            groups["done"].append(todo)
        elif todo.state.returned:
            groups["returned"].append(todo)
        elif todo.state.state.code == OVERDUE:
            groups["overdue"].append(todo)
        elif todo.window.end < month_end:
            groups["this_month"].append(todo)
        else:
            groups["later"].append(todo)
    groups["done"].reverse()
    scope = scope_of(request.user)
    context = {
        "groups": groups,
        "today": today,
        "schools": Organisation.objects.filter(pk__in=scope.principal_schools),
        # A mentor school's director mentors through the pairs: the same login, below.
        "cards": _school_cards(scope.mentee_schools, today) if scope.mentee_schools else [],
    }
    return render(request, "roadmaps/home_principal.html", context)


def _school_cards(school_ids, today: date) -> list[tuple[Organisation, dict]]:
    """Each school with its figures: ``progress_by_school``, as on the school's dashboard."""
    progress = progress_by_school(school_ids, on=today, where=Where.TODAY)
    schools = Organisation.objects.filter(pk__in=school_ids).order_by("name")
    empty = {"total": 0, "done": 0, "percent": 0, **{state.key: 0 for state in STATES}}
    return [(school, progress.get(school.pk, empty)) for school in schools]


@login_required
def coordinator_home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    today = timezone.localdate()
    waiting = (
        CompletionMark.objects.filter(
            counted(Where.TODAY, roadmap="executor__activity__roadmap"),
            executor__organisation__in=scope.assigned_schools,
            # Done and waiting: a mark «в работе» or «не выполнено» has nothing to accept yet, and
            # marks kept for a window or executor that left the text are not obligations.
            status=CompletionMark.Status.DONE,
            review=CompletionMark.Review.PENDING,
            window__is_cancelled=False,
            executor__is_dropped=False,
            executor__activity__in=Activity.objects.visible_to(request.user),
        )
        .select_related(
            "executor__organisation", "executor__person", "executor__activity__roadmap", "window", "marked_by"
        )
        .order_by("marked_at")[:100]
    )
    context = {
        "cards": _school_cards(scope.assigned_schools, today),
        "waiting": waiting,
        "today": today,
        "mine": _open_todos(request.user, today),
    }
    return render(request, "roadmaps/home_coordinator.html", context)


@login_required
def mentor_home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    today = timezone.localdate()
    context = {
        "cards": _school_cards(scope.mentee_schools, today),
        "mentor_schools": Organisation.objects.filter(pk__in=scope.mentor_schools),
        "mine": _open_todos(request.user, today),
    }
    return render(request, "roadmaps/home_mentor.html", context)
