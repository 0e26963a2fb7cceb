"""In-place editing of a roadmap's sections and rows (htmx partials; full pages without JS)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from roadmaps.deadlines import parse_deadline
from roadmaps.forms import ActivityForm, ManualDateForm, SectionForm
from roadmaps.models import Activity
from roadmaps.permissions import (
    can_change_text,
    get_activity_for_user,
    get_roadmap_for_user,
    get_section_for_user,
)
from roadmaps.services.editing import (
    ActivityText,
    StaleEdit,
    activity_create,
    activity_move,
    activity_set_manual_window,
    activity_update,
    section_create,
    section_move,
)
from roadmaps.services.trash import activity_trash, section_trash
from roadmaps.table import fresh_row
from schools.limits import int_param

# The steps of «↑» and «↓»; any other word in the address is no move (404).
STEPS = {"up": -1, "down": 1}


def _row_response(request: HttpRequest, activity: Activity, notes: list[str] | None = None) -> HttpResponse:
    """The row as shown; after an edit, what the edit did to its dates and executors
    («Срок перенесён: март 2023 → апрель 2023, отметки сохранены.») under it."""
    if not request.htmx:
        for note in notes or []:
            messages.info(request, note)
        return redirect(f"{activity.roadmap.get_absolute_url()}#activity-{activity.pk}")
    row = fresh_row(activity, timezone.localdate())
    activity = row.activity
    context = {
        "item": row,
        "roadmap": activity.roadmap,
        "can_edit": can_change_text(request.user, activity.roadmap),
        "activity": activity,
        "notes": notes,
    }
    response = render(request, "roadmaps/_table.html#activity-row", context)
    if notes:
        response.content += render(request, "roadmaps/activity_form.html#notes", context).content
    return response


def _text(form: ActivityForm) -> ActivityText:
    data = form.cleaned_data
    return ActivityText(
        number=data["number"],
        content=data["content"],
        deadline_text=data["deadline_text"],
        responsible_text=data["responsible_text"],
        expected_result=data["expected_result"],
    )


def _set_manual_date(activity: Activity, form: ActivityForm) -> None:
    end = form.cleaned_data.get("manual_end")
    if end and activity.needs_date:
        activity_set_manual_window(activity=activity, start=form.cleaned_data.get("manual_start"), end=end)


def _form_response(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "roadmaps/activity_form.html#form" if request.htmx else "roadmaps/activity_form.html"
    return render(request, template, context, status=status)


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    context = {"activity": activity, "roadmap": activity.roadmap}
    if request.method != "POST":
        context["form"] = ActivityForm(
            instance=activity, initial={"version": activity.version}, roadmap=activity.roadmap
        )
        return _form_response(request, context)
    form = ActivityForm(request.POST, roadmap=activity.roadmap)
    context["form"] = form
    if not form.is_valid():
        return _form_response(request, context, status=400)
    try:
        changes = activity_update(
            activity=activity, expected_version=form.cleaned_data["version"] or 0, text=_text(form)
        )
        _set_manual_date(activity, form)
    except StaleEdit as stale:
        current = stale.current
        latest = current.history.select_related("history_user").first()
        context["stale"] = current
        context["stale_by"] = latest.history_user if latest else None
        context["stale_at"] = latest.history_date if latest else current.updated_at
        # Saving again now means: I have seen their change and keep mine.
        data = request.POST.copy()
        data["version"] = current.version
        context["form"] = ActivityForm(data, roadmap=activity.roadmap)
        context["form"].is_valid()
        return _form_response(request, context, status=409)
    if not request.htmx:
        messages.success(request, "Мероприятие сохранено.")
    return _row_response(request, activity, changes.notes())


@login_required
@require_GET
def activity_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The row as shown, to put back when the user cancels editing."""
    return _row_response(request, get_activity_for_user(request.user, pk))


@login_required
def activity_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, write=True)
    section = None
    section_id = request.POST.get("section") or request.GET.get("section")
    if section_id:
        # «?section=abc» is a section that does not exist: 404, like one of another roadmap.
        section = get_object_or_404(roadmap.sections, pk=int_param(section_id, default=0))
    form = ActivityForm(request.POST or None, roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        activity = activity_create(roadmap=roadmap, section=section, text=_text(form))
        _set_manual_date(activity, form)
        messages.success(request, "Мероприятие добавлено.")
        return redirect(f"{roadmap.get_absolute_url()}#activity-{activity.pk}")
    context = {"form": form, "roadmap": roadmap, "section": section, "creating": True}
    return render(
        request, "roadmaps/activity_form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def activity_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    activity_trash(activity=activity, by=request.user)
    messages.success(
        request,
        "Мероприятие перенесено в корзину вместе с его отметками: восстановить его можно"
        " на странице «Корзина» дорожной карты.",
    )
    return redirect(activity.roadmap)


@login_required
@require_POST
def activity_move_view(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in STEPS:
        raise Http404
    activity = get_activity_for_user(request.user, pk, write=True)
    activity_move(activity=activity, step=STEPS[direction])
    return redirect(f"{activity.roadmap.get_absolute_url()}#activity-{activity.pk}")


@login_required
@require_POST
def activity_set_date(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_activity_for_user(request.user, pk, write=True)
    form = ManualDateForm(request.POST, roadmap=activity.roadmap)
    if form.is_valid():
        activity_set_manual_window(
            activity=activity, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
        messages.success(request, "Срок задан.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(activity)


@login_required
@require_GET
def deadline_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What the portal understands from a deadline while it is being typed."""
    roadmap = get_roadmap_for_user(request.user, pk)
    text = request.GET.get("deadline_text", "")[:2000]
    parsed = parse_deadline(text, roadmap.period_start, roadmap.period_end)
    context = {"parsed": parsed, "text": text, "roadmap": roadmap}
    return render(request, "roadmaps/_table.html#deadline-preview", context)


@login_required
@require_POST
def section_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, write=True)
    form = SectionForm(request.POST)
    if form.is_valid():
        section_create(roadmap=roadmap, **form.cleaned_data)
        messages.success(request, "Раздел добавлен.")
    else:
        messages.error(request, "Раздел не добавлен: укажите его название.")
    return redirect(roadmap)


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section_for_user(request.user, pk, write=True)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Раздел сохранён.")
        return redirect(section.roadmap)
    context = {"form": form, "section": section, "roadmap": section.roadmap}
    return render(
        request, "roadmaps/section_form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def section_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_section_for_user(request.user, pk, write=True)
    section_trash(section=section, by=request.user)
    messages.success(
        request,
        "Раздел перенесён в корзину вместе с его мероприятиями и отметками: восстановить его можно"
        " на странице «Корзина» дорожной карты.",
    )
    return redirect(section.roadmap)


@login_required
@require_POST
def section_move_view(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    if direction not in STEPS:
        raise Http404
    section = get_section_for_user(request.user, pk, write=True)
    section_move(section=section, step=STEPS[direction])
    return redirect(section.roadmap)
