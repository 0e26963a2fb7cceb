"""An XLSX roadmap -> one ``readers.Source`` per visible sheet, read as Excel shows it.

1. Every visible sheet's rows are counted from its XML, streamed, before openpyxl loads the
   workbook: a sheet of more than ``uploads.MAX_ROWS`` rows is refused (loading one of
   200,000 rows took a minute and gigabytes).
2. Hidden sheets, rows and columns are left out: what the department hid is not in its plan.
3. Each cell's text is what its number format shows (``number_formats``): «Январь 2022», «5.10».
4. A merged cell appears in every visible position it covers (``readers.Cell``), bold marks a
   section typed as a plain bold row.

Pure Python.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import IO

from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook

from roadmaps.documents.number_formats import display
from roadmaps.documents.readers import Cell, Grid, Source, tidy
from schools.russian import plural
from schools.uploads import MAX_ROWS, Damaged, TooManyRows

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOCUMENT_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def read_xlsx(content: bytes) -> list[Source]:
    """One Source per visible sheet: a grid of its visible rows and columns."""
    check_rows(content)
    workbook = load_workbook(io.BytesIO(content), data_only=True)
    return [Source([_grid(sheet)]) for sheet in workbook.worksheets if sheet.sheet_state == "visible"]


def _grid(sheet) -> Grid:
    hidden_rows = {r for r, dimension in sheet.row_dimensions.items() if dimension.hidden}
    hidden_columns = set()
    # openpyxl keys a run of columns («<col min=2 max=5 hidden=1>») by its first letter.
    for dimension in sheet.column_dimensions.values():
        if dimension.hidden and dimension.min:
            hidden_columns.update(range(dimension.min, (dimension.max or dimension.min) + 1))
    rows = [r for r in range(1, sheet.max_row + 1) if r not in hidden_rows]
    columns = [c for c in range(1, sheet.max_column + 1) if c not in hidden_columns]

    merged: dict[tuple[int, int], tuple[object, int, int]] = {}
    for cell_range in sheet.merged_cells.ranges:
        owner = object()
        for r in range(cell_range.min_row, cell_range.max_row + 1):
            for c in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(r, c)] = (owner, cell_range.min_row, cell_range.min_col)

    grid: Grid = []
    first: dict[object, Cell] = {}  # a merged cell as read at its top left
    above: set[object] = set()  # merged cells begun in a visible row above
    for r in rows:
        row = []
        for c in columns:
            if (r, c) not in merged:
                row.append(_cell(sheet.cell(r, c), object()))
                continue
            owner, top, left = merged[(r, c)]
            if owner not in first:
                first[owner] = _cell(sheet.cell(top, left), owner)
            cell = first[owner]
            row.append(Cell(cell.text, owner, continued=owner in above, bold=cell.bold))
        above.update(cell.owner for cell in row)
        grid.append(row)
    return grid


def _cell(cell, owner: object) -> Cell:
    value = cell.value
    if value is None or isinstance(value, str):  # text as typed, whatever its format says
        text = tidy(value or "")
    else:
        text = tidy(display(value, cell.number_format))
    return Cell(text, owner, bold=bool(text and cell.font and cell.font.b))


# --- The row count, before anything is loaded ---------------------------------------------


def check_rows(content: bytes) -> None:
    """Raise TooManyRows when a visible sheet has more than MAX_ROWS rows that hold something."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Damaged("Файл повреждён: его не удаётся открыть как таблицу Excel.") from exc
    with archive:
        for name, path in _visible_sheets(archive):
            with archive.open(path) as stream:
                count = count_rows(stream)
            if count > MAX_ROWS:
                rows = plural(count, "строка", "строки", "строк")
                raise TooManyRows(
                    f"На листе «{name}» {_thousands(count)} {rows} с данными, а в дорожной карте может быть "
                    f"не больше {_thousands(MAX_ROWS)} строк. Оставьте на листе только таблицу мероприятий "
                    "или разделите её на несколько файлов."
                )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _visible_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, part) of each visible sheet, from the workbook and its relationships."""
    names = set(archive.namelist())
    try:
        workbook = fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except KeyError as exc:
        raise Damaged("Файл повреждён: в нём нет описания листов.") from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{RELATIONSHIPS}Relationship")}
    sheets = []
    for sheet in workbook.iter(f"{MAIN}sheet"):
        if sheet.get("state", "visible") != "visible":
            continue
        target = targets.get(sheet.get(f"{DOCUMENT_RELATIONSHIPS}id"), "")
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        if path in names:
            sheets.append((sheet.get("name", ""), path))
    return sheets


def count_rows(stream: IO[bytes], chunk_size: int = 1 << 20) -> int:
    """Rows of a sheet's XML that hold a value, read in chunks: memory stays at a chunk and a row.

    A byte scan, not an XML parser: ``uploads.check_upload`` has parsed every part already, and
    on a sheet of 100 MB the scan takes 1.3 s where ElementTree's iterparse takes 20. A row
    holds something when a ``<v>`` (a number, a shared string, a formula's value) or an
    ``<is>`` (an inline string) is in it; rows that only carry a style are not counted.
    """
    count, carry = 0, b""
    row = value = None
    while True:
        chunk = stream.read(chunk_size)
        data = carry + chunk
        if row is None:
            root = re.search(rb"<(\w+:)?worksheet[\s>]", data)
            if root is None and chunk:
                carry = data
                continue
            prefix = re.escape(root.group(1) or b"") if root else b""
            # Literal starts keep the searches quick; some writers prefix every tag («<x:row>»).
            row = re.compile(rb"<" + prefix + rb"row[\s/>]")
            value = re.compile(rb"<" + prefix + rb"v>|<" + prefix + rb"is>")
        starts = [match.start() for match in row.finditer(data)]
        ends = [*starts[1:], len(data)]
        complete = len(starts) if not chunk else len(starts) - 1  # the last row may go on
        count += sum(
            1 for s, e in zip(starts[:complete], ends[:complete], strict=True) if value.search(data, s, e)
        )
        if not chunk:
            return count
        carry = data[starts[-1] :] if starts else data[-16:]
