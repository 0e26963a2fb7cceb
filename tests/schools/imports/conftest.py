from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from schools.models import Municipality

HEADER = [
    "Полное наименование",
    "Краткое наименование",
    "ИНН",
    "Адрес",
    "Директор (ФИО)",
    "E-mail директора",
    "E-mail школы",
    "Статус",
    "Учебный год",
]


def xlsx(rows: list[list], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def inn(n: int) -> str:
    """A valid organisation ИНН built from ``n``: nine digits and their check digit."""
    digits = [int(c) for c in f"{615400000 + n:09d}"]
    check = sum(w * d for w, d in zip([2, 4, 10, 3, 5, 9, 4, 6, 8], digits, strict=True)) % 11 % 10
    return "".join(map(str, digits)) + str(check)


def school_row(n: int, **overrides) -> list:
    values = {
        "name": f"МОБУ СОШ № {900 + n}",
        "short_name": f"СОШ № {900 + n}",
        "inn": inn(n),
        "address": f"г. Таганрог, ул. Новая, д. {n}",
        "director": f"Директорова{n} А.П.",
        "director_email": f"director{n}@school.ru",
        "email": f"school{n}@school.ru",
        "statuses": "ШНОР",
        "year": "2026/2027",
    } | overrides
    return list(values.values())


@pytest.fixture
def taganrog(db) -> Municipality:
    return Municipality.objects.get(name="г. Таганрог")
