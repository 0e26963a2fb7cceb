"""«Отчёт о выполнении дорожной карты»: what is done, in progress, overdue and not yet
due on a chosen date, for a roadmap, a municipality or one school.

Each executor owes each deadline window of its activity; that pair is an obligation,
and its mark (if any) says how far it got. An activity row is done when all its
obligations (and its sub-rows') are done, overdue when any is overdue.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from roadmaps.documents.docx_layout import fill, new_document, new_table, paragraph, repeat_as_header
from roadmaps.documents.export_docx import section_heading
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap
from schools.models import Organisation


class State(StrEnum):
    DONE = "done"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"
    NOT_DUE = "not_due"
    NO_DATE = "no_date"


STATE_LABELS = {
    State.DONE: "Выполнено",
    State.IN_PROGRESS: "В работе",
    State.OVERDUE: "Просрочено",
    State.NOT_DUE: "Срок не наступил",
    State.NO_DATE: "Нужна дата",
}
COUNTED = [State.DONE, State.IN_PROGRESS, State.OVERDUE, State.NOT_DUE, State.NO_DATE]


def obligation_state(window: DeadlineWindow, mark: CompletionMark | None, on: date) -> State:
    if (
        mark is not None
        and mark.status == CompletionMark.Status.DONE
        and mark.review != CompletionMark.Review.RETURNED
        and (mark.completed_on is None or mark.completed_on <= on)
    ):
        return State.DONE
    if window.end < on:
        return State.OVERDUE
    if mark is not None and mark.status == CompletionMark.Status.IN_PROGRESS:
        return State.IN_PROGRESS
    if window.start is not None and window.start > on:
        return State.NOT_DUE
    if window.start is None or window.start <= on:
        return State.IN_PROGRESS
    return State.NOT_DUE


@dataclass
class Overdue:
    roadmap: Roadmap
    activity: Activity
    executor: Executor | None
    window: DeadlineWindow
    days: int


@dataclass
class Report:
    title: str
    on: date
    roadmaps: list[Roadmap]
    school: Organisation | None = None
    states: dict[int, State] = field(default_factory=dict)  # top-level activity pk -> state
    activities: Counter = field(default_factory=Counter)
    by_school: dict[str, Counter] = field(default_factory=dict)
    by_section: list[tuple[str, str, Counter]] = field(default_factory=list)  # roadmap, section, counts
    overdue: list[Overdue] = field(default_factory=list)
    returned: list[tuple[Roadmap, Activity, CompletionMark]] = field(default_factory=list)


def build_report(
    *, roadmaps: list[Roadmap], on: date, title: str = "", school: Organisation | None = None
) -> Report:
    """Count and list from roadmaps fetched by ``rows.fetch_roadmaps``: no query runs here.

    With a school, only that school's obligations count.
    """
    report = Report(title=title, on=on, roadmaps=roadmaps, school=school)
    for roadmap in roadmaps:
        _add_roadmap(report, roadmap)
    return report


def _add_roadmap(report: Report, roadmap: Roadmap) -> None:
    sections = {s.pk: s for s in roadmap.sections.all()}
    activities = list(roadmap.activities.all())
    children: dict[int, list[Activity]] = {}
    for activity in activities:
        if activity.parent_id:
            children.setdefault(activity.parent_id, []).append(activity)
    section_counts: dict[int | None, Counter] = {}
    for activity in activities:
        if activity.parent_id:
            continue
        states: list[State] = []
        for row in [activity, *children.get(activity.pk, [])]:
            states += _obligations(report, roadmap, row)
        if report.school is not None and not states:
            continue  # this school has nothing to do here
        state = _activity_state(states)
        report.states[activity.pk] = state
        report.activities[state] += 1
        top = _top_section(sections, activity.section_id)
        section_counts.setdefault(top.pk if top else None, Counter())[state] += 1
    for section_pk, counts in section_counts.items():
        name = section_heading(sections[section_pk]) if section_pk else "Без раздела"
        report.by_section.append((roadmap.title, name, counts))


def _obligations(report: Report, roadmap: Roadmap, activity: Activity) -> list[State]:
    windows = [w for w in activity.windows.all() if not w.is_cancelled]
    executors = list(activity.executors.all())
    if report.school is not None:
        executors = [e for e in executors if e.organisation_id == report.school.pk]
        if not executors:
            return []
    if not windows:
        return [State.NO_DATE] if activity.needs_date else []
    states = []
    for executor in executors or [None]:
        marks = {m.window_id: m for m in executor.marks.all()} if executor else {}
        report.returned += [
            (roadmap, activity, m) for m in marks.values() if m.review == CompletionMark.Review.RETURNED
        ]
        school = executor.organisation if executor else None
        for window in windows:
            state = obligation_state(window, marks.get(window.pk), report.on)
            states.append(state)
            if school is not None and school.kind == Organisation.Kind.SCHOOL:
                report.by_school.setdefault(school.name, Counter())[state] += 1
            if state == State.OVERDUE:
                days = (report.on - window.end).days
                report.overdue.append(Overdue(roadmap, activity, executor, window, days))
    return states


def _activity_state(states: list[State]) -> State:
    if not states or all(s == State.NO_DATE for s in states):
        return State.NO_DATE
    for state in (State.OVERDUE, State.IN_PROGRESS):
        if state in states:
            return state
    if all(s == State.DONE for s in states):
        return State.DONE
    if State.DONE in states:
        return State.IN_PROGRESS
    return State.NOT_DUE


def _top_section(sections: dict, pk: int | None):
    section = sections.get(pk)
    while section is not None and section.parent_id in sections:
        section = sections[section.parent_id]
    return section


def export_report(report: Report) -> bytes:
    document = new_document(landscape=True)
    paragraph(
        document, "Отчёт о выполнении дорожной карты", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    paragraph(document, report.title, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(
        document, f"по состоянию на {report.on:%d.%m.%Y}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8
    )
    for roadmap in report.roadmaps:
        paragraph(document, f"{roadmap.title} ({roadmap.owner})", size=11)
    paragraph(document)

    paragraph(document, bold_label="Мероприятия (строки дорожной карты)")
    total = sum(report.activities.values())
    _counts_table(
        document, "", [("Всего", report.activities)], total_row=False, first_title=f"Всего: {total}"
    )

    if report.by_school:
        paragraph(document)
        paragraph(document, bold_label="По школам (сроки исполнения каждой школы)")
        _counts_table(document, "Школа", sorted(report.by_school.items()), total_row=True)
    if report.by_section:
        paragraph(document)
        paragraph(document, bold_label="По разделам")
        rows = [
            (f"{section} — {title}" if len(report.roadmaps) > 1 else section, counts)
            for title, section, counts in report.by_section
        ]
        _counts_table(document, "Раздел", rows, total_row=True)

    paragraph(document)
    paragraph(document, bold_label=f"Просроченные мероприятия: {len(report.overdue)}")
    if report.overdue:
        table = _table(
            document, ["№", "Мероприятие", "Срок", "Исполнитель", "Дней просрочки"], [14, 120, 30, 70, 28]
        )
        for item in sorted(report.overdue, key=lambda o: (-o.days, o.activity.order)):
            cells = table.add_row().cells
            fill(cells[0], item.activity.number)
            fill(cells[1], item.activity.content)
            fill(cells[2], f"{item.activity.deadline_text}\n({item.window})")
            fill(cells[3], str(item.executor) if item.executor else "—")
            fill(cells[4], str(item.days), align=WD_ALIGN_PARAGRAPH.CENTER)

    paragraph(document)
    paragraph(document, bold_label=f"Отметки, возвращённые на доработку: {len(report.returned)}")
    if report.returned:
        table = _table(
            document,
            ["№", "Мероприятие", "Исполнитель", "Отметка", "Комментарий координатора"],
            [14, 100, 60, 40, 48],
        )
        for _roadmap, activity, mark in report.returned:
            cells = table.add_row().cells
            fill(cells[0], activity.number)
            fill(cells[1], activity.content)
            fill(cells[2], str(mark.executor))
            when = f" {mark.completed_on:%d.%m.%Y}" if mark.completed_on else ""
            fill(cells[3], f"{mark.get_status_display()}{when}")
            reviewer = (
                mark.reviewed_by.get_full_name() or mark.reviewed_by.username if mark.reviewed_by else ""
            )
            fill(cells[4], "\n".join(filter(None, [mark.review_comment, reviewer])))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, titles: list[str], widths_mm: list[int]):
    table = new_table(document, [Mm(w) for w in widths_mm])
    repeat_as_header(table.rows[0])
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        fill(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _counts_table(document, first: str, rows, *, total_row: bool, first_title: str = "") -> None:
    table = _table(
        document, [first or first_title, *(STATE_LABELS[s] for s in COUNTED)], [102, 32, 32, 32, 32, 32]
    )
    grand = Counter()
    for name, counts in rows:
        grand.update(counts)
        cells = table.add_row().cells
        fill(cells[0], name)
        for cell, state in zip(cells[1:], COUNTED, strict=True):
            fill(cell, str(counts.get(state, 0)), align=WD_ALIGN_PARAGRAPH.CENTER)
    if total_row and len(rows) > 1:
        cells = table.add_row().cells
        fill(cells[0], "Итого", bold=True)
        for cell, state in zip(cells[1:], COUNTED, strict=True):
            fill(cell, str(grand.get(state, 0)), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
