"""The activity page: windows, each executor's marks and evidence, acceptance, comments, history."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from monitoring.profile.queries import activity_risks_for
from roadmaps.forms import CommentForm, ManualDateForm, MarkForm, ReviewForm
from roadmaps.models import Activity, CompletionMark, Evidence, Executor
from roadmaps.obligations import Reading, reading_of
from roadmaps.permissions import (
    can_change_text,
    can_comment,
    can_edit_roadmap,
    can_mark,
    can_review,
    get_activity_for_user,
    get_evidence_for_user,
    get_executor_for_user,
    get_mark_for_user,
)
from roadmaps.services.kept import kept_marks
from roadmaps.services.marks import (
    MarkInput,
    StaleMark,
    comment_add,
    mark_review,
    mark_review_withdraw,
    mark_submit,
)

HISTORY_LIMIT = 50


@dataclass
class MarkCell:
    executor: Executor
    window: object
    mark: CompletionMark | None
    state: Reading | None  # None: not an obligation (``obligations.why_not`` says why)
    can_mark: bool
    can_review: bool
    form: MarkForm | None = None

    @property
    def anchor(self) -> str:
        return f"mark-{self.executor.pk}-{self.window.pk}"


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _history(activity: Activity) -> list[HistoryEntry]:
    """Activity and mark changes, newest first, with the fields each change touched."""
    tracked_activity = ["number", "content", "deadline_text", "responsible_text", "expected_result"]
    tracked_mark = ["status", "completed_on", "comment", "review", "review_comment"]
    entries = []
    for model, records, tracked, label in [
        (Activity, activity.history.select_related("history_user")[:HISTORY_LIMIT], tracked_activity, None),
        (
            CompletionMark,
            CompletionMark.history.filter(executor__activity=activity)
            .select_related("history_user", "executor__organisation", "executor__person")
            .order_by("-history_date")[:HISTORY_LIMIT],
            tracked_mark,
            "mark",
        ),
    ]:
        records = list(records)
        previous: dict[int, object] = {}
        for record in reversed(records):  # oldest first, to diff against the one before
            before = previous.get(record.id)
            changes = []
            for name in tracked:
                old = getattr(before, name, "") if before else ""
                new = getattr(record, name)
                if before is not None and old != new:
                    changes.append(
                        (
                            str(model._meta.get_field(name).verbose_name),
                            _show(model, name, old),
                            _show(model, name, new),
                        )
                    )
            what = "мероприятие" if label is None else f"отметка: {record.executor}"
            action = {"+": "создано" if label is None else "отмечено", "~": "изменено", "-": "удалено"}[
                record.history_type
            ]
            if record.history_type != "~" or changes:
                entries.append(HistoryEntry(record.history_date, record.history_user, what, action, changes))
            previous[record.id] = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:HISTORY_LIMIT]


def _show(model, name: str, value) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(model._meta.get_field(name).choices or [])
    if choices:
        return str(choices.get(value, value))
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _activity_page(
    request: HttpRequest, activity: Activity, bound: MarkForm | None = None, status: int = 200, stale=None
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    # Windows and executors that left the text are no obligations: their marks are listed apart
    # («Отметки к исключённым срокам и исполнителям», kept_marks).
    windows = [window for window in activity.windows.all() if not window.is_cancelled]
    executors = (
        activity.executors.filter(is_dropped=False)
        .select_related("organisation", "person")
        .prefetch_related(
            Prefetch(
                "marks",
                queryset=CompletionMark.objects.select_related("marked_by", "reviewed_by").prefetch_related(
                    "evidence"
                ),
            )
        )
    )
    cells = []
    for executor in executors:
        marks = {m.window_id: m for m in executor.marks.all()}
        may_mark = can_mark(user, executor)
        for window in windows:
            mark = marks.get(window.pk)
            cell = MarkCell(
                executor,
                window,
                mark,
                reading_of(executor, window, mark, today),
                may_mark,
                mark is not None and can_review(user, mark),
            )
            if may_mark:
                is_bound = (
                    bound is not None
                    and bound["executor"].value() == str(executor.pk)
                    and bound["window"].value() == str(window.pk)
                )
                cell.form = (
                    bound
                    if is_bound
                    else MarkForm(
                        initial={
                            "executor": executor.pk,
                            "window": window.pk,
                            "version": mark.version if mark else 0,
                            "status": mark.status if mark else CompletionMark.Status.DONE,
                            "completed_on": (mark.completed_on if mark else None) or today,
                            "comment": mark.comment if mark else "",
                        }
                    )
                )
            cells.append(cell)
    context = {
        "activity": activity,
        "roadmap": activity.roadmap,
        "windows": windows,
        "cells": cells,
        "children": activity.children.prefetch_related("windows").order_by("order"),
        "comments": activity.comments.select_related("author"),
        "comment_form": CommentForm() if can_comment(user, activity) else None,
        "can_edit": can_change_text(user, activity.roadmap),
        "can_manage": can_edit_roadmap(user, activity.roadmap),
        "date_form": ManualDateForm(roadmap=activity.roadmap),
        "history": _history(activity),
        "stale": stale,
        "kept_marks": kept_marks(activity),
        "activity_risks": activity_risks_for(activity, user=user),
    }
    return render(request, "roadmaps/activity_detail.html", context, status=status)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_page(request, get_activity_for_user(request.user, pk))


@login_required
@require_POST
def mark_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    form = MarkForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Отметка не сохранена: исправьте ошибки в форме.")
        return _activity_page(request, activity, bound=form, status=400)
    executor = get_executor_for_user(request.user, form.cleaned_data["executor"], mark=True)
    if executor.activity_id != activity.pk:
        raise Http404
    window = get_object_or_404(activity.windows, pk=form.cleaned_data["window"])
    data = MarkInput(
        status=form.cleaned_data["status"],
        completed_on=form.cleaned_data["completed_on"],
        comment=form.cleaned_data["comment"],
        link=form.cleaned_data["link"],
    )
    try:
        mark_submit(
            executor=executor,
            window=window,
            by=request.user,
            data=data,
            files=form.cleaned_data["files"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        # A date the service refuses names its field; a file check names none.
        form.add_error(None if hasattr(error, "error_dict") else "files", error)
        messages.error(request, "Отметка не сохранена: " + " ".join(error.messages))
        return _activity_page(request, activity, bound=form, status=400)
    except StaleMark as stale:
        messages.error(
            request,
            "Отметку уже изменили, пока открыта была эта страница: ваши изменения не сохранены. "
            "Проверьте текущую отметку и сохраните снова, если нужно.",
        )
        return _activity_page(request, activity, status=409, stale=stale.current)
    messages.success(request, "Отметка сохранена и отправлена координатору на проверку.")
    return redirect(f"{activity.get_absolute_url()}#mark-{executor.pk}-{window.pk}")


@login_required
@require_POST
def mark_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    mark = get_mark_for_user(request.user, pk, review=True)
    activity = mark.executor.activity
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Решение не сохранено: обновите страницу и попробуйте снова.")
        return redirect(activity)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        mark_review(
            mark=mark,
            by=request.user,
            accept=accept,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{activity.get_absolute_url()}#mark-{mark.executor_id}-{mark.window_id}")
    except StaleMark:
        messages.error(request, "Школа изменила отметку, пока вы её смотрели. Проверьте её ещё раз.")
        return redirect(f"{activity.get_absolute_url()}#mark-{mark.executor_id}-{mark.window_id}")
    messages.success(request, "Отметка принята." if accept else "Отметка возвращена школе на доработку.")
    return redirect(f"{activity.get_absolute_url()}#mark-{mark.executor_id}-{mark.window_id}")


@login_required
@require_POST
def mark_review_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer takes back an acceptance, with the reason; the mark waits for review again."""
    mark = get_mark_for_user(request.user, pk, review=True)
    anchor = f"{mark.executor.activity.get_absolute_url()}#mark-{mark.executor_id}-{mark.window_id}"
    form = ReviewForm(
        {
            "version": request.POST.get("version"),
            "comment": request.POST.get("comment", ""),
            "decision": "return",
        }
    )
    if not form.is_valid():
        messages.error(request, "Решение не сохранено: обновите страницу и попробуйте снова.")
        return redirect(anchor)
    try:
        mark_review_withdraw(
            mark=mark,
            by=request.user,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StaleMark:
        messages.error(request, "Отметку изменили, пока вы её смотрели. Проверьте её ещё раз.")
    else:
        messages.success(request, "Принятие отменено: отметка снова ждёт проверки.")
    return redirect(anchor)


@login_required
@require_POST
def comment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk)
    if not can_comment(request.user, activity):
        raise PermissionDenied(
            "Комментировать могут школы-наставники, координаторы и управление образования."
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        comment_add(activity=activity, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Комментарий добавлен.")
    else:
        messages.error(request, "Комментарий пустой или слишком длинный.")
    return redirect(f"{activity.get_absolute_url()}#comments")


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence: Evidence = get_evidence_for_user(request.user, pk)
    if not evidence.file:
        return redirect(evidence.url)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Файл не найден в хранилище.") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
