"""A roadmap's decisions: approve by order, «Внести изменения» and close them by order,
renumber after seeing the plan, archive, back to draft with a reason, and the history that
groups the changes by revision. Each page asks first; only the owner decides."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roadmaps.forms import ConfirmForm, OrderDocumentForm, ReasonForm
from roadmaps.models import Roadmap, RoadmapEvent
from roadmaps.permissions import get_roadmap_for_user
from roadmaps.services import approval
from roadmaps.services.editing import renumbering

TEMPLATE = "roadmaps/roadmap_decision.html"


def _page(request: HttpRequest, roadmap: Roadmap, form, *, title: str, action: str, **extra) -> HttpResponse:
    context = {"roadmap": roadmap, "form": form, "title": title, "action": action, **extra}
    return render(request, TEMPLATE, context, status=400 if form.is_bound else 200)


def _document(form: OrderDocumentForm) -> approval.OrderDocument:
    data = form.cleaned_data
    return approval.OrderDocument(
        kind=data["kind"], number=data["number"], date=data["date"], approved_by=data["approved_by"]
    )


def _decide(request: HttpRequest, roadmap: Roadmap, form, decision: Callable[[], str]) -> HttpResponse | None:
    """Carry out a confirmed decision: back to the roadmap with what it did, or None when the
    form or the service refused (the page then shows why, beside the form)."""
    if not form.is_valid():
        return None
    try:
        message = decision()
    except ValidationError as refused:
        form.add_error(None, refused)
        return None
    messages.success(request, message)
    return redirect(roadmap)


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    initial = {
        "kind": roadmap.approval_kind or Roadmap.ApprovalKind.ORDER,
        "number": roadmap.approval_number,
        "date": roadmap.approval_date,
        "approved_by": roadmap.approved_by,
    }
    form = OrderDocumentForm(request.POST or None, initial=initial, today=timezone.localdate())

    def approve() -> str:
        event = approval.roadmap_approve(roadmap=roadmap, by=request.user, document=_document(form))
        return (
            f"Дорожная карта утверждена ({event.document}). Теперь она меняется только через "
            "«Внести изменения»."
        )

    return _decide(request, roadmap, form, approve) or _page(
        request, roadmap, form, title="Утверждение дорожной карты", action="approve"
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_revision_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ConfirmForm(request.POST or None)

    def open_revision() -> str:
        approval.roadmap_revision_open(roadmap=roadmap, by=request.user)
        return (
            "Начато внесение изменений: правьте текст, сроки и школы, отметки сохранятся. Когда "
            "изменения утверждены приказом, нажмите «Закрыть изменения приказом»."
        )

    return _decide(request, roadmap, form, open_revision) or _page(
        request, roadmap, form, title="Внесение изменений в утверждённую дорожную карту", action="open"
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_revision_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = OrderDocumentForm(request.POST or None, today=timezone.localdate())

    def close_revision() -> str:
        event = approval.roadmap_revision_close(roadmap=roadmap, by=request.user, document=_document(form))
        return f"Изменения внесены: дорожная карта в редакции {event.document}."

    return _decide(request, roadmap, form, close_revision) or _page(
        request,
        roadmap,
        form,
        title="Закрыть изменения приказом",
        action="close",
        changes=approval.open_revision_changes(roadmap),
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ConfirmForm(request.POST or None)

    def archive() -> str:
        approval.roadmap_archive(roadmap=roadmap, by=request.user, today=timezone.localdate())
        return "Дорожная карта перенесена в архив: её сроки больше не напоминаются."

    return _decide(request, roadmap, form, archive) or _page(
        request, roadmap, form, title="Перенести в архив", action="archive"
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_back_to_draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ReasonForm(request.POST or None)

    def back_to_draft() -> str:
        approval.roadmap_back_to_draft(roadmap=roadmap, by=request.user, reason=form.cleaned_data["reason"])
        return "Дорожная карта возвращена в черновик; причина записана в историю."

    return _decide(request, roadmap, form, back_to_draft) or _page(
        request, roadmap, form, title="Вернуть в черновик", action="draft"
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_renumber_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, write=True)
    form = ConfirmForm(request.POST or None)

    def renumber() -> str:
        event = approval.roadmap_renumber(roadmap=roadmap, by=request.user)
        changed = len(event.details["changes"]) if event else 0
        return f"Перенумеровано строк: {changed}." if changed else "Нумерация уже по порядку."

    return _decide(request, roadmap, form, renumber) or _page(
        request, roadmap, form, title="Перенумеровать строки", action="renumber", plan=renumbering(roadmap)
    )


@login_required
@require_GET
def roadmap_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk)
    context = {
        "roadmap": roadmap,
        "groups": (groups := approval.changes_by_revision(roadmap)),
        "approved_here": any(event.kind == RoadmapEvent.Kind.APPROVED for event, _ in groups),
        "open_changes": approval.open_revision_changes(roadmap),
        "trashed": roadmap.trash_entries.select_related("deleted_by"),
    }
    return render(request, "roadmaps/roadmap_history.html", context)
