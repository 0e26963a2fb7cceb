"""What the XLSX imports of results share: reading a results table safely from an upload, reading
its cells, finding the municipality's schools by name, and saving the checked rows all or nothing.

Each kind of table (``exam_import``, ``olympiad_import``) names its columns, checks its rows and
says how they are saved.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import DatabaseError, models, transaction
from openpyxl import load_workbook

from schools.models import Municipality, Organisation
from schools.russian import plain, school_key
from schools.uploads import KIND_NAMES, Kind, UnknownKind, UnsafeFile, check_upload

MAX_ROWS = 20_000
MAX_COLUMNS = 30
MAX_SHEETS = 20
# A worksheet of 20,000 result rows is about 4 MB of XML; anything far beyond is not a results table.
MAX_SHEET_XML = 40 * 1024 * 1024
# Stop reading after this many empty rows in a row: formatted but empty rows to the sheet's end.
MAX_BLANK_RUN = 500
IMPORT_BATCH = 500


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    aliases: frozenset[str]
    required: bool = True


class ImportRefused(Exception):
    """The import cannot be saved; the message is for the user, in Russian."""


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


# --- Reading the workbook -----------------------------------------------------------------


def _check_sheet_sizes(content: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [e for e in archive.infolist() if e.filename.startswith("xl/worksheets/")]
    if sum(e.file_size for e in sheets) > MAX_SHEET_XML:
        raise UnsafeFile(
            f"Таблица слишком велика для загрузки результатов: загрузите не больше {_thousands(MAX_ROWS)} "
            "строк за раз."
        )


def read_workbook(content: bytes, columns: list[Column]) -> tuple[str, list[dict[str, Any]]]:
    """The rows of the table with the given columns in an XLSX upload: (sheet name,
    [{line, column key: cell}]).

    Raises UnsafeFile with a Russian message when the file is not a safe workbook or has no sheet
    with the required columns.
    """
    try:
        kind = check_upload(content)
    except UnknownKind as exc:
        raise UnsafeFile("Это не документ Word (.docx) и не таблица Excel (.xlsx).") from exc
    if kind != Kind.XLSX:
        raise UnsafeFile(f"Это {KIND_NAMES[kind]}, а нужна таблица Excel (.xlsx) с результатами.")
    _check_sheet_sizes(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl trips on, the file is damaged
        raise UnsafeFile("Файл повреждён: таблицу Excel не удаётся открыть.") from exc
    try:
        best: tuple[int, str, list[str]] = (-1, "", [])
        for sheet in book.worksheets[:MAX_SHEETS]:
            header = _find_header(sheet, columns)
            if header is None:
                continue
            row_index, found, missing = header
            if not missing:
                return sheet.title, _read_rows(sheet, row_index, found)
            if len(found) > best[0]:
                best = (len(found), sheet.title, missing)
    except UnsafeFile:
        raise
    except Exception as exc:  # noqa: BLE001
        raise UnsafeFile("Файл повреждён: часть таблицы не читается.") from exc
    finally:
        book.close()
    needed = "«" + "», «".join(c.title for c in columns if c.required) + "»"
    if best[0] > 0:
        raise UnsafeFile(
            f"На листе «{best[1]}» нет столбцов: «{'», «'.join(best[2])}». Нужны столбцы {needed}; "
            "скачайте шаблон, чтобы увидеть, как они называются."
        )
    raise UnsafeFile(
        f"В книге не найден лист с таблицей результатов: в строке заголовков нужны столбцы {needed}."
    )


def _find_header(sheet, columns: list[Column]) -> tuple[int, dict[str, int], list[str]] | None:
    """The header row among the first ten: (its number, {column key: index}, titles missing);
    the row with every required column, else the one with the most."""
    best = None
    for number, values in enumerate(
        sheet.iter_rows(max_row=10, max_col=MAX_COLUMNS, values_only=True), start=1
    ):
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            title = plain(value)
            for column in columns:
                if title in column.aliases and column.key not in found:
                    found[column.key] = index
        missing = [c.title for c in columns if c.required and c.key not in found]
        if len(found) >= 2 and (best is None or len(found) > len(best[1])):
            best = (number, found, missing)
        if best and not best[2]:
            return best
    return best


def _read_rows(sheet, header_row: int, columns: dict[str, int]) -> list[dict[str, Any]]:
    rows, blank_run = [], 0
    width = max(columns.values()) + 1
    for line, cells in enumerate(
        sheet.iter_rows(min_row=header_row + 1, max_col=width), start=header_row + 1
    ):
        raw = {
            key: _cell_value(cells[index]) if index < len(cells) else None for key, index in columns.items()
        }
        if all(is_blank(v) for v in raw.values()):
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        rows.append({"line": line, **raw})
        if len(rows) > MAX_ROWS:
            raise UnsafeFile(
                f"В таблице больше {_thousands(MAX_ROWS)} строк: разделите её на несколько файлов."
            )
    return rows


def _cell_value(cell) -> Any:
    value = cell.value
    # A cell formatted as a percentage holds 0.125 for «12,5%».
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return value * 100
    return value


# --- Reading the cells --------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_integer(value: Any, title: str, low: int, high: int, errors: list[str]) -> int | None:
    if is_blank(value):
        errors.append(f"«{title}»: не заполнено.")
        return None
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif re.fullmatch(r"\d+", text):
        number = int(text)
    else:
        errors.append(f"«{title}»: «{text}» — не целое число.")
        return None
    if not low <= number <= high:
        errors.append(f"«{title}»: {number} — должно быть от {low} до {high}.")
        return None
    return number


def read_decimal(value: Any, title: str, high: int, errors: list[str]) -> Decimal | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        errors.append(f"«{title}»: «{value}» — не число.")
        return None
    text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".").rstrip("%")
    try:
        number = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        errors.append(f"«{title}»: «{str(value).strip()}» — не число.")
        return None
    if not number.is_finite() or not 0 <= number <= high:
        errors.append(f"«{title}»: {str(value).strip()} — должно быть от 0 до {high}.")
        return None
    return number


class SchoolMatcher:
    """Finds a municipality's school by name as people write it: «СОШ №6», «МОБУ СОШ № 6»."""

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.exact: dict[str, Organisation] = {}
        self.keys: dict[tuple[str, str], list[Organisation]] = {}
        self.numbers: dict[str, list[Organisation]] = {}
        for school in (
            Organisation.objects.schools().filter(municipality=municipality).only("pk", "name", "short_name")
        ):
            for name in filter(None, [school.name, school.short_name]):
                self.exact[plain(name)] = school
                self.keys.setdefault(school_key(name), []).append(school)
            if school.school_number:
                self.numbers.setdefault(school.school_number, []).append(school)

    def find(self, name: str) -> tuple[Organisation | None, str]:
        if plain(name) in self.exact:
            return self.exact[plain(name)], ""
        kind, tail = school_key(name)
        candidates = {s.pk: s for s in self.keys.get((kind, tail), [])}
        if not candidates and not kind and tail.isdigit():
            candidates = {s.pk: s for s in self.numbers.get(tail, [])}
        if len(candidates) == 1:
            return next(iter(candidates.values())), ""
        if len(candidates) > 1:
            names = ", ".join(sorted(s.name for s in candidates.values()))
            return None, f"Школа «{name}»: подходит несколько школ ({names}); напишите название полностью."
        return None, f"Школа «{name}» не найдена среди школ муниципалитета «{self.municipality}»."

    def read(self, row, value: Any) -> None:
        """Fill ``row.school_text`` from the cell and, when the school is found, ``row.school_id``
        and ``row.school_name``; else add the problem to ``row.errors``."""
        row.school_text = " ".join(str(value or "").split())
        if not row.school_text:
            row.errors.append("«Школа»: не заполнено.")
            return
        school, problem = self.find(row.school_text)
        if school:
            row.school_id, row.school_name = school.pk, school.name
        else:
            row.errors.append(problem)


