"""«Отчёт о выполнении дорожной карты»: what is done, in progress, overdue and not yet
due on a chosen date, for a roadmap, a municipality or one school.

Each obligation (a deadline window of a row, for an executor who must act) reads its state on
the report's date from ``obligations``, as the activity page reads it: a returned mark is
owed again, a cancelled window or an executor nobody marks for is no obligation.

Which roadmaps a report takes (decided by its page, ``documents.views``, with
``obligations.counts_on_page``): a roadmap's own report takes it whatever its status, a draft too
(``Where.OWN_PAGE``). A municipality's or a school's report takes today's work — approved
roadmaps (``Where.TODAY``) — for a date in the current academic year or later, and history —
approved and archived ones (``Where.HISTORY``) — for a date in a past academic year
(``obligations.where_for_year``): the roadmaps that were that year's work. Never a draft.
A school's report takes the school's own part (``obligations.school_part``), as its card,
page and dashboard count it.

A row (an activity with its sub-rows) sums its obligations: overdue when any is; in progress
when any is, or when part is done and the rest is not yet due (or still needs a date); done
when all are (late when any was late); not yet due otherwise. A row without obligations
needs a date, or names no executor who marks it.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from roadmaps.documents.cells import section_heading
from roadmaps.documents.docx_layout import fill, new_document, new_table, paragraph, repeat_as_header
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap
from roadmaps.obligations import (
    BY_CODE,
    DONE_CODES,
    IN_PROGRESS,
    LATE,
    NOBODY_MARKS,
    NOT_DUE,
    ON_TIME,
    OVERDUE,
    STATES,
    Reading,
    reading_of,
)
from schools.models import Organisation

# What a row can be besides an obligation's state.
NO_DATE = "no_date"
NO_EXECUTOR = "no_executor"
ROW_LABELS = {
    **{state.key: state.label for state in STATES},
    NO_DATE: "Нужна дата",
    # Not «Исполнитель не …»: the XLSX summary's headings must not read as a roadmap table's
    # «Ответственный» column to the importer.
    NO_EXECUTOR: NOBODY_MARKS.capitalize(),
}
ROW_KEYS = list(ROW_LABELS)


@dataclass
class Obligation:
    roadmap: Roadmap
    activity: Activity
    executor: Executor
    window: DeadlineWindow
    mark: CompletionMark | None
    reading: Reading
    on: date

    @property
    def days(self) -> int:
        """Days overdue on the report's date."""
        return (self.on - self.window.end).days


@dataclass
class Report:
    title: str
    on: date
    roadmaps: list[Roadmap]
    school: Organisation | None = None
    states: dict[int, str] = field(default_factory=dict)  # top-level activity pk -> ROW_KEYS
    readings: dict[tuple[int, int], Reading] = field(default_factory=dict)  # (executor, window) pks
    activities: Counter = field(default_factory=Counter)  # ROW_KEYS -> rows
    by_school: dict[str, Counter] = field(default_factory=dict)  # school -> obligations per state key
    by_section: list[tuple[str, str, Counter]] = field(default_factory=list)  # roadmap, section, rows
    overdue: list[Obligation] = field(default_factory=list)
    returned: list[Obligation] = field(default_factory=list)


