"""Every page and document of the roadmaps reads an obligation's state from one home
(``roadmaps.obligations``): the activity page, the roadmap table, «Мои мероприятия», the
coordinator's list and school cards, the school page and the DOCX progress report.

One world of its own (``World``: a municipality with two schools, a coordinator and an
approved roadmap), with one obligation in each state, a cancelled window, a group nobody
marks for, a department row, a row naming the coordinator, and a draft roadmap.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from roadmaps.documents.report import build_report
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Activity, Executor, Roadmap
from roadmaps.obligations import STATES, progress_by_school
from roadmaps.services.editing import roadmap_copy
from tests.obligation_world import Built, build

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def built() -> Built:
    return build()


def _activity_labels(client, activity: Activity) -> dict[tuple[int, int], str]:
    cells = client.get(activity.get_absolute_url()).context["cells"]
    return {(c.executor.pk, c.window.pk): c.state.label for c in cells if c.state is not None}


def _report_docx(response) -> Document:
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    return Document(io.BytesIO(b"".join(response.streaming_content)))


def _school_row(document: Document, school: str) -> dict[str, str]:
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Школа")
    titles = [c.text for c in table.rows[0].cells]
    row = next(r for r in table.rows if r.cells[0].text == school)
    return dict(zip(titles, (c.text for c in row.cells), strict=True))


def test_each_state_reads_the_same_on_the_activity_page_the_table_my_activities_and_the_report(client, built):
    world, today = built.world, timezone.localdate()
    report = build_report(roadmaps=fetch_roadmaps([world.roadmap.pk]), on=today)
    client.force_login(world.principal)
    groups = client.get("/").context["groups"]
    mine = {todo.activity.content: todo.state.label for todos in groups.values() for todo in todos}
    client.force_login(world.staff)
    rows = client.get(world.roadmap.get_absolute_url()).context["rows"]
    table = {
        (cell.executor.pk, window.pk): state.label
        for kind, row in rows
        if kind == "activity"
        for cell in row.executors
        for window, state in cell.states
        if state is not None
    }
    page: dict[tuple[int, int], str] = {}
    for activity in world.roadmap.activities.all():
        page |= _activity_labels(client, activity)

    assert {key: reading.label for key, reading in report.readings.items()} == page == table
    for content, label in built.expected.items():
        executor, window = built.activities[content].executors.get(), built.activities[content].windows.get()
        assert page[(executor.pk, window.pk)] == label == mine[content], content
    # The department's own row and the coordinator's are obligations too; the group's row and
    # the cancelled window are not.
    owed = {Executor.objects.get(pk=executor).activity.content for executor, _ in page}
    assert owed == {*built.expected, "Управление", "Координатор"}
    assert len(page) == len(built.expected) + 2


def test_a_cancelled_window_and_a_group_are_not_obligations_anywhere(client, built):
    world = built.world
    client.force_login(world.staff)
    cancelled = client.get(built.activities["Срок отменён"].get_absolute_url())
    # Shown struck through among the dates, with no cell to mark.
    assert "(срок отменён)</span>" in cancelled.content.decode()
    assert cancelled.context["cells"] == []
    group = client.get(built.activities["Группа"].get_absolute_url()).content.decode()
    assert ">не отмечается</span>" in group
    client.force_login(world.principal)
    html = client.get("/").content.decode()
    assert "Срок отменён" not in html and "Группа" not in html
    report = build_report(roadmaps=fetch_roadmaps([world.roadmap.pk]), on=timezone.localdate())
    assert report.states[built.activities["Группа"].pk] == "no_executor"
    assert report.states[built.activities["Срок отменён"].pk] == "no_date"


def test_a_returned_mark_is_owed_again_on_the_activity_page_my_activities_and_the_report(client, built):
    world, returned = built.world, built.activities["Возвращено"]
    client.force_login(world.principal)
    page = client.get(returned.get_absolute_url())
    (cell,) = page.context["cells"]
    assert cell.state.returned and not cell.state.is_done
    assert ">Просрочено, возвращено</span>" in page.content.decode()
    groups = client.get("/").context["groups"]
    assert [t.activity.content for t in groups["returned"]] == ["Возвращено"]
    assert "Возвращено" not in [t.activity.content for t in groups["done"]]
    client.force_login(world.coordinator)
    response = client.post(
        reverse("documents:school_report", args=[world.school.pk]), {"on": timezone.localdate().isoformat()}
    )
    document = _report_docx(response)
    returned_table = next(
        t for t in document.tables if t.rows[0].cells[-1].text == "Комментарий координатора"
    )
    assert [(r.cells[1].text, r.cells[3].text) for r in returned_table.rows[1:]] == [
        ("Возвращено", "Просрочено, возвращено")
    ]
    counts = _school_row(document, world.school.name)
    assert (
        counts["Выполнено в срок"] == "1" and counts["Выполнено с опозданием"] == "1"
    )  # not the returned one


def test_the_school_card_page_and_report_give_the_figures_of_progress_by_school(client, built):
    world, today = built.world, timezone.localdate()
    expected = progress_by_school([world.school.pk], on=today)[world.school.pk]
    # 6 rows of the school, less none: the cancelled window and the draft's row are not counted.
    assert (expected["total"], expected["done"], expected["percent"]) == (6, 2, 33)
    client.force_login(world.coordinator)
    cards = dict(client.get("/").context["cards"])
    assert cards[world.school] == expected
    html = client.get("/").content.decode()
    assert f'data-school="{world.school.pk}" data-percent="33"' in html
    panel_url = reverse("roadmaps:school_roadmaps", args=[world.school.pk])
    assert panel_url in client.get(reverse("schools:school_detail", args=[world.school.pk])).content.decode()
    panel = client.get(panel_url, headers={"HX-Request": "true"})
    assert panel.context["progress"] == expected
    assert f'data-percent="{expected["percent"]}"' in panel.content.decode()
    client.force_login(world.staff)
    response = client.post(
        reverse("documents:municipality_report", args=[world.municipality.pk]), {"on": today.isoformat()}
    )
    counts = _school_row(_report_docx(response), world.school.name)
    assert {s.key: int(counts[s.label]) for s in STATES} == {s.key: expected[s.key] for s in STATES}
    assert int(counts["Всего"]) == expected["total"]


def test_a_draft_is_on_its_own_page_and_report_and_nowhere_else(client, built):
    world, draft, today = built.world, built.draft, timezone.localdate()
    row = built.activities["Строка черновика"]
    link = row.get_absolute_url()
    for user in (world.principal, world.coordinator):
        client.force_login(user)
        assert link not in client.get("/").content.decode()
    mine = [todo.activity.content for todo in client.get("/").context["mine"]]
    assert mine == ["Координатор"]  # not «Строка координатора в черновике»
    client.force_login(world.staff)
    own = client.get(draft.get_absolute_url()).content.decode()
    assert "Строка черновика" in own and ">Просрочено</span>" in own
    on = {"on": today.isoformat()}
    titles = lambda response: "\n".join(p.text for p in _report_docx(response).paragraphs)  # noqa: E731
    assert draft.title in titles(client.post(reverse("documents:roadmap_report", args=[draft.pk]), on))
    municipality = titles(
        client.post(reverse("documents:municipality_report", args=[world.municipality.pk]), on)
    )
    assert world.roadmap.title in municipality and draft.title not in municipality
    school = titles(client.post(reverse("documents:school_report", args=[world.school.pk]), on))
    assert world.roadmap.title in school and draft.title not in school


def test_a_report_with_only_drafts_to_count_says_so(client, built):
    world = built.world
    world.roadmap.status = Roadmap.Status.DRAFT
    world.roadmap.save()
    client.force_login(world.staff)
    response = client.post(
        reverse("documents:municipality_report", args=[world.municipality.pk]),
        {"on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    assert "черновик входит только в отчёт по своей дорожной карте" in response.content.decode()


def test_a_report_for_a_past_academic_year_counts_the_archived_roadmaps_of_that_year(client, built):
    world = built.world
    world.roadmap.status = Roadmap.Status.ARCHIVED
    world.roadmap.save()
    client.force_login(world.staff)
    url = reverse("documents:municipality_report", args=[world.municipality.pk])
    last_year = timezone.localdate() - timedelta(days=366)
    titles = "\n".join(
        p.text for p in _report_docx(client.post(url, {"on": last_year.isoformat()})).paragraphs
    )
    assert world.roadmap.title in titles
    today = client.post(url, {"on": timezone.localdate().isoformat()})
    assert "text/html" in today["Content-Type"]  # archived: not today's work


def test_a_draft_copy_of_taganrog_adds_nothing_to_the_coordinators_list(client, coordinator):
    # Баркалова Е.В. is named in 13 rows of Таганрог: its draft copy put 13 more overdue items here.
    client.force_login(coordinator)
    before = [(t.activity.pk, t.window.pk) for t in client.get("/").context["mine"]]
    copy = roadmap_copy(source=Roadmap.objects.get(source_key="002_taganrog"))
    after = [(t.activity.pk, t.window.pk) for t in client.get("/").context["mine"]]
    assert after == before
    assert not copy.activities.filter(pk__in=[a for a, _ in after]).exists()
