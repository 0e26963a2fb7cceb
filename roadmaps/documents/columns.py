"""What a roadmap table's column is for, read from its heading as a person would.

Shared by the exporters (which print a roadmap in its own columns) and the importer
(which maps a found table's columns in any order). Pure Python.
"""

from __future__ import annotations

import re
from enum import StrEnum

from schools.russian import fold


class Field(StrEnum):
    NUMBER = "number"
    CONTENT = "content"
    DEADLINE = "deadline"
    RESPONSIBLE = "responsible"
    RESULT = "expected_result"
    MARK = "mark"
    IGNORED = "ignored"


# The portal's own wording, used when a roadmap keeps no column titles of its own.
DEFAULT_TITLES = {
    Field.NUMBER: "№ п/п",
    Field.CONTENT: "Мероприятие (содержание)",
    Field.DEADLINE: "Сроки",
    Field.RESPONSIBLE: "Ответственный",
    Field.RESULT: "Ожидаемый результат",
    Field.MARK: "Отметка о выполнении",
}
FIELD_ORDER = [Field.NUMBER, Field.CONTENT, Field.DEADLINE, Field.RESPONSIBLE, Field.RESULT, Field.MARK]

# Checked in this order: «Срок выполнения» is a deadline, «Отметка о выполнении» a mark,
# «Результаты исполнения» a result although «исполн» also starts «исполнитель».
_RULES: list[tuple[Field, re.Pattern[str]]] = [
    # Columns the portal's XLSX adds next to the document's own: never imported.
    (Field.IGNORED, re.compile(r"^(?:окно|окна|нужна дата|дата отметки|статус отметки|проверка)")),
    (Field.MARK, re.compile(r"отметк|о выполнени|^выполнени|^выполнено|информаци\w* о ход")),
    (Field.DEADLINE, re.compile(r"срок|^дата|дата проведени|период|когда|время проведени|^даты")),
    (Field.RESPONSIBLE, re.compile(r"ответствен|исполнител|^кто\b|соисполнител")),
    (Field.RESULT, re.compile(r"результат|показател|продукт|итог|эффект")),
    (Field.NUMBER, re.compile(r"^(?:№|n|no|номер|п\s*/\s*п|п\s*\\\s*п)\b|^№|^п/п")),
    (
        Field.CONTENT,
        re.compile(r"мероприяти|содержани|наименовани|деятельност|действи|работ|задач|направлени|тема"),
    ),
]


def classify(title: str) -> Field | None:
    """The field a column heading names, or None when it names none the portal knows."""
    text = " ".join(fold(title).split())
    if not text:
        return None
    for field, pattern in _RULES:
        if pattern.search(text):
            return field
    return None


def roadmap_columns(
    column_titles: list[str], *, has_numbers: bool, has_results: bool
) -> list[tuple[Field, str]]:
    """The columns to print a roadmap in: its own headings in its own order.

    A roadmap loaded without headings gets the portal's wording; a number or result
    column the rows need is never dropped.
    """
    columns: list[tuple[Field, str]] = []
    for title in column_titles:
        field = classify(title)
        if field in FIELD_ORDER and all(f != field for f, _ in columns):
            columns.append((field, title))
    present = {f for f, _ in columns}
    wanted = [Field.CONTENT, Field.DEADLINE, Field.RESPONSIBLE]
    if has_results or not column_titles:
        wanted.append(Field.RESULT)
    for field in wanted:
        if field not in present:
            # Before a mark column, which always comes last in the documents.
            at = next((i for i, (f, _) in enumerate(columns) if f == Field.MARK), len(columns))
            columns.insert(at, (field, DEFAULT_TITLES[field]))
    if Field.NUMBER not in present and (has_numbers or not column_titles):
        columns.insert(0, (Field.NUMBER, DEFAULT_TITLES[Field.NUMBER]))
    return columns
