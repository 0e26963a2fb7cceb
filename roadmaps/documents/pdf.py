"""A PDF roadmap with a text layer -> ``readers.Source``: lines of text and ruled tables.

1. pdfplumber (on pdfminer.six) finds each page's ruled tables from the lines and rectangles
   drawn as cell borders; every character goes to the cell whose box holds it, or to the text
   outside the tables. A cell merged across or down covers several grid positions, as in Word.
2. A PDF knows lines, not paragraphs. A line ends a paragraph when the first word of the next
   line would have fitted on it (so the author broke it); otherwise the text wrapped, and the
   lines join with a space, or with nothing after a hyphen and inside a word broken because it
   was wider than the cell.
3. A table that goes on over the next page is joined into one grid, its repeated header
   dropped: the grid is then the one the Word table had.

A scan (pages that are pictures, no text) is refused: there is nothing to read. Pure Python.
"""

from __future__ import annotations

import io
import math
import re
import time
from bisect import bisect_right
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils import cluster_objects
from pdfplumber.utils.exceptions import PdfminerException

from roadmaps.documents.readers import Cell, Grid, Source, tidy
from schools.uploads import Damaged, Encrypted, TooManyRows, UnsafeFile

# A roadmap runs to some tens of pages; pdfplumber reads a page of a roadmap table in 0.2–0.3 s
# (most of it pdfminer parsing the page), so this many take a minute or so.
MAX_PAGES = 300
# Pages of a complex drawing can take seconds each: the whole reading stops here.
MAX_SECONDS = 120
SCAN = (
    "Это скан: в PDF нет текстового слоя, таблицу из него не прочитать. "
    "Загрузите исходный документ Word или Excel либо PDF, сохранённый из Word."
)
TABLES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
# A page of a roadmap table draws a few hundred lines; pdfplumber meets every vertical line
# with every horizontal one, so a page of thousands is a drawing, not searched for tables.
MAX_LINES = 4_000

_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,3}[-–—\s]*|(?:стр\.?|страница)\s*\d{1,3}(?:\s*из\s*\d{1,3})?)$", re.I
)
_HYPHENS = "-\u00ad\u2010\u2011"
# Between blocks set side by side in a borderless Word table: two cell margins of 0.19 cm.
GUTTER = 11
_SOFT_HYPHEN = "\u00ad"
# Words of up to three letters that start a phrase on the next line.
_SHORT_WORDS = frozenset(
    "а б в во и к ко о об с со у до за из на не ни но об от по при про для без над под его их".split()
)


@dataclass
class _Line:
    chars: list[dict]
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    space: float  # the width of a space in its font
    reach: float = math.inf  # how far right a block set beside another may run


@dataclass
class _Table:
    grid: Grid
    columns: list[float]  # where each grid column starts, to know a table's next piece
    # Each cell's lines and the width its text may take, by id(owner): to go on with a row
    # that a page break split.
    layout: dict[int, tuple[list[_Line], float]]


def read_pdf(content: bytes) -> list[Source]:
    """The PDF as one source; raise UnsafeFile when it is a scan, locked, damaged or too long."""
    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            return [_read(pdf)]
    except PdfminerException as exc:
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in exc.args):
            raise Encrypted("PDF защищён паролем. Снимите пароль и загрузите файл снова.") from exc
        raise Damaged("Файл повреждён: PDF не удаётся прочитать.") from exc


def _read(pdf) -> Source:
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise TooManyRows(
            f"В PDF {len(pages)} страниц — больше допустимых {MAX_PAGES}. "
            "Загрузите только дорожную карту или её исходный документ Word."
        )
    started = time.monotonic()
    blocks: list[str | _Table] = []
    with_text = scanned = 0
    for page in pages:
        if time.monotonic() - started > MAX_SECONDS:
            raise UnsafeFile(
                "PDF читается слишком долго: в нём сложные рисунки. Загрузите исходный документ Word или Excel."
            )
        if page.chars:
            with_text += 1
            _add_page(blocks, _page_blocks(page))
        elif page.images:
            scanned += 1
        page.close()  # drops the page's parsed objects: a long PDF is read in little memory
    if not with_text or (scanned and not any(isinstance(b, _Table) for b in blocks)):
        raise UnsafeFile(SCAN)
    return Source([b.grid if isinstance(b, _Table) else b for b in blocks])


