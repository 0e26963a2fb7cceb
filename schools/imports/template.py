"""The registry as a file in the import's own columns: blank with one example row (the
template), or filled with the municipality's schools for a year, to edit and load back."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from schools.imports.reading import COLUMNS
from schools.imports.resources import STATUS_LABELS
from schools.models import (
    Municipality,
    Organisation,
    Person,
    SchoolStatus,
    academic_year_label,
    current_academic_year,
)
from schools.spreadsheets import put

WIDTHS = [50, 25, 14, 45, 30, 28, 28, 22, 14]


def _book(rows: list[list[str]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Реестр школ"
    for column, (c, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        put(sheet, 1, column, c.title).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value)
    sheet.freeze_panes = "A2"
    return book


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def registry_rows(municipality: Municipality, year: int) -> list[list[str]]:
    """The municipality's schools, one row each in the columns of ``COLUMNS``, with the
    director and the statuses of ``year``: what the import reads back unchanged. Three queries."""
    schools = list(Organisation.objects.schools().filter(municipality=municipality).order_by("name"))
    heads = {p.organisation_id: p for p in Person.objects.filter(organisation__in=schools, is_head=True)}
    kinds: dict[int, set[str]] = {}
    for school_id, kind in SchoolStatus.objects.filter(school__in=schools, academic_year=year).values_list(
        "school_id", "kind"
    ):
        kinds.setdefault(school_id, set()).add(kind)
    label = academic_year_label(year)
    rows = []
    for school in schools:
        head = heads.get(school.pk)
        statuses = ", ".join(
            STATUS_LABELS[k] for k in SchoolStatus.Kind.values if k in kinds.get(school.pk, ())
        )
        rows.append(
            [
                school.name,
                school.short_name,
                school.inn,
                school.address,
                head.full_name if head else "",
                head.email if head else "",
                school.email,
                statuses,
                label,
            ]
        )
    return rows


def registry_file(municipality: Municipality, year: int) -> bytes:
    return _bytes(_book(registry_rows(municipality, year)))


def registry_template() -> bytes:
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
    book = _book([example])
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
    return _bytes(book)
