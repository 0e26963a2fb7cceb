"""The XLSX import of ВПР, ОГЭ and ЕГЭ results: the table's columns, the check of every row for the
preview, and the save."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from monitoring.models import ExamResult
from monitoring.results.importer import (
    Column,
    SchoolMatcher,
    import_rows_check,
    import_rows_save,
    read_decimal,
    read_integer,
    read_workbook,
)
from monitoring.results.services import EXAM_FIELDS, FIRST_YEAR, normalise_subject, result_problems
from schools.models import Municipality
from schools.russian import LOOKALIKES

COLUMNS = [
    Column(
        "school", "Школа", frozenset({"школа", "оо", "оу", "образовательнаяорганизация", "наименованиеоо"})
    ),
    Column("year", "Год", frozenset({"год", "годпроведения"})),
    Column("exam", "Процедура", frozenset({"процедура", "оценочнаяпроцедура", "экзамен", "видпроцедуры"})),
    Column("subject", "Предмет", frozenset({"предмет", "учебныйпредмет"})),
    Column("grade", "Класс", frozenset({"класс", "параллель"})),
    Column(
        "participants",
        "Участников",
        frozenset({"участников", "участники", "числоучастников", "количествоучастников", "колвоучастников"}),
    ),
    Column("average_score", "Средний балл", frozenset({"среднийбалл", "србалл"}), required=False),
    Column("failed_percent", "% «2»", frozenset({"%2", "доля2", "%двоек", "%нижепорога"}), required=False),
    Column("high_percent", "% «4» и «5»", frozenset({"%4и5", "доля4и5", "%45", "%81иболее"}), required=False),
]
EXAM_NAMES = {"впр": ExamResult.Exam.VPR, "огэ": ExamResult.Exam.OGE, "егэ": ExamResult.Exam.EGE}


@dataclass
class ImportRow:
    line: int
    school_text: str
    school_id: int | None = None
    school_name: str = ""
    year: int | None = None
    exam: str = ""
    subject: str = ""
    grade: int | None = None
    participants: int | None = None
    average_score: Decimal | None = None
    failed_percent: Decimal | None = None
    high_percent: Decimal | None = None
    errors: list[str] = field(default_factory=list)
    updates: bool = False

    @property
    def exam_label(self) -> str:
        return ExamResult.Exam(self.exam).label if self.exam else ""

    @property
    def key(self) -> tuple:
        return (self.school_id, self.year, self.exam, self.subject, self.grade)


def read_results_workbook(content: bytes) -> tuple[str, list[dict[str, Any]]]:
    """The rows of the results table of an XLSX upload: (sheet name, [{line, column key: cell}]).

    Raises UnsafeFile with a Russian message when the file is not a safe workbook or has no sheet
    with the columns «Школа», «Год», «Процедура», «Предмет», «Класс», «Участников».
    """
    return read_workbook(content, COLUMNS)


def _year(value: Any, errors: list[str]) -> int | None:
    # «2023/2024» or «2023-2024»: the exams of that academic year are written in its spring.
    text = str(value).strip() if value is not None else ""
    pair = re.fullmatch(r"(\d{4})\s*[/\-–]\s*(\d{4})", text)
    if pair:
        value = pair.group(2)
    return read_integer(value, "Год", FIRST_YEAR, timezone.localdate().year, errors)


def results_import_rows(*, municipality: Municipality, raw_rows: list[dict[str, Any]]) -> list[ImportRow]:
    """Check every row of the file: schools matched within the municipality, figures in range,
    repeated rows found; each row says whether it adds a result or corrects one (two queries)."""
    matcher = SchoolMatcher(municipality)
    rows, seen = [], {}
    for raw in raw_rows:
        row = ImportRow(line=raw["line"], school_text="")
        errors = row.errors
        matcher.read(row, raw.get("school"))
        row.year = _year(raw.get("year"), errors)
        exam_text = str(raw.get("exam") or "").strip()
        row.exam = EXAM_NAMES.get(exam_text.lower().translate(LOOKALIKES), "")
        if not row.exam:
            shown = f"«{exam_text}»" if exam_text else "не указана"
            errors.append(f"Процедура {shown}: укажите ВПР, ОГЭ или ЕГЭ.")
        row.subject = normalise_subject(str(raw.get("subject") or ""))[:100]
        if not row.subject:
            errors.append("«Предмет»: не заполнено.")
        grade = raw.get("grade")
        if isinstance(grade, str) and re.fullmatch(r"\s*\d{1,2}\s*(класс|кл\.?)?\s*", grade):
            grade = re.match(r"\s*(\d+)", grade).group(1)
        row.grade = read_integer(grade, "Класс", 1, 11, errors)
        row.participants = read_integer(raw.get("participants"), "Участников", 1, 100_000, errors)
        row.average_score = read_decimal(raw.get("average_score"), "Средний балл", 100, errors)
        row.failed_percent = read_decimal(raw.get("failed_percent"), "% «2»", 100, errors)
        row.high_percent = read_decimal(raw.get("high_percent"), "% «4» и «5»", 100, errors)
        if not errors:
            errors += result_problems(
                row.exam, row.grade, row.average_score, row.failed_percent, row.high_percent
            )
        if row.school_id and None not in row.key:
            if row.key in seen:
                errors.append(
                    f"Повторяет строку {seen[row.key]}: та же школа, год, процедура, предмет и класс."
                )
            seen.setdefault(row.key, row.line)
        rows.append(row)
    existing = _existing_keys(municipality, {r.year for r in rows if r.year})
    for row in rows:
        row.updates = not row.errors and row.key in existing
    return rows


def _existing_keys(municipality: Municipality, years: set[int]) -> set[tuple]:
    if not years:
        return set()
    return set(
        ExamResult.objects.filter(school__municipality=municipality, year__in=years).values_list(
            "school_id", "year", "exam", "subject", "grade"
        )
    )


def import_rows_load(data: list[dict[str, Any]]) -> list[ImportRow]:
    return [ImportRow(**item) for item in data]


def exam_results_import(*, municipality: Municipality, rows: list[ImportRow], user) -> tuple[int, int]:
    """Save the checked rows, all or nothing: (added, corrected)."""
    import_rows_check(municipality=municipality, rows=rows)
    existing = _existing_keys(municipality, {row.year for row in rows})
    now = timezone.now()
    objects = [
        ExamResult(
            school_id=row.school_id,
            year=row.year,
            exam=row.exam,
            subject=row.subject,
            grade=row.grade,
            participants=row.participants,
            average_score=row.average_score,
            failed_percent=row.failed_percent,
            high_percent=row.high_percent,
            entered_by=user,
            entered_at=now,
        )
        for row in rows
    ]
    import_rows_save(
        ExamResult,
        objects,
        unique_fields=["school", "year", "exam", "subject", "grade"],
        update_fields=[*EXAM_FIELDS, "entered_by", "entered_at"],
    )
    updated = sum(1 for row in rows if row.key in existing)
    return len(rows) - updated, updated
