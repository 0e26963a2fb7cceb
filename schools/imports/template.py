"""The blank registry to fill in: the headers the import reads and one example row."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from schools.imports.reading import COLUMNS
from schools.models import academic_year_label, current_academic_year
from schools.spreadsheets import put

WIDTHS = [50, 25, 14, 45, 30, 28, 28, 22, 14]


def registry_template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Реестр школ"
    example = [
        "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная школа № 1",
        "МБОУ СОШ № 1",
        "7707083893",
        "г. Город, ул. Школьная, д. 1",
        "Иванова Анна Петровна",
        "director@school1.ru",
        "school1@example.ru",
        "ШНОР, ШНСУ",
        academic_year_label(current_academic_year()),
    ]
    for column, (c, value, width) in enumerate(zip(COLUMNS, example, WIDTHS, strict=True), start=1):
        put(sheet, 1, column, c.title).font = Font(bold=True)
        put(sheet, 2, column, value)
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Как заполнить")
    for row, line in enumerate(
        [
            "Одна строка — одна школа. Пример во второй строке замените своими школами.",
            "Школа узнаётся по ИНН, а без него — по названию («МОБУ СОШ № 8» и «МОБУ СОШ №8» — одна школа).",
            "Пустая клетка не стирает то, что уже есть на портале.",
            "Директор: другое ФИО делает указанного человека директором; прежний остаётся в списке сотрудников.",
            "Статус: ШНОР, ШНСУ, Школа-наставник, риск снижения результатов; несколько — через запятую. "
            "Если столбец «Статус» есть, он заменяет статусы школы за указанный учебный год (пусто — без статуса).",
            "Учебный год: 2026/2027, 2026-2027 или 2026; пусто — текущий учебный год.",
        ],
        start=1,
    ):
        put(notes, row, 1, line)
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
