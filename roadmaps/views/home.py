"""Each role's start page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor
from roadmaps.permissions import scope_of
from roadmaps.progress import MarkState, mark_state, school_progress
from schools.models import Organisation

ITEMS_LIMIT = 300


@dataclass
class Todo:
    executor: Executor
    window: DeadlineWindow
    mark: CompletionMark | None
    state: MarkState

    @property
    def activity(self) -> Activity:
        return self.executor.activity


def _todos(user, today: date) -> list[Todo]:
    """Every (executor, window) the user's school or the user must mark, in visible roadmaps."""
    scope = scope_of(user)
    mine = Q(organisation__in=scope.principal_schools)
    if scope.person_id:
        mine |= Q(person_id=scope.person_id)
    executors = (
        Executor.objects.filter(mine, activity__in=Activity.objects.visible_to(user))
        .select_related("activity__roadmap", "organisation", "person")
        .prefetch_related("marks", "activity__windows")
        .order_by("activity__roadmap", "activity__order")[:ITEMS_LIMIT]
    )
    todos = []
    for executor in executors:
        marks = {m.window_id: m for m in executor.marks.all()}
        for window in executor.activity.windows.all():
            if not window.is_cancelled:
                mark = marks.get(window.pk)
                todos.append(Todo(executor, window, mark, mark_state(mark, window, today)))
    todos.sort(key=lambda t: t.window.end)
    return todos


def _open_todos(user, today: date) -> list[Todo]:
    """What the user is named for personally (a coordinator's, a mentor director's rows)."""
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
    return redirect("roadmaps:roadmap_list")


@login_required
def my_activities(request: HttpRequest) -> HttpResponse:
    """«Мои мероприятия»: overdue first, then this month, then later."""
    today = timezone.localdate()
    todos = _todos(request.user, today)
    month_end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    groups = {"returned": [], "overdue": [], "this_month": [], "later": [], "done": []}
    for todo in todos:
        if todo.state.key == "returned":
            groups["returned"].append(todo)
        elif todo.state.key in {"accepted", "done"}:
            groups["done"].append(todo)
        elif todo.window.end < today:
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
    }
    return render(request, "roadmaps/home_principal.html", context)


def _school_cards(school_ids, today: date) -> list[tuple[Organisation, dict]]:
    progress = school_progress(school_ids, today)
    schools = Organisation.objects.filter(pk__in=school_ids).order_by("name")
    empty = {"total": 0, "done": 0, "overdue": 0, "open": 0, "percent": 0}
    return [(school, progress.get(school.pk, empty)) for school in schools]


@login_required
def coordinator_home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    today = timezone.localdate()
    waiting = (
        CompletionMark.objects.filter(
            executor__organisation__in=scope.assigned_schools,
            review=CompletionMark.Review.PENDING,
            executor__activity__in=Activity.objects.visible_to(request.user),
        )
        .exclude(status=CompletionMark.Status.IN_PROGRESS)
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
