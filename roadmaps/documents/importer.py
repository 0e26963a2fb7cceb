"""A DOCX or XLSX roadmap -> the structured form of ``fixtures/seeds/*.json``.

1. uploads.check_upload decides the format and refuses bombs, DTDs and damaged files.
2. formats picks the reader (word, excel, …) that turns it into lines of text and grids of cells.
3. The roadmap table is the first whose header names a deadline and a responsible
   column; a header may take two rows, and a row of column numbers may follow it.
   Tables right after it with the same columns continue it (a document cut in pieces by
   page breaks, its header repeated or not); a split row is rejoined at the cut.
4. Stamps and signatures before and after the roadmap, and signature rows at the end of its
   table, are told by what they hold (``preamble.is_signature``) and left out of the rows.
5. Rows become sections, activities, sub-rows of an activity, or the rest of the row above
   cut by a page break (``_Builder`` says how they are told apart).
6. The text above the table gives the approval block, title, goal and tasks; the stamps and
   signatures give the approver when the approval block names none.

Pure Python: nothing here touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from roadmaps.deadlines import parse_deadline
from roadmaps.documents.columns import FIELD_ORDER, Field, classify
from roadmaps.documents.formats import read_sources
from roadmaps.documents.preamble import infer_period, is_signature, is_signature_part, read_preamble
from roadmaps.documents.readers import Cell, Grid, Source
from roadmaps.responsible import OrgKind, RefKind, recognise
from roadmaps.uploads import UnsafeFile, check_upload

_SECTION_NUMBER = re.compile(r"^((?:[IVXLC]{1,5}|\d{1,2})(?:\.\d{1,2})*)[.)]?\s+(\S.*)$", re.S)
_ROW_NUMBER = re.compile(r"^(?:[IVXLC]{1,5}|\d{1,3})(?:[.)]\d{0,3})*\.{0,2}\)?$")
_CONTINUES = re.compile(r"^[a-zа-яё,;:)»\]]")
_STAGE = re.compile(r"\bэтап\b", re.I)
# «Раздел 2. Организационные мероприятия», «Этап 1. Подготовительный», «Итоговый этап».
_LABELLED = re.compile(
    r"^(раздел|этап|блок|модуль)\s+((?:[IVXLC]{1,5}|\d{1,2})(?:\.\d{1,2})*)[.):]?\s*(.*)$", re.I | re.S
)
_HEADING_WORDS = re.compile(r"^(?:раздел|этап|блок|модуль)\s+(?:[IVXLC]{1,5}|\d)|\bэтап\W*$", re.I)
_BULLET = re.compile(r"^[-–—•·▪]")
# The line over the second piece of a table cut by a page: «Продолжение таблицы 1».
_CONTINUED_LABEL = re.compile(r"^(?:продолжение|окончание)\s+(?:таблицы|табл\.)", re.I)


def import_roadmap(content: bytes, filename: str = "") -> dict[str, Any]:
    """Read a roadmap file; raise UnsafeFile with a Russian message when it cannot be read."""
    kind = check_upload(content)
    try:
        sources = read_sources(content, kind)
    except UnsafeFile:
        raise
    except Exception as exc:  # noqa: BLE001 - a library failing on a damaged part
        raise UnsafeFile("Файл повреждён: его содержимое не удаётся прочитать.") from exc
    for source in sources:
        found = _find_table(source)
        if found is not None:
            return _structure(found, filename)
    raise UnsafeFile(
        "В файле не найдена таблица дорожной карты: нужна таблица, в заголовке которой есть "
        "столбцы «Сроки» и «Ответственный»."
    )


@dataclass
class _Table:
    preamble: list[str]
    signatures: list[str]  # stamps and signatures after the roadmap (and at the end of its table)
    columns: list[Field | None]  # per grid column
    titles: list[str]  # the document's headings, one per distinct column
    header: Grid  # one or two rows
    pieces: list[Grid]  # the table's rows, one grid per piece of a table cut by page breaks


def _find_table(source: Source) -> _Table | None:
    lines: list[str] = []
    blocks = source.blocks
    for index, block in enumerate(blocks):
        if isinstance(block, str):
            lines.append(block)
            continue
        header = _header(block)
        if header is None:
            # An approval block or a signature laid out in a borderless table.
            lines += _grid_lines(block)
            continue
        start, taken, columns, titles = header
        pieces = [block[start + taken :]]
        # A roadmap cut into several tables (page breaks, pasted pieces) goes on in them; a
        # signature table of the same width is taken too, and its rows left out as the
        # signature rows at the end of the table are.
        after = index + 1
        while after < len(blocks):
            later = blocks[after]
            if isinstance(later, str):
                if later.strip() and not _CONTINUED_LABEL.match(later.strip()):
                    break
            elif later and len(later[0]) == len(columns):
                pieces.append(later[_repeated_header(later) :])
            else:
                break
            after += 1
        # An XLSX sheet is one grid: the rows above its header are the preamble.
        return _Table(
            lines + _grid_lines(block[:start]),
            _lines_after(blocks[after:]),
            columns,
            titles,
            block[start : start + taken],
            pieces,
        )
    return None


def _repeated_header(grid: Grid) -> int:
    """How many rows at the top of a continuing piece repeat the header (0 when it has none)."""
    again = _header(grid)
    if again is None or any(any(c.text for c in row) for row in grid[: again[0]]):
        return 0
    return again[0] + again[1]


def _lines_after(blocks: list[str | Grid]) -> list[str]:
    """The text after the roadmap, for the signature under it: paragraphs, and the tables
    that hold a signature (a borderless table «Начальник … | ____ И.О. Фамилия»)."""
    lines: list[str] = []
    for block in blocks[:40]:
        if isinstance(block, str):
            lines.append(block)
        elif _header(block) is not None:
            break
        elif any(is_signature(_row_texts(row)) for row in block):
            lines += _grid_lines(block)
    return lines


def _grid_lines(grid: Grid) -> list[str]:
    return [text for row in grid for text in _row_texts(row)]


def _row_texts(row: list[Cell]) -> list[str]:
    return [line for cell in _distinct(row) if not cell.continued for line in cell.text.split("\n") if line]


def _header(grid: Grid) -> tuple[int, int, list[Field | None], list[str]] | None:
    """(first header row, rows it takes, field per grid column, headings) of a roadmap grid."""
    for r in range(min(len(grid), 40)):
        row = grid[r]
        texts = [cell.text for cell in row]
        taken = 1
        if r + 1 < len(grid) and _continues_header(row, grid[r + 1]):
            below = grid[r + 1]
            texts = [
                " ".join(filter(None, [a, "" if b.continued or b.owner is row[i].owner else b.text]))
                for i, (a, b) in enumerate(zip(texts, below, strict=False))
            ]
            taken = 2
        columns = [classify(text) for text in texts]
        if Field.DEADLINE in columns and Field.RESPONSIBLE in columns:
            columns = _complete(columns, grid[r + taken :])
            if r + taken < len(grid) and _is_column_numbers(grid[r + taken]):
                taken += 1
            titles, seen = [], set()
            for text, column in zip(texts, columns, strict=False):
                if column in FIELD_ORDER and text and text not in seen:
                    seen.add(text)
                    titles.append(text)
            return r, taken, columns, titles
        if r >= 3 and not (_is_preamble_row(row) or is_signature(_row_texts(row))):
            return None
    return None


def _is_preamble_row(row: list[Cell]) -> bool:
    """An XLSX sheet has its title and goal in rows above the table: one text per row."""
    return len({id(c.owner) for c in row if c.text}) <= 1


def _continues_header(row: list[Cell], below: list[Cell]) -> bool:
    if _is_column_numbers(below) or not any(c.text for c in below):
        return False
    merged_down = any(b.continued for b in below)
    split_under = any(
        row[i].owner is row[i + 1].owner and below[i].owner is not below[i + 1].owner
        for i in range(min(len(row), len(below)) - 1)
    )
    return merged_down or split_under


def _is_column_numbers(row: list[Cell]) -> bool:
    texts = [c.text for c in _distinct(row) if c.text]
    return (
        len(texts) >= 2
        and all(t.isdigit() for t in texts)
        and texts == [str(i) for i in range(1, len(texts) + 1)]
    )


def _distinct(row: list[Cell]) -> list[Cell]:
    out, seen = [], set()
    for cell in row:
        if id(cell.owner) not in seen:
            seen.add(id(cell.owner))
            out.append(cell)
    return out


def _complete(columns: list[Field | None], rows: Grid) -> list[Field | None]:
    """Name the columns whose heading says nothing by what is in them."""
    columns = list(columns)
    sample = [row for row in rows[:60] if len(_distinct(row)) > 2]
    if Field.NUMBER not in columns and columns and columns[0] is None:
        values = [row[0].text for row in sample if row and row[0].text]
        if values and sum(bool(_ROW_NUMBER.match(v)) for v in values) >= 0.8 * len(values):
            columns[0] = Field.NUMBER
    if Field.CONTENT not in columns:
        unnamed = [i for i, f in enumerate(columns) if f is None]
        if unnamed:
            longest = max(unnamed, key=lambda i: sum(len(row[i].text) for row in sample if i < len(row)))
            columns[longest] = Field.CONTENT
    return columns


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
    def has_own_dates(self) -> bool:
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


def _lines(table: _Table) -> list[_Line]:
    """The rows of every piece, without blank rows. A header repeated inside a piece, or
    its row of column numbers, is a cut too: the top of the next page."""
    header = [_folded(row) for row in table.header]
    out: list[_Line] = []
    for piece in table.pieces:
        cut = bool(out)
        for cells in piece:
            if not any(c.text for c in cells):
                continue
            if _is_column_numbers(cells) or _folded(cells) in header:
                cut = bool(out)
                continue
            out.append(_line(cells, table.columns, starts_piece=cut))
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
        numbered = bool(line.row.number and _ROW_NUMBER.match(line.row.number))
        if numbered or not all(is_signature_part(t) for t in _row_texts(line.cells)):
            break
        start -= 1
    texts = [t for line in lines[start:] for t in _row_texts(line.cells)]
    if not is_signature(texts):
        return lines, []
    return lines[:start], texts


def _numbers_its_rows(lines: list[_Line]) -> bool:
    """Whether the roadmap numbers its activities (most rows with a deadline or an executor
    carry a number)."""
    rows = [line.row for line in lines if line.row.has_own_dates]
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
    distinct = [c for c in _distinct(row) if c.text]
    if not distinct:
        return None
    spans = {id(c.owner): sum(1 for x in row if x.owner is c.owner) for c in distinct}
    widest = max(distinct, key=lambda c: spans[id(c.owner)])
    if len(row) > 2 and spans[id(widest.owner)] >= len(row) - 1:
        rest = [c.text for c in distinct if c is not widest]
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
      deadline, executor or result, whose next row carries a number under it («9.» then
      «9.1», «9.2», … each with its own deadline and executor, or a heading «9.1» of its
      own), is the section «9. …» holding them. The parts of one activity are not numbered: «7.2 Проведение
      мониторинга:» followed by unnumbered «- …» rows with their own deadlines is an
      activity with sub-rows — as are the rows under a number merged down over them.
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
        self.parent = current if not current.has_own_dates else None

    def _heading(self, line: _Line, below: _Line | None) -> str | None:
        """The section heading as printed, when the row is one."""
        merged = _section_text(line.cells, self.columns)
        if merged is not None or not line.bare:
            return merged
        number, content = line.row.number, line.row.content
        text = " ".join(filter(None, [number, content]))
        if number and not _ROW_NUMBER.match(number):
            return text  # a heading typed into the number column
        if _HEADING_WORDS.search(text):
            return text
        if not content:
            return None
        if number and not line.row.expected_result and below is not None:
            if _extends(number, below.row.number) and (below.row.has_own_dates or below.bare):
                return text
        if line.bold and not (line.starts_piece and self.last is not None and self.last_bold):
            parts_follow = (
                self.numbered and below is not None and not below.row.number and below.row.has_own_dates
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
        another_part = self.parent is not None and row.has_own_dates and bool(_BULLET.match(row.content))
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
        return row.has_own_dates

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


def _structure(table: _Table, filename: str) -> dict[str, Any]:
    lines, signatures = _without_signatures(_lines(table))
    builder = _Builder(table.columns, lines)
    builder.build()
    meta = read_preamble(table.preamble, after=signatures + table.signatures)
    sections = [_finish(s) for s in builder.sections]
    activities = [row.as_dict() for row in builder.loose]
    approval = meta["approval"]
    approval_date = date.fromisoformat(approval["date"]) if approval["date"] else None
    deadlines = [a["deadline"] for a in _all_rows(sections, activities)]
    years = [int(y) for text in deadlines for y in re.findall(r"\b(20\d\d)\b", text)]
    title = meta["title"] or "Дорожная карта"
    period = meta["period"] or infer_period(title, years, approval_date)
    return {
        "key": "",
        "source_file": filename,
        "level": "municipal",
        "title": title,
        "period_start": period[0].isoformat(),
        "period_end": period[1].isoformat(),
        "approval": approval,
        "goal": meta["goal"],
        "tasks": meta["tasks"],
        "indicators": meta["indicators"],
        "columns": table.titles,
        "coordinator": None,
        "schools": meta["schools"],
        "people": [],
        "sections": sections,
        "activities": activities,
    }


def _finish(section: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": section["kind"],
        "number": section["number"],
        "title": section["title"],
        "heading": section["heading"],
        "activities": [row.as_dict() for row in section["_rows"]],
        "subsections": [_finish(s) for s in section["subsections"]],
    }


def _all_rows(sections: list[dict[str, Any]], activities: list[dict[str, Any]]):
    """Every activity row, sub-rows included."""
    for row in activities:
        yield row
        yield from row["children"]
    for section in sections:
        yield from _all_rows(section["subsections"], section["activities"])


def all_rows(data: dict[str, Any]):
    return _all_rows(data.get("sections", []), data.get("activities", []))


def count_sections(sections: list[dict[str, Any]]) -> int:
    return sum(1 + count_sections(s.get("subsections", [])) for s in sections)


def executor_status(text: str) -> list[tuple[str, bool]]:
    """Each executor a responsible cell names, and whether the portal recognises it."""
    return [
        (ref.label, not (ref.kind == RefKind.ORGANISATION and ref.org_kind == OrgKind.OTHER))
        for ref in recognise(text)
    ]


def summary(data: dict[str, Any]) -> dict[str, int]:
    """What the import command prints: top-level activities, sections, rows needing a date,
    executors not recognised."""
    start, end = date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"])
    needs_date = unrecognised = 0
    top = len(data.get("activities", [])) + _count_top(data.get("sections", []))
    for row in all_rows(data):
        if not row["children"] and parse_deadline(row["deadline"], start, end).needs_date:
            needs_date += 1
        unrecognised += sum(1 for _, known in executor_status(row["responsible"]) if not known)
    return {
        "activities": top,
        "sections": count_sections(data.get("sections", [])),
        "needs_date": needs_date,
        "unrecognised_executors": unrecognised,
    }


def _count_top(sections: list[dict[str, Any]]) -> int:
    return sum(len(s["activities"]) + _count_top(s.get("subsections", [])) for s in sections)


def rows_in_order(data: dict[str, Any]):
    """Every activity row in document order, as ``import_roadmap --rows`` prints it."""

    def rows(items, section, parent):
        for row in items:
            yield {
                "section": section,
                "number": row["number"] or None,
                "content": row["content"] or None,
                "deadline_text": row["deadline"] or None,
                "responsible_text": row["responsible"] or None,
                "expected_result": row.get("expected_result") or None,
                "parent_number": (parent["number"] or None) if parent else None,
            }
            yield from rows(row.get("children", []), section, row)

    def sections(items):
        for section in items:
            heading = section.get("heading") or " ".join(filter(None, [section["number"], section["title"]]))
            yield from rows(section["activities"], heading, None)
            yield from sections(section.get("subsections", []))

    yield from rows(data.get("activities", []), None, None)
    yield from sections(data.get("sections", []))
