"""A DOCX roadmap -> ``readers.Source``: paragraphs as lines, tables as grids, the text as
Word shows it. Pure Python.

What Word shows is not the text of the runs:

- an automatic list number («3.1.», «а)») is no text at all, Word computes it from the
  numbering definitions (``word_numbering``) and puts it before the paragraph;
- with tracked changes the document holds both versions: the final one is read (insertions
  and moves in, deletions and the places text was moved from out, deleted rows left out);
- fields show their result, not their instruction; hidden text is not shown;
- a tab is a space, a line break a new line, a soft hyphen nothing.
"""

from __future__ import annotations

import io

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from roadmaps.documents.readers import Cell, Grid, Source, tidy
from roadmaps.documents.word_numbering import Numbering, Styles, is_on
from schools.russian import plural
from schools.uploads import DOCX_PART, MAX_ROWS, TooManyRows, open_zip

W_P = qn("w:p")
W_R = qn("w:r")
W_TBL = qn("w:tbl")
W_TR = qn("w:tr")
W_TC = qn("w:tc")
W_SDT_CONTENT = qn("w:sdtContent")
W_PPR = qn("w:pPr")
W_RPR = qn("w:rPr")
W_T = qn("w:t")
W_FLD_CHAR = qn("w:fldChar")
W_FLD_CHAR_TYPE = qn("w:fldCharType")
W_SYM = qn("w:sym")
W_CHAR = qn("w:char")
# Elements that only wrap content that is shown: block-level (content controls, custom XML)
# and inside a paragraph (insertions, moves in, links, smart tags, simple fields).
BLOCK_WRAPPERS = {qn("w:sdt"), W_SDT_CONTENT, qn("w:customXml")}
RUN_WRAPPERS = BLOCK_WRAPPERS | {
    qn("w:ins"),
    qn("w:moveTo"),
    qn("w:hyperlink"),
    qn("w:smartTag"),
    qn("w:fldSimple"),
    qn("w:dir"),
    qn("w:bdo"),
}
# What a run's content shows as text (w:t and w:sym aside). w:delText, w:instrText, drawings
# and note references show none. A page or column break ends the line like a line break.
RUN_CHARACTERS = {
    qn("w:tab"): " ",
    qn("w:ptab"): " ",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "-",
    qn("w:softHyphen"): "",
}
# A paragraph mark deleted (or moved away) as a tracked change: the paragraph runs on into
# the next one.
MARK_GONE = (qn("w:del"), qn("w:moveFrom"))
HIDDEN = (qn("w:vanish"), qn("w:webHidden"))


def read_docx(content: bytes) -> Source:
    """The document's lines and tables; raise ``TooManyRows`` before reading a huge table."""
    check_row_count(content)
    document = Document(io.BytesIO(content))
    styles = Styles(document.styles.element)
    try:
        numbering_xml = document.part.part_related_by(RT.NUMBERING).element
    except KeyError:  # a document that has never had a list
        numbering_xml = None
    return _Reader(styles, Numbering(numbering_xml, styles)).source(document.element.body)


def check_row_count(content: bytes) -> None:
    """Count the table rows of ``word/document.xml`` without building its tree: a streaming
    parse that drops each row and paragraph once read, so memory stays flat however long the
    table is."""
    rows = 0
    with open_zip(content) as archive:
        try:
            part = archive.open(DOCX_PART)
        except KeyError:
            return  # not a Word document: python-docx says so next
        with part:
            parsed = etree.iterparse(
                part, events=("end",), tag=(W_TR, W_P), resolve_entities=False, no_network=True
            )
            try:
                for _, element in parsed:
                    rows += element.tag == W_TR
                    element.clear(keep_tail=True)
                    while element.getprevious() is not None:
                        del element.getparent()[0]
            except etree.XMLSyntaxError:
                return  # a damaged part: python-docx refuses it next
    if rows > MAX_ROWS:
        raise TooManyRows(
            f"В таблице {_thousands(rows)} {plural(rows, 'строка', 'строки', 'строк')}, "
            f"а загрузить можно до {_thousands(MAX_ROWS)}. "
            "Разделите дорожную карту на несколько файлов."
        )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _blocks(parent):
    """Paragraphs and tables in reading order, through content controls and custom XML."""
    for element in parent.iterchildren():
        if element.tag in BLOCK_WRAPPERS:
            yield from _blocks(element)
        elif element.tag in (W_P, W_TBL, W_TR, W_TC):
            yield element


def _runs(parent):
    for element in parent.iterchildren():
        if element.tag == W_R:
            yield element
        elif element.tag in RUN_WRAPPERS:
            yield from _runs(element)
        # w:del, w:moveFrom, w:pPr, bookmarks, proofing marks: nothing that is shown


