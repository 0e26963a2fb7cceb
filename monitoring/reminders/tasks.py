"""Celery tasks: the hourly reminder pass and the sending of one reminder."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from monitoring.reminders.services import (
    SEND_ERRORS,
    reminder_record_failure,
    reminder_send,
    reminders_claim,
    reminders_requeue_orphans,
    retry_delays,
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
    requeued = reminders_requeue_orphans()
    return {"claimed": len(result.claimed), "already_sent": result.already_sent, "requeued": len(requeued)}


@shared_task(name="monitoring.tasks.send_reminder", bind=True, acks_late=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> bool:
    """Send one claimed reminder; on a mail-server error retry after growing delays, then
    mark it failed. Other reminders are separate tasks and go on."""
    delays = retry_delays()
    try:
        return reminder_send(reminder_id=reminder_id)
    except SEND_ERRORS as exc:
        if self.request.retries >= len(delays):
            reminder_record_failure(reminder_id=reminder_id, error=exc, retry_in=None)
            return False
        countdown = delays[self.request.retries]
        reminder_record_failure(reminder_id=reminder_id, error=exc, retry_in=countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
