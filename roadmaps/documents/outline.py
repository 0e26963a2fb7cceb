"""The rows of a roadmap's table -> its sections, activities and sub-rows, as a person
reads them: by the document's outline, not by position alone (``_Builder`` says how).

The importer finds the table and its pieces; this module reads the rows in order. Pure Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from roadmaps.documents.columns import Field
from roadmaps.documents.preamble import is_signature, is_signature_part
from roadmaps.documents.readers import Cell, Grid

_SECTION_NUMBER = re.compile(r"^((?:[IVXLC]{1,5}|\d{1,2})(?:\.\d{1,2})*)[.)]?\s+(\S.*)$", re.S)
ROW_NUMBER = re.compile(r"^(?:[IVXLC]{1,5}|\d{1,3})(?:[.)]\d{0,3})*\.{0,2}\)?$")
_CONTINUES = re.compile(r"^[a-zа-яё,;:)»\]]")
_STAGE = re.compile(r"\bэтап\b", re.I)
# «Раздел 2. Организационные мероприятия», «Этап 1. Подготовительный», «Итоговый этап».
_LABELLED = re.compile(
    r"^(раздел|этап|блок|модуль)\s+((?:[IVXLC]{1,5}|\d{1,2})(?:\.\d{1,2})*)[.):]?\s*(.*)$", re.I | re.S
)
_HEADING_WORDS = re.compile(r"^(?:раздел|этап|блок|модуль)\s+(?:[IVXLC]{1,5}|\d)|\bэтап\W*$", re.I)
_BULLET = re.compile(r"^[-–—•·▪]")
_ROMAN = re.compile(r"^[IVXLC]{1,5}[.)]?$")


def read_rows(
    header: Grid, pieces: list[Grid], columns: list[Field | None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(sections, activities before any section, the text of the signature rows at the end)."""
    lines, signatures = _without_signatures(_lines(header, pieces, columns))
    builder = _Builder(columns, lines)
    builder.build()
    sections = [_finish(s) for s in builder.sections]
    return sections, [row.as_dict() for row in builder.loose], signatures


def row_texts(row: list[Cell]) -> list[str]:
    """The lines of a row's cells, each merged cell once."""
    return [line for cell in distinct(row) if not cell.continued for line in cell.text.split("\n") if line]


def is_column_numbers(row: list[Cell]) -> bool:
    """The row «1 2 3 4 5» under a header."""
    texts = [c.text for c in distinct(row) if c.text]
    return (
        len(texts) >= 2
        and all(t.isdigit() for t in texts)
        and texts == [str(i) for i in range(1, len(texts) + 1)]
    )


def distinct(row: list[Cell]) -> list[Cell]:
    """The row's cells, a cell merged across columns once."""
    out, seen = [], set()
    for cell in row:
        if id(cell.owner) not in seen:
            seen.add(id(cell.owner))
            out.append(cell)
    return out


@dataclass
class _Row:
    number: str
    content: str
    deadline: str
    responsible: str
    expected_result: str
    children: list[_Row] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "content": self.content,
            "deadline": self.deadline,
            "responsible": self.responsible,
            "expected_result": self.expected_result,
            "children": [child.as_dict() for child in self.children],
        }

    @property
    def has_deadline_or_executor(self) -> bool:
        return bool(self.deadline or self.responsible)


@dataclass
class _Line:
    """One row of the table read through its columns."""

    cells: list[Cell]
    row: _Row
    merged_number: bool  # the number cell runs down from the row above
    bare: bool  # text only in the number and content columns
    bold: bool  # the content is bold
    starts_piece: bool  # the first row of a table continued after a page break


def _lines(header_rows: Grid, pieces: list[Grid], columns: list[Field | None]) -> list[_Line]:
    """The rows of every piece, without blank rows. A header repeated inside a piece, or
    its row of column numbers, is a cut too: the top of the next page."""
    header = [_folded(row) for row in header_rows]
    out: list[_Line] = []
    for piece in pieces:
        cut = bool(out)
        for cells in piece:
            if not any(c.text for c in cells):
                continue
            if is_column_numbers(cells) or _folded(cells) in header:
                cut = bool(out)
                continue
            out.append(_line(cells, columns, starts_piece=cut))
            cut = False
    return out


def _folded(row: list[Cell]) -> list[str]:
    return [" ".join(c.text.split()).lower() for c in row]


def _line(cells: list[Cell], columns: list[Field | None], *, starts_piece: bool) -> _Line:
    values = _values(cells, columns)
    number_cell = next((c for c, f in zip(cells, columns, strict=False) if f == Field.NUMBER), None)
    merged_number = bool(number_cell and number_cell.continued and number_cell.text)
    row = _Row(
        number="" if merged_number else values.get(Field.NUMBER, "").replace("\n", " "),
        content=values.get(Field.CONTENT, ""),
        deadline=values.get(Field.DEADLINE, ""),
        responsible=values.get(Field.RESPONSIBLE, ""),
        expected_result=values.get(Field.RESULT, ""),
    )
    others = [c for c, f in zip(cells, columns, strict=False) if f not in (Field.NUMBER, Field.CONTENT)]
    content = [c for c, f in zip(cells, columns, strict=False) if f == Field.CONTENT and c.text]
    return _Line(
        cells=cells,
        row=row,
        merged_number=merged_number,
        bare=not merged_number and not any(c.text for c in others),
        bold=bool(content) and all(c.bold for c in content),
        starts_piece=starts_piece,
    )


