"""How a mark reads to a person: a status label and its colour, as of a day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmaps.models import CompletionMark, DeadlineWindow


@dataclass(frozen=True)
class MarkState:
    key: str
    label: str
    css: str  # a Bootstrap background class

    @property
    def is_open(self) -> bool:
        return self.key in {"overdue", "returned", "not_done", "in_progress", "upcoming"}


ACCEPTED = MarkState("accepted", "принято", "success")
DONE = MarkState(
    "done", "выполнено, ждёт проверки", "success-subtle text-success-emphasis border border-success"
)
RETURNED = MarkState("returned", "возвращено", "warning")
IN_PROGRESS = MarkState("in_progress", "в работе", "info")
NOT_DONE = MarkState("not_done", "не выполнено", "danger")
OVERDUE = MarkState("overdue", "просрочено", "danger")
UPCOMING = MarkState("upcoming", "срок не наступил", "secondary-subtle text-secondary-emphasis border")
CANCELLED = MarkState("cancelled", "срок отменён", "light text-muted border")


def mark_state(mark: CompletionMark | None, window: DeadlineWindow, today: date) -> MarkState:
    if window.is_cancelled:
        return CANCELLED
    if mark is not None:
        if mark.review == CompletionMark.Review.RETURNED:
            return RETURNED
        if mark.status == CompletionMark.Status.DONE:
            return ACCEPTED if mark.review == CompletionMark.Review.ACCEPTED else DONE
        if mark.status == CompletionMark.Status.NOT_DONE:
            return NOT_DONE
    if window.end < today:
        return OVERDUE
    return IN_PROGRESS if mark is not None else UPCOMING


def school_progress(school_ids, today: date) -> dict[int, dict[str, int]]:
    """Per school: how many (window, school) pairs are done, overdue, open — in one query.

    A pair is a deadline window of an activity where the school is an executor.
    """
    from django.db.models import Count, Exists, OuterRef, Q

    from roadmaps.models import Executor

    marks = CompletionMark.objects.filter(executor=OuterRef("pk"), window__activity=OuterRef("activity"))
    done = marks.filter(status=CompletionMark.Status.DONE)
    rows = (
        Executor.objects.filter(organisation__in=school_ids, activity__windows__is_cancelled=False)
        .values("organisation")
        .annotate(
            total=Count("activity__windows"),
            done=Count(
                "activity__windows",
                filter=Q(Exists(done.filter(window=OuterRef("activity__windows")))),
            ),
            overdue=Count(
                "activity__windows",
                filter=Q(activity__windows__end__lt=today)
                & ~Q(Exists(done.filter(window=OuterRef("activity__windows")))),
            ),
        )
    )
    return {
        row["organisation"]: {
            "total": row["total"],
            "done": row["done"],
            "overdue": row["overdue"],
            "open": row["total"] - row["done"] - row["overdue"],
            "percent": round(100 * row["done"] / row["total"]) if row["total"] else 0,
        }
        for row in rows
    }
