"""A roadmap's decisions: approve by order, «Внести изменения» and close them by order,
renumber after seeing the plan, archive, back to draft with a reason, and the history that
groups the changes by revision. Each page asks first; only the owner decides."""

from __future__ import annotations

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


def _done(request: HttpRequest, roadmap: Roadmap, message: str) -> HttpResponse:
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
    if form.is_valid():
        try:
            event = approval.roadmap_approve(roadmap=roadmap, by=request.user, document=_document(form))
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return _done(
                request,
                roadmap,
                f"Дорожная карта утверждена ({event.document}). Теперь она меняется только через "
                "«Внести изменения».",
            )
    return _page(request, roadmap, form, title="Утверждение дорожной карты", action="approve")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_revision_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ConfirmForm(request.POST or None)
    if form.is_valid():
        try:
            approval.roadmap_revision_open(roadmap=roadmap, by=request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return _done(
                request,
                roadmap,
                "Начато внесение изменений: правьте текст, сроки и школы, отметки сохранятся. Когда "
                "изменения утверждены приказом, нажмите «Закрыть изменения приказом».",
            )
    return _page(
        request, roadmap, form, title="Внесение изменений в утверждённую дорожную карту", action="open"
    )


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_revision_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = OrderDocumentForm(request.POST or None, today=timezone.localdate())
    if form.is_valid():
        try:
            event = approval.roadmap_revision_close(
                roadmap=roadmap, by=request.user, document=_document(form)
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return _done(request, roadmap, f"Изменения внесены: дорожная карта в редакции {event.document}.")
    changes = approval.open_revision_changes(roadmap)
    return _page(request, roadmap, form, title="Закрыть изменения приказом", action="close", changes=changes)


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ConfirmForm(request.POST or None)
    if form.is_valid():
        try:
            approval.roadmap_archive(roadmap=roadmap, by=request.user, today=timezone.localdate())
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return _done(
                request, roadmap, "Дорожная карта перенесена в архив: её сроки больше не напоминаются."
            )
    return _page(request, roadmap, form, title="Перенести в архив", action="archive")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_back_to_draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, decide=True)
    form = ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            approval.roadmap_back_to_draft(
                roadmap=roadmap, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return _done(
                request, roadmap, "Дорожная карта возвращена в черновик; причина записана в историю."
            )
    return _page(request, roadmap, form, title="Вернуть в черновик", action="draft")


@login_required
@require_http_methods(["GET", "POST"])
def roadmap_renumber_view(request: HttpRequest, pk: int) -> HttpResponse:
    roadmap = get_roadmap_for_user(request.user, pk, write=True)
    form = ConfirmForm(request.POST or None)
    if form.is_valid():
        event = approval.roadmap_renumber(roadmap=roadmap, by=request.user)
        changed = len(event.details["changes"]) if event else 0
        return _done(
            request, roadmap, f"Перенумеровано строк: {changed}." if changed else "Нумерация уже по порядку."
        )
    plan = renumbering(roadmap)
    return _page(request, roadmap, form, title="Перенумеровать строки", action="renumber", plan=plan)


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
