"""The reminder pass in this process: who gets what and when, once."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from monitoring.models import Notification, NotificationSettings, Reminder, ReminderPolicy
from monitoring.reminders.scan import Scan
from monitoring.reminders.services import reminders_claim, reminders_due, reminders_send_pass
from roadmaps.models import Activity, CompletionMark, Executor, Roadmap
from schools.models import Organisation
from tests.monitoring.world import World

pytestmark = pytest.mark.django_db

THURSDAY = date(2025, 11, 13)


def send_reminders(day: str) -> dict:
    out = io.StringIO()
    call_command("send_reminders", today=day, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def outbox_by_user() -> dict[str, list[str]]:
    by_user: dict[str, list[str]] = {}
    for message in mail.outbox:
        by_user.setdefault(message.to[0].split("@")[0], []).append(message.subject)
    return by_user


R3 = "3. Разработка локальных актов, регламентирующих совместную деятельнос…"
R5 = "5. Установочное совещание со школами-партнерами об основных направлен…"
R2 = "2. Заседание рабочей группы: - знакомство с российским опытом организ…"
R1 = "1. Издание приказа Управления образования г. Таганрога от 16.02.2023 …"
DIGEST = "Сводка по срокам на неделю с 06.03.2023"

# The Таганрог roadmap day by day, as a coordinator and the schools would live it. Row 1 names
# the head of the department, who has no login: the department's staff (uo) act for her.
SEED_TABLE = [
    (
        "2023-03-06",  # Monday: the weekly digests
        0,
        {
            "coordinator": [DIGEST],
            "mentor": [DIGEST],
            "uo": [DIGEST],  # row 1, overdue since 16.02.2023
            "uo_kozelsk": [DIGEST],  # the department's own rows of its 2021 plan, never archived
        },
    ),
    (
        "2023-03-07",
        4,  # Monday's digests are still due on Tuesday, and already sent
        {
            "coordinator": [f"Через 3 дня срок: {R3}", f"Через 3 дня срок: {R5}"],
            "mentor": [f"Через 3 дня срок: {R5}"],
        },
    ),
    (
        "2023-03-10",
        0,
        {
            "coordinator": [f"Сегодня срок: {R3}", f"Сегодня срок: {R5}", f"Просрочено на 10 дней: {R2}"],
            "mentor": [f"Сегодня срок: {R5}"],
            "uo": [f"Просрочено на 22 дня: {R1}"],  # the fourth and last overdue reminder
        },
    ),
    (
        "2023-03-11",
        1,  # row 1's last step, caught up, was sent the day before
        {
            "coordinator": [f"Просрочено на 1 день: {R3}", f"Просрочено на 1 день: {R5}"],
            "mentor": [f"Просрочено на 1 день: {R5}"],
        },
    ),
]


def test_the_seed_roadmaps_remind_the_taganrog_people_day_by_day():
    for day, already_sent, expected in SEED_TABLE:
        mail.outbox = []
        summary = send_reminders(day)
        got = outbox_by_user()
        assert {user: sorted(subjects) for user, subjects in got.items()} == {
            user: sorted(subjects) for user, subjects in expected.items()
        }, day
        assert summary == {
            "sent": sum(map(len, expected.values())),
            "already_sent": already_sent,
            "retry": 0,
            "failed": 0,
        }
        # МОБУ СОШ № 6 is named nowhere in the Таганрог table: its principal hears nothing;
        # the Козельский district's staff hear of their own roadmap only.
        assert "principal" not in got
        kozelsk = [m.body for m in mail.outbox if m.to[0].startswith("uo_kozelsk@")]
        assert all("ПРОСРОЧЕНО (9)" in b and "Таганрог" not in b for b in kozelsk)


def test_on_2023_03_07_the_coordinator_and_the_principal_of_school_6(principal, coordinator):
    # Name МОБУ СОШ № 6 an executor of row 3 («до 10 марта 2023 г.») next to the coordinator.
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    row3 = Activity.objects.get(roadmap__source_key="002_taganrog", number="3.")
    Executor.objects.create(
        activity=row3, kind=Executor.Kind.SCHOOL, label="МОБУ СОШ № 6", organisation=school
    )

    send_reminders("2023-03-07")
    got = outbox_by_user()
    assert sorted(got["coordinator"]) == [
        "Сводка по срокам на неделю с 06.03.2023",  # Monday's digest, caught up on Tuesday
        f"Через 3 дня срок: {R3}",
        f"Через 3 дня срок: {R5}",
    ]
    assert got["principal"] == [f"Через 3 дня срок: {R3}", "Сводка по срокам на неделю с 06.03.2023"]
    body = next(m for m in mail.outbox if m.to == [principal.email] and "Через" in m.subject).body
    assert "МОБУ СОШ № 6" in body and "Муниципальная дорожная карта" in body
    assert f"/roadmaps/activities/{row3.pk}/" in body

    mail.outbox = []
    send_reminders("2023-03-18")  # eight days overdue: the school's coordinator hears of it
    got = outbox_by_user()
    assert f"Просрочено на 8 дней: {R3}" in got["principal"]
    assert f"Школа не выполнила в срок, просрочено на 8 дней: {R3}" in got["coordinator"]
    escalation = next(m for m in mail.outbox if m.subject.startswith("Школа не выполнила"))
    assert "МОБУ СОШ № 6" in escalation.body


def test_a_second_pass_for_the_same_day_sends_nothing_new():
    first = send_reminders("2023-03-07")
    second = send_reminders("2023-03-07")
    assert first["sent"] == 7 and second == {"sent": 0, "already_sent": 7, "retry": 0, "failed": 0}
    assert len(mail.outbox) == 7


def test_each_reminder_also_arrives_in_the_portal(coordinator):
    send_reminders("2023-03-07")
    row3 = Activity.objects.get(roadmap__source_key="002_taganrog", number="3.")
    notifications = set(Notification.objects.filter(user=coordinator).values_list("title", "url", "read_at"))
    assert notifications == {
        ("Сводка по срокам на неделю с 06.03.2023", "/notifications/", None),
        (f"Через 3 дня срок: {R3}", f"/roadmaps/activities/{row3.pk}/", None),
        (f"Через 3 дня срок: {R5}", f"/roadmaps/activities/{row3.pk + 2}/", None),
    }


@pytest.fixture
def world(db):
    return World()


def mails_to(world: World) -> list:
    # The seed roadmaps' windows, long overdue in 2025, are in the demo users' Monday digests.
    ours = {u.email for u in (world.principal, world.principal2, world.staff, world.coordinator)}
    return [m for m in mail.outbox if m.to[0] in ours]


def test_the_principal_of_each_executor_school_is_reminded_and_done_schools_are_not(world):
    window = world.window(THURSDAY + timedelta(days=1), schools=[world.school, world.school2])
    executor2 = window.activity.executors.get(organisation=world.school2)
    CompletionMark.objects.create(
        executor=executor2, window=window, status=CompletionMark.Status.DONE, completed_on=THURSDAY
    )
    send_reminders(THURSDAY.isoformat())
    assert [(m.to, m.subject) for m in mails_to(world)] == [
        ([world.principal.email], "Через 1 день срок: 1. Провести педагогический совет")
    ]


def test_cancelled_windows_and_draft_roadmaps_remind_nobody(world):
    world.window(THURSDAY).__class__.objects.filter(activity__roadmap=world.roadmap).update(is_cancelled=True)
    draft = Roadmap.objects.create(
        owner=world.department, title="Черновик", period_start="2025-09-01", period_end="2026-08-31"
    )
    activity = Activity.objects.create(roadmap=draft, content="Черновое мероприятие")
    activity.windows.create(end=THURSDAY)
    Executor.objects.create(activity=activity, kind="school", label="СОШ", organisation=world.school)
    send_reminders(THURSDAY.isoformat())
    assert mails_to(world) == []


def test_the_owner_chooses_when_to_remind(world):
    ReminderPolicy.objects.create(organisation=world.department, days_before="7")
    world.window(THURSDAY + timedelta(days=7))
    world.window(THURSDAY + timedelta(days=3))
    send_reminders(THURSDAY.isoformat())
    assert [m.subject for m in mails_to(world)] == ["Через 7 дней срок: 1. Провести педагогический совет"]


def test_a_missed_pass_catches_up_without_a_flood(world):
    world.window(THURSDAY + timedelta(days=1))  # its 3-day step fell on a day nobody ran
    world.window(THURSDAY - timedelta(days=2))  # due day missed, 1 day overdue missed
    world.window(THURSDAY - timedelta(days=40))  # 40 days overdue: last weekly step was 4 days ago
    send_reminders(THURSDAY.isoformat())
    assert sorted(m.subject for m in mails_to(world)) == [
        "Просрочено на 2 дня: 2. Провести педагогический совет",
        "Через 1 день срок: 1. Провести педагогический совет",
    ]


def test_the_hourly_pass_waits_for_nine_in_the_morning_of_each_time_zone(db):
    kamchatka = World(tz="Asia/Kamchatka")  # UTC+12
    kaliningrad = World(tz="Europe/Kaliningrad")  # UTC+2
    for w in (kamchatka, kaliningrad):
        # Only the due-day reminder, none the day before.
        ReminderPolicy.objects.create(organisation=w.department, days_before="30")
        w.window(THURSDAY)

    def claimed_at(utc_hour: int, day: date = THURSDAY) -> set[str]:
        at = datetime(day.year, day.month, day.day, utc_hour, tzinfo=ZoneInfo("UTC"))
        result = reminders_claim(at=at)
        claimed = Reminder.objects.filter(pk__in=result.claimed, window__activity__roadmap__owner__in=owners)
        return set(claimed.values_list("recipient__username", flat=True))

    owners = [kamchatka.department, kaliningrad.department]

    # 20:00 UTC on Wednesday is 08:00 on Thursday in Kamchatka: not yet.
    assert claimed_at(20, THURSDAY - timedelta(days=1)) == set()
    assert claimed_at(21, THURSDAY - timedelta(days=1)) == {kamchatka.principal.username}
    assert claimed_at(6) == set()  # 08:00 in Kaliningrad
    assert claimed_at(7) == {kaliningrad.principal.username}
    assert claimed_at(8) == set()  # later hours of the day find everything claimed


def test_the_weekly_digest_lists_what_the_user_must_do_and_can_be_switched_off(world):
    monday = THURSDAY - timedelta(days=3)
    world.window(monday - timedelta(days=20), content="Просроченное дело")
    world.window(monday + timedelta(days=4), content="Дело этой недели")
    world.window(monday + timedelta(days=9), content="Дело следующей недели")
    done = world.window(monday - timedelta(days=1), content="Сделанное дело")
    CompletionMark.objects.create(
        executor=done.activity.executors.get(), window=done, status="done", completed_on=monday
    )
    undated = Activity.objects.create(
        roadmap=world.roadmap, content="Мероприятие по графику МО", needs_date=True
    )
    NotificationSettings.objects.create(user=world.principal2, weekly_digest=False)

    send_reminders(monday.isoformat())
    digests = {m.to[0]: m for m in mails_to(world) if m.subject.startswith("Сводка")}
    principal = digests[world.principal.email].body
    assert "ПРОСРОЧЕНО (1)" in principal and "Просроченное дело" in principal and "20 дней" in principal
    assert "СРОК НА ЭТОЙ НЕДЕЛЕ (1)" in principal and "Дело этой недели" in principal
    assert "СРОК НА СЛЕДУЮЩЕЙ НЕДЕЛЕ (1)" in principal
    assert "ОТМЕТКИ ЖДУТ ВАШЕЙ ПРОВЕРКИ" not in principal
    coordinator = digests[world.coordinator.email].body
    assert "ПРОСРОЧЕНО В ЗАКРЕПЛЁННЫХ ЗА ВАМИ ШКОЛАХ (1)" in coordinator and "СОШ № 101" in coordinator
    assert "ОТМЕТКИ ЖДУТ ВАШЕЙ ПРОВЕРКИ (1)" in coordinator and "Сделанное дело" in coordinator
    staff = digests[world.staff.email].body
    assert "МЕРОПРИЯТИЯ БЕЗ ДАТЫ: ЗАДАЙТЕ СРОК (1)" in staff
    assert f"/roadmaps/activities/{undated.pk}/" in staff
    assert world.principal2.email not in digests
    assert digests[world.principal.email].alternatives[0][1] == "text/html"


def test_the_scan_makes_the_same_number_of_queries_for_ten_and_a_hundred_activities(world):
    def scan_queries(n: int) -> int:
        for i in range(n):
            world.window(THURSDAY + timedelta(days=(i % 20) - 10), schools=[world.school, world.school2])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            due = Scan(day=THURSDAY - timedelta(days=3)).due()
        assert due
        return len(queries)

    small = scan_queries(10)
    assert scan_queries(90) == small <= 9


def test_a_claimed_reminder_whose_task_was_lost_is_queued_again(world):
    world.window(THURSDAY)
    result = reminders_claim(day=THURSDAY)
    Reminder.objects.filter(pk__in=result.claimed).update(created_at=timezone.now() - timedelta(hours=1))
    assert sorted(reminders_due()) == result.claimed


def test_a_dead_mail_server_leaves_the_reminder_failed_for_the_admin(world, settings, admin_client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    world.window(THURSDAY)
    settings.REMINDER_RETRY_DELAYS = (0, 0)
    result = reminders_claim(day=THURSDAY)
    for _ in range(3):
        reminders_send_pass(ids=result.claimed)
    reminder = Reminder.objects.get(recipient=world.principal)
    assert reminder.status == Reminder.Status.FAILED and reminder.attempts == 3
    assert "Connection refused" in reminder.last_error

    page = admin_client.get("/admin/monitoring/reminder/?status__exact=failed").content.decode()
    assert "Ошибка отправки" in page and "Сегодня срок" in page
