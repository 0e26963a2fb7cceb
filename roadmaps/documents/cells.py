"""What a cell of the roadmap table says, in every format (DOCX, XLSX, the progress report):
the columns a roadmap prints in, a section's heading, an activity's cells, and the completion
column's marks in the words of ``obligations``.

The roadmap must come from ``rows.fetch_roadmaps``: nothing here runs a query.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from roadmaps.documents.columns import Field, roadmap_columns
from roadmaps.models import Activity, CompletionMark, Executor, Roadmap, Section
from roadmaps.obligations import reading_of, why_not


def print_columns(roadmap: Roadmap, *, with_marks: bool) -> list[tuple[Field, str]]:
    activities = roadmap.activities.all()
    columns = roadmap_columns(
        roadmap.column_titles,
        has_numbers=any(a.number for a in activities),
        has_results=any(a.expected_result for a in activities),
    )
    if with_marks and all(f != Field.MARK for f, _ in columns):
        columns.append((Field.MARK, "Отметка о выполнении"))
    return columns


def section_heading(section: Section) -> str:
    return f"{section.number}. {section.title}" if section.number else section.title


# Whether the requester reads an executor's mark details (``permissions.parts_read``); None: all.
Reads = Callable[[Executor], bool] | None


def activity_cells(
    activity: Activity, *, on: date, with_marks: bool, reads: Reads = None
) -> dict[Field, str]:
    """An activity's row, by column; without marks the completion column is left blank for signing."""
    return {
        Field.NUMBER: activity.number,
        Field.CONTENT: activity.content,
        Field.DEADLINE: activity.deadline_text,
        Field.RESPONSIBLE: activity.responsible_text,
        Field.RESULT: activity.expected_result,
        Field.MARK: marks_text(activity, on, reads) if with_marks else "",
    }


def marks_text(activity: Activity, on: date, reads: Reads = None) -> str:
    """What the completion column says: each executor's mark with its state on ``on`` (in the
    words of ``obligations``, as the activity page shows it), date, author and review; of an
    executor whose part the requester does not read (``reads``), the state only."""
    lines = []
    windows = {w.pk: w for w in activity.windows.all()}
    for executor in activity.executors.all():
        for mark in executor.marks.all():
            window = windows.get(mark.window_id) or mark.window
            reading = reading_of(executor, window, mark, on)
            state = reading.label if reading else f"{mark.get_status_display()} ({why_not(window, executor)})"
            parts = [f"{state} — {executor}" + (f" (срок {window})" if len(windows) > 1 else "")]
            if reads is not None and not reads(executor):
                lines.append(parts[0])
                continue
            if mark.status == CompletionMark.Status.DONE:
                parts.append(f"дата выполнения {mark.completed_on:%d.%m.%Y}")
            elif reading is not None:
                parts.append(f"отметка: {mark.get_status_display().lower()}")
            if mark.marked_by:
                parts.append(f"отметил(а): {mark.marked_by.get_full_name() or mark.marked_by.username}")
            if mark.review == CompletionMark.Review.ACCEPTED:
                parts.append(mark.get_review_display().lower())
            elif mark.review == CompletionMark.Review.RETURNED and mark.review_comment:
                parts.append(f"комментарий координатора: {mark.review_comment}")
            lines.append("; ".join(parts))
    return "\n".join(lines)
