"""Writes of the reminders: claim what is due, send it once, record failures;
in-app notifications and a user's notification settings."""

from __future__ import annotations

import smtplib
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

# What a mail server or the network raise when a message does not go out (smtplib's
# errors are OSErrors; a silent server's is a TimeoutError after EMAIL_TIMEOUT seconds,
# which Django's SMTP backend gives every connection it opens, one per message here).
SEND_ERRORS = (smtplib.SMTPException, OSError)
# How long a sender holds a reminder while talking to the mail server.
SEND_LOCK = timedelta(minutes=5)
# A claimed reminder never tried for this long lost its task: it is due again.
ORPHAN_AFTER = timedelta(minutes=15)


def retry_delays() -> tuple[int, ...]:
    """Seconds before each retry of a failed send (1, 5, 15, 60 and 180 minutes); the
    attempt after the last delay is the last one: it fails the reminder for good."""
    return tuple(getattr(settings, "REMINDER_RETRY_DELAYS", (60, 300, 900, 3600, 10800)))


def server_unavailable(error: BaseException) -> bool:
    """Whether an error is the mail server's as a whole (down, silent, refusing to talk),
    not one message's: the next messages of the same pass would meet it too."""
    whole = (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError)
    if isinstance(error, whole):
        return True
    return not isinstance(error, (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused))


@dataclass
class ClaimResult:
    claimed: list[int] = field(default_factory=list)
    already_sent: int = 0
    # Claimed before and not sent yet: failed and waiting for a retry, given up, or in a sender's hands.
    unsent: int = 0


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
    before = _claimed_before([d for d in due if d.key not in ours])
    sent = sum(status == Reminder.Status.SENT for status in before.values())
    return ClaimResult(claimed=claimed, already_sent=sent, unsent=len(before) - sent)


def _claimed_before(due: list) -> dict[tuple, str]:
    """The status of the rows claimed earlier for ``due``: a failed one is not «already sent»."""
    if not due:
        return {}
    keys = {d.key for d in due}
    rows = Reminder.objects.filter(
        Q(window_id__in={d.window.id for d in due if d.window}) | Q(week__in={d.week for d in due if d.week}),
        recipient_id__in={d.recipient_id for d in due},
    )
    fields = ("kind", "recipient", "window", "window_end", "days", "week", "status")
    return {_key(r): r.status for r in rows.only(*fields) if _key(r) in keys}


def _key(reminder: Reminder) -> tuple:
    if reminder.kind == Reminder.Kind.DIGEST:
        return (reminder.kind, reminder.recipient_id, reminder.week)
    return (reminder.kind, reminder.recipient_id, reminder.window_id, reminder.window_end, reminder.days)


def _enqueue(ids: list[int]) -> None:
    from monitoring.reminders.tasks import send_reminder

    for pk in ids:
        send_reminder.delay(pk)


def _due(now: datetime) -> Q:
    """A claimed row nobody holds whose try has come: a retry whose time is here, or a first
    try whose task was lost (a broker restart, a crash between the commit and the enqueue)."""
    free = Q(locked_until__isnull=True) | Q(locked_until__lte=now)
    first = Q(next_try_at__isnull=True)
    return Q(status=Reminder.Status.CLAIMED) & free & (Q(next_try_at__lte=now) | first)


def reminders_due(*, now: datetime | None = None) -> list[int]:
    """The reminders the sweep sends now: retries due, and first tries left over for
    ``ORPHAN_AFTER`` (younger ones still have their task or their pass coming)."""
    now = now or timezone.now()
    left_over = Q(next_try_at__isnull=False) | Q(created_at__lt=now - ORPHAN_AFTER)
    return list(Reminder.objects.filter(_due(now) & left_over).order_by("pk").values_list("pk", flat=True))


def reminders_requeue_due(*, now: datetime | None = None) -> list[int]:
    """Queue a send of every reminder due (``reminders_due``); sending stays once: a sender must take it."""
    ids = reminders_due(now=now)
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


class Outcome:
    SENT = "sent"
    RETRY = "retry"  # failed; tried again at ``next_try_at``
    FAILED = "failed"  # failed for the last time
    SKIPPED = "skipped"  # sent already, held by another sender, or not due yet


@dataclass(frozen=True)
class Attempt:
    outcome: str
    error: BaseException | None = None


