"""Marks kept after their window or executor left the text.

Re-reading a deadline or a responsible text never deletes a mark: a window no longer in the
text is kept cancelled, an executor no longer named is kept dropped, while they have marks
(``services.loading``). Those marks are no obligation any more, but they are the school's
record of work done: the activity page shows them apart («Отметки к исключённым срокам и
исполнителям») until the roadmap's editors decide, and only their explicit, confirmed
action removes one (``mark_discard``, recorded in the mark's history).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Evidence

# On CompletionMark: the window or the executor is no longer in the row's text.
KEPT = Q(window__is_cancelled=True) | Q(executor__is_dropped=True)


def kept_marks(activity: Activity) -> QuerySet[CompletionMark]:
    """The row's marks whose window was cancelled or whose executor was dropped (two queries
    with their evidence)."""
    return (
        CompletionMark.objects.filter(KEPT, executor__activity=activity)
        .select_related("executor__organisation", "executor__person", "window", "marked_by", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("window__end", "executor__order", "pk")
    )


@transaction.atomic
def mark_discard(*, mark: CompletionMark, by) -> None:
    """Delete a kept mark for good, with its evidence rows and files.

    Only a kept mark: one that still counts is changed by its school, never discarded. The
    window or executor kept for it alone goes with it.
    """
    mark = CompletionMark.objects.select_for_update().select_related("window", "executor").get(pk=mark.pk)
    window, executor = mark.window, mark.executor
    if not (window.is_cancelled or executor.is_dropped):
        raise ValidationError("Эта отметка относится к действующему сроку и исполнителю: удалить её нельзя.")
    evidence = Evidence.objects.filter(mark=mark)
    files = list(evidence.exclude(file="").values_list("file", flat=True))
    storage = Evidence._meta.get_field("file").storage
    evidence.delete()
    mark._history_user = by
    mark.delete()
    if window.is_cancelled and window.source == DeadlineWindow.Source.PARSED and not window.marks.exists():
        window.delete()
    if executor.is_dropped and not executor.marks.exists():
        executor.delete()

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)
