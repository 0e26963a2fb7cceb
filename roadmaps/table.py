"""The read side of the roadmap and activity pages (rows, mark grid, history).

Everything here reads: a view asks for the rows of a roadmap's table, the grid of an
activity's (executor, window) cells or the activity's history, and renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap
from roadmaps.obligations import Reading, owes, reading_of, state_of
from roadmaps.permissions import Parts, can_mark, can_review, parts_read, readable_part

if TYPE_CHECKING:
    from roadmaps.forms import MarkForm

HISTORY_LIMIT = 50

# What ``build_row`` reads of an activity, prefetched for a whole table at once.
ROW_PREFETCH = [
    "windows",
    Prefetch(
        "executors",
        queryset=Executor.objects.select_related("organisation", "person").prefetch_related("marks"),
    ),
]


# --- The roadmap's table ---------------------------------------------------------------------


@dataclass
class ExecutorCell:
    executor: Executor
    owes: bool  # False: a group, a role or an executor no longer named (one muted badge)
    states: list[tuple[object, Reading | None]] = field(default_factory=list)


@dataclass
class Row:
    activity: Activity
    executors: list[ExecutorCell]


def build_row(activity: Activity, today: date) -> Row:
    """An activity with each executor's state per window (``obligations.state_of``, from
    prefetched data). The roadmap's own page counts whatever its status (``Where.OWN_PAGE``)."""
    windows = list(activity.windows.all())
    cells = []
    for executor in activity.executors.all():
        marks = {m.window_id: m for m in executor.marks.all()}
        cell = ExecutorCell(executor, owes(executor))
        if cell.owes:
            cell.states = [(w, state_of(w, marks.get(w.pk), today)) for w in windows]
        cells.append(cell)
    return Row(activity, cells)


def fresh_row(activity: Activity, today: date) -> Row:
    """One row read afresh after an edit, with what ``build_row`` needs prefetched."""
    return build_row(Activity.objects.prefetch_related(*ROW_PREFETCH).get(pk=activity.pk), today)


def roadmap_rows(roadmap: Roadmap, today: date) -> list[tuple[str, object]]:
    """The table as the document has it: rows outside sections first, then each section
    (stages and their headings in their own order) followed by its rows and sub-rows."""
    activities = list(roadmap.activities.prefetch_related(*ROW_PREFETCH).order_by("order"))
    by_section: dict[int | None, list[Activity]] = {}
    for activity in activities:
        by_section.setdefault(activity.section_id, []).append(activity)
    rows: list[tuple[str, object]] = [("activity", build_row(a, today)) for a in by_section.get(None, [])]
    for section in roadmap.sections.order_by("order"):
        rows.append(("section", section))
        rows.extend(("activity", build_row(a, today)) for a in by_section.get(section.pk, []))
    return rows


# --- The activity's marks --------------------------------------------------------------------


@dataclass
class MarkCell:
    executor: Executor
    window: DeadlineWindow
    mark: CompletionMark | None
    state: Reading | None  # None: not an obligation (``obligations.why_not`` says why)
    can_mark: bool
    can_review: bool
    # The mark's details (date, comment, who marked and reviewed, evidence) are the user's to
    # read (``permissions.parts_read``); otherwise the cell shows the state only.
    details: bool = True
    form: MarkForm | None = None  # the view's, for a cell the user may mark

    @property
    def anchor(self) -> str:
        return f"mark-{self.executor.pk}-{self.window.pk}"


def mark_grid(
    activity: Activity, *, user, today: date, parts: Parts | None = None
) -> tuple[list[DeadlineWindow], list[MarkCell]]:
    """The activity's open windows and a cell per (executor, window), executor by executor,
    with what ``user`` may do to it and may read of it (``parts``, else ``parts_read``).

    Windows and executors that left the text are no obligations: their marks are listed apart
    («Отметки к исключённым срокам и исполнителям», ``services.kept.kept_marks``)."""
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
    parts = parts or parts_read(user, activity.roadmap)
    cells = []
    for executor in executors:
        marks = {m.window_id: m for m in executor.marks.all()}
        may_mark = can_mark(user, executor)
        details = may_mark or parts.reads(executor)
        for window in windows:
            mark = marks.get(window.pk)
            cells.append(
                MarkCell(
                    executor,
                    window,
                    mark,
                    reading_of(executor, window, mark, today),
                    may_mark,
                    mark is not None and can_review(user, mark),
                    details,
                )
            )
    return windows, cells


# --- The activity's history ------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: object
    what: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def activity_history(activity: Activity, *, user) -> list[HistoryEntry]:
    """Activity and mark changes, newest first, with the fields each change touched; of the
    marks, those of the parts ``user`` reads (``permissions.readable_part``)."""
    tracked_activity = ["number", "content", "deadline_text", "responsible_text", "expected_result"]
    tracked_mark = ["status", "completed_on", "comment", "review", "review_comment"]
    entries = []
    for model, records, tracked, label in [
        (Activity, activity.history.select_related("history_user")[:HISTORY_LIMIT], tracked_activity, None),
        (
            CompletionMark,
            CompletionMark.history.filter(readable_part(user), executor__activity=activity)
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