def _without_signatures(lines: list[_Line]) -> tuple[list[_Line], list[str]]:
    """The rows without the signature rows at the end of the table, and those rows' text.

    The rows at the end that hold nothing but positions, names, dates and signature marks
    (and no row number) are left out when together they make a signature."""
    start = len(lines)
    while start > max(0, len(lines) - 8):
        line = lines[start - 1]
        numbered = bool(line.row.number and ROW_NUMBER.match(line.row.number))
        if numbered or not all(is_signature_part(t) for t in row_texts(line.cells)):
            break
        start -= 1
    texts = [t for line in lines[start:] for t in row_texts(line.cells)]
    if not is_signature(texts):
        return lines, []
    return lines[:start], texts


def _numbers_its_rows(lines: list[_Line]) -> bool:
    """Whether the roadmap numbers its activities (most rows with a deadline or an executor
    carry a number)."""
    rows = [line.row for line in lines if line.row.has_deadline_or_executor]
    return bool(rows) and sum(bool(r.number) for r in rows) * 2 >= len(rows)


def _extends(number: str, below: str) -> bool:
    """«9.1» goes on from «9.» or «9»; «2..» does not go on from «2.»."""
    base = number.rstrip(".) ")
    return bool(base) and bool(re.match(re.escape(base) + r"[.)]\s*\d", below))


def _values(row: list[Cell], columns: list[Field | None]) -> dict[Field, str]:
    values: dict[Field, list[str]] = {}
    seen: set[int] = set()
    for cell, column in zip(row, columns, strict=False):
        if column is None or id(cell.owner) in seen:
            continue
        seen.add(id(cell.owner))
        if cell.text:
            values.setdefault(column, []).append(cell.text)
    return {f: "\n".join(v) for f, v in values.items()}


def _continues(row: _Row) -> bool:
    """The rest of the row above, carried onto the next page: no number, and text that
    starts in lower case or nothing in the content column at all."""
    return not row.content or bool(_CONTINUES.match(row.content))


def _join(into: _Row, rest: _Row) -> None:
    """Each column's text goes on in the same column above."""
    for name in ("content", "deadline", "responsible", "expected_result"):
        more = getattr(rest, name)
        if more:
            before = getattr(into, name)
            glue = "\n" if before.endswith((".", ";", ":")) else " "
            setattr(into, name, f"{before}{glue}{more}" if before else more)


def _section_text(row: list[Cell], columns: list[Field | None]) -> str | None:
    """The heading as printed when one cell (maybe after the number) runs across the table."""
    filled = [c for c in distinct(row) if c.text]
    if not filled:
        return None
    spans = {id(c.owner): sum(1 for x in row if x.owner is c.owner) for c in filled}
    widest = max(filled, key=lambda c: spans[id(c.owner)])
    if len(row) > 2 and spans[id(widest.owner)] >= len(row) - 1:
        rest = [c.text for c in filled if c is not widest]
        if len(rest) == 1 and columns and columns[0] == Field.NUMBER and rest[0] == row[0].text:
            return f"{rest[0]} {widest.text}"
        if not rest:
            return widest.text
    return None


