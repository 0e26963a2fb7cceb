"""Writes of the reminders: claim what is due, send it once, record failures;
in-app notifications and a user's notification settings."""

from __future__ import annotations

import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from monitoring.models import Notification, NotificationSettings, Reminder
from monitoring.reminders.mail import reminder_message
from monitoring.reminders.scan import Scan

# What a mail server or the network raise when a message does not go out.
SEND_ERRORS = (smtplib.SMTPException, OSError)
# How long a sender holds a reminder while talking to the mail server.
SEND_LOCK = timedelta(minutes=5)
# A claimed reminder nobody has touched for this long lost its task: send it again.
ORPHAN_AFTER = timedelta(minutes=15)


def retry_delays() -> tuple[int, ...]:
    """Seconds before each retry of a failed send; the last failure marks it failed.

    Every delay stays below the Redis visibility timeout: a task waiting for its
    countdown is held unacknowledged by the worker, and Redis would hand a longer
    one to a second worker.
    """
    return tuple(getattr(settings, "REMINDER_RETRY_DELAYS", (60, 300, 900, 1800)))


@dataclass
class ClaimResult:
    claimed: list[int] = field(default_factory=list)
    already_sent: int = 0


def reminders_claim(
    *, at: datetime | None = None, day: date | None = None, enqueue: bool = False
) -> ClaimResult:
    """Claim every reminder due at the moment ``at`` (or, with ``day``, on that whole day).

    1. The scan lists what is due; it only reads, outside the transaction.
    2. One INSERT … ON CONFLICT DO NOTHING tries to claim every row under its unique key,
       tagged with this pass's token; the rows that come back with the token are ours,
       everything else was claimed before (by an earlier pass, a parallel one, a task
       delivered twice).
    3. Ours get their message and an in-app notification in the same transaction.
    4. With ``enqueue`` a send task per row is queued after the commit, so no worker
       can look for a row that is not there yet.
    """
    due = Scan(at=at, day=day).due()
    if not due:
        return ClaimResult()
    with transaction.atomic():
        # The transaction starts with the write: SQLite then waits for its turn instead
        # of failing a read lock's upgrade when another pass writes at the same time.
        return _claim(due, enqueue=enqueue)


def _claim(due: list, *, enqueue: bool) -> ClaimResult:
    token = uuid.uuid4()
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=d.kind,
                recipient_id=d.recipient_id,
                window_id=d.window.id if d.window else None,
                window_end=d.window.end if d.window else None,
                days=d.days,
                week=d.week,
                claim_token=token,
            )
            for d in due
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    ours = {_key(r): r for r in Reminder.objects.filter(claim_token=token)}
    users = get_user_model().objects.in_bulk({r.recipient_id for r in ours.values()})
    notifications = []
    for d in due:
        reminder = ours.get(d.key)
        if reminder is None:
            continue
        message = reminder_message(d, users[d.recipient_id])
        reminder.subject = message.subject[:300]
        reminder.body_text = message.text
        reminder.body_html = message.html
        notifications.append(
            Notification(
                user_id=d.recipient_id,
                kind=d.kind,
                title=message.title[:300],
                body=message.body,
                url=message.url,
                reminder=reminder,
            )
        )
    Reminder.objects.bulk_update(ours.values(), ["subject", "body_text", "body_html"], batch_size=200)
    Notification.objects.bulk_create(notifications, batch_size=500)
    claimed = sorted(r.pk for r in ours.values())
    if enqueue:
        transaction.on_commit(lambda: _enqueue(claimed))
    return ClaimResult(claimed=claimed, already_sent=len(due) - len(ours))


def _key(reminder: Reminder) -> tuple:
    if reminder.kind == Reminder.Kind.DIGEST:
        return (reminder.kind, reminder.recipient_id, reminder.week)
    return (reminder.kind, reminder.recipient_id, reminder.window_id, reminder.window_end, reminder.days)


def _enqueue(ids: list[int]) -> None:
    from monitoring.reminders.tasks import send_reminder

    for pk in ids:
        send_reminder.delay(pk)


def reminders_requeue_orphans(*, now: datetime | None = None) -> list[int]:
    """Queue again the claimed reminders whose task was lost (a broker restart, a crash
    between the commit and the enqueue). Sending stays once: a sender must take the lock."""
    now = now or timezone.now()
    ids = list(
        Reminder.objects.filter(status=Reminder.Status.CLAIMED, created_at__lt=now - ORPHAN_AFTER)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


def reminder_send(*, reminder_id: int) -> bool:
    """Send one claimed reminder. False when it is sent already or another sender holds it.

    The guarded UPDATE takes the row for ``SEND_LOCK``: two deliveries of the same task
    cannot both pass it. Mail-server errors propagate to the caller, which retries or
    gives up with ``reminder_record_failure``.
    """
    now = timezone.now()
    taken = (
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.CLAIMED)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(attempts=F("attempts") + 1, locked_until=now + SEND_LOCK)
    )
    if not taken:
        return False
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    address = reminder.recipient.email
    if address:
        domain = urlsplit(settings.SITE_URL).hostname or "localhost"
        message = EmailMultiAlternatives(
            subject=reminder.subject,
            body=reminder.body_text,
            to=[address],
            # The same id on every attempt: a mail client shows a rare resend once.
            headers={"Message-ID": f"<reminder-{reminder.pk}.{reminder.claim_token.hex[:12]}@{domain}>"},
        )
        message.attach_alternative(reminder.body_html, "text/html")
        message.send()
    # Without an address the in-app notification is the reminder.
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), locked_until=None, email=address, last_error=""
    )
    return True


def reminder_record_failure(*, reminder_id: int, error: BaseException, retry_in: float | None) -> None:
    """Note a failed attempt: hold the row until its retry, or mark it failed for the admin."""
    text = f"{type(error).__name__}: {error}"[:2000]
    if retry_in is None:
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.CLAIMED).update(
            status=Reminder.Status.FAILED, last_error=text, locked_until=None
        )
    else:
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.CLAIMED).update(
            last_error=text, locked_until=timezone.now() + timedelta(seconds=retry_in)
        )


def reminders_send_now(*, ids: list[int], delays: tuple[float, ...] = (1, 3)) -> tuple[int, int]:
    """Send claimed reminders in this process (the management command): every one is
    tried, the failed ones again after each delay; returns (sent, failed)."""
    sent = failed = 0
    pending = list(ids)
    for attempt, delay in enumerate((0, *delays)):
        if not pending:
            break
        time.sleep(delay)
        last = attempt == len(delays)
        retry = []
        for pk in pending:
            try:
                sent += reminder_send(reminder_id=pk)
            except SEND_ERRORS as exc:
                reminder_record_failure(reminder_id=pk, error=exc, retry_in=None if last else 0)
                if last:
                    failed += 1
                else:
                    retry.append(pk)
        pending = retry
    return sent, failed


def reminders_retry_failed(*, ids: list[int]) -> int:
    """The admin's «send again»: failed reminders go back to the queue with fresh attempts."""
    with transaction.atomic():
        ids = list(
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.FAILED).values_list("pk", flat=True)
        )
        Reminder.objects.filter(pk__in=ids).update(
            status=Reminder.Status.CLAIMED, attempts=0, locked_until=None
        )
        transaction.on_commit(lambda: _enqueue(ids))
    return len(ids)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_settings_update(*, user, weekly_digest: bool) -> NotificationSettings:
    prefs, _ = NotificationSettings.objects.update_or_create(
        user=user, defaults={"weekly_digest": weekly_digest}
    )
    return prefs
