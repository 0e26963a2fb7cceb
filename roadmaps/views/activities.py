"""The activity page: windows, each executor's marks and evidence, acceptance, comments, history."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roadmaps.forms import CommentForm, ManualDateForm, MarkForm, ReviewForm
from roadmaps.models import Activity, CompletionMark, Evidence
from roadmaps.permissions import (
    COMMENT_RULE,
    can_change_text,
    can_comment,
    can_edit_roadmap,
    get_activity_for_user,
    get_evidence_for_user,
    get_executor_for_user,
    get_mark_for_user,
    parts_read,
    readable_part,
    visible_comments,
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
from roadmaps.table import MarkCell, activity_history, mark_grid
from schools.audit import access_record
from schools.models import AccessEvent


def _mark_form(cell: MarkCell, bound: MarkForm | None, today: date) -> MarkForm:
    """The form of a cell the user may mark: the one just posted for it, or its mark's values."""
    if bound is not None:
        posted = (bound["executor"].value(), bound["window"].value())
        if posted == (str(cell.executor.pk), str(cell.window.pk)):
            return bound
    mark = cell.mark
    return MarkForm(
        initial={
            "executor": cell.executor.pk,
            "window": cell.window.pk,
            "version": mark.version if mark else 0,
            "status": mark.status if mark else CompletionMark.Status.DONE,
            "completed_on": (mark.completed_on if mark else None) or today,
            "comment": mark.comment if mark else "",
        }
    )


def _activity_page(
    request: HttpRequest, activity: Activity, bound: MarkForm | None = None, status: int = 200, stale=None
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    parts = parts_read(user, activity.roadmap)
    windows, cells = mark_grid(activity, user=user, today=today, parts=parts)
    for cell in cells:
        if cell.can_mark:
            cell.form = _mark_form(cell, bound, today)
    context = {
        "activity": activity,
        "roadmap": activity.roadmap,
        "windows": windows,
        "cells": cells,
        "children": activity.children.prefetch_related("windows").order_by("order"),
        "comments": visible_comments(user, activity, parts),
        "comment_form": CommentForm() if can_comment(user, activity) else None,
        "comment_rule": COMMENT_RULE,
        "can_edit": can_change_text(user, activity.roadmap),
        "can_manage": can_edit_roadmap(user, activity.roadmap),
        "date_form": ManualDateForm(roadmap=activity.roadmap),
        "history": activity_history(activity, user=user),
        "stale": stale,
        "kept_marks": kept_marks(activity).filter(readable_part(user)),
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
        raise PermissionDenied(COMMENT_RULE)
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
    name = evidence.original_name or evidence.file.name.rsplit("/", 1)[-1]
    access_record(request=request, kind=AccessEvent.Kind.EVIDENCE_DOWNLOAD, obj=evidence, detail=f"«{name}»")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=evidence.content_type or "application/octet-stream",
    )