# --- Saving -------------------------------------------------------------------------------


def import_rows_dump(rows: list) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def import_rows_check(*, municipality: Municipality, rows: list) -> None:
    """Refuse what cannot be saved whole: no rows, rows with errors, schools no longer the
    municipality's (one query)."""
    if not rows:
        raise ImportRefused("В файле нет строк с результатами.")
    if any(row.errors for row in rows):
        raise ImportRefused("В файле есть ошибки: исправьте их и загрузите файл снова. Ничего не сохранено.")
    school_ids = {row.school_id for row in rows}
    known = set(
        Organisation.objects.schools()
        .filter(municipality=municipality, pk__in=school_ids)
        .values_list("pk", flat=True)
    )
    if known != school_ids:
        raise ImportRefused(
            "Список школ муниципалитета изменился: загрузите файл снова. Ничего не сохранено."
        )


def import_rows_save(
    model: type[models.Model], objects: list, *, unique_fields: list[str], update_fields: list[str]
) -> None:
    """Insert the rows, correcting those already there, in one transaction: all or nothing."""
    try:
        with transaction.atomic():
            model.objects.bulk_create(
                objects,
                batch_size=IMPORT_BATCH,
                update_conflicts=True,
                unique_fields=unique_fields,
                update_fields=update_fields,
            )
    except DatabaseError as exc:
        raise ImportRefused("Не удалось сохранить результаты; ничего не сохранено. Проверьте файл.") from exc
