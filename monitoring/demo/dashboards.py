"""Demo marks for the Таганрог roadmap, so that its dashboards show every state.

The seed document has no completion marks; these are invented, spread the same way on every
run (a checksum of the activity, the executor and the deadline picks the outcome).
"""

from __future__ import annotations

import zlib
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from roadmaps.models import CompletionMark, DeadlineWindow, Executor, Roadmap

TAGANROG_ROADMAP = "002_taganrog"


def _outcome(executor: Executor, window: DeadlineWindow) -> tuple[str, int]:
    key = f"{executor.activity.order}:{executor.order}:{executor.label}:{window.end.isoformat()}"
    checksum = zlib.crc32(key.encode())
    bucket = checksum % 100
    if bucket < 55:
        return "on_time", checksum % 12
    if bucket < 72:
        return "late", 5 + checksum % 40
    if bucket < 80:
        return "in_progress", 0
    return "none", 0


@transaction.atomic
def load_demo_dashboards() -> int:
    """Add the marks that are missing; return how many were added (0 on a second run)."""
    roadmap = Roadmap.objects.filter(source_key=TAGANROG_ROADMAP).first()
    if roadmap is None:
        return 0
    executors = (
        Executor.objects.filter(activity__roadmap=roadmap)
        .exclude(organisation__isnull=True, person__isnull=True)
        .select_related("activity")
        .prefetch_related("activity__windows")
    )
    existing = set(
        CompletionMark.objects.filter(executor__activity__roadmap=roadmap).values_list("executor", "window")
    )
    now = timezone.now()
    marks = []
    for executor in executors:
        for window in executor.activity.windows.all():
            if window.is_cancelled or (executor.pk, window.pk) in existing:
                continue
            outcome, days = _outcome(executor, window)
            if outcome == "none":
                continue
            mark = CompletionMark(executor=executor, window=window, comment="Демонстрационная отметка.")
            if outcome == "in_progress":
                mark.status = CompletionMark.Status.IN_PROGRESS
            else:
                mark.status = CompletionMark.Status.DONE
                shift = -days if outcome == "on_time" else days
                mark.completed_on = max(window.end + timedelta(days=shift), window.start or window.end)
                if outcome == "on_time" and days % 2 == 0:
                    mark.review, mark.reviewed_at = CompletionMark.Review.ACCEPTED, now
            marks.append(mark)
    CompletionMark.objects.bulk_create(marks, ignore_conflicts=True)
    return len(marks)