def _mark_gone(p) -> bool:
    marks = p.find(f"{W_PPR}/{W_RPR}")
    return marks is not None and any(marks.find(tag) is not None for tag in MARK_GONE)


class _Reader:
    """Reads the body in document order: list counters advance as Word's do, paragraph by
    paragraph, through every table cell."""

    def __init__(self, styles: Styles, numbering: Numbering) -> None:
        self.styles = styles
        self.numbering = numbering

    def source(self, body) -> Source:
        blocks: list[str | Grid] = []
        paragraphs: list = []
        for element in _blocks(body):
            if element.tag == W_P:
                paragraphs.append(element)
                continue
            blocks += self._lines(paragraphs)
            paragraphs = []
            if element.tag == W_TBL:
                blocks.append(self._grid(element))
        blocks += self._lines(paragraphs)
        return Source(blocks)

    def _lines(self, paragraphs: list) -> list[str]:
        """One line per paragraph as displayed; a paragraph whose mark was deleted is one
        with the next, and the mark that remains (the next one's) carries the number."""
        lines, group = [], []
        for p in paragraphs:
            group.append(p)
            if not _mark_gone(p):
                lines.append(self._line(group))
                group = []
        if group:
            lines.append(self._line(group))
        return lines

    def _line(self, group: list) -> str:
        text = tidy("".join(self._text(p) for p in group))
        label = self.numbering.label(group[-1])
        if not label:  # not numbered, or a level whose format shows nothing
            return text
        return f"{label} {text}" if text else label

    def _text(self, p) -> str:
        return "".join(text for text, _ in self._pieces(p))

    def _pieces(self, p):
        """(text, run) of each run as shown: complex fields show the part between
        ``separate`` and ``end``, not their instruction; hidden runs show nothing."""
        fields: list[str] = []  # for each field the walk is inside: "code" or "result"
        for r in _runs(p):
            properties = r.find(W_RPR)
            hidden = properties is not None and any(is_on(properties.find(tag)) for tag in HIDDEN)
            for child in r.iterchildren():
                if child.tag == W_FLD_CHAR:
                    kind = child.get(W_FLD_CHAR_TYPE)
                    if kind == "begin":
                        fields.append("code")
                    elif kind == "separate" and fields:
                        fields[-1] = "result"
                    elif kind == "end" and fields:
                        fields.pop()
                elif hidden or "code" in fields:
                    continue
                elif child.tag == W_T:
                    yield child.text or "", r
                elif child.tag == W_SYM:
                    yield _symbol(child), r
                elif child.tag in RUN_CHARACTERS:
                    yield RUN_CHARACTERS[child.tag], r

    def _grid(self, tbl) -> Grid:
        grid: Grid = []
        above: dict[int, Cell] = {}
        for tr in _blocks(tbl):
            if tr.tag != W_TR or _row_deleted(tr):
                continue
            row: list[Cell] = []
            tr_pr = tr.trPr
            before = tr_pr.grid_before if tr_pr is not None else 0
            row += [Cell("", object()) for _ in range(before)]
            for tc in _blocks(tr):
                if tc.tag != W_TC:
                    continue
                column = len(row)
                if tc.vMerge == "continue" and column in above:
                    cell = Cell(above[column].text, above[column].owner, continued=True)
                else:
                    cell = self._cell(tc)
                row += [cell] * tc.grid_span
            above = dict(enumerate(row))
            grid.append(row)
        return grid

    def _cell(self, tc) -> Cell:
        paragraphs = list(self._cell_paragraphs(tc))
        runs = [(r, p) for p in paragraphs for text, r in self._pieces(p) if tidy(text)]
        bold = bool(runs) and all(self.styles.run_bold(r, p) for r, p in runs)
        return Cell(tidy("\n".join(self._lines(paragraphs))), object(), bold=bold)

    def _cell_paragraphs(self, tc):
        """The cell's paragraphs in order, those of a table inside it too."""
        for element in _blocks(tc):
            if element.tag == W_P:
                yield element
            elif element.tag == W_TBL:
                for tr in _blocks(element):
                    if tr.tag == W_TR and not _row_deleted(tr):
                        for inner in _blocks(tr):
                            if inner.tag == W_TC and inner.vMerge != "continue":
                                yield from self._cell_paragraphs(inner)


def _row_deleted(tr) -> bool:
    return tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None


def _symbol(sym) -> str:
    """A character from a symbol font. Its code is often in the private range the font maps
    (U+F000 + the font's own code); below it, the font's code is taken as Latin-1, which is
    right for the hyphens, dashes and signs roadmaps use and wrong for Greek letters."""
    try:
        code = int(sym.get(W_CHAR, ""), 16)
    except ValueError:
        return ""
    return chr(code - 0xF000 if code >= 0xF000 else code)