class _Builder:
    """Reads the rows in order into sections, activities and sub-rows.

    What tells a section from an activity with sub-rows, in the documents departments type:

    - A cell running across the table is a section; so is a row with text only in the
      number and content columns when it names itself one («Раздел 2. …», «Этап …»,
      «Итоговый этап»), or holds a heading in the number column instead of a number.
    - Numbering is the document's outline. A row with a number and content but no
      deadline, executor or result is the section «9. …» when the next row carries a
      number under it («9.» then «9.1», «9.2», … each with its own deadline and executor,
      or a heading «9.1» of its own), or when it is numbered in Roman numerals over rows
      numbered in Arabic («II» over «5.»). The parts of one activity are not numbered:
      «7.2 Проведение мониторинга:» followed by unnumbered «- …» rows with their own
      deadlines is an activity with sub-rows — as are the rows under a number merged
      down over them.
    - Bold text alone in the content column (the number cell empty or holding a number)
      is a section heading, unless the roadmap numbers its rows and unnumbered rows with
      their own deadlines follow it (then it is an activity over its parts, typed bold).
    - At the cut between two pieces of a table continued on the next page, the first row
      without a number, in a roadmap that numbers its rows, is the rest of the row above,
      whatever letter it starts with — unless it is one more «- …» part of the activity
      above, or bold under a row that was not. Inside one piece the rest of a row is only
      told by starting in lower case (or by an empty content cell).
    """

    def __init__(self, columns: list[Field | None], lines: list[_Line]) -> None:
        self.columns = columns
        self.lines = lines
        self.numbered = _numbers_its_rows(lines)
        self.sections: list[dict[str, Any]] = []
        self.loose: list[_Row] = []  # rows before any section
        self.section: dict[str, Any] | None = None
        self.stage: dict[str, Any] | None = None
        self.path: list[dict[str, Any]] = []  # the numbered sections open, outermost first
        self.top: _Row | None = None  # the last top-level row
        self.last: _Row | None = None  # the last row read, for page-break continuations
        self.last_bold = False
        self.parent: _Row | None = None  # an activity whose sub-rows may follow

    def build(self) -> None:
        for i, line in enumerate(self.lines):
            self.add(line, self.lines[i + 1] if i + 1 < len(self.lines) else None)

    def add(self, line: _Line, below: _Line | None) -> None:
        heading = self._heading(line, below)
        if heading is not None:
            self._section(heading)
            return
        current = line.row
        if line.merged_number and self.top is not None:
            # The number cell runs down from the activity above: this is one of its sub-rows.
            self.parent = self.top
        if self._rest_at_cut(line):
            _join(self.last, current)
            return
        if self.parent is not None and (line.merged_number or self._is_subrow(current)):
            self.parent.children.append(current)
            self.last, self.last_bold = current, line.bold
            return
        if self.last is not None and not current.number and _continues(current):
            _join(self.last, current)
            return
        (self.section["_rows"] if self.section is not None else self.loose).append(current)
        self.top = self.last = current
        self.last_bold = line.bold
        # An activity with no deadline and no executor of its own heads sub-rows that have them.
        self.parent = current if not current.has_deadline_or_executor else None

    def _heading(self, line: _Line, below: _Line | None) -> str | None:
        """The section heading as printed, when the row is one."""
        merged = _section_text(line.cells, self.columns)
        if merged is not None or not line.bare:
            return merged
        number, content = line.row.number, line.row.content
        text = " ".join(filter(None, [number, content]))
        if number and not ROW_NUMBER.match(number):
            return text  # a heading typed into the number column
        if _HEADING_WORDS.search(text):
            return text
        if not content:
            return None
        if number and not line.row.expected_result and below is not None:
            if _extends(number, below.row.number) and (below.row.has_deadline_or_executor or below.bare):
                return text
            if _ROMAN.match(number) and below.row.number[:1].isdigit() and below.row.has_deadline_or_executor:
                return text
        if line.bold and not (line.starts_piece and self.last is not None and self.last_bold):
            parts_follow = (
                self.numbered
                and below is not None
                and not below.row.number
                and below.row.has_deadline_or_executor
            )
            if not parts_follow:
                return text
        return None

    def _rest_at_cut(self, line: _Line) -> bool:
        row = line.row
        if not (line.starts_piece and self.numbered and self.last is not None):
            return False
        if row.number or line.merged_number:
            return False
        another_part = (
            self.parent is not None and row.has_deadline_or_executor and bool(_BULLET.match(row.content))
        )
        return not another_part

    def _outer(self, number: str) -> dict[str, Any] | None:
        """The open section «1» or «1.1» a section «1.1.2» goes in."""
        while number and self.path:
            if number.startswith(self.path[-1]["number"] + ".") and self.path[-1]["number"]:
                return self.path[-1]
            self.path.pop()
        return None

    def _is_subrow(self, row: _Row) -> bool:
        if row.content and _CONTINUES.match(row.content):
            return False
        if row.number and not row.number.startswith(self.parent.number.rstrip(".") + "."):
            return False
        return row.has_deadline_or_executor

    def _section(self, heading: str) -> None:
        kind = "stage" if _STAGE.search(heading) else "section"
        if labelled := _LABELLED.match(heading):
            word, number, title = labelled.groups()
            kind = "stage" if word.lower() == "этап" else "section"
            if not title.strip():
                number, title = "", heading
        elif match := _SECTION_NUMBER.match(heading):
            number, title = match.group(1), match.group(2)
        else:
            number, title = "", heading
        number = number.rstrip(".")
        section: dict[str, Any] = {
            "kind": "section",
            "number": number,
            "title": title.strip(),
            "heading": heading.strip(),
            "_rows": [],
            "subsections": [],
        }
        if kind == "stage":
            section["kind"] = "stage"
            self.sections.append(section)
            self.stage = section
            self.path = []
        elif self.stage is not None and not number:
            section["kind"] = "heading"
            self.stage["subsections"].append(section)
        elif (outer := self._outer(number)) is not None:
            outer["subsections"].append(section)
            self.path.append(section)
        else:
            self.sections.append(section)
            self.stage = None
            self.path = [section]
        self.section = section
        self.top = self.last = self.parent = None
        self.last_bold = False


def _finish(section: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": section["kind"],
        "number": section["number"],
        "title": section["title"],
        "heading": section["heading"],
        "activities": [row.as_dict() for row in section["_rows"]],
        "subsections": [_finish(s) for s in section["subsections"]],
    }
