"""The page the departments print on: landscape or portrait A4, Times New Roman, page
numbers in the middle of the top margin from the second page on (ГОСТ Р 7.0.97-2025, 5.2);
and the few table tricks python-docx has no call for."""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table

FONT = "Times New Roman"


def new_document(*, landscape: bool) -> Document:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    # Cyrillic is laid out with the East Asian and complex-script slots too.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.left_margin = Mm(20)
    section.right_margin = Mm(15)
    section.top_margin = Mm(15)
    section.bottom_margin = Mm(15)
    # The first page has a header of its own, left empty: no number on it.
    section.different_first_page_header_footer = True
    section.header_distance = Mm(8)
    _page_numbers(section.header.paragraphs[0])
    return document


def usable_width(document: Document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _page_numbers(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def paragraph(
    document,
    text: str = "",
    *,
    bold_label: str = "",
    size: float = 12,
    bold: bool = False,
    align=None,
    indent=None,
    space_after: float = 0,
):
    p = document.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent is not None:
        p.paragraph_format.left_indent = indent
    if space_after:
        p.paragraph_format.space_after = Pt(space_after)
    if bold_label:
        run = p.add_run(bold_label)
        run.bold = True
        run.font.size = Pt(size)
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
    return p


def new_table(document, widths: list[int], *, borders: bool = True) -> Table:
    table = document.add_table(rows=1, cols=len(widths))
    if borders:
        table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
    return table


def repeat_as_header(row) -> None:
    """Word and LibreOffice repeat this row at the top of every page the table runs onto."""
    _row_property(row, "w:tblHeader")


def keep_rows_whole(table: Table) -> None:
    """No row breaks across a page: a row that does not fit moves to the next one whole.
    (A row taller than a page is still broken by Word and LibreOffice: nothing else fits it.)"""
    for row in table.rows:
        _row_property(row, "w:cantSplit")


# The order w:trPr's children must come in (ECMA-376 CT_TrPrBase); Word refuses others.
ROW_PROPERTIES = [
    qn(f"w:{tag}")
    for tag in (
        "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
        "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
    )
]  # fmt: skip


def _row_property(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is not None:
        return
    element = OxmlElement(tag)
    element.set(qn("w:val"), "true")
    rank = ROW_PROPERTIES.index(qn(tag))
    later = [c for c in tr_pr if c.tag in ROW_PROPERTIES and ROW_PROPERTIES.index(c.tag) > rank]
    if later:
        later[0].addprevious(element)
    else:
        tr_pr.append(element)


def merged_row(table: Table, width: int):
    """A row of one cell across the whole table: a section or stage heading."""
    row = table.add_row()
    tcs = row._tr.tc_lst
    for tc in tcs[1:]:
        row._tr.remove(tc)
    tc = tcs[0]
    tc.grid_span = len(tcs)
    tc.width = width
    return row.cells[0]


def fill(
    cell, text: str, *, bold: bool = False, italic: bool = False, align=None, size: float | None = None
) -> None:
    """One paragraph per line of the text, so that a reader of the file gets the lines back."""
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        if align is not None:
            p.alignment = align
        if line:
            run = p.add_run(line)
            if bold:
                run.bold = True
            if italic:
                run.italic = True
            if size is not None:
                run.font.size = Pt(size)
