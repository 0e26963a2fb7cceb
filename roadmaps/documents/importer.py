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
from dataclasses import dataclass
from datetime import date
from typing import Any

from roadmaps.deadlines import parse_deadline
from roadmaps.documents.columns import FIELD_ORDER, Field, classify
from roadmaps.documents.formats import read_sources
from roadmaps.documents.outline import ROW_NUMBER, distinct, is_column_numbers, read_rows, row_texts
from roadmaps.documents.preamble import infer_period, is_signature, read_preamble
from roadmaps.documents.readers import Cell, Grid, Source
from roadmaps.responsible import OrgKind, RefKind, recognise
from schools.uploads import UnsafeFile, check_upload

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
        elif any(is_signature(row_texts(row)) for row in block):
            lines += _grid_lines(block)
    return lines


def _grid_lines(grid: Grid) -> list[str]:
    return [text for row in grid for text in row_texts(row)]


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
            if r + taken < len(grid) and is_column_numbers(grid[r + taken]):
                taken += 1
            titles, seen = [], set()
            for text, column in zip(texts, columns, strict=False):
                if column in FIELD_ORDER and text and text not in seen:
                    seen.add(text)
                    titles.append(text)
            return r, taken, columns, titles
        if r >= 3 and not (_is_preamble_row(row) or is_signature(row_texts(row))):
            return None
    return None


def _is_preamble_row(row: list[Cell]) -> bool:
    """An XLSX sheet has its title and goal in rows above the table: one text per row."""
    return len({id(c.owner) for c in row if c.text}) <= 1


def _continues_header(row: list[Cell], below: list[Cell]) -> bool:
    if is_column_numbers(below) or not any(c.text for c in below):
        return False
    merged_down = any(b.continued for b in below)
    split_under = any(
        row[i].owner is row[i + 1].owner and below[i].owner is not below[i + 1].owner
        for i in range(min(len(row), len(below)) - 1)
    )
    return merged_down or split_under


def _complete(columns: list[Field | None], rows: Grid) -> list[Field | None]:
    """Name the columns whose heading says nothing by what is in them."""
    columns = list(columns)
    sample = [row for row in rows[:60] if len(distinct(row)) > 2]
    if Field.NUMBER not in columns and columns and columns[0] is None:
        values = [row[0].text for row in sample if row and row[0].text]
        if values and sum(bool(ROW_NUMBER.match(v)) for v in values) >= 0.8 * len(values):
            columns[0] = Field.NUMBER
    if Field.CONTENT not in columns:
        unnamed = [i for i, f in enumerate(columns) if f is None]
        if unnamed:
            longest = max(unnamed, key=lambda i: sum(len(row[i].text) for row in sample if i < len(row)))
            columns[longest] = Field.CONTENT
    return columns


def _structure(table: _Table, filename: str) -> dict[str, Any]:
    sections, activities, signatures = read_rows(table.header, table.pieces, table.columns)
    meta = read_preamble(table.preamble, after=signatures + table.signatures)
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
