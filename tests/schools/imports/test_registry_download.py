"""The registry downloaded in the import's own columns, edited in Excel and loaded back."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schools.imports.reading import COLUMNS
from schools.imports.services import registry_import
from schools.models import AccessEvent, Organisation, SchoolStatus
from tests.schools.imports.conftest import inn, school_row, xlsx

pytestmark = pytest.mark.django_db


def download(client, taganrog, **params):
    return client.get(reverse("schools:import_registry_download", args=[taganrog.pk]), params)


def rows_of(response) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


def test_the_registry_comes_in_the_import_columns_with_directors_and_the_years_statuses(
    client, staff, taganrog
):
    registry_import(
        municipality=taganrog,
        content=xlsx([school_row(1, statuses="ШНОР, ШНСУ", year="2025/2026")]),
        file_name="r.xlsx",
        by=staff,
        dry_run=False,
    )
    client.force_login(staff)
    response = download(client, taganrog, year=2025)
    assert response["Content-Disposition"] == f'attachment; filename="registry-{taganrog.pk}-2025.xlsx"'
    rows = rows_of(response)
    assert rows[0] == [c.title for c in COLUMNS]
    schools = Organisation.objects.schools().filter(municipality=taganrog)
    assert len(rows) == 1 + schools.count()
    mine = next(r for r in rows if r[2] == inn(1))
    assert mine == [
        "МОБУ СОШ № 901",
        "СОШ № 901",
        inn(1),
        "г. Таганрог, ул. Новая, д. 1",
        "Директорова1 А.П.",
        "director1@school.ru",
        "school1@school.ru",
        "ШНОР, ШНСУ",
        "2025/2026",
    ]
    # A file of personal data handed over: in the access log.
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.EXPORT, user=staff)
    assert "Реестр школ" in event.detail and "2025/2026" in event.detail


def test_the_downloaded_registry_loads_back_without_a_change(client, staff, taganrog):
    SchoolStatus.objects.get_or_create(
        school=Organisation.objects.get(name="МОБУ СОШ № 16"), academic_year=2026, kind=SchoolStatus.Kind.RISK
    )
    client.force_login(staff)
    response = download(client, taganrog, year=2026)
    summary = registry_import(
        municipality=taganrog, content=response.content, file_name="r.xlsx", by=staff, dry_run=True
    )
    count = Organisation.objects.schools().filter(municipality=taganrog).count()
    assert (summary.created, summary.updated, summary.unchanged, summary.errors) == (0, 0, count, [])


@pytest.mark.parametrize("year", ["²⁰²⁶", "٢٠٢٦", "99999999999999999999999", "1900", "abc"])
def test_a_year_no_one_could_mean_gives_the_current_one_not_an_error(client, staff, taganrog, year):
    client.force_login(staff)
    assert download(client, taganrog, year=year).status_code == 200
    page = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]), {"year": year})
    assert page.status_code == 200


def test_an_outsider_does_not_find_the_registry(client, outsider, coordinator, taganrog):
    client.force_login(outsider)
    assert download(client, taganrog).status_code == 404
    client.force_login(coordinator)
    assert download(client, taganrog).status_code == 403
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()
