"""A failed reminder is tried again later, by every path, and sent once when the mail server is back.

The mail server is real: the SMTP sink on loopback, a closed port (server down) and a socket
that accepts and never answers (a silent server). The clock moves by ``now=`` or, for the
management command, by putting the rows' next try into the past, as time passing would.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from monitoring.models import Reminder
from monitoring.reminders.services import (
    reminder_send,
    reminders_claim,
    reminders_due,
    reminders_send_pass,
    retry_delays,
)
from monitoring.reminders.tasks import retry_reminders, send_due_reminders
from tests.monitoring.world import World

pytestmark = pytest.mark.django_db

THURSDAY = date(2025, 11, 13)  # no Monday digest on this day


@pytest.fixture
def world(db, smtp_settings):
    world = World()
    world.window(THURSDAY, content="Провести семинар")  # the principal, on the due day
    world.window(THURSDAY - timedelta(days=8), content="Сдать отчёт")  # principal and coordinator
    return world


@pytest.fixture
def tasks_in_process():
    """The queued sends run in this process even when the PostgreSQL pass points Celery at
    Redis, where no worker runs for them (as tests/roadmaps/documents/conftest.py does)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


@pytest.fixture
def server_down(settings):
    settings.EMAIL_PORT = closed_port()


class SilentServer:
    """Accepts connections and never says a word: an SMTP server stuck after the TCP handshake."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(50)
        self.port = self.socket.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.socket.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def server_up(settings, sink) -> None:
    settings.EMAIL_PORT = sink.port


def received(sink) -> Counter:
    return Counter((m["To"], " ".join(str(m["Subject"]).split())) for m in sink.messages)


def send_reminders(day: date = THURSDAY) -> dict:
    out = io.StringIO()
    call_command("send_reminders", today=day.isoformat(), stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def time_passes(delta: timedelta) -> None:
    """For the command, which reads the real clock: every next try comes ``delta`` sooner."""
    for reminder in Reminder.objects.exclude(next_try_at=None):
        Reminder.objects.filter(pk=reminder.pk).update(next_try_at=reminder.next_try_at - delta)


def ours(world: World):
    return Reminder.objects.filter(window__activity__roadmap=world.roadmap)


def test_the_command_retries_after_the_server_comes_back_and_sends_each_once(
    world, settings, sink, server_down
):
    first = send_reminders()
    assert first == {"sent": 0, "already_sent": 0, "retry": 3, "failed": 0}
    assert sink.messages == []
    assert set(ours(world).values_list("status", "attempts")) == {(Reminder.Status.CLAIMED, 1)}
    assert all("Connection refused" in r.last_error for r in ours(world))

    server_up(settings, sink)
    # Before its time a failed reminder waits: the pass sends nothing and counts nothing as sent.
    assert send_reminders() == {"sent": 0, "already_sent": 0, "retry": 0, "failed": 0}
    assert sink.messages == []

    time_passes(timedelta(minutes=1))
    assert send_reminders() == {"sent": 3, "already_sent": 0, "retry": 0, "failed": 0}
    assert send_reminders() == {"sent": 0, "already_sent": 3, "retry": 0, "failed": 0}
    mails = received(sink)
    assert len(mails) == 3 and set(mails.values()) == {1}
    assert set(ours(world).values_list("status", "attempts", "last_error", "next_try_at")) == {
        (Reminder.Status.SENT, 2, "", None)
    }


def test_the_task_functions_retry_after_the_server_comes_back(
    world, settings, sink, server_down, django_capture_on_commit_callbacks, tasks_in_process
):
    # The tasks run in this process, queued after the commit:
    # the hourly pass claims and sends, the retry sweep sends what is due.
    def run(task, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return task(**kwargs)

    result = run(send_due_reminders, day=THURSDAY.isoformat())
    assert result["claimed"] == 3 and sink.messages == []
    assert set(ours(world).values_list("status", "attempts")) == {(Reminder.Status.CLAIMED, 1)}

    server_up(settings, sink)
    assert run(retry_reminders) == {"requeued": 0}  # the first retry is a minute away
    # The sends the sweep queues read the real clock: let the minute pass for them too.
    time_passes(timedelta(minutes=1))
    assert run(retry_reminders) == {"requeued": 3}
    assert run(retry_reminders) == {"requeued": 0}
    assert run(send_due_reminders, day=THURSDAY.isoformat())["already_sent"] == 3
    mails = received(sink)
    assert len(mails) == 3 and set(mails.values()) == {1}
    assert set(ours(world).values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_the_delays_grow_and_after_the_last_attempt_it_gives_up(
    world, server_down, client, django_user_model
):
    ids = reminders_claim(day=THURSDAY).claimed
    pk = ours(world).get(recipient=world.coordinator).pk
    now = timezone.now()
    waits = []
    for _ in range(len(retry_delays())):
        reminders_send_pass(ids=[pk], now=now)
        reminder = Reminder.objects.get(pk=pk)
        assert reminder.status == Reminder.Status.CLAIMED
        waits.append(reminder.next_try_at - now)
        # Not before its time, whoever asks.
        assert pk not in reminders_due(now=reminder.next_try_at - timedelta(seconds=1))
        assert (
            reminder_send(reminder_id=pk, now=reminder.next_try_at - timedelta(seconds=1)).outcome
            == "skipped"
        )
        now = reminder.next_try_at
        assert pk in reminders_due(now=now)
    assert waits == [timedelta(minutes=m) for m in (1, 5, 15, 60, 180)]

    result = reminders_send_pass(ids=[pk], now=now)
    assert (result.sent, result.retry, result.failed) == (0, 0, 1)
    reminder = Reminder.objects.get(pk=pk)
    assert (reminder.status, reminder.attempts, reminder.next_try_at) == (Reminder.Status.FAILED, 6, None)
    assert pk not in reminders_due(now=now + timedelta(days=1))
    assert len(ids) == 3

    # The coordinator sees on «Уведомления» that the mail did not go out; the principal sees
    # when it will be tried again.
    client.force_login(world.coordinator)
    page = client.get("/notifications/").content.decode()
    assert "Письмо не доставлено: почтовый сервер не принял его после 6 попыток." in page
    client.force_login(world.principal)
    reminders_send_pass(ids=list(ours(world).filter(recipient=world.principal).values_list("pk", flat=True)))
    retry_at = timezone.localtime(ours(world).filter(recipient=world.principal).first().next_try_at)
    page = client.get("/notifications/").content.decode()
    assert f"Письмо пока не доставлено (попыток: 1), следующая попытка — {retry_at:%d.%m.%Y %H:%M}." in page


def test_the_admin_sees_the_attempts_and_sends_a_given_up_reminder_again_once(
    world, settings, sink, server_down, admin_client, django_capture_on_commit_callbacks, tasks_in_process
):
    reminders_claim(day=THURSDAY)
    ids = list(ours(world).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=ids).update(attempts=len(retry_delays()))
    reminders_send_pass(ids=ids)  # the last attempt
    assert set(ours(world).values_list("status", flat=True)) == {Reminder.Status.FAILED}

    page = admin_client.get("/admin/monitoring/reminder/?status__exact=failed").content.decode()
    assert "Ошибка отправки" in page and "Connection refused" not in page  # the error is on the row's page
    row = admin_client.get(f"/admin/monitoring/reminder/{ids[0]}/change/").content.decode()
    assert "Connection refused" in row and "попыток отправки" in row.lower()

    server_up(settings, sink)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/monitoring/reminder/",
            {"action": "send_again", "_selected_action": ids},
            follow=True,
        )
    assert "Отправка повторится: 3." in response.content.decode()
    # The action queued the sends (run in this process here); the next passes find
    # nothing left to send.
    assert send_reminders() == {"sent": 0, "already_sent": 3, "retry": 0, "failed": 0}
    mails = received(sink)
    assert len(mails) == 3 and set(mails.values()) == {1}
    assert set(ours(world).values_list("status", "attempts")) == {(Reminder.Status.SENT, 1)}


def test_two_senders_of_a_due_retry_send_it_once(world, settings, sink, server_down):
    reminders_claim(day=THURSDAY)
    pk = ours(world).get(recipient=world.coordinator).pk
    reminders_send_pass(ids=[pk])
    server_up(settings, sink)
    later = timezone.now() + timedelta(minutes=2)
    outcomes = [reminder_send(reminder_id=pk, now=later).outcome for _ in range(2)]
    assert outcomes == ["sent", "skipped"]
    assert len(sink.to(world.coordinator.email)) == 1


def test_a_silent_server_holds_a_pass_only_for_its_timeout_and_the_reminders_go_out_later(
    world, settings, sink, silent_server
):
    settings.EMAIL_PORT = silent_server.port
    settings.EMAIL_TIMEOUT = 1
    started = time.monotonic()
    summary = send_reminders()
    elapsed = time.monotonic() - started
    # The first message times out; the server being silent, the rest of the pass is not
    # sent to it and waits for the same retry.
    assert elapsed < 10, elapsed
    assert summary == {"sent": 0, "already_sent": 0, "retry": 3, "failed": 0}
    assert set(ours(world).values_list("status", "attempts")) == {(Reminder.Status.CLAIMED, 1)}
    errors = sorted(r.last_error for r in ours(world))
    assert "timed out" in errors[0] and all("timed out" in e for e in errors)

    server_up(settings, sink)
    time_passes(timedelta(minutes=1))
    assert send_reminders()["sent"] == 3
    mails = received(sink)
    assert len(mails) == 3 and set(mails.values()) == {1}


def test_a_refusal_of_one_address_does_not_stop_the_others(world, settings, sink):
    sink.refuse_to = {world.coordinator.email}
    summary = send_reminders()
    assert summary == {"sent": 2, "already_sent": 0, "retry": 1, "failed": 0}
    refused = ours(world).get(recipient=world.coordinator)
    assert refused.status == Reminder.Status.CLAIMED and "451" in refused.last_error
    assert not sink.to(world.coordinator.email) and len(sink.to(world.principal.email)) == 2
