"""What a reminder says: the e-mail (plain text and HTML) and the in-app notification."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import Truncator

from monitoring.models import Reminder
from monitoring.reminders.scan import Due, WindowInfo
from monitoring.reminders.schedule import LAST_OVERDUE_STEP, days_phrase

# A digest lists at most this many rows per section and links to the portal for the rest.
DIGEST_ROWS = 15


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    title: str
    body: str
    url: str


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def activity_title(number: str, content: str, length: int = 90) -> str:
    text = " ".join(content.split())
    prefix = f"{number.rstrip('.')}. " if number.strip(". ") else ""
    return Truncator(prefix + text).chars(length)


def window_row(window: WindowInfo, **extra) -> dict:
    path = reverse("roadmaps:activity_detail", args=[window.activity_id])
    return {
        "title": activity_title(window.activity_number, window.activity_content, 200),
        "roadmap": window.roadmap_title,
        "deadline": window.label,
        "url": absolute(path),
        **extra,
    }


def reminder_message(due: Due, user) -> Message:
    if due.kind == Reminder.Kind.DIGEST:
        return digest_message(due, user)
    window = due.window
    short = activity_title(window.activity_number, window.activity_content, 70)
    left = (window.end - due.today).days
    late = -left
    executors = ", ".join(dict.fromkeys(due.executors))
    if due.kind == Reminder.Kind.BEFORE:
        subject = f"Через {days_phrase(left)} срок: {short}"
        lead = f"До окончания срока осталось {days_phrase(left)}."
    elif due.kind == Reminder.Kind.DUE:
        subject = f"Сегодня срок: {short}"
        lead = "Сегодня последний день срока."
    elif due.kind == Reminder.Kind.OVERDUE:
        subject = f"Просрочено на {days_phrase(late)}: {short}"
        lead = f"Срок прошёл {days_phrase(late)} назад, а отметки о выполнении нет."
        if due.returned:
            lead = f"Срок прошёл {days_phrase(late)} назад, а отметка о выполнении возвращена на доработку."
    else:
        who = "Школа не выполнила" if len(set(due.executors)) == 1 else "Школы не выполнили"
        subject = f"{who} в срок, просрочено на {days_phrase(late)}: {short}"
        lead = (
            f"Срок прошёл {days_phrase(late)} назад. Вы — координатор школы, "
            "исполнитель ещё не отметил выполнение."
        )
    if due.returned and due.kind in (Reminder.Kind.BEFORE, Reminder.Kind.DUE):
        lead += " Отметка о выполнении возвращена на доработку."
    if due.kind == Reminder.Kind.ESCALATION:
        footer = "Напоминание повторится через неделю, пока школа не отметит выполнение или срок не отменят."
    else:
        footer = "Если мероприятие уже выполнено, отметьте это на портале — напоминания прекратятся."
    if due.kind in (Reminder.Kind.OVERDUE, Reminder.Kind.ESCALATION) and due.days >= LAST_OVERDUE_STEP:
        footer = (
            "Это последнее письмо об этом сроке: дальше мероприятие будет в еженедельной сводке, "
            "пока его не отметят выполненным."
        )
    context = {
        "user": user,
        "kind": due.kind,
        "subject": subject,
        "lead": lead,
        "executors": executors,
        "is_escalation": due.kind == Reminder.Kind.ESCALATION,
        "footer": footer,
        "row": window_row(window),
        "settings_url": absolute(reverse("monitoring:notifications")),
    }
    body = f"{lead} «{window.roadmap_title}». Срок: {window.label}."
    if executors:
        body += f" {'Школы' if due.kind == Reminder.Kind.ESCALATION else 'Исполнитель'}: {executors}."
    return Message(
        subject=subject,
        text=render_to_string("emails/reminder.txt", context),
        html=render_to_string("emails/reminder.html", context),
        title=subject,
        body=body,
        url=reverse("roadmaps:activity_detail", args=[window.activity_id]),
    )


def _section(title: str, rows: list[dict]) -> dict:
    return {"title": title, "rows": rows[:DIGEST_ROWS], "more": max(0, len(rows) - DIGEST_ROWS)}


def digest_message(due: Due, user) -> Message:
    digest = due.digest
    today = due.today
    sections = [
        _section(
            "Просрочено",
            [
                window_row(w, note=f"просрочено на {days_phrase((today - w.end).days)}")
                for w in digest.overdue
            ],
        ),
        _section("Срок на этой неделе", [window_row(w) for w in digest.this_week]),
        _section("Срок на следующей неделе", [window_row(w) for w in digest.next_week]),
        _section(
            "Просрочено в закреплённых за вами школах",
            [
                window_row(
                    w, note=", ".join(dict.fromkeys(schools)) + f" — {days_phrase((today - w.end).days)}"
                )
                for w, schools in digest.escalated.items()
            ],
        ),
        _section("Отметки ждут вашей проверки", [window_row(w, note=who) for w, who in digest.to_accept]),
        _section(
            "Мероприятия без даты: задайте срок",
            [
                {
                    "title": activity_title(a.number, a.content, 200),
                    "roadmap": a.roadmap_title,
                    "deadline": "срок не указан",
                    "url": absolute(reverse("roadmaps:activity_detail", args=[a.id])),
                }
                for a in digest.needs_date
            ],
        ),
    ]
    sections = [s for s in sections if s["rows"]]
    subject = f"Сводка по срокам на неделю с {due.week:%d.%m.%Y}"
    counts = [
        ("просрочено", len(digest.overdue)),
        ("на этой неделе", len(digest.this_week)),
        ("на следующей", len(digest.next_week)),
        ("просрочено в школах", len(digest.escalated)),
        ("на проверку", len(digest.to_accept)),
        ("без даты", len(digest.needs_date)),
    ]
    body = "; ".join(f"{label}: {n}" for label, n in counts if n).capitalize() + "."
    context = {
        "user": user,
        "subject": subject,
        "week": due.week,
        "sections": sections,
        "settings_url": absolute(reverse("monitoring:notifications")),
    }
    return Message(
        subject=subject,
        text=render_to_string("emails/digest.txt", context),
        html=render_to_string("emails/digest.html", context),
        title=subject,
        body=body,
        url=reverse("monitoring:notifications"),
    )
