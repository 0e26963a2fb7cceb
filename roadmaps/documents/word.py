"""A DOCX roadmap -> ``readers.Source``: paragraphs as lines, tables as grids. Pure Python."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from roadmaps.documents.readers import Cell, Grid, Source, tidy

W_P = qn("w:p")
W_TBL = qn("w:tbl")
W_TR = qn("w:tr")
W_TC = qn("w:tc")
W_SDT = qn("w:sdt")
W_SDT_CONTENT = qn("w:sdtContent")
W_RPR = qn("w:rPr")
W_B = qn("w:b")
W_VAL = qn("w:val")
RUN_XPATH = "w:r | w:hyperlink | w:ins/w:r | w:smartTag/w:r | w:sdt/w:sdtContent/w:r"


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


def _cell_bold(tc) -> bool:
    """Every run with text in the cell is bold by its own formatting (``w:b`` on the run)."""
    runs = [r for p in tc.iterchildren(W_P) for r in p.xpath(RUN_XPATH) if r.xpath("string(.)").strip()]
    return bool(runs) and all(_run_bold(r) for r in runs)


def _run_bold(r) -> bool:
    found = r.find(f"{W_RPR}/{W_B}")
    return found is not None and found.get(W_VAL) not in ("0", "false", "off")


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
                cell = Cell(_cell_text(tc), object(), bold=_cell_bold(tc))
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