def _add_page(blocks: list[str | _Table], page: list[str | _Table]) -> None:
    """Append a page's blocks; a table that opens the page continues the one that closed the last."""
    if page and blocks and isinstance(page[0], _Table) and isinstance(blocks[-1], _Table):
        before, after = blocks[-1], page[0]
        if len(before.columns) == len(after.columns) and all(
            abs(a - b) < 2 for a, b in zip(before.columns, after.columns, strict=True)
        ):
            rows = after.grid
            for header in before.grid[:3]:  # a header takes up to three rows
                if not rows or [c.text for c in rows[0]] != [c.text for c in header]:
                    break
                rows = rows[1:]
            if rows and _split_row(before, after, rows[0]):
                rows = rows[1:]
            before.grid.extend(rows)
            before.layout.update(after.layout)
            page = page[1:]
    blocks.extend(page)


def _split_row(before: _Table, after: _Table, row: list[Cell]) -> bool:
    """Join the first row of a table's next piece to the last row of the piece before when it
    is the rest of that row: its first cell does not start a sentence or a number (it is empty,
    or the tail of a word: «14.4» «.», «23.1» «0.»), its cells are merged as those above (a
    section's heading across the table goes on in a heading), and every cell's text goes on from
    the line above it (the line was full). Return whether it was joined."""
    last = before.grid[-1]
    head = row[0].text[:1]
    if len(row) != len(last) or head.isupper() or (head.isdigit() and last[0].text.endswith((".", ")"))):
        return False
    if _spans(row) != _spans(last):
        return False
    pairs = [(a, b) for a, b in zip(last, row, strict=True) if b.text]
    if not pairs or any(a.continued or b.continued for a, b in pairs):
        return False
    for a, b in pairs:
        if a.text:
            lines, width = before.layout[id(a.owner)]
            if _glue(lines[-1], after.layout[id(b.owner)][0][0], width) is None:
                return False
    joined: dict[int, Cell] = {}
    for a, b in pairs:
        if id(a.owner) in joined:
            continue
        lines = before.layout.get(id(a.owner), ([], 0.0))[0] + after.layout[id(b.owner)][0]
        width = before.layout.get(id(a.owner), after.layout[id(b.owner)])[1]
        before.layout[id(a.owner)] = (lines, width)
        joined[id(a.owner)] = Cell(_text(lines, width), a.owner, bold=a.bold and b.bold)
    before.grid[-1] = [joined.get(id(c.owner), c) for c in last]
    return True


def _spans(row: list[Cell]) -> list[int]:
    """Where each cell of the row starts."""
    return [i for i, cell in enumerate(row) if i == 0 or cell.owner is not row[i - 1].owner]


def _page_blocks(page) -> list[str | _Table]:
    """The page's lines of text and its tables, top to bottom."""
    drawn = len(page.lines) + len(page.rects)
    tables = [t for t in page.find_tables(TABLES) if t.cells] if drawn <= MAX_LINES else []
    boxes = [t.bbox for t in tables]
    inside: list[list[dict]] = [[] for _ in tables]
    outside: list[dict] = []
    for char in page.chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        for i, (x0, top, x1, bottom) in enumerate(boxes):
            if x0 <= x <= x1 and top <= y <= bottom:
                inside[i].append(char)
                break
        else:
            outside.append(char)
    lines = _lines(outside, columns=True)
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    items: list[tuple[float, str | _Table]] = [
        (table.bbox[1], _table(table, chars)) for table, chars in zip(tables, inside, strict=True)
    ]
    # The text's margins: a table may stand out past them.
    left = min((line.x0 for line in lines), default=0.0)
    right = max((line.x1 for line in lines), default=0.0)
    # Paragraphs run between tables, never across one.
    for run in _runs(lines, [b[1] for b in boxes]):
        for paragraph in _paragraphs(run, _widths(run, left, right)):
            items.append((run[0].top, paragraph))
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


