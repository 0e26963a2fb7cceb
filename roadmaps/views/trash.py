"""«Корзина» of a roadmap, and the removal of marks kept after their window or executor left
the text. Only the roadmap's editors reach these pages (others: 404 or 403, as everywhere).

Restoring is one click; what cannot be undone (an entry deleted for good, the trash emptied,
a kept mark removed) is posted with ``confirm=yes`` from a second, explicit button.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from roadmaps.models import Roadmap, TrashEntry
from roadmaps.permissions import can_edit_roadmap, get_mark_for_user, get_roadmap_for_user
from roadmaps.services.kept import mark_discard
from roadmaps.services.trash import Purged, trash_empty, trash_entries, trash_purge, trash_restore


def _entry(request: HttpRequest, pk: int, entry_pk: int, *, restore: bool) -> tuple[Roadmap, TrashEntry]:
    """Restoring changes the roadmap's text (not while its approval locks it); deleting for good
    removes what is no longer part of it, which its editors may do at any time."""
    roadmap = get_roadmap_for_user(request.user, pk, write=restore, manage=not restore)
    return roadmap, get_object_or_404(roadmap.trash_entries, pk=entry_pk)


def _confirmed(request: HttpRequest) -> bool:
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, "Ничего не удалено: удаление навсегда нужно подтвердить.")
    return False


def _purged(purged: Purged) -> str:
    return f"Удалено навсегда: строк — {purged.rows}, отметок — {purged.marks}, файлов подтверждений — {purged.files}."


@login_required
@require_GET
def trash_list(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, manage=True)
    context = {"roadmap": roadmap, "entries": trash_entries(roadmap)}
    return render(request, "roadmaps/trash.html", context)


@login_required
@require_POST
def trash_restore_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    roadmap, entry = _entry(request, pk, entry_pk, restore=True)
    label = entry.label
    try:
        changes = trash_restore(entry=entry, by=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("roadmaps:trash", roadmap.pk)
    messages.success(
        request,
        f"Восстановлено: {label}. Строки вернулись на свои места вместе с отметками;"
        " если номера совпали с другими, перенумеруйте строки.",
    )
    for note in changes.notes():
        messages.info(request, note)
    return redirect(roadmap)


@login_required
@require_POST
def trash_purge_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    roadmap, entry = _entry(request, pk, entry_pk, restore=False)
    if _confirmed(request):
        messages.success(request, _purged(trash_purge(entry=entry)))
    return redirect("roadmaps:trash", roadmap.pk)


@login_required
@require_POST
def trash_empty_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, manage=True)
    if _confirmed(request):
        messages.success(request, "Корзина очищена. " + _purged(trash_empty(roadmap=roadmap)))
    return redirect("roadmaps:trash", roadmap.pk)


@login_required
@require_POST
def mark_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a mark kept for a window or an executor no longer in the text."""
    mark = get_mark_for_user(request.user, pk)
    activity = mark.executor.activity
    if not can_edit_roadmap(request.user, activity.roadmap):
        raise PermissionDenied("Удалять такие отметки могут только владельцы дорожной карты.")
    if _confirmed(request):
        try:
            mark_discard(mark=mark, by=request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, f"Отметка «{mark.executor}» к сроку {mark.window} удалена.")
    return redirect(f"{activity.get_absolute_url()}#kept-marks")
