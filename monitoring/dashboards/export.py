"""A dashboard as an XLSX workbook: one sheet per breakdown, Russian headers, every row
(not just a page), the same queries as the page; a fixed number of queries."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from monitoring.dashboards import queries
from monitoring.dashboards.forms import Filters
from monitoring.dashboards.page import months, percent, section_label
from monitoring.dashboards.queries import Scope
from roadmaps.obligations import RETURNED, STATES
from schools.models import academic_year_label
from schools.spreadsheets import text_cell, text_row

# Beyond this many rows the overdue sheet stops (and says so); the page lists them all.
OVERDUE_LIMIT = 10_000
# The heatmap sheet: every school against the largest sections.
HEATMAP_SECTIONS = 30

COUNT_HEADERS = ["Всего", *(s.label for s in STATES), "Выполнено, %"]
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E9ECEF")
KIND_LABELS = {
    "region": "Регион",
    "municipality": "Муниципалитет",
    "school": "Школа",
    "roadmap": "Дорожная карта",
}


def _counts(row: dict) -> list:
    return [row["total"], *(row[s.key] for s in STATES), percent(row["done"], row["total"])]


def _sheet(workbook: Workbook, title: str, headers: list[str], rows, widths: list[int] | None = None) -> None:
    sheet = workbook.create_sheet(title)
    for index, width in enumerate(widths or [40] + [14] * (len(headers) - 1), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text in headers:
        cell = text_cell(sheet, text)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(text_row(sheet, row))


def _summary(workbook: Workbook, scope: Scope, filters: Filters, total: dict) -> None:
    sheet = workbook.create_sheet("Сводка")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 14
    year = academic_year_label(filters.year) if filters.year else "все годы"
    for label, value in [
        (KIND_LABELS[scope.kind], str(scope.obj)),
        ("На дату", filters.on.strftime("%d.%m.%Y")),
        ("Учебный год", year),
        ("Школы", "только закреплённые за координатором" if scope.schools is not None else "все"),
    ]:
        sheet.append(text_row(sheet, [label, value]))
    sheet.append([])
    sheet.append(text_row(sheet, ["Состояние", "Пар (срок × исполнитель)", "Доля, %"]))
    for state in STATES:
        sheet.append(
            text_row(sheet, [state.label, total[state.key], percent(total[state.key], total["total"])])
        )
    sheet.append(text_row(sheet, ["Всего", total["total"], 100.0 if total["total"] else 0.0]))
    sheet.append([])
    returned = total["returned"]
    label = f"{RETURNED.capitalize()} на доработку (не выполнено)"
    sheet.append(text_row(sheet, [label, returned, percent(returned, total["total"])]))


def dashboard_xlsx(scope: Scope, *, filters: Filters) -> bytes:
    on, year = filters.on, filters.year
    qs = queries.scope_obligations(scope, on=on, year=year)
    workbook = Workbook(write_only=True)
    due_rows = list(queries.trend_due(qs))
    _summary(workbook, scope, filters, queries.summed(due_rows))
    if scope.kind == "region":
        rows = (
            [row["name"] or "Региональные дорожные карты", *_counts(row)]
            for row in queries.by_municipality(qs)
        )
        _sheet(workbook, "По муниципалитетам", ["Муниципалитет", *COUNT_HEADERS], rows)
    schools = [] if scope.kind == "school" else list(queries.by_school(qs, "name"))
    if scope.kind != "school":
        rows = ([r["name"], r["municipality_name"], *_counts(r)] for r in schools)
        headers = ["Школа", "Муниципалитет", *COUNT_HEADERS]
        _sheet(workbook, "По школам", headers, rows, [40, 28] + [14] * len(COUNT_HEADERS))
    sections = list(queries.by_section(qs, scope))
    rows = ([section_label(row), *_counts(row)] for row in sections)
    _sheet(workbook, "По разделам", ["Раздел", *COUNT_HEADERS], rows, [60] + [14] * len(COUNT_HEADERS))
    if scope.kind != "roadmap":
        rows = (
            [r["title"], r["owner_name"], r["period_start"].strftime("%d.%m.%Y"), *_counts(r)]
            for r in queries.by_roadmap(qs)
        )
        headers = ["Дорожная карта", "Владелец", "Начало периода", *COUNT_HEADERS]
        _sheet(workbook, "По дорожным картам", headers, rows, [60, 30, 14] + [14] * len(COUNT_HEADERS))
    rows = ([r["person_name"] or r["organisation_name"], *_counts(r)] for r in queries.by_executor(qs))
    _sheet(workbook, "По исполнителям", ["Исполнитель", *COUNT_HEADERS], rows)
    _mentor_sheet(workbook, scope, filters)
    _trend_sheet(workbook, due_rows, queries.trend_done(qs), filters)
    if schools:
        _heatmap_sheet(workbook, qs, scope, schools, sections[:HEATMAP_SECTIONS])
    _overdue_sheet(workbook, qs, filters)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _mentor_sheet(workbook: Workbook, scope: Scope, filters: Filters) -> None:
    pairs = queries.mentor_pairs(scope, on=filters.on, year=filters.year)
    progress = queries.mentee_progress(scope, pairs.values("mentee"), on=filters.on, year=filters.year)
    empty = {"total": 0, "done": 0, **{s.key: 0 for s in STATES}}
    rows = (
        [
            str(p.mentor),
            str(p.mentee),
            academic_year_label(p.academic_year),
            *_counts(progress.get(p.mentee_id, empty)),
        ]
        for p in pairs
    )
    headers = ["Школа-наставник", "Курируемая школа", "Учебный год", *COUNT_HEADERS]
    _sheet(workbook, "Наставничество", headers, rows, [36, 36, 12] + [14] * len(COUNT_HEADERS))


def _trend_sheet(workbook: Workbook, due_rows, done_rows, filters: Filters) -> None:
    trend = months(due_rows, done_rows, on=filters.on)
    rows = ([m.month.strftime("%m.%Y"), m.due, m.done_of_due, m.done, m.cumulative_percent] for m in trend)
    headers = [
        "Месяц",
        "Срок наступает (пар)",
        "Из них выполнено",
        "Выполнено в этом месяце",
        "Выполнено нарастающим итогом, %",
    ]
    _sheet(workbook, "По месяцам", headers, rows, [12, 18, 16, 18, 20])


def _heatmap_sheet(workbook: Workbook, qs, scope: Scope, schools: list[dict], sections: list[dict]) -> None:
    """Every school against the largest sections: the share of its pairs done (empty: none there)."""
    cells = {
        (row["organisation"], queries.section_key(row, scope)): percent(row["done"], row["total"])
        for row in queries.heatmap_cells(qs, school_ids=None, sections=sections, scope=scope)
    }
    keys = [queries.section_key(row, scope) for row in sections]
    rows = (
        [
            school["name"],
            school["municipality_name"],
            *(cells.get((school["organisation"], key)) for key in keys),
        ]
        for school in schools
    )
    headers = [
        "Школа \\ раздел (выполнено, %)",
        "Муниципалитет",
        *(section_label(row)[:80] for row in sections),
    ]
    _sheet(workbook, "Тепловая карта", headers, rows, [40, 28] + [16] * len(sections))


def _overdue_sheet(workbook: Workbook, qs, filters: Filters) -> None:
    found = list(queries.overdue_windows(qs)[: OVERDUE_LIMIT + 1])
    rows = [
        [
            r["roadmap_title"],
            r["number"],
            r["content"],
            r["end"].strftime("%d.%m.%Y"),
            (filters.on - r["end"]).days,
            r["executors"],
            r["returned"],
            r["names"],
        ]
        for r in found[:OVERDUE_LIMIT]
    ]
    if len(found) > OVERDUE_LIMIT:
        rows.append([f"Показаны первые {OVERDUE_LIMIT} строк; остальные — на странице мониторинга."])
    headers = [
        "Дорожная карта",
        "№",
        "Мероприятие",
        "Срок",
        "Дней просрочки",
        "Исполнителей",
        f"Из них {RETURNED} на доработку",
        "Исполнители",
    ]
    _sheet(workbook, "Просроченные", headers, rows, [40, 8, 60, 12, 14, 14, 16, 60])


def export_filename(scope: Scope, filters: Filters) -> str:
    name = re.sub(r'[\\/:*?"<>|«»]+', "", str(scope.obj))[:60].strip()
    return f"Мониторинг — {name} — {filters.on:%d.%m.%Y}.xlsx"