def reminder_send(
    *, reminder_id: int, now: datetime | None = None, server_down: BaseException | None = None
) -> Attempt:
    """Try to send one claimed reminder whose try has come.

    1. The guarded UPDATE takes the row for ``SEND_LOCK`` if it is claimed, free and due:
       two senders (two deliveries of a task, the sweep and the command) cannot both pass it,
       and a retry is not sent before its time.
    2. The message goes out through a connection of its own, bounded by EMAIL_TIMEOUT.
       With ``server_down`` (the error the same server gave this pass a moment ago) the
       server is not asked again: the attempt fails with that error.
    3. The row is marked sent, or the failure is recorded with the next try (``retry_delays``)
       or, after the last attempt, as failed for the admin.
    """
    now = now or timezone.now()
    taken = Reminder.objects.filter(_due(now), pk=reminder_id).update(
        attempts=F("attempts") + 1, locked_until=now + SEND_LOCK
    )
    if not taken:
        return Attempt(Outcome.SKIPPED)
    reminder = Reminder.objects.select_related("recipient").get(pk=reminder_id)
    address = reminder.recipient.email
    try:
        if server_down is not None:
            raise server_down
        if address:
            _message(reminder, address).send()
    except SEND_ERRORS as error:
        return Attempt(_record_failure(reminder, error, now=now, skipped=server_down is not None), error)
    # Without an address the in-app notification is the reminder.
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT,
        sent_at=now,
        locked_until=None,
        next_try_at=None,
        email=address,
        last_error="",
    )
    return Attempt(Outcome.SENT)


def _message(reminder: Reminder, address: str) -> EmailMultiAlternatives:
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=reminder.subject,
        body=reminder.body_text,
        to=[address],
        # The same id on every attempt: a mail client shows a rare resend once.
        headers={"Message-ID": f"<reminder-{reminder.pk}.{reminder.claim_token.hex[:12]}@{domain}>"},
    )
    message.attach_alternative(reminder.body_html, "text/html")
    return message


def _record_failure(reminder: Reminder, error: BaseException, *, now: datetime, skipped: bool) -> str:
    text = f"{type(error).__name__}: {error}"
    if skipped:
        text = f"Не отправляли: почтовый сервер не ответил на предыдущее письмо этого прохода ({text})"
    delays = retry_delays()
    held = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CLAIMED)
    if reminder.attempts > len(delays):
        held.update(
            status=Reminder.Status.FAILED, last_error=text[:2000], locked_until=None, next_try_at=None
        )
        return Outcome.FAILED
    next_try = now + timedelta(seconds=delays[reminder.attempts - 1])
    held.update(last_error=text[:2000], locked_until=None, next_try_at=next_try)
    return Outcome.RETRY


@dataclass
class PassResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0


def reminders_send_pass(*, ids: list[int], now: datetime | None = None) -> PassResult:
    """Send reminders one after another in this process (the management command).

    Each is tried once. Once the mail server as a whole fails (down, silent past its
    timeout), the rest are not sent to it: they fail with the same error and wait for
    the same retry, so a stuck server holds the pass for one timeout, not one per message.
    """
    result = PassResult()
    down = None
    for pk in ids:
        attempt = reminder_send(reminder_id=pk, now=now, server_down=down)
        if attempt.outcome != Outcome.SKIPPED:
            setattr(result, attempt.outcome, getattr(result, attempt.outcome) + 1)
        if down is None and attempt.error is not None and server_unavailable(attempt.error):
            down = attempt.error
    return result


def reminders_retry_failed(*, ids: list[int], now: datetime | None = None) -> int:
    """The admin's «send again»: failed reminders, or ones waiting for a retry, are due
    now with fresh attempts. Queued at once, and the next pass of any kind sends them."""
    now = now or timezone.now()
    with transaction.atomic():
        waiting = Q(status=Reminder.Status.FAILED) | Q(
            status=Reminder.Status.CLAIMED, next_try_at__isnull=False
        )
        ids = list(Reminder.objects.filter(waiting, pk__in=ids).values_list("pk", flat=True))
        # Guarded on the old state: a row sent meanwhile stays sent.
        Reminder.objects.filter(waiting, pk__in=ids).update(
            status=Reminder.Status.CLAIMED, attempts=0, next_try_at=now, locked_until=None
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