def build_report(
    *, roadmaps: list[Roadmap], on: date, title: str = "", school: Organisation | None = None
) -> Report:
    """Count and list from roadmaps fetched by ``rows.fetch_roadmaps``: no query runs here.

    With a school, only the school's own part counts (the school as executor, not its people).
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
        rows = [activity, *children.get(activity.pk, [])]
        if report.school is not None and not any(_executors(report, row) for row in rows):
            continue  # this school has nothing to do here
        codes: list[int] = []
        undated = dated = False
        for row in rows:
            codes += [o.reading.state.code for o in _obligations(report, roadmap, row)]
            undated |= row.needs_date and (report.school is None or bool(_executors(report, row)))
            dated |= any(not w.is_cancelled for w in row.windows.all())
        state = _row_state(codes, undated=undated, dated=dated)
        report.states[activity.pk] = state
        report.activities[state] += 1
        top = _top_section(sections, activity.section_id)
        section_counts.setdefault(top.pk if top else None, Counter())[state] += 1
    for section_pk, counts in section_counts.items():
        name = section_heading(sections[section_pk]) if section_pk else "Без раздела"
        report.by_section.append((roadmap.title, name, counts))


def _executors(report: Report, activity: Activity) -> list[Executor]:
    """The row's executors the report is about: all of them, or the school's own part."""
    executors = list(activity.executors.all())
    if report.school is None:
        return executors
    return [e for e in executors if e.organisation_id == report.school.pk and e.person_id is None]


def _obligations(report: Report, roadmap: Roadmap, activity: Activity) -> list[Obligation]:
    found = []
    windows = list(activity.windows.all())
    for executor in _executors(report, activity):
        marks = {m.window_id: m for m in executor.marks.all()}
        school = executor.organisation if executor.person_id is None else None
        for window in windows:
            mark = marks.get(window.pk)
            reading = reading_of(executor, window, mark, report.on)
            if reading is None:
                continue
            obligation = Obligation(roadmap, activity, executor, window, mark, reading, report.on)
            found.append(obligation)
            report.readings[(executor.pk, window.pk)] = reading
            if school is not None and school.kind == Organisation.Kind.SCHOOL:
                report.by_school.setdefault(school.name, Counter())[reading.key] += 1
            if reading.state.code == OVERDUE:
                report.overdue.append(obligation)
            if reading.returned:
                report.returned.append(obligation)
    return found


def _row_state(codes: list[int], *, undated: bool, dated: bool) -> str:
    """``codes``: the row's obligations' states; ``undated``: a sub-row still needs a date;
    ``dated``: some sub-row has a live window."""
    if not codes:
        return NO_EXECUTOR if dated and not undated else NO_DATE
    for code in (OVERDUE, IN_PROGRESS):
        if code in codes:
            return BY_CODE[code].key
    done = [c for c in codes if c in DONE_CODES]
    if len(done) == len(codes) and not undated:
        return BY_CODE[LATE if LATE in done else ON_TIME].key
    return BY_CODE[IN_PROGRESS if done else NOT_DUE].key


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

    rows = _columns(ROW_KEYS, ROW_LABELS)
    paragraph(document, bold_label="Мероприятия (строки дорожной карты)")
    total = sum(report.activities.values())
    _counts_table(document, f"Всего: {total}", [("Всего", report.activities)], rows, total_row=False)

    if report.by_school:
        paragraph(document)
        paragraph(document, bold_label="По школам (сроки исполнения каждой школы)")
        columns = [*_columns([s.key for s in STATES], ROW_LABELS), ("Всего", lambda c: c.total())]
        _counts_table(document, "Школа", sorted(report.by_school.items()), columns, total_row=True)
    if report.by_section:
        paragraph(document)
        paragraph(document, bold_label="По разделам")
        named = [
            (f"{section} — {title}" if len(report.roadmaps) > 1 else section, counts)
            for title, section, counts in report.by_section
        ]
        _counts_table(document, "Раздел", named, rows, total_row=True)

    paragraph(document)
    paragraph(document, bold_label=f"Просроченные мероприятия: {len(report.overdue)}")
    if report.overdue:
        table = _table(
            document,
            ["№", "Мероприятие", "Срок", "Исполнитель", "Состояние", "Дней просрочки"],
            [14, 100, 30, 56, 38, 24],
        )
        for item in sorted(report.overdue, key=lambda o: (-o.days, o.activity.order)):
            cells = table.add_row().cells
            fill(cells[0], item.activity.number)
            fill(cells[1], item.activity.content)
            fill(cells[2], f"{item.activity.deadline_text}\n({item.window})")
            fill(cells[3], str(item.executor))
            fill(cells[4], item.reading.label)
            fill(cells[5], str(item.days), align=WD_ALIGN_PARAGRAPH.CENTER)

    paragraph(document)
    paragraph(document, bold_label=f"Отметки, возвращённые на доработку: {len(report.returned)}")
    if report.returned:
        table = _table(
            document,
            ["№", "Мероприятие", "Исполнитель", "Состояние", "Отметка", "Комментарий координатора"],
            [14, 84, 50, 38, 30, 46],
        )
        for item in report.returned:
            mark = item.mark
            cells = table.add_row().cells
            fill(cells[0], item.activity.number)
            fill(cells[1], item.activity.content)
            fill(cells[2], str(item.executor))
            fill(cells[3], item.reading.label)
            when = f" {mark.completed_on:%d.%m.%Y}" if mark.completed_on else ""
            fill(cells[4], f"{mark.get_status_display()}{when}")
            reviewer = (
                mark.reviewed_by.get_full_name() or mark.reviewed_by.username if mark.reviewed_by else ""
            )
            fill(cells[5], "\n".join(filter(None, [mark.review_comment, reviewer])))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


Column = tuple[str, Callable[[Counter], int]]


def _columns(keys: list[str], labels: dict[str, str]) -> list[Column]:
    return [(labels[key], lambda counts, key=key: counts.get(key, 0)) for key in keys]


def _table(document, titles: list[str], widths_mm: list[int]):
    table = new_table(document, [Mm(w) for w in widths_mm])
    repeat_as_header(table.rows[0])
    for cell, title in zip(table.rows[0].cells, titles, strict=True):
        fill(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return table


def _counts_table(document, first: str, rows, columns: list[Column], *, total_row: bool) -> None:
    width = 24
    table = _table(
        document, [first, *(t for t, _ in columns)], [262 - width * len(columns)] + [width] * len(columns)
    )
    grand = Counter()
    for name, counts in rows:
        grand.update(counts)
        cells = table.add_row().cells
        fill(cells[0], name)
        for cell, (_, value) in zip(cells[1:], columns, strict=True):
            fill(cell, str(value(counts)), align=WD_ALIGN_PARAGRAPH.CENTER)
    if total_row and len(rows) > 1:
        cells = table.add_row().cells
        fill(cells[0], "Итого", bold=True)
        for cell, (_, value) in zip(cells[1:], columns, strict=True):
            fill(cell, str(value(grand)), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
