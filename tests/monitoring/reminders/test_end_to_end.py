"""Reminders through the real parts: Redis, a Celery worker process, an SMTP server."""

from __future__ import annotations

import io
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from monitoring.models import Reminder
from tests.monitoring.world import World

pytestmark = pytest.mark.django_db(transaction=True)

THURSDAY = date(2025, 11, 13)  # no Monday digest on this day


@pytest.fixture(autouse=True)
def empty_database(celery_worker):
    # Only this module's own municipality: the seed roadmaps have overdue windows of their own.
    call_command("flush", interactive=False, stdout=io.StringIO())


@pytest.fixture
def world():
    world = World()
    world.before = world.window(THURSDAY + timedelta(days=3), content="Подготовить план")
    world.due = world.window(THURSDAY, content="Провести семинар")
    world.late = world.window(THURSDAY - timedelta(days=8), content="Сдать отчёт")
    return world


def wait_until_settled(worker, timeout: float = 60) -> None:
    """Until nothing waits to be sent, the retry sweep running as beat would (every minute
    there; the worker's retries are a second or two apart)."""
    deadline = time.monotonic() + timeout
    while Reminder.objects.filter(status=Reminder.Status.CLAIMED).exists():
        assert time.monotonic() < deadline, "reminders still waiting to be sent"
        worker.send("retry_reminders").get(timeout=60)
        time.sleep(0.2)


def subject(message) -> str:
    # Long Cyrillic subjects arrive as folded encoded words.
    return " ".join(str(message["Subject"]).split())


def received(sink) -> Counter:
    return Counter((m["To"], subject(m)) for m in sink.messages)


def test_the_worker_mails_each_reminder_once_over_two_passes(celery_worker, sink, world):
    first = celery_worker.send("send_due_reminders", day=THURSDAY.isoformat()).get(timeout=60)
    wait_until_settled(celery_worker)
    second = celery_worker.send("send_due_reminders", day=THURSDAY.isoformat()).get(timeout=60)
    wait_until_settled(celery_worker)
    time.sleep(1)

    assert first["claimed"] == 4 and second == {"claimed": 0, "already_sent": 4, "unsent": 0, "requeued": 0}
    mails = received(sink)
    assert set(mails.values()) == {1}
    assert sorted(subject for _, subject in mails) == [
        "Просрочено на 8 дней: 3. Сдать отчёт",
        "Сегодня срок: 2. Провести семинар",
        "Через 3 дня срок: 1. Подготовить план",
        "Школа не выполнила в срок, просрочено на 8 дней: 3. Сдать отчёт",
    ]
    assert [subject(m) for m in sink.to(world.coordinator.email)] == [
        "Школа не выполнила в срок, просрочено на 8 дней: 3. Сдать отчёт"
    ]
    mail = sink.to(world.principal.email)[0]
    assert mail.get_body(("plain",)).get_content().count("Дорожная карта г. Тестовска") == 1
    assert "/roadmaps/activities/" in mail.get_body(("html",)).get_content()
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 4


def test_two_passes_at_once_and_redelivered_tasks_send_one_copy(celery_worker, sink, world):
    passes = [celery_worker.send("send_due_reminders", day=THURSDAY.isoformat()) for _ in range(2)]
    results = [p.get(timeout=60) for p in passes]
    wait_until_settled(celery_worker)
    # The broker hands the same send tasks out again, as after a lost acknowledgement.
    again = [
        celery_worker.send("send_reminder", reminder_id=pk)
        for pk in Reminder.objects.values_list("pk", flat=True)
    ]
    assert [a.get(timeout=60) for a in again] == [False] * 4
    time.sleep(1)

    assert sorted(r["claimed"] for r in results) in ([0, 4], [1, 3], [2, 2])
    assert sum(r["claimed"] for r in results) == 4
    assert len(sink.messages) == 4 and set(received(sink).values()) == {1}


def test_a_mail_server_refusing_the_first_attempts_gets_exactly_one_message_later(celery_worker, sink, world):
    Reminder.objects.all().delete()
    world.before.delete()
    world.late.delete()
    sink.refusals = 2

    celery_worker.send("send_due_reminders", day=THURSDAY.isoformat()).get(timeout=60)
    wait_until_settled(celery_worker)
    time.sleep(1)

    assert [subject(m) for m in sink.messages] == ["Сегодня срок: 2. Провести семинар"]
    assert sink.attempts == 3
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (Reminder.Status.SENT, 3, "")


def test_a_reminder_the_server_never_takes_is_marked_failed_and_the_others_go_on(celery_worker, sink, world):
    sink.refuse_to = {world.coordinator.email}

    celery_worker.send("send_due_reminders", day=THURSDAY.isoformat()).get(timeout=60)
    wait_until_settled(celery_worker)
    time.sleep(1)

    failed = Reminder.objects.get(status=Reminder.Status.FAILED)
    assert failed.recipient == world.coordinator and failed.kind == Reminder.Kind.ESCALATION
    assert failed.attempts == 4 and "451" in failed.last_error
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
    assert len(sink.messages) == 3 and not sink.to(world.coordinator.email)
