"""An XLSX roadmap read as Excel shows it: hidden parts left out, every cell by its number
format, merged sections and executors, bold, and the row limit checked before loading."""

from __future__ import annotations

import io
import os
import random
import subprocess
import time as clock
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from roadmaps.documents.excel import count_rows, read_xlsx
from roadmaps.documents.importer import import_roadmap
from roadmaps.documents.number_formats import display
from schools.uploads import MAX_ROWS, TooManyRows

JAN_3 = datetime(2022, 1, 3, 14, 5)


# --- The formatter, code by code -----------------------------------------------------------

DATES = [
    # A month and a year: nominative, capitalised, as Russian Excel and LibreOffice show it.
    ("mmmm yyyy", "Январь 2022"),
    ("[$-419]mmmm yyyy;@", "Январь 2022"),
    ("MMMM\\ YYYY", "Январь 2022"),  # the same code as LibreOffice saves it
    ("mmmm", "Январь"),
    ("mmm yy", "янв 22"),
    ("mmm", "янв"),
    ("mmmmm", "Я"),
    # A day before the month puts it in the genitive.
    ("d mmmm yyyy", "3 января 2022"),
    ("[$-FC19]dd mmmm yyyy \\г\\.;@", "03 января 2022 г."),
    ("dd mmm yyyy", "03 янв 2022"),
    ("[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", "3 января 2022 г."),  # the system's long date
    ("dd.mm.yyyy", "03.01.2022"),
    ("DD.MM.YYYY", "03.01.2022"),
    ("dd.mm.yy", "03.01.22"),
    ("mm/dd/yy", "01.03.22"),  # «/» is the locale's date separator
    ("dddd", "понедельник"),
    ("ddd", "Пн"),
    # The built-in ids 14–22, as openpyxl names them, in their Russian forms.
    ("mm-dd-yy", "03.01.2022"),
    ("d-mmm-yy", "03.янв.22"),
    ("d-mmm", "03.янв"),
    ("mmm-yy", "янв.22"),
    ("h:mm AM/PM", "2:05 PM"),
    ("h:mm:ss AM/PM", "2:05:00 PM"),
    ("h:mm", "14:05"),
    ("h:mm:ss", "14:05:00"),
    ("m/d/yy h:mm", "03.01.2022 14:05"),
    # What programs give a date when nobody chose a format: the short date.
    ("yyyy-mm-dd", "03.01.2022"),
    ("yyyy-mm-dd h:mm:ss", "03.01.2022 14:05"),
    ("General", "03.01.2022 14:05"),
]


@pytest.mark.parametrize(("code", "shown"), DATES)
def test_a_date_shows_as_russian_excel_shows_it(code, shown):
    assert display(JAN_3, code) == shown


@pytest.mark.parametrize(
    ("month", "nominative", "genitive", "short"),
    [
        (1, "Январь", "января", "янв"),
        (2, "Февраль", "февраля", "фев"),
        (3, "Март", "марта", "мар"),
        (4, "Апрель", "апреля", "апр"),
        (5, "Май", "мая", "май"),
        (6, "Июнь", "июня", "июн"),
        (7, "Июль", "июля", "июл"),
        (8, "Август", "августа", "авг"),
        (9, "Сентябрь", "сентября", "сен"),
        (10, "Октябрь", "октября", "окт"),
        (11, "Ноябрь", "ноября", "ноя"),
        (12, "Декабрь", "декабря", "дек"),
    ],
)
def test_every_month_has_its_russian_names(month, nominative, genitive, short):
    day = date(2022, month, 1)
    assert display(day, "mmmm yyyy") == f"{nominative} 2022"
    assert display(day, "d mmmm yyyy") == f"1 {genitive} 2022"
    assert display(day, "mmm yy") == f"{short} 22"


def test_times_and_durations_show_by_their_format():
    assert display(time(9, 30), "h:mm") == "9:30"
    assert display(time(9, 30, 15), "hh:mm:ss") == "09:30:15"
    assert display(time(9, 30, 15), "mm:ss") == "30:15"
    assert display(timedelta(hours=30, minutes=5), "[h]:mm") == "30:05"
    # A serial number under a date format that openpyxl did not take for a date.
    assert display(44562, "dd.mm.yyyy") == "01.01.2022"


