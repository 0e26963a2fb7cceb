"""The reminders read the obligation's rules (``roadmaps.obligations``): what is owed, who must
act, who watches it, and for how long an overdue one is reminded."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from monitoring.models import Reminder
from monitoring.reminders.scan import Scan
from monitoring.reminders.services import reminders_claim
from roadmaps.models import CompletionMark, Executor, Roadmap, TrashEntry
from tests.monitoring.world import World

pytestmark = pytest.mark.django_db

THURSDAY = date(2025, 11, 13)
MONDAY = date(2025, 11, 17)
TITLE = "1. Провести педагогический совет"


@pytest.fixture
def world(db):
    return World()


def send_reminders(day: date) -> None:
    call_command("send_reminders", today=day.isoformat(), stdout=io.StringIO())


def mails(world: World) -> dict[str, list[str]]:
    """Subjects per user of this world (the seed roadmaps remind the demo users of their own)."""
    names = {
        u.email: name
        for name, u in [
            ("principal", world.principal),
            ("principal2", world.principal2),
            ("staff", world.staff),
            ("coordinator", world.coordinator),
        ]
    }
    got: dict[str, list[str]] = {}
    for message in mail.outbox:
        if message.to[0] in names:
            got.setdefault(names[message.to[0]], []).append(message.subject)
    return {name: sorted(subjects) for name, subjects in got.items()}


def body(world_user, start: str) -> str:
    return next(m.body for m in mail.outbox if m.to == [world_user.email] and m.subject.startswith(start))


def mark(window, school, *, review=CompletionMark.Review.PENDING, completed_on=None) -> CompletionMark:
    reviewed = None if review == CompletionMark.Review.PENDING else timezone.now()
    return CompletionMark.objects.create(
        executor=window.activity.executors.get(organisation=school),
        window=window,
        status=CompletionMark.Status.DONE,
        completed_on=completed_on or window.end,
        review=review,
        reviewed_at=reviewed,
    )


def test_a_returned_mark_is_owed_again_and_the_school_is_reminded(world):
    window = world.window(THURSDAY - timedelta(days=1), schools=[world.school, world.school2])
    mark(window, world.school, review=CompletionMark.Review.RETURNED)
    mark(window, world.school2, review=CompletionMark.Review.ACCEPTED)

    send_reminders(THURSDAY)
    assert mails(world) == {"principal": [f"Просрочено на 1 день: {TITLE}"]}
    assert "отметка о выполнении возвращена на доработку" in body(world.principal, "Просрочено")


def test_a_mark_dated_after_the_day_is_not_done_yet(world):
    window = world.window(THURSDAY + timedelta(days=1))
    mark(window, world.school, completed_on=THURSDAY + timedelta(days=1))

    send_reminders(THURSDAY)
    assert mails(world) == {"principal": [f"Через 1 день срок: {TITLE}"]}


def trash(window) -> None:
    activity = window.activity
    activity.trash = TrashEntry.objects.create(roadmap=activity.roadmap, label=activity.content)
    activity.save(update_fields=["trash"])


NOT_OWED = {
    "a draft roadmap": lambda w: Roadmap.objects.filter(pk=w.activity.roadmap_id).update(status="draft"),
    "an archived roadmap": lambda w: Roadmap.objects.filter(pk=w.activity.roadmap_id).update(
        status="archived"
    ),
    "a row in the trash": trash,
    "a cancelled window": lambda w: type(w).objects.filter(pk=w.pk).update(is_cancelled=True),
    "dropped executors": lambda w: w.activity.executors.update(is_dropped=True),
}


@pytest.mark.parametrize("case", [None, *NOT_OWED])
def test_only_obligations_of_approved_roadmaps_remind_anybody(world, case):
    # Due today, a Monday: the school's reminder, its digest, and the coordinator's digest
    # with the other school's mark to accept.
    window = world.window(MONDAY, schools=[world.school, world.school2])
    mark(window, world.school2)
    if case:
        NOT_OWED[case](window)

    send_reminders(MONDAY)
    got = mails(world)
    if case is None:
        digest = "Сводка по срокам на неделю с 17.11.2025"
        assert got == {"principal": [digest, f"Сегодня срок: {TITLE}"], "coordinator": [digest]}
        assert "ОТМЕТКИ ЖДУТ ВАШЕЙ ПРОВЕРКИ (1)" in body(world.coordinator, "Сводка")
    else:
        assert got == {}, case


def test_the_departments_own_row_reminds_the_departments_staff(world):
    window = world.window(THURSDAY + timedelta(days=1), schools=[])
    Executor.objects.create(
        activity=window.activity,
        kind=Executor.Kind.ORGANISATION,
        label="Управление образования",
        organisation=world.department,
    )

    send_reminders(THURSDAY)
    assert mails(world) == {"staff": [f"Через 1 день срок: {TITLE}"]}
    assert "Исполнитель: Управление образования г. Тестовска" in body(world.staff, "Через")


def test_an_overdue_obligation_is_reminded_four_times_then_only_listed_in_the_digest(world):
    end = MONDAY - timedelta(days=29)  # on MONDAY the fifth weekly step falls due
    window = world.window(end)
    for n in range(1, 37):
        reminders_claim(day=end + timedelta(days=n))

    sent = Reminder.objects.filter(window=window).order_by("days")
    assert list(sent.filter(recipient=world.principal).values_list("kind", "days")) == [
        ("overdue", 1), ("overdue", 8), ("overdue", 15), ("overdue", 22),
    ]  # fmt: skip
    assert list(sent.filter(recipient=world.coordinator).values_list("kind", "days")) == [
        ("escalation", 8), ("escalation", 15), ("escalation", 22),
    ]  # fmt: skip
    last = sent.get(recipient=world.principal, days=22)
    assert last.subject == f"Просрочено на 22 дня: {TITLE}"
    assert "Это последнее письмо об этом сроке" in last.body_text

    # The Monday of the fifth step and the one after: the digests still list it.
    for monday, late in [(MONDAY, "29 дней"), (MONDAY + timedelta(days=7), "36 дней")]:
        principal = Reminder.objects.get(kind="digest", recipient=world.principal, week=monday).body_text
        assert "ПРОСРОЧЕНО (1)" in principal and TITLE in principal and f"просрочено на {late}" in principal
        coordinator = Reminder.objects.get(kind="digest", recipient=world.coordinator, week=monday).body_text
        assert "ПРОСРОЧЕНО В ЗАКРЕПЛЁННЫХ ЗА ВАМИ ШКОЛАХ (1)" in coordinator and "СОШ № 101" in coordinator


def test_the_coordinator_watches_a_school_only_in_the_academic_year_of_the_assignment(world):
    # The coordinator is assigned to both schools for 2025/2026 only.
    this_year = world.window(date(2026, 8, 25), schools=[world.school, world.school2])
    next_year = world.window(date(2026, 9, 2), schools=[world.school, world.school2])
    for window in (this_year, next_year):
        mark(window, world.school2)

    send_reminders(date(2026, 9, 10))  # a Thursday: 16 and 8 days overdue
    assert mails(world) == {
        "principal": [
            f"Просрочено на 16 дней: {TITLE}",
            "Просрочено на 8 дней: 2. Провести педагогический совет",
        ],
        "coordinator": [f"Школа не выполнила в срок, просрочено на 16 дней: {TITLE}"],
    }

    mail.outbox = []
    send_reminders(date(2026, 9, 14))  # Monday
    coordinator = body(world.coordinator, "Сводка")
    assert "ПРОСРОЧЕНО В ЗАКРЕПЛЁННЫХ ЗА ВАМИ ШКОЛАХ (1)" in coordinator
    assert "ОТМЕТКИ ЖДУТ ВАШЕЙ ПРОВЕРКИ (1)" in coordinator
    assert f"/roadmaps/activities/{this_year.activity_id}/" in coordinator
    assert f"/roadmaps/activities/{next_year.activity_id}/" not in coordinator


def test_a_mark_counts_as_done_from_its_day_in_the_recipients_own_time_zone(db):
    kamchatka = World(tz="Asia/Kamchatka")  # UTC+12: Thursday 09:00 while Kaliningrad is on Wednesday
    World(tz="Europe/Kaliningrad")
    window = kamchatka.window(THURSDAY + timedelta(days=1))
    at = datetime(2025, 11, 12, 21, tzinfo=ZoneInfo("UTC"))
    assert Scan(at=at).clock.todays() >= {THURSDAY - timedelta(days=1), THURSDAY}

    def claimed() -> list[tuple[str, str]]:
        ids = reminders_claim(at=at).claimed
        return list(
            Reminder.objects.filter(pk__in=ids, window=window).values_list("recipient__username", "kind")
        )

    done = mark(window, kamchatka.school, completed_on=THURSDAY)
    assert claimed() == []  # done on the principal's Thursday
    done.delete()
    assert claimed() == [(kamchatka.principal.username, "before")]
