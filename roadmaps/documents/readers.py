"""DOCX and XLSX files -> the text before the table and the tables as grids of cells.

Both formats come out the same way: a row is one ``Cell`` per grid column, and a cell
merged across columns (or down rows) appears in every position it covers, with the
same ``owner`` and ``continued`` set where it goes on from the row above. Pure Python.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

W_P = qn("w:p")
W_TBL = qn("w:tbl")
W_TR = qn("w:tr")
W_TC = qn("w:tc")
W_SDT = qn("w:sdt")
W_SDT_CONTENT = qn("w:sdtContent")
RUN_XPATH = "w:r | w:hyperlink | w:ins/w:r | w:smartTag/w:r | w:sdt/w:sdtContent/w:r"


@dataclass(frozen=True)
class Cell:
    text: str
    owner: object  # the same for every grid position one merged cell covers
    continued: bool = False  # goes on from the row above (a vertical merge)


Grid = list[list[Cell]]


@dataclass
class Source:
    """What a file holds: lines of text in reading order, and the tables between them.

    ``blocks`` keeps their order: a str is a line of text, a list is a table.
    """

    blocks: list[str | Grid]


def read_docx(content: bytes) -> Source:
    body = Document(io.BytesIO(content)).element.body
    blocks: list[str | Grid] = []
    for element in _body_children(body):
        if element.tag == W_P:
            blocks.append(_paragraph_text(element))
        elif element.tag == W_TBL:
            blocks.append(_docx_grid(element))
    return Source(blocks)


def _body_children(parent):
    for element in parent.iterchildren():
        if element.tag == W_SDT:
            content = element.find(W_SDT_CONTENT)
            if content is not None:
                yield from _body_children(content)
        else:
            yield element


def _paragraph_text(p) -> str:
    return "".join(e.text for e in p.xpath(RUN_XPATH))


def _cell_text(tc) -> str:
    return tidy("\n".join(_paragraph_text(p) for p in tc.iterchildren(W_P)))


def tidy(text: str) -> str:
    """A cell's lines without the blank lines and stray spaces Word documents collect."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _docx_grid(tbl) -> Grid:
    grid: Grid = []
    above: dict[int, Cell] = {}
    for tr in _rows(tbl):
        row: list[Cell] = []
        tr_pr = tr.trPr
        before = tr_pr.grid_before if tr_pr is not None else 0
        row += [Cell("", object()) for _ in range(before)]
        for tc in tr.iterchildren(W_TC):
            column = len(row)
            span = tc.grid_span
            if tc.vMerge == "continue" and column in above:
                cell = Cell(above[column].text, above[column].owner, continued=True)
            else:
                cell = Cell(_cell_text(tc), object())
            row += [cell] * span
        above = dict(enumerate(row))
        grid.append(row)
    return grid


def _rows(tbl):
    for element in tbl.iterchildren():
        if element.tag == W_TR:
            yield element
        elif element.tag == W_SDT:
            content = element.find(W_SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(W_TR)


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
