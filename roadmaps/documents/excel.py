"""An XLSX roadmap -> one ``readers.Source`` per sheet. Pure Python."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook

from roadmaps.documents.readers import Cell, Grid, Source, tidy


def read_xlsx(content: bytes) -> list[Source]:
    """One Source per sheet: the rows before a table are lines, the rest a grid."""
    workbook = load_workbook(io.BytesIO(content), data_only=True)
    sources = []
    for sheet in workbook.worksheets:
        merged: dict[tuple[int, int], tuple[object, int, int]] = {}
        for cell_range in sheet.merged_cells.ranges:
            owner = object()
            for r in range(cell_range.min_row, cell_range.max_row + 1):
                for c in range(cell_range.min_col, cell_range.max_col + 1):
                    merged[(r, c)] = (owner, cell_range.min_row, cell_range.min_col)
        grid: Grid = []
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = []
            for c, value in enumerate(values, start=1):
                if (r, c) in merged:
                    owner, top, left = merged[(r, c)]
                    text = _xlsx_text(sheet.cell(top, left).value)
                    row.append(Cell(text, owner, continued=r > top))
                else:
                    row.append(Cell(_xlsx_text(value), object()))
            grid.append(row)
        sources.append(Source([grid]))
    return sources


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y}" if value.time() == datetime.min.time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return tidy(str(value))
