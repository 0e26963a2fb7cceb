"""The registry file as rows: the one upload check, then XLSX (openpyxl) or CSV, the header row
found by the column names departments write («Наименование ОУ», «ИНН», «Директор (ФИО)»…).

Only XLSX and CSV: .xls and .ods would need the LibreOffice converter of ``roadmaps``, a higher
floor than ``schools``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import load_workbook

from schools.russian import plain
from schools.uploads import KIND_NAMES, Kind, UnknownKind, UnsafeFile, check_size, check_upload

# A municipality has tens of schools, a region a few thousand.
MAX_ROWS = 5_000
MAX_COLUMNS = 40
# Header rows are looked for among the first lines (a title above the table is common).
HEADER_SEARCH = 10


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    aliases: tuple[str, ...] = ()


# The columns in the template's order, each with the ways departments head it. Headings are
# compared ``plain`` (case, «ё», spaces and punctuation ignored).
COLUMNS = [
    Column(
        "name",
        "Полное наименование",
        (
            "Наименование",
            "Наименование ОУ",
            "Наименование ОО",
            "Полное наименование ОУ",
            "Полное наименование ОО",
            "Полное наименование организации",
            "Школа",
            "Образовательная организация",
        ),
    ),
    Column(
        "short_name",
        "Краткое наименование",
        ("Сокращённое наименование", "Краткое наименование ОУ", "Краткое название", "Сокращенное название"),
    ),
    Column("inn", "ИНН", ("ИНН ОУ", "ИНН организации", "ИНН ОО")),
    Column("address", "Адрес", ("Юридический адрес", "Адрес ОУ", "Фактический адрес", "Местонахождение")),
    Column(
        "director",
        "Директор (ФИО)",
        ("Директор", "ФИО директора", "Руководитель", "ФИО руководителя", "Руководитель (ФИО)"),
    ),
    Column(
        "director_email",
        "E-mail директора",
        (
            "Email директора",
            "Эл. почта директора",
            "Электронная почта директора",
            "Почта директора",
            "E-mail руководителя",
        ),
    ),
    Column(
        "email",
        "E-mail школы",
        (
            "Email школы",
            "Эл. почта школы",
            "Электронная почта школы",
            "Электронная почта",
            "E-mail",
            "Email",
            "E-mail ОУ",
            "Почта школы",
        ),
    ),
    Column("statuses", "Статус", ("Статусы", "Статус школы", "Статус ОУ")),
    Column("year", "Учебный год", ("Год", "Уч. год", "Учебный год статуса")),
]
HEADINGS = {plain(alias): c.key for c in COLUMNS for alias in (c.title, *c.aliases)}
TITLES = {c.key: c.title for c in COLUMNS}


@dataclass
class Table:
    """The rows of the file: ``columns`` are the keys found in its header; each row a dict of
    key -> text (stripped, «» when blank) with its line in the file under «line»."""

    columns: set[str]
    rows: list[dict[str, str]]


def read_table(content: bytes, file_name: str) -> Table:
    """Raise UnsafeFile with a Russian message when the file is not a table of schools."""
    check_size(len(content))
    try:
        kind = check_upload(content)
    except UnknownKind:
        kind = None
    if kind is None:
        if not file_name.lower().endswith((".csv", ".txt")):
            raise UnsafeFile("Формат файла не распознан: загрузите таблицу Excel (.xlsx) или CSV.")
        grid = _csv_grid(content)
    elif kind == Kind.XLSX:
        grid = _xlsx_grid(content)
    else:
        raise UnsafeFile(f"Это {KIND_NAMES[kind]}, а нужна таблица Excel (.xlsx) или CSV со списком школ.")
    return _table(grid)


def _csv_grid(content: bytes) -> list[list[object]]:
    if b"\0" in content:
        raise UnsafeFile("Это не текст CSV: в файле есть двоичные данные.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in Russian saves «CSV (разделители — запятые)» in Windows-1251.
        text = content.decode("cp1251", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    grid = []
    for row in reader:
        grid.append(row[:MAX_COLUMNS])
        if len(grid) > MAX_ROWS + HEADER_SEARCH:
            raise _too_many()
    return grid


def _xlsx_grid(content: bytes) -> list[list[object]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl trips on, the file is damaged
        raise UnsafeFile("Файл повреждён: таблицу Excel не удаётся открыть.") from exc
    try:
        sheet = book.worksheets[0]
        grid = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            grid.append(list(values))
            if len(grid) > MAX_ROWS + HEADER_SEARCH:
                raise _too_many()
        return grid
    except UnsafeFile:
        raise
    except Exception as exc:  # noqa: BLE001
        raise UnsafeFile("Файл повреждён: часть таблицы не читается.") from exc
    finally:
        book.close()


def _too_many() -> UnsafeFile:
    return UnsafeFile(f"В файле больше {MAX_ROWS} строк: загрузите реестр по частям.")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an ИНН or a year typed as a number
    return " ".join(str(value).split())


def _header(grid: list[list[object]]) -> tuple[int, dict[str, int]]:
    """The header row among the first lines: (its index, {column key: position})."""
    for index, values in enumerate(grid[:HEADER_SEARCH]):
        found: dict[str, int] = {}
        for position, value in enumerate(values):
            key = HEADINGS.get(plain(value))
            if key and key not in found:
                found[key] = position
        if "name" in found or ("inn" in found and len(found) >= 2):
            return index, found
    raise UnsafeFile(
        "В файле не найдена строка заголовков: нужен хотя бы столбец «Полное наименование» "
        "(или «ИНН»). Скачайте шаблон, чтобы увидеть, как называются столбцы."
    )


def _table(grid: list[list[object]]) -> Table:
    index, found = _header(grid)
    rows = []
    for line, values in enumerate(grid[index + 1 :], start=index + 2):
        row = {key: _text(values[p]) if p < len(values) else "" for key, p in found.items()}
        if any(row.values()):
            rows.append(row | {"line": str(line)})
    if not rows:
        raise UnsafeFile("В таблице нет ни одной школы: под строкой заголовков пусто.")
    return Table(columns=set(found), rows=rows)
