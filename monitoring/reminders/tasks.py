"""Celery tasks: the hourly reminder pass, the retry sweep and the sending of one reminder.

Retries are rows, not Celery countdowns: the next try is kept on the reminder
(``next_try_at``) and the sweep sends what is due. The management command runs without
a worker, a countdown task sits unacknowledged in a worker's memory (Redis hands it to
another worker after the visibility timeout, the file queue loses it with the worker), and
the notifications page and the admin read the row.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from monitoring.reminders.services import (
    Outcome,
    reminder_send,
    reminders_claim,
    reminders_requeue_due,
)


# Task names are explicit: queued messages and the beat schedule name them as they were
# before the reminders had a folder of their own.
@shared_task(name="monitoring.tasks.send_due_reminders", acks_late=True)
def send_due_reminders(day: str | None = None) -> dict:
    """Claim what is due now (or on ``day``, an ISO date, for the whole day) and queue the
    sends. Safe to run twice at once or to be delivered twice: claims are unique."""
    if day:
        result = reminders_claim(day=date.fromisoformat(day), enqueue=True)
    else:
        result = reminders_claim(at=timezone.now(), enqueue=True)
    requeued = reminders_requeue_due()
    return {
        "claimed": len(result.claimed),
        "already_sent": result.already_sent,
        "unsent": result.unsent,
        "requeued": len(requeued),
    }


@shared_task(name="monitoring.tasks.retry_reminders", acks_late=True)
def retry_reminders() -> dict:
    """Queue the sends of the failed reminders whose retry is due (and of lost first tries)."""
    return {"requeued": len(reminders_requeue_due())}


@shared_task(name="monitoring.tasks.send_reminder", acks_late=True)
def send_reminder(reminder_id: int) -> bool:
    """Try one claimed reminder once; a failure is kept on the row for the sweep to retry.
    Other reminders are separate tasks and go on."""
    return reminder_send(reminder_id=reminder_id).outcome == Outcome.SENT