NUMBERS = [
    (5.1, "0.00", "5.10"),
    (5.1, "0.0#", "5.1"),
    (5.125, "0.0#", "5.13"),
    (2.675, "0.00", "2.68"),  # rounded half up, as Excel does, not to the float below
    (2.5, "0", "3"),
    (0.45, "0%", "45%"),
    (0.456, "0.0%", "45.6%"),
    (1, "0%", "100%"),
    (1234567, "#,##0", "1 234 567"),
    (1234567.891, "#,##0.00", "1 234 567.89"),
    (-1234.5, "#,##0.00", "-1 234.50"),
    (0, "#,##0", "0"),
    (0.5, "#.00", ".50"),
    (1500, '#,##0,"K"', "2K"),
    (12345.678, "0.00E+00", "1.23E+04"),
    (5, '0" шт."', "5 шт."),
    (1234.5, "#,##0.00 [$₽-419]", "1 234.50 ₽"),
    (-3, "#,##0_);[Red]\\(#,##0\\)", "(3)"),
    (0, '0;-0;"нет"', "нет"),
    (0, "0;-0;;@", ""),
    (-2, "0;-0;;@", "-2"),
    (5.1, "@", "5.1"),
    # General: integers without «.0», fractions as Excel rounds them.
    (5.0, "General", "5"),
    (5, "General", "5"),
    (0.1 + 0.2, "General", "0.3"),
    (1 / 3, "General", "0.333333333333333"),
    (123456789012.0, "General", "123456789012"),
    (1.2345678901234568e16, "General", "1.23456789012346E+16"),
    (1e-7, "General", "1E-07"),
    (5.1, None, "5.1"),
    (True, "General", "ИСТИНА"),
    (False, "General", "ЛОЖЬ"),
]


@pytest.mark.parametrize(("value", "code", "shown"), NUMBERS)
def test_a_number_shows_by_its_format(value, code, shown):
    assert display(value, code) == shown


@pytest.mark.parametrize("code", ["General", "0.00", "@", "dd.mm.yyyy", "mmmm yyyy"])
def test_text_stays_as_typed_whatever_the_format(code):
    assert display("5.10", code) == "5.10"
    assert display("Январь-март 2022", code) == "Январь-март 2022"


# --- A department's roadmap, as typed in Excel -----------------------------------------------

HEADER = ["№ п/п", "Мероприятие", "Служебная отметка", "Сроки", "Ответственный", "Ожидаемый результат"]


def _department_sheet(sheet) -> None:
    """A stamp and a title above the header, a hidden column and a hidden group of columns,
    merged sections, an executor merged down over three activities, a hidden row, and
    numbers, dates and percentages under their formats."""
    sheet["E1"] = "УТВЕРЖДЕНО приказом управления образования от 24.01.2022 № 14"
    sheet.merge_cells("E1:F1")
    sheet["A2"] = "Дорожная карта поддержки школ с низкими результатами обучения на 2022 год"
    sheet.merge_cells("A2:F2")
    for c, title in enumerate(HEADER, start=1):
        sheet.cell(4, c, title).font = Font(bold=True)
    sheet.append(["1. Диагностика"])
    sheet.merge_cells("A5:F5")
    sheet["A5"].font = Font(bold=True)
    rows = [
        # number (value, format), content, deadline (value, format), responsible, result (value, format)
        (
            (1.1, "0.0"),
            "Анализ результатов ВПР",
            (date(2022, 1, 1), "mmmm yyyy"),
            "Отдел образования",
            ("", None),
        ),
        (
            (1.2, "0.0"),
            "Собеседования с директорами",
            (date(2022, 2, 1), "[$-419]mmmm yyyy;@"),
            None,
            (0.45, "0%"),
        ),
        ((1.1, "0.00"), "Выезды в школы", (date(2022, 3, 15), "d mmmm yyyy"), None, (1500, "#,##0")),
    ]
    for number, content, deadline, responsible, result in rows:
        _append(sheet, number, content, deadline, responsible, result)
    sheet.merge_cells("E6:E8")  # one executor for the three activities
    _append(sheet, ("1.3", None), "Отменённое мероприятие", ("март", None), "Никто", ("", None))
    sheet.row_dimensions[9].hidden = True
    sheet.append(["2. Сопровождение"])
    sheet.merge_cells("A10:F10")
    _append(sheet, ("2.1", None), "Наставничество", ("В течение года", None), "МБОУ СОШ № 1", ("", None))
    _append(
        sheet, (2.2, "0.0"), "Методический день", (date(2022, 9, 1), "mm-dd-yy"), "МБОУ СОШ № 2", ("", None)
    )
    _append(
        sheet,
        ("5.10", "@"),
        "Итоговая конференция",
        (date(2022, 12, 20), "dd.mm.yyyy"),
        "МЦ",
        (0.456, "0.0%"),
    )
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions.group("G", "H", hidden=True)


def _append(sheet, number, content, deadline, responsible, result) -> None:
    r = sheet.max_row + 1
    for c, (value, code) in ((1, number), (4, deadline), (6, result)):
        cell = sheet.cell(r, c, value if value != "" else None)
        if code:
            cell.number_format = code
    sheet.cell(r, 2, content)
    sheet.cell(r, 3, "скрыто")  # the hidden column
    sheet.cell(r, 5, responsible)
    sheet.cell(r, 7, "служебно")  # the hidden group
    sheet.cell(r, 8, 42)


