"""A user's deadlines as an iCalendar file (RFC 5545), built with the icalendar library.

Each (window, executor) pair is one all-day event on the day the window ends. A window
«в течение учебного года» spans a whole year: as a multi-day event it would lie across
every day of the calendar, while the day that matters is the deadline. The period, when
there is one, is written in the description.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from monitoring.publishing.calendar import CalendarEvent

SHORT_CONTENT = 80


def short_content(content: str) -> str:
    first_line = content.strip().splitlines()[0].strip() if content.strip() else ""
    first_line = first_line.rstrip(":;,")
    if len(first_line) > SHORT_CONTENT:
        first_line = first_line[: SHORT_CONTENT - 1].rstrip() + "…"
    return first_line


def event_summary(event: CalendarEvent) -> str:
    number = f"{event.activity_number.rstrip('.')} " if event.activity_number else ""
    summary = f"Срок: {number}{short_content(event.activity_content)}"
    if event.watched:
        summary += f" — {event.executor_name}"
    return f"✓ {summary}" if event.is_done else summary


def event_description(event: CalendarEvent, link: str) -> str:
    lines = []
    if event.deadline_text:
        lines.append(f"Срок в документе: {event.deadline_text}")
    if event.start and event.start != event.end:
        lines.append(f"Период: {event.start:%d.%m.%Y} – {event.end:%d.%m.%Y}")
    lines.append(f"Исполнитель: {event.executor_name}")
    if event.is_done:
        lines.append(f"Отмечено выполненным: {event.done_on:%d.%m.%Y}")
    elif event.returned:
        lines.append("Отметка возвращена на доработку: выполнение ждут снова.")
    lines.append(f"Дорожная карта: {event.roadmap_title}")
    lines.append(f"Мероприятие: {event.activity_content.strip()}")
    lines.append(link)
    return "\n".join(lines)


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    name: str,
    tz: str,
    link: Callable[[int], str],
    uid_domain: str,
    now: datetime,
) -> bytes:
    """The feed: ``link(activity_id)`` gives the absolute URL of an activity's page."""
    calendar = Calendar()
    calendar.add("prodid", "-//Дорожные карты//Портал поддержки школ//RU")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tz)
    # Clients that read these refresh hourly instead of their own, often daily, default.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in events:
        url = link(item.activity_id)
        event = Event()
        event.add("uid", f"window-{item.window_id}-executor-{item.executor_id}@{uid_domain}")
        event.add("dtstamp", now)
        event.add("dtstart", item.end)
        event.add("dtend", item.end + timedelta(days=1))  # all-day: the end is exclusive
        event.add("summary", event_summary(item))
        event.add("description", event_description(item, url))
        event.add("url", url)
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a deadline does not make the user busy
        calendar.add_component(event)
    return calendar.to_ical()
