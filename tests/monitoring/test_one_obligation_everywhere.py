"""Every consumer of the obligation agrees on each one and on the counts.

One world (``tests.obligation_world``): МОБУ СОШ № 101 owes one obligation in each state — on
time and accepted, late and waiting, returned, overdue, in progress, not yet due — plus a
department row, a row naming the coordinator, a cancelled window, a group nobody marks for and a
draft roadmap; here also an archived roadmap of last year. The activity page, «Мои мероприятия»,
the school card, the school and roadmap dashboards and their XLSX export, the public page, the
calendar feed, the reminder scan and the DOCX report must give the same state for each
obligation and the same counts per school and per roadmap.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from monitoring.publishing.calendar import calendar_events
from monitoring.publishing.public_page import obligation_counts
from monitoring.reminders.scan import pending_pairs
from roadmaps.documents.report import build_report
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap, Section
from roadmaps.obligations import STATES, progress_by_school
from schools.models import Person, academic_year_of
from tests.obligation_world import Built, build

pytestmark = pytest.mark.django_db

KEYS = ["total", *(state.key for state in STATES)]


@pytest.fixture
def built() -> Built:
    built = build()
    world, today = built.world, timezone.localdate()
    # Last year's roadmap, archived: history, not today's work.
    archived = Roadmap.objects.create(
        owner=world.department,
        title="Прошлогодняя дорожная карта",
        period_start=today - timedelta(days=500),
        period_end=today - timedelta(days=150),
        status=Roadmap.Status.ARCHIVED,
    )
    activity = Activity.objects.create(roadmap=archived, number="1.", order=1, content="Архивная строка")
    DeadlineWindow.objects.create(activity=activity, end=today - timedelta(days=200))
    Executor.objects.create(
        activity=activity, kind="school", label="МОБУ СОШ № 101", organisation=world.school
    )
    built.activities["Архивная строка"] = activity
    return built


def _page_labels(client, activities) -> dict[str, str]:
    """What the activity page says of the school's obligation in each row."""
    labels = {}
    for activity in activities:
        for cell in client.get(activity.get_absolute_url()).context["cells"]:
            if cell.state is not None and cell.executor.organisation_id is not None:
                labels[activity.content] = cell.state.label
    return labels


def _dashboard_totals(client, kind: str, pk: int, **params) -> dict[str, int]:
    page = client.get(reverse(f"monitoring:{kind}_dashboard", args=[pk]), params)
    assert page.status_code == 200
    return {key: page.context["total"][key] for key in KEYS}


def test_every_consumer_gives_each_obligation_the_same_state(client, built):
    world, today = built.world, timezone.localdate()
    school_rows = [built.activities[content] for content in built.expected]

    client.force_login(world.staff)
    page = _page_labels(client, school_rows)

    client.force_login(world.principal)
    mine = {
        todo.activity.content: todo.state.label
        for todos in client.get("/").context["groups"].values()
        for todo in todos
    }

    report = build_report(roadmaps=fetch_roadmaps([world.roadmap.pk]), on=today)
    in_report = {
        Executor.objects.get(pk=executor).activity.content: reading.label
        for (executor, _), reading in report.readings.items()
        if Executor.objects.get(pk=executor).organisation_id == world.school.pk
    }

    feed = {event.activity_content: event.reading.label for event in calendar_events(world.principal, today)}

    assert page == mine == in_report == built.expected
    # The feed covers windows from a year ago to two years ahead: all of these.
    assert {content: feed[content] for content in built.expected} == built.expected
    assert "Архивная строка" not in feed and "Строка черновика" not in feed


def test_what_is_owed_is_what_the_reminders_chase(built):
    world, today = built.world, timezone.localdate()
    rows = pending_pairs(Q(organisation=world.school), on=today)
    reminded = {Activity.objects.get(pk=row[3]).content for row in rows} if rows else set()
    owed = {content for content, label in built.expected.items() if not label.startswith("Выполнено")}
    assert reminded == owed  # returned included; done, draft, archived and cancelled not


def test_the_school_card_dashboard_and_report_count_the_same(client, superuser, built):
    world, today = built.world, timezone.localdate()
    card = progress_by_school([world.school.pk], on=today)[world.school.pk]
    client.force_login(superuser)
    dashboard = _dashboard_totals(client, "school", world.school.pk, on=today.isoformat())
    assert dashboard == {key: card[key] for key in KEYS}
    # Six of the school's rows, one each: on time, late, overdue ×2 (returned, not marked), in
    # progress, not yet due. The draft and the archived roadmap do not count today.
    assert card["total"] == 6 and card["done"] == 2 and card["overdue"] == 2

    last_year = academic_year_of(today) - 1
    history = _dashboard_totals(client, "school", world.school.pk, on=today.isoformat(), year=last_year)
    assert history["total"] >= 1  # the archived row counts in its own (past) year