def _save(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def department_xlsx() -> bytes:
    workbook = Workbook()
    _department_sheet(workbook.active)
    return _save(workbook)


EXPECTED = [
    {
        "number": "1",
        "title": "Диагностика",
        "rows": [
            ("1.1", "Анализ результатов ВПР", "Январь 2022", "Отдел образования", ""),
            ("1.2", "Собеседования с директорами", "Февраль 2022", "Отдел образования", "45%"),
            ("1.10", "Выезды в школы", "15 марта 2022", "Отдел образования", "1 500"),
        ],
    },
    {
        "number": "2",
        "title": "Сопровождение",
        "rows": [
            ("2.1", "Наставничество", "В течение года", "МБОУ СОШ № 1", ""),
            ("2.2", "Методический день", "01.09.2022", "МБОУ СОШ № 2", ""),
            ("5.10", "Итоговая конференция", "20.12.2022", "МЦ", "45.6%"),
        ],
    },
]


def _sections(data: dict) -> list[dict]:
    return [
        {
            "number": s["number"],
            "title": s["title"],
            "rows": [
                (a["number"], a["content"], a["deadline"], a["responsible"], a["expected_result"])
                for a in s["activities"]
            ],
        }
        for s in data["sections"]
    ]


def test_every_row_of_a_department_sheet_reads_as_excel_shows_it(department_xlsx):
    data = import_roadmap(department_xlsx, "карта.xlsx")
    assert _sections(data) == EXPECTED
    assert data["activities"] == []
    assert data["title"] == "Дорожная карта поддержки школ с низкими результатами обучения на 2022 год"
    assert data["approval"]["number"] == "14" and data["approval"]["date"] == "2022-01-24"
    assert data["columns"] == ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"]


def test_hidden_columns_and_rows_are_not_in_the_grid(department_xlsx):
    (source,) = read_xlsx(department_xlsx)
    (grid,) = source.blocks
    assert [c.text for c in grid[3]] == [
        "№ п/п",
        "Мероприятие",
        "Сроки",
        "Ответственный",
        "Ожидаемый результат",
    ]
    texts = [c.text for row in grid for c in row]
    assert "скрыто" not in texts and "служебно" not in texts and "42" not in texts
    assert "Отменённое мероприятие" not in texts
    assert len(grid) == 12  # 13 rows, one hidden


def test_a_responsible_cell_merged_down_goes_on_in_the_rows_below(department_xlsx):
    (source,) = read_xlsx(department_xlsx)
    (grid,) = source.blocks
    executors = [row[3] for row in grid[5:8]]
    assert [c.text for c in executors] == ["Отдел образования"] * 3
    assert [c.continued for c in executors] == [False, True, True]
    assert executors[0].owner is executors[1].owner is executors[2].owner
    section = grid[4]
    assert len({id(c.owner) for c in section}) == 1 and not any(c.continued for c in section)


def test_bold_cells_are_marked_bold():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    sheet.append(["Раздел 1. Диагностика"])  # a section typed as a plain bold row
    sheet["A2"].font = Font(bold=True)
    sheet.append(["1", "Анализ", "Январь", "УО"])
    (source,) = read_xlsx(_save(workbook))
    (grid,) = source.blocks
    assert [c.bold for c in grid[1]] == [True, False, False, False]
    assert not any(c.bold for c in grid[2])


def test_a_hidden_sheet_is_not_read():
    workbook = Workbook()
    old = workbook.active
    old.title = "Старая редакция"
    old.append(["№", "Мероприятие", "Срок", "Ответственный"])
    old.append(["1", "Отменено", "2021", "Никто"])
    old.sheet_state = "hidden"
    _department_sheet(workbook.create_sheet("Дорожная карта"))
    data = import_roadmap(_save(workbook))
    assert _sections(data) == EXPECTED
    assert len(read_xlsx(_save(workbook))) == 1


def test_an_xlsx_saved_by_libreoffice_reads_the_same(department_xlsx, tmp_path):
    """The .ods path: LibreOffice saves the sheet as ODS, then as XLSX, with its own codes.

    LibreOffice writes the short date in its own locale's order: run in en-US it turns the
    Russian short date into «m/d/yyyy» (1 September reads «9.1.2022»), so it runs in ru-RU.
    """
    original = tmp_path / "roadmap.xlsx"
    original.write_bytes(department_xlsx)
    ods = _soffice(original, "ods", tmp_path / "ods")
    again = _soffice(ods, "xlsx", tmp_path / "xlsx")
    content = again.read_bytes()
    assert _sections(import_roadmap(content)) == EXPECTED
    ((grid,),) = [s.blocks for s in read_xlsx(content)]
    ((first,),) = [s.blocks for s in read_xlsx(department_xlsx)]
    assert [[c.text for c in row] for row in grid] == [[c.text for c in row] for row in first]


def _soffice(path: Path, fmt: str, outdir: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{outdir.parent}/profile",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "LANG": "ru_RU.UTF-8", "LC_ALL": "ru_RU.UTF-8"},
    )
    return outdir / f"{path.stem}.{fmt}"


# --- The row limit ---------------------------------------------------------------------------


def _numbers_xlsx(rows: int, *, header: bool = True) -> bytes:
    """A sheet of ``rows`` rows written as a generator writes them (openpyxl's write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист1")
    numbers = random.Random(13)
    if header:
        sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
        rows -= 1
    for i in range(1, rows + 1):
        sheet.append([i, numbers.random()])
    return _save(workbook)


def test_a_sheet_of_200000_rows_is_refused_before_it_is_loaded():
    content = _numbers_xlsx(200_000)
    assert len(content) > 4_000_000
    started = clock.perf_counter()
    with pytest.raises(TooManyRows) as refused:
        read_xlsx(content)
    assert clock.perf_counter() - started < 10  # loading it took a minute
    assert str(refused.value) == (
        "На листе «Лист1» 200 000 строк с данными, а в дорожной карте может быть не больше "
        "5 000 строк. Оставьте на листе только таблицу мероприятий или разделите её на несколько файлов."
    )


def test_a_sheet_of_the_limit_is_read_and_one_row_more_is_not():
    assert MAX_ROWS == 5_000
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    for i in range(1, MAX_ROWS):
        sheet.append([str(i), f"Мероприятие {i}", "Сентябрь 2022", "Отдел образования"])
    data = import_roadmap(_save(workbook))
    assert len(data["activities"]) == MAX_ROWS - 1
    assert data["activities"][-1]["number"] == str(MAX_ROWS - 1)
    sheet.append([str(MAX_ROWS), "Лишнее", "Декабрь 2022", "Отдел образования"])
    with pytest.raises(TooManyRows, match="5 001 строка с данными"):
        import_roadmap(_save(workbook))


def test_rows_that_only_carry_a_style_are_not_counted():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["№", "Мероприятие"])
    for r in range(2, MAX_ROWS + 500):
        sheet.cell(r, 1).font = Font(bold=True)  # formatted, empty
    (source,) = read_xlsx(_save(workbook))
    assert source.blocks[0][0][1].text == "Мероприятие"


@pytest.mark.parametrize("chunk_size", [7, 64, 1 << 20])
def test_rows_are_counted_across_chunk_boundaries(chunk_size):
    xml = _sheet_xml("", [["1", "2"], [], ["3"], None, ["4"]])
    assert count_rows(io.BytesIO(xml), chunk_size=chunk_size) == 3


def test_rows_are_counted_in_a_sheet_whose_tags_are_prefixed():
    xml = _sheet_xml("x:", [["1"], ["2"], []])
    assert count_rows(io.BytesIO(xml), chunk_size=5) == 2


def _sheet_xml(prefix: str, rows: list[list[str] | None]) -> bytes:
    """A sheet's XML: a list of values per row, [] for a row of empty cells, None for a styled row."""
    ns = f' xmlns{":" + prefix[:-1] if prefix else ""}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    out = [f"<?xml version='1.0'?><{prefix}worksheet{ns}><{prefix}sheetData>"]
    for r, values in enumerate(rows, start=1):
        if values is None:
            out.append(f'<{prefix}row r="{r}" s="1"/>')
            continue
        cells = (
            "".join(f"<{prefix}c><{prefix}v>{v}</{prefix}v></{prefix}c>" for v in values)
            or f'<{prefix}c s="2"/>'
        )
        out.append(f'<{prefix}row r="{r}">{cells}</{prefix}row>')
    out.append(f"</{prefix}sheetData></{prefix}worksheet>")
    return "".join(out).encode()


def test_only_visible_sheets_are_counted():
    workbook = Workbook()
    big = workbook.active
    big.title = "Архив"
    for i in range(MAX_ROWS + 10):
        big.append([i])
    big.sheet_state = "hidden"
    small = workbook.create_sheet("Карта")
    small.append(["№", "Мероприятие", "Срок", "Ответственный"])
    small.append(["1", "Анализ", "Январь 2022", "УО"])
    content = _save(workbook)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
    data = import_roadmap(content)
    assert [(a["number"], a["content"]) for a in data["activities"]] == [("1", "Анализ")]