def _runs(lines: list[_Line], tops: list[float]) -> list[list[_Line]]:
    runs: list[list[_Line]] = []
    for line in lines:
        if runs and not any(runs[-1][-1].top < top < line.top for top in tops):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _table(table, chars: list[dict]) -> _Table:
    """A pdfplumber table as a grid; a merged cell fills every position it covers."""
    cells = table.cells
    columns = sorted({round(c[0], 1) for c in cells})
    rows = sorted({round(c[1], 1) for c in cells})
    owner_at: dict[tuple[int, int], int] = {}
    start: list[tuple[int, int]] = []
    for k, (x0, top, x1, bottom) in enumerate(cells):
        r0, c0 = rows.index(round(top, 1)), columns.index(round(x0, 1))
        start.append((r0, c0))
        for r in range(r0, len(rows)):
            if rows[r] >= bottom - 0.5:
                break
            for c in range(c0, len(columns)):
                if columns[c] >= x1 - 0.5:
                    break
                owner_at[(r, c)] = k
    held: list[list[dict]] = [[] for _ in cells]
    for char in chars:
        x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        k = owner_at.get((bisect_right(rows, y) - 1, bisect_right(columns, x) - 1))
        if k is not None:
            held[k].append(char)
    tops: list[Cell] = []
    below: list[Cell] = []
    layout: dict[int, tuple[list[_Line], float]] = {}
    for k, box in enumerate(cells):
        lines = _lines(held[k])
        width = _inner_width(lines, box)
        text = _text(lines, width)
        letters = [c for c in held[k] if not c["text"].isspace()]
        owner = object()
        tops.append(Cell(text, owner, bold=bool(letters) and all(_is_bold(c) for c in letters)))
        below.append(Cell(text, owner, continued=True))
        if lines:
            layout[id(owner)] = (lines, width)
    grid: Grid = []
    for r in range(len(rows)):
        row = []
        for c in range(len(columns)):
            k = owner_at.get((r, c))
            if k is None:
                row.append(Cell("", object()))
            else:
                row.append(tops[k] if start[k][0] == r else below[k])
        grid.append(row)
    return _Table(grid, columns, layout)


def _is_bold(char: dict) -> bool:
    return "bold" in char["fontname"].lower()


def _inner_width(lines: list[_Line], box: tuple[float, float, float, float]) -> float:
    """The width a cell's text may take: the cell's less its inner margin on either side, the
    narrower gap between its text and its left or right border."""
    if not lines:
        return box[2] - box[0]
    margin = max(0.0, min(min(line.x0 for line in lines) - box[0], box[2] - max(line.x1 for line in lines)))
    return box[2] - box[0] - 2 * margin


def _text(lines: list[_Line], width: float) -> str:
    return tidy("\n".join(_paragraphs(lines, [width] * len(lines))))


def _lines(chars: list[dict], *, columns: bool = False) -> list[_Line]:
    """Characters grouped into lines, top to bottom, each left to right. With ``columns``, a
    line is cut where a wide gap parts two blocks set side by side («СОГЛАСОВАНО»
    «УТВЕРЖДАЮ»), and the lines of such blocks come block after block, as Word's borderless
    table of them reads."""
    lines: list[list[_Line]] = []
    for group in cluster_objects([c for c in chars if c["upright"]], "top", tolerance=3):
        group.sort(key=lambda c: c["x0"])
        pieces: list[list[dict]] = [[]]
        for char in group:
            kept = pieces[-1]
            if kept and char["text"] == kept[-1]["text"] and abs(char["x0"] - kept[-1]["x0"]) < 1:
                continue  # the same letter printed twice over (a fake bold)
            if columns and kept and char["x0"] - kept[-1]["x1"] > 4 * char["size"]:
                pieces.append([])
            pieces[-1].append(char)
        found = [line for piece in pieces if (line := _line(piece))]
        if found:
            lines.append(found)
    return _block_after_block(lines)


def _line(chars: list[dict]) -> _Line | None:
    shown = [c for c in chars if not c["text"].isspace()]
    if not shown:
        return None
    text = []
    for i, char in enumerate(chars):
        if i and char["x0"] - chars[i - 1]["x1"] > 0.2 * char["size"] and not chars[i - 1]["text"].isspace():
            text.append(" ")  # a PDF that places words without a space between them
        text.append(char["text"])
    spaces = [c["width"] for c in chars if c["text"] == " "]
    return _Line(
        chars=chars,
        text=" ".join("".join(text).split()),
        x0=min(c["x0"] for c in shown),
        x1=max(c["x1"] for c in shown),
        top=min(c["top"] for c in shown),
        bottom=max(c["bottom"] for c in shown),
        space=min(spaces) if spaces else 0.25 * max(c["size"] for c in shown),
    )


