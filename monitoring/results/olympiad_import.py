"""The XLSX import of olympiad participation: per school, academic year and stage, how many pupils
took part, won and took prizes. The same reading, preview and all-or-nothing save as the exam import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from monitoring.models import OlympiadResult
from monitoring.results.importer import (
    Column,
    SchoolMatcher,
    import_rows_check,
    import_rows_save,
    is_blank,
    read_integer,
    read_workbook,
)
from monitoring.results.services import FIRST_YEAR
from schools.models import Municipality, academic_year_label, current_academic_year
from schools.russian import plain

MAX_COUNT = 100_000
COUNTED = ["participants", "winners", "prize_winners"]
OLYMPIAD_COLUMNS = [
    Column(
        "school", "Школа", frozenset({"школа", "оо", "оу", "образовательнаяорганизация", "наименованиеоо"})
    ),
    Column("academic_year", "Учебный год", frozenset({"учебныйгод"})),
    Column("level", "Этап", frozenset({"этап", "этаполимпиады", "уровень"})),
    Column(
        "participants",
        "Участников",
        frozenset({"участников", "участники", "числоучастников", "количествоучастников", "колвоучастников"}),
    ),
    Column("winners", "Победителей", frozenset({"победителей", "победители", "числопобедителей"})),
    Column("prize_winners", "Призёров", frozenset({"призеров", "призеры", "числопризеров"})),
]
# «школьный», «Школьный этап», «Другие олимпиады и конкурсы»: the stage as people write it, as
# compared (``plain``, without the word «этап»).
LEVEL_NAMES = {
    "школьный": OlympiadResult.Level.SCHOOL,
    "муниципальный": OlympiadResult.Level.MUNICIPAL,
    "региональный": OlympiadResult.Level.REGIONAL,
    "заключительный": OlympiadResult.Level.FINAL,
    "всероссийский": OlympiadResult.Level.FINAL,
    "другие": OlympiadResult.Level.OTHER,
    "другое": OlympiadResult.Level.OTHER,
    "другиеолимпиадыиконкурсы": OlympiadResult.Level.OTHER,
}
LEVEL_HINT = "школьный, муниципальный, региональный, заключительный или другие"


@dataclass
class OlympiadImportRow:
    line: int
    school_text: str = ""
    school_id: int | None = None
    school_name: str = ""
    academic_year: int | None = None
    level: str = ""
    participants: int | None = None
    winners: int | None = None
    prize_winners: int | None = None
    errors: list[str] = field(default_factory=list)
    updates: bool = False

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year) if self.academic_year else ""

    @property
    def level_label(self) -> str:
        return OlympiadResult.Level(self.level).label if self.level else ""

    @property
    def key(self) -> tuple:
        return (self.school_id, self.academic_year, self.level)


def read_olympiad_workbook(content: bytes) -> tuple[str, list[dict[str, Any]]]:
    """The rows of the olympiad table of an XLSX upload, as ``read_workbook`` reads them."""
    return read_workbook(content, OLYMPIAD_COLUMNS)


def _academic_year(value: Any, errors: list[str]) -> int | None:
    """«2024/2025», «2024-25» or 2024 -> 2024: the year the academic year starts."""
    text = str(value).strip() if value is not None else ""
    pair = re.fullmatch(r"(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})", text)
    if pair:
        start, end = int(pair.group(1)), pair.group(2)
        if end != str(start + 1)[-len(end) :]:
            errors.append(
                f"«Учебный год»: «{text}» — второй год должен следовать за первым, например 2024/2025."
            )
            return None
        value = start
    elif isinstance(value, str) and not is_blank(value) and not text.isdigit():
        errors.append(f"«Учебный год»: «{text}» — напишите его так: 2024/2025.")
        return None
    return read_integer(value, "Учебный год", FIRST_YEAR, current_academic_year(), errors)


def _count(value: Any, title: str, errors: list[str]) -> int | None:
    """An empty count of winners or prize-winners is none, as in the form."""
    return 0 if is_blank(value) else read_integer(value, title, 0, MAX_COUNT, errors)


def olympiad_import_rows(
    *, municipality: Municipality, raw_rows: list[dict[str, Any]]
) -> list[OlympiadImportRow]:
    """Check every row of the file: schools matched within the municipality, the academic year and
    the stage understood, counts in range, repeated rows found; each row says whether it adds a
    line or corrects one (two queries)."""
    matcher = SchoolMatcher(municipality)
    rows, seen = [], {}
    for raw in raw_rows:
        row = OlympiadImportRow(line=raw["line"])
        errors = row.errors
        matcher.read(row, raw.get("school"))
        row.academic_year = _academic_year(raw.get("academic_year"), errors)
        level_text = " ".join(str(raw.get("level") or "").split())
        row.level = LEVEL_NAMES.get(plain(level_text).removesuffix("этап"), "")
        if not row.level:
            shown = f"«{level_text}»" if level_text else "не указан"
            errors.append(f"Этап {shown}: укажите {LEVEL_HINT}.")
        row.participants = read_integer(raw.get("participants"), "Участников", 0, MAX_COUNT, errors)
        row.winners = _count(raw.get("winners"), "Победителей", errors)
        row.prize_winners = _count(raw.get("prize_winners"), "Призёров", errors)
        counts = row.participants, row.winners, row.prize_winners
        if None not in counts and row.winners + row.prize_winners > row.participants:
            errors.append("Победителей и призёров вместе не может быть больше, чем участников.")
        if row.school_id and None not in row.key and row.level:
            if row.key in seen:
                errors.append(f"Повторяет строку {seen[row.key]}: та же школа, учебный год и этап.")
            seen.setdefault(row.key, row.line)
        rows.append(row)
    existing = _existing_keys(municipality, {r.academic_year for r in rows if r.academic_year})
    for row in rows:
        row.updates = not row.errors and row.key in existing
    return rows


def _existing_keys(municipality: Municipality, years: set[int]) -> set[tuple]:
    if not years:
        return set()
    return set(
        OlympiadResult.objects.filter(school__municipality=municipality, academic_year__in=years).values_list(
            "school_id", "academic_year", "level"
        )
    )


def olympiad_rows_load(data: list[dict[str, Any]]) -> list[OlympiadImportRow]:
    return [OlympiadImportRow(**item) for item in data]


def olympiad_results_import(
    *, municipality: Municipality, rows: list[OlympiadImportRow], user
) -> tuple[int, int]:
    """Save the checked rows, all or nothing: (added, corrected)."""
    import_rows_check(municipality=municipality, rows=rows)
    existing = _existing_keys(municipality, {row.academic_year for row in rows})
    now = timezone.now()
    objects = [
        OlympiadResult(
            school_id=row.school_id,
            academic_year=row.academic_year,
            level=row.level,
            participants=row.participants,
            winners=row.winners,
            prize_winners=row.prize_winners,
            entered_by=user,
            entered_at=now,
        )
        for row in rows
    ]
    import_rows_save(
        OlympiadResult,
        objects,
        unique_fields=["school", "academic_year", "level"],
        update_fields=[*COUNTED, "entered_by", "entered_at"],
    )
    updated = sum(1 for row in rows if row.key in existing)
    return len(rows) - updated, updated