def test_the_roadmap_dashboard_its_export_and_the_public_page_count_the_same(client, staff, built):
    world, today = built.world, timezone.localdate()
    client.force_login(world.staff)
    dashboard = _dashboard_totals(client, "roadmap", world.roadmap.pk, on=today.isoformat())

    public = {key: 0 for key in KEYS}
    for counts in obligation_counts(world.roadmap, today).values():
        public["total"] += counts.total
        for key, count in counts.by_key.items():
            public[key] += count
    assert dashboard == public

    export = client.get(
        reverse("monitoring:dashboard_export", args=["roadmaps", world.roadmap.pk]), {"on": today.isoformat()}
    )
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content)))["Сводка"]
    figures = {str(row[0]): row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    for state in STATES:
        assert figures[state.label] == dashboard[state.key], state.label

    report = build_report(roadmaps=fetch_roadmaps([world.roadmap.pk]), on=today)
    by_state = {state.key: 0 for state in STATES}
    for reading in report.readings.values():
        by_state[reading.key] += 1
    assert len(report.readings) == dashboard["total"]
    assert by_state == {state.key: dashboard[state.key] for state in STATES}


def test_a_returned_mark_resumes_everywhere_once_returned(client, built):
    """The coordinator returns the late mark: every consumer now reads it as owed."""
    world, today = built.world, timezone.localdate()
    late = built.activities["С опозданием"]
    CompletionMark.objects.filter(executor__activity=late).update(
        review=CompletionMark.Review.RETURNED, reviewed_at=timezone.now(), review_comment="Нет справки"
    )
    client.force_login(world.staff)
    assert _page_labels(client, [late]) == {"С опозданием": "Просрочено, возвращено"}
    feed = {event.activity_content: event.reading.label for event in calendar_events(world.principal, today)}
    assert feed["С опозданием"] == "Просрочено, возвращено"
    rows = pending_pairs(Q(organisation=world.school, activity=late), on=today)
    assert len(rows) == 1
    assert progress_by_school([world.school.pk], on=today)[world.school.pk]["done"] == 1


def _report_tables(response) -> list:
    assert response.status_code == 200, response.content[:500]
    return Document(io.BytesIO(b"".join(response.streaming_content))).tables


def _figures(tables) -> dict[str, int]:
    """The report's «Выполнение на …» table: pairs per state and the total, as the dashboard's keys."""
    table = next(t for t in tables if t.rows[0].cells[0].text == "Состояние")
    assert table.rows[0].cells[1].text == "Пар «срок × исполнитель»"  # the dashboards' unit and words
    count = {row.cells[0].text: int(row.cells[1].text) for row in table.rows[1:]}
    return {"total": count["Всего"], **{state.key: count[state.label] for state in STATES}}


def test_the_report_counts_what_the_dashboards_count_in_their_unit(client, superuser, built):
    """Roadmap, municipality and school: the report's figures are the dashboard's for the same
    scope and day — pairs «срок × исполнитель», by state, by section, the overdue deadlines."""
    world, today = built.world, timezone.localdate()
    # A row naming the school's director, not the school: the school's part on its dashboard.
    director = Person.objects.create(
        full_name="Директорова А.А.", position="директор", organisation=world.school, is_head=True
    )
    section = Section.objects.create(roadmap=world.roadmap, number="2", title="Раздел второй", order=1)
    row = Activity.objects.create(
        roadmap=world.roadmap, section=section, number="2.1.", order=50, content="Строка директора"
    )
    DeadlineWindow.objects.create(activity=row, end=today - timedelta(days=3))
    Executor.objects.create(
        activity=row, kind="person", label="Директорова А.А.", person=director, organisation=world.school
    )
    on = {"on": today.isoformat()}
    client.force_login(superuser)
    roadmap_page = client.get(reverse("monitoring:roadmap_dashboard", args=[world.roadmap.pk]), on)
    municipality = _dashboard_totals(client, "municipality", world.municipality.pk, **on)
    school = _dashboard_totals(client, "school", world.school.pk, **on)
    assert school["total"] == 7 and school["overdue"] == 3  # the director's row counts for the school

    client.force_login(world.staff)
    tables = _report_tables(client.post(reverse("documents:roadmap_report", args=[world.roadmap.pk]), on))
    assert _figures(tables) == {key: roadmap_page.context["total"][key] for key in KEYS}
    sections = next(t for t in tables if t.rows[0].cells[0].text == "Раздел")
    in_report = {
        r.cells[0].text: int(r.cells[-1].text) for r in sections.rows[1:] if r.cells[0].text != "Итого"
    }
    on_page = {
        (f"{r['number']}. {r['title']}" if r["title"] else "Без раздела"): r["total"]
        for r in roadmap_page.context["sections"]
    }
    assert in_report == on_page == {"Без раздела": 8, "2. Раздел второй": 1}
    report = build_report(roadmaps=fetch_roadmaps([world.roadmap.pk]), on=today)
    assert len(report.overdue_windows) == roadmap_page.context["overdue"].paginator.count

    response = client.post(reverse("documents:municipality_report", args=[world.municipality.pk]), on)
    assert _figures(_report_tables(response)) == municipality
    response = client.post(reverse("documents:school_report", args=[world.school.pk]), on)
    assert _figures(_report_tables(response)) == school
