"""When a deadline reminder is due: pure date arithmetic, no Django imports.

A window has reminder steps: some days before it ends (14, 3 and 1 by default), on
the day it ends, and once it is overdue the day after and then weekly, four times in all
(1, 8, 15 and 22 days overdue); after that the window is only listed in the Monday digest.
A pass on a given day sends only the latest step that has fallen due, and only if that
step is at most ``CATCH_UP_DAYS`` old: a pass that was missed for two days catches up with
the current step instead of sending every step it slept through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from schools.russian import plural

BEFORE, DUE, OVERDUE = "before", "due", "overdue"
CATCH_UP_DAYS = 2
OVERDUE_EVERY_DAYS = 7
# An overdue window is reminded of this many times, a week apart; a reminder that repeats for
# years («Просрочено на 1331 день») is noise nobody reads. The digest keeps listing it.
OVERDUE_REMINDERS = 4
LAST_OVERDUE_STEP = 1 + (OVERDUE_REMINDERS - 1) * OVERDUE_EVERY_DAYS  # 22 days overdue
# From this many days overdue the school's coordinator hears about it as well, at the same
# weekly steps and up to the same last one.
ESCALATE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Step:
    kind: str
    days: int  # the step's key: the offset before, 0 on the day, days overdue at the step
    on: date  # the day the step falls due


def window_step(end: date, today: date, offsets: Iterable[int], catch_up: int = CATCH_UP_DAYS) -> Step | None:
    """The latest reminder step of a window ending on ``end`` due by ``today``, if still relevant."""
    left = (end - today).days
    if left > 0:
        covering = [d for d in offsets if d >= left]
        if not covering:
            return None
        days = min(covering)
        step = Step(BEFORE, days, end - timedelta(days=days))
    elif left == 0:
        step = Step(DUE, 0, end)
    else:
        days = 1 + (-left - 1) // OVERDUE_EVERY_DAYS * OVERDUE_EVERY_DAYS
        if days > LAST_OVERDUE_STEP:
            return None
        step = Step(OVERDUE, days, end + timedelta(days=days))
    return step if (today - step.on).days <= catch_up else None


def candidate_ends(today: date, offsets: Iterable[int], catch_up: int = CATCH_UP_DAYS) -> set[date]:
    """Every window end for which ``window_step`` can return a step on ``today``.

    The scan asks the database for windows ending on exactly these days, which the
    index on the window end answers without reading the rest. Since the overdue steps
    stop at ``LAST_OVERDUE_STEP`` they are a few dozen days, however old the data.
    """
    ends = {today}
    for offset in offsets:
        for left in range(max(1, offset - catch_up), offset + 1):
            ends.add(today + timedelta(days=left))
    for overdue in range(1, LAST_OVERDUE_STEP + catch_up + 1):
        if (overdue - 1) % OVERDUE_EVERY_DAYS <= catch_up:
            ends.add(today - timedelta(days=overdue))
    return ends


def digest_week(today: date, catch_up: int = CATCH_UP_DAYS) -> date | None:
    """The Monday whose digest is due on ``today``: on Monday, or a missed one caught up."""
    monday = today - timedelta(days=today.weekday())
    return monday if (today - monday).days <= catch_up else None


def days_phrase(n: int) -> str:
    return f"{n} {plural(n, 'день', 'дня', 'дней')}"