def _block_after_block(rows: list[list[_Line]]) -> list[_Line]:
    """Lines in reading order: where lines are cut in two or more pieces, one after another,
    the pieces of each block come together, the left block first."""
    ordered: list[_Line] = []
    i = 0
    while i < len(rows):
        if len(rows[i]) == 1:
            ordered += rows[i]
            i += 1
            continue
        # Side by side until a line that spans the parting, or a gap wider than a blank line.
        parting = rows[i][1].x0
        band = [rows[i]]
        while i + len(band) < len(rows):
            below, above = rows[i + len(band)][0], band[-1][0]
            if any(p.x0 < parting < p.x1 for p in rows[i + len(band)]):
                break
            if below.top - above.bottom > 1.5 * (above.bottom - above.top):
                break
            band.append(rows[i + len(band)])
        pieces = [p for row in band for p in row]
        left = [p for p in pieces if p.x1 <= parting]
        for piece in left:
            piece.reach = parting - GUTTER
        ordered += left + [p for p in pieces if p.x1 > parting]
        i += len(band)
    return ordered


def _widths(lines: list[_Line], left: float, right: float) -> list[float]:
    """The width each line of text outside the tables could take.

    A line that starts at the left margin, or a paragraph's first line indented above one that
    does, may run to the right margin, or to the next block set beside it; so may lines that
    start at one indent. Lines set off from the left margin one after another, at varying
    indents, are centred or set to the right (an approval block, a title): as wide as the widest of them;
    there, a line that starts with a capital starts a paragraph («…от 19.02.2021 № 398/2»
    «Утверждена: …»), which reads as a line that could have been as wide as it liked.
    """
    indented = [line.x0 > left + 2 for line in lines]
    widths = [min(right, line.reach) - line.x0 for line in lines]
    start = 0
    while start < len(lines):
        end = start
        while (
            end + 1 < len(lines)
            and indented[end]
            and indented[end + 1]
            and _glue_gap(lines[end], lines[end + 1])
        ):
            end += 1
        if end > start and len({round(line.x0) for line in lines[start : end + 1]}) > 1:
            widest = max(line.x1 - line.x0 for line in lines[start : end + 1])
            for i in range(start, end):
                widths[i] = math.inf if lines[i + 1].text[:1].isupper() else widest
        start = end + 1
    return widths


def _glue_gap(before: _Line, line: _Line) -> bool:
    """No blank gap between the lines: they may be one paragraph."""
    return line.top - before.bottom <= 0.5 * (before.bottom - before.top)


def _paragraphs(lines: list[_Line], widths: list[float]) -> list[str]:
    """Lines joined where the text wrapped, kept apart where the author broke them; ``widths``
    says how wide each line could have been."""
    paragraphs: list[str] = []
    before: _Line | None = None
    for line, width in zip(lines, [0.0, *widths], strict=False):
        if before is None:
            paragraphs.append(line.text)
        else:
            glue = _glue(before, line, width)
            if glue is None:
                paragraphs.append(line.text)
            else:
                last = paragraphs[-1]
                if glue == "" and last.endswith(_SOFT_HYPHEN):
                    last = last[:-1]
                paragraphs[-1] = last + glue + line.text
        before = line
    return paragraphs


def _glue(before: _Line, line: _Line, width: float) -> str | None:
    """How the line goes on from the one before: " ", "", or None when it starts a paragraph."""
    if not _glue_gap(before, line):
        return None  # a blank gap: paragraph spacing
    first = line.text.split(" ")[0]
    tail, head = before.text[-2:], line.text[:1]
    if tail[-1:] in tuple(".;:!?") and (head.isupper() or head in tuple("-–—•")):
        return None  # a sentence ends, a heading or an item starts: «…корректировки.» «Целевые показатели:»
    if len(tail) == 2 and tail[1] in _HYPHENS and tail[0].isalnum() and head.isalnum():
        return ""  # «семинара-» «практикума», «2023-» «2024»
    taken = before.x1 - before.x0
    # A word wider than the cell is broken where it reached the border, a few letters from its
    # end («Ответственны» «й», «1.10» «.»). A word that merely filled the line is followed by
    # a whole word («Управление» «образования») or a short one («заместитель» «по»); one with
    # a hyphen would have been broken there («Август-» «сентябрь»).
    alone = not any(c in before.text for c in " " + _HYPHENS)
    rest = len(first) <= 3 and first.lower().strip(",.;:") not in _SHORT_WORDS
    if (
        alone
        and rest
        and taken + _width(line, 1) > width - 1
        and not (head.isupper() and before.text[-1:].islower())
    ):
        return ""
    if taken + before.space + _width(line, len(first)) > width - 0.5:
        return " "  # the next word did not fit: the text wrapped
    return None


def _width(line: _Line, letters: int) -> float:
    """The width of the line's first letters."""
    shown = [c for c in line.chars if not c["text"].isspace()][:letters]
    return shown[-1]["x1"] - shown[0]["x0"] if shown else 0.0
