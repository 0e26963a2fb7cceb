"""A roadmap's life by order: approval, revisions («Внести изменения»), renumbering, archive,
back to draft. Each step is a ``RoadmapEvent`` with the document behind it.

An approved roadmap is locked (``Roadmap.is_locked``): its text, period and schools change
only while a revision is open, and closing the revision records the order that made the
changes; the printout then says «в редакции приказа от … № …».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from roadmaps.models import Activity, Roadmap, RoadmapEvent
from roadmaps.services.editing import renumbering

Event = RoadmapEvent.Kind


@dataclass(frozen=True)
class OrderDocument:
    """The document of a decision: «Приказ от 16.02.2023 № 206», signed by whom."""

    kind: str
    number: str
    date: date
    approved_by: str = ""

    def fields(self) -> dict[str, object]:
        return {
            "document_kind": self.kind,
            "document_number": self.number.strip(),
            "document_date": self.date,
            "approved_by": self.approved_by.strip(),
        }


def _locked_row(roadmap: Roadmap) -> Roadmap:
    """The roadmap re-read under a row lock, so that two decisions at once apply one after the other."""
    return Roadmap.objects.select_for_update().get(pk=roadmap.pk)


def _refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


@transaction.atomic
def roadmap_approve(*, roadmap: Roadmap, by, document: OrderDocument) -> RoadmapEvent:
    """Approve a draft by the order the user names (printed «Приложение к приказу …» unless the
    roadmap carries its own text, ``Roadmap.approval_line``)."""
    current = _locked_row(roadmap)
    _refuse_unless(current.status == Roadmap.Status.DRAFT, "Утвердить можно только черновик.")
    _refuse_unless(bool(document.number.strip()), "Укажите номер документа об утверждении.")
    current.status = Roadmap.Status.APPROVED
    current.approval_kind = document.kind
    current.approval_number = document.number.strip()
    current.approval_date = document.date
    current.approved_by = document.approved_by.strip()
    current.save()
    event = RoadmapEvent.objects.create(roadmap=current, kind=Event.APPROVED, by=by, **document.fields())
    roadmap.refresh_from_db()
    return event


@transaction.atomic
def roadmap_revision_open(*, roadmap: Roadmap, by, reason: str = "") -> RoadmapEvent:
    """«Внести изменения»: the approved roadmap can be edited until the revision is closed."""
    current = _locked_row(roadmap)
    _refuse_unless(
        current.status == Roadmap.Status.APPROVED, "Изменения вносятся в утверждённую дорожную карту."
    )
    _refuse_unless(current.open_revision_id is None, "Внесение изменений уже начато.")
    event = RoadmapEvent.objects.create(
        roadmap=current, kind=Event.REVISION_OPENED, by=by, reason=reason.strip()
    )
    current.open_revision = event
    current.save(update_fields=["open_revision", "updated_at"])
    roadmap.refresh_from_db()
    return event


@transaction.atomic
def roadmap_revision_close(*, roadmap: Roadmap, by, document: OrderDocument) -> RoadmapEvent:
    """Close the open revision with the order «О внесении изменений…» that approved it."""
    current = _locked_row(roadmap)
    _refuse_unless(current.open_revision_id is not None, "Внесение изменений не начато.")
    _refuse_unless(bool(document.number.strip()), "Укажите номер приказа о внесении изменений.")
    event = RoadmapEvent.objects.create(
        roadmap=current,
        kind=Event.REVISED,
        by=by,
        details={"opened": current.open_revision_id},
        **document.fields(),
    )
    current.open_revision = None
    current.save(update_fields=["open_revision", "updated_at"])
    roadmap.refresh_from_db()
    return event


def can_archive(roadmap: Roadmap, today: date) -> bool:
    """Archive is offered once the period is over, never done automatically."""
    return (
        roadmap.status == Roadmap.Status.APPROVED
        and roadmap.open_revision_id is None
        and roadmap.period_end < today
    )


@transaction.atomic
def roadmap_archive(*, roadmap: Roadmap, by, today: date) -> RoadmapEvent:
    current = _locked_row(roadmap)
    _refuse_unless(
        can_archive(current, today),
        "В архив переносится утверждённая дорожная карта, период которой закончился.",
    )
    current.status = Roadmap.Status.ARCHIVED
    current.save(update_fields=["status", "updated_at"])
    roadmap.refresh_from_db()
    return RoadmapEvent.objects.create(roadmap=current, kind=Event.ARCHIVED, by=by)


@transaction.atomic
def roadmap_back_to_draft(*, roadmap: Roadmap, by, reason: str) -> RoadmapEvent:
    """An approved or archived roadmap goes back to draft only with a reason, recorded."""
    current = _locked_row(roadmap)
    _refuse_unless(current.status != Roadmap.Status.DRAFT, "Дорожная карта уже черновик.")
    _refuse_unless(bool(reason.strip()), "Напишите, почему дорожная карта возвращается в черновик.")
    current.status = Roadmap.Status.DRAFT
    current.open_revision = None
    current.save(update_fields=["status", "open_revision", "updated_at"])
    roadmap.refresh_from_db()
    return RoadmapEvent.objects.create(
        roadmap=current, kind=Event.BACK_TO_DRAFT, by=by, reason=reason.strip()
    )


@transaction.atomic
def roadmap_renumber(*, roadmap: Roadmap, by) -> RoadmapEvent | None:
    """Number the rows as documents do (see ``editing.renumbering``), after the user saw the
    plan; a recorded change with every old and new number. None when nothing changes."""
    plan = renumbering(roadmap)
    if not plan:
        return None
    for activity, _, new in plan:
        activity.number = new
        activity.version += 1
        activity.save(update_fields=["number", "version", "updated_at"])
    return RoadmapEvent.objects.create(
        roadmap=roadmap,
        kind=Event.RENUMBERED,
        by=by,
        details={"changes": [[activity.pk, old, new] for activity, old, new in plan]},
    )


TRACKED = {
    "number": "№",
    "content": "мероприятие",
    "deadline_text": "сроки",
    "responsible_text": "ответственный",
    "expected_result": "ожидаемый результат",
    "section_id": "раздел",
    "parent_id": "входит в",
}


@dataclass(frozen=True)
class RowChange:
    """One recorded change of a row, with the fields it changed (old, new)."""

    at: object
    by: object
    number: str
    content: str
    what: str  # «добавлено», «изменено», «в корзину», «восстановлено», «удалено навсегда»
    fields: list[tuple[str, str, str]]


def _row_changes(roadmap: Roadmap, start, end=None) -> list[RowChange]:
    """The recorded changes of the roadmap's rows between two moments, each against the row's
    previous record: one query for the roadmap's whole row history, diffs in Python."""
    records = (
        Activity.history.filter(roadmap_id=roadmap.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    if end is not None:
        records = records.filter(history_date__lte=end)
    changes: list[RowChange] = []
    previous = None
    for record in records:
        if previous is not None and previous.id != record.id:
            previous = None
        if record.history_date >= start:
            changes.append(_change(record, previous))
        previous = record
    changes.sort(key=lambda change: change.at)
    return changes


def _change(record, previous) -> RowChange:
    if record.history_type == "+":
        what, fields = "добавлено", []
    elif record.history_type == "-":
        what, fields = "удалено навсегда", []
    else:
        fields = [
            (label, str(getattr(previous, name) or ""), str(getattr(record, name) or ""))
            for name, label in TRACKED.items()
            if previous is not None and getattr(previous, name) != getattr(record, name)
        ]
        moved_to_trash = previous is not None and previous.trash_id != record.trash_id
        what = ("в корзину" if record.trash_id else "восстановлено") if moved_to_trash else "изменено"
    return RowChange(
        at=record.history_date,
        by=record.history_user,
        number=record.number,
        content=record.content,
        what=what,
        fields=fields,
    )


def changes_by_revision(roadmap: Roadmap) -> list[tuple[RoadmapEvent, list[RowChange]]]:
    """The history page: the roadmap's events, each closed revision with the row changes made
    while it was open."""
    events = list(roadmap.events.select_related("by"))
    opened = {e.pk: e for e in events if e.kind == Event.REVISION_OPENED}
    groups: list[tuple[RoadmapEvent, list[RowChange]]] = []
    for event in events:
        changes: list[RowChange] = []
        if event.kind == Event.REVISED and event.details.get("opened") in opened:
            changes = _row_changes(roadmap, opened[event.details["opened"]].at, event.at)
        groups.append((event, changes))
    return groups


def open_revision_changes(roadmap: Roadmap) -> list[RowChange]:
    """What the open revision has changed so far (nothing when none is open)."""
    if roadmap.open_revision_id is None:
        return []
    return _row_changes(roadmap, roadmap.open_revision.at)
