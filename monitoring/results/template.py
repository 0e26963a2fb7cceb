"""Blank workbooks to fill in: the columns each import reads, the municipality's schools to pick."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from monitoring.results.exam_import import COLUMNS
from monitoring.results.importer import MAX_ROWS, Column
from monitoring.results.olympiad_import import OLYMPIAD_COLUMNS
from schools.models import Municipality, Organisation
from schools.spreadsheets import put


def _blank_book(
    municipality: Municipality, title: str, columns: list[Column], widths: list[int]
) -> tuple[Workbook, Worksheet]:
    """A workbook with the header row on the sheet ``title`` and the municipality's schools on
    the sheet «Школы», offered in the first column."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for column, c in enumerate(columns, start=1):
        put(sheet, 1, column, c.title)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell, width in zip(sheet[1], widths, strict=True):
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    names = list(
        Organisation.objects.schools()
        .filter(municipality=municipality)
        .order_by("name")
        .values_list("name", flat=True)
    )
    schools = book.create_sheet("Школы")
    # Names as typed, even one that starts like a formula (``put`` keeps it text).
    for row, name in enumerate(["Школы муниципалитета: " + str(municipality), *names], start=1):
        put(schools, row, 1, name)
    schools.column_dimensions["A"].width = 60
    if names:
        # Not enforced: a school written differently is still matched by the import.
        pick = DataValidation(
            type="list",
            formula1=f"'Школы'!$A$2:$A${len(names) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        sheet.add_data_validation(pick)
        pick.add(f"A2:A{MAX_ROWS}")
    return book, sheet


def _finish(book: Workbook, notes: list[str]) -> bytes:
    sheet = book.create_sheet("Как заполнить")
    for row, line in enumerate(notes, start=1):
        put(sheet, row, 1, line)
    sheet.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choice(sheet: Worksheet, column: str, values: list[str], error: str, title: str) -> None:
    choice = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
    choice.error, choice.errorTitle = error, title
    sheet.add_data_validation(choice)
    choice.add(f"{column}2:{column}{MAX_ROWS}")


def results_template(municipality: Municipality) -> bytes:
    """The blank ВПР, ОГЭ and ЕГЭ results table."""
    book, sheet = _blank_book(municipality, "Результаты", COLUMNS, [40, 8, 12, 34, 8, 12, 13, 9, 13])
    _choice(sheet, "C", ["ВПР", "ОГЭ", "ЕГЭ"], "Выберите ВПР, ОГЭ или ЕГЭ.", "Процедура")
    return _finish(
        book,
        [
            "Одна строка — результат одной школы по одному предмету в одном классе за один год.",
            "Школа — как в списке на листе «Школы» (можно короче: «СОШ № 6»).",
            "Год — год проведения (2025 для 2024/2025 учебного года). Процедура — ВПР, ОГЭ или ЕГЭ.",
            "Средний балл: ВПР и ОГЭ — средняя отметка (2–5), ЕГЭ — средний тестовый балл.",
            "% «2»: для ЕГЭ — доля не преодолевших минимальный порог; % «4» и «5»: для ЕГЭ — доля набравших 81 балл и выше.",
            "Если результат уже есть на портале, загрузка его исправит.",
        ],
    )


def olympiad_template(municipality: Municipality) -> bytes:
    """The blank olympiad participation table."""
    book, sheet = _blank_book(municipality, "Олимпиады", OLYMPIAD_COLUMNS, [40, 12, 18, 12, 13, 10])
    stages = ["школьный", "муниципальный", "региональный", "заключительный", "другие"]
    _choice(sheet, "C", stages, "Выберите этап из списка.", "Этап")
    return _finish(
        book,
        [
            "Одна строка — участие обучающихся одной школы в олимпиадах одного этапа за один учебный год.",
            "Школа — как в списке на листе «Школы» (можно короче: «СОШ № 6»).",
            "Учебный год — например, 2024/2025. Этап — школьный, муниципальный, региональный, "
            "заключительный или другие (другие олимпиады и конкурсы).",
            "Участников, победителей, призёров — число обучающихся; пустая клетка — ни одного. "
            "Победителей и призёров вместе не больше, чем участников.",
            "Если такая строка уже есть на портале, загрузка её исправит.",
        ],
    )
