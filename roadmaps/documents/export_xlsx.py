"""Roadmaps as an XLSX workbook: a summary sheet, then one sheet per roadmap with the
table in its own columns, the deadline windows as real dates, a frozen header and filters.
Each row's «Состояние» and the summary's counts on the export's date come from the progress
report (``report.build_report``), the summary's in the dashboards' unit (pairs «срок ×
исполнитель»); the completion column reads each mark's state from
``obligations`` (``cells.marks_text``).

Written in openpyxl's write-only mode: a 500-row roadmap streams out without building
a cell object per cell.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from roadmaps.documents.cells import Reads, activity_cells, print_columns, section_heading
from roadmaps.documents.columns import Field
from roadmaps.documents.report import ROW_LABELS, build_report
from roadmaps.documents.rows import table_rows
from roadmaps.models import Roadmap
from roadmaps.obligations import RETURNED, STATES
from schools.spreadsheets import text_cell

DATE_FORMAT = "DD.MM.YYYY"
PAIRS = "Пар «срок × исп.»"
WIDTHS = {
    Field.NUMBER: 8,
    Field.CONTENT: 60,
    Field.DEADLINE: 22,
    Field.RESPONSIBLE: 34,
    Field.RESULT: 34,
    Field.MARK: 40,
}
# Columns after the document's own; the importer knows them and skips them.
EXTRA = [("Окна сроков: начало", 13), ("Окна сроков: окончание", 13), ("Нужна дата", 9), ("Состояние", 16)]

WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
SECTION_FILL = PatternFill("solid", fgColor="E8EEF7")


def export_xlsx(roadmaps: list[Roadmap], *, on: date, reads: Reads = None) -> bytes:
    """A workbook of roadmaps fetched by ``rows.fetch_roadmaps`` (no query runs here)."""
    workbook = Workbook(write_only=True)
    report = build_report(roadmaps=roadmaps, on=on)
    _summary(workbook, roadmaps, report, on)
    names: set[str] = set()
    for roadmap in roadmaps:
        _roadmap_sheet(workbook, roadmap, _sheet_name(roadmap, names), report.states, on, reads)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(ws, value, *, font=None, alignment=WRAP, fill=None, number_format=None) -> WriteOnlyCell:
    cell = text_cell(ws, value)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def _summary(workbook: Workbook, roadmaps: list[Roadmap], report, on: date) -> None:
    """A line per roadmap in the dashboards' unit (pairs «срок × исполнитель», in their words),
    beside the number of its rows."""
    ws = workbook.create_sheet("Сводка")
    titles = ["Дорожная карта", "Организация", "Начало периода", "Конец периода", "Мероприятий (строк)"]
    # Not «… исполнитель»: the importer must not read this heading as a roadmap's «Ответственный».
    titles += [PAIRS, *(state.label for state in STATES), f"{RETURNED.capitalize()} на доработку"]
    for index, width in enumerate([60, 36, 14, 14, 12] + [14] * (len(titles) - 5), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.append([_cell(ws, f"Сводка по дорожным картам на {on:%d.%m.%Y}", font=TITLE, alignment=None)])
    ws.append([_cell(ws, t, font=BOLD, alignment=CENTER) for t in titles])
    for roadmap in roadmaps:
        counts = report.by_roadmap.get(roadmap.pk, {})
        rows = sum(1 for activity in roadmap.activities.all() if activity.pk in report.states)
        ws.append(
            [
                _cell(ws, roadmap.title),
                _cell(ws, str(roadmap.owner)),
                _cell(ws, roadmap.period_start, number_format=DATE_FORMAT),
                _cell(ws, roadmap.period_end, number_format=DATE_FORMAT),
                rows,
                counts.get("total", 0),
                *(counts.get(state.key, 0) for state in STATES),
                counts.get("returned", 0),
            ]
        )
    ws.auto_filter.ref = f"A2:{get_column_letter(len(titles))}{len(roadmaps) + 2}"


def _sheet_name(roadmap: Roadmap, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", str(roadmap.owner))[:24].strip() or "Дорожная карта"
    name, n = base, 1
    while name.lower() in taken or name.lower() == "сводка":
        n += 1
        name = f"{base[:24]} ({n})"
    taken.add(name.lower())
    return name


def _roadmap_sheet(
    workbook: Workbook, roadmap: Roadmap, name: str, states: dict[int, str], on: date, reads: Reads = None
) -> None:
    ws = workbook.create_sheet(name)
    columns = print_columns(roadmap, with_marks=True)
    width = len(columns) + len(EXTRA)
    for index, (field, _) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[field]
    for index, (_, w) in enumerate(EXTRA, start=len(columns) + 1):
        ws.column_dimensions[get_column_letter(index)].width = w

    lines: list[tuple[str, Font | None]] = []
    approval = roadmap.approval_line
    if approval:
        lines.append((approval, None))
        if roadmap.approved_by:
            lines.append((f"Утверждена: {roadmap.approved_by}", None))
    lines.append((roadmap.title, TITLE))
    if roadmap.goal:
        lines.append((f"Цель: {roadmap.goal}", None))
    if roadmap.task_list:
        lines.append(("Задачи:", None))
        lines += [(f"- {task}", None) for task in roadmap.task_list]
    lines.append(
        (f"{roadmap.owner} · период {roadmap.period_start:%d.%m.%Y} – {roadmap.period_end:%d.%m.%Y}", None)
    )
    header = len(lines) + 2
    # Sheet views go out before the first row in write-only mode.
    ws.freeze_panes = f"A{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    for text, font in lines:
        ws.append([_cell(ws, text, font=font, alignment=None)])
    ws.append([])
    ws.append(
        [_cell(ws, title, font=BOLD, alignment=CENTER) for _, title in columns]
        + [_cell(ws, title, font=BOLD, alignment=CENTER) for title, _ in EXTRA]
    )

    row_index = header
    last = get_column_letter(width)
    for row in table_rows(roadmap):
        row_index += 1
        if row.is_section:
            ws.append(
                [_cell(ws, section_heading(row.section), font=BOLD, fill=SECTION_FILL, alignment=CENTER)]
                + [_cell(ws, None, fill=SECTION_FILL) for _ in range(width - 1)]
            )
            ws.merged_cells.add(f"A{row_index}:{last}{row_index}")
            continue
        activity = row.activity
        values = activity_cells(activity, on=on, with_marks=True, reads=reads)
        windows = list(activity.windows.all())
        start = min((w.start or w.end for w in windows), default=None)
        end = max((w.end for w in windows), default=None)
        state = states.get(activity.pk)
        ws.append(
            [_cell(ws, values[field] or None) for field, _ in columns]
            + [
                _cell(ws, start, number_format=DATE_FORMAT),
                _cell(ws, end, number_format=DATE_FORMAT),
                _cell(ws, "да" if activity.needs_date else None),
                _cell(ws, ROW_LABELS[state] if state else None),
            ]
        )
    ws.auto_filter.ref = f"A{header}:{last}{max(row_index, header + 1)}"
