"""Importing ВПР, ОГЭ and ЕГЭ results from XLSX: preview with row errors in Russian, all or nothing,
hostile files refused, the blank template, who may do it."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from monitoring.models import ExamResult, ResultsImportPreview
from monitoring.results import importer as results_module
from schools.models import Municipality, Organisation
from tests.queries import own_queries

pytestmark = pytest.mark.django_db

HEADER = [
    "Школа",
    "Год",
    "Процедура",
    "Предмет",
    "Класс",
    "Участников",
    "Средний балл",
    "% «2»",
    "% «4» и «5»",
]
GOOD = [
    ["СОШ № 6", 2025, "ОГЭ", "Математика", 9, 48, 3.62, 8.5, 41],
    ["МАОУ СОШ №12", "2024/2025", "огэ", "математика", "9 класс", 30, "3,4", "12,5", "30"],
    ["лицей №7", 2025, "EГЭ", "Русский язык", 11, 25, 74.5, 0, 22],  # a Latin «E» in «EГЭ»
]


@pytest.fixture
def taganrog():
    return Municipality.objects.get(name="г. Таганрог")


def xlsx(rows, header=HEADER, title="Результаты", before=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for line in before:
        sheet.append(line)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, municipality, content: bytes, name="results.xlsx", follow=False):
    url = reverse("monitoring:results_import", args=[municipality.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=follow)


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 200), ("staff", 200), ("coordinator", 403), ("region_viewer", 403),
     ("principal", 404), ("mentor", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_department_staff_import_and_download_the_template(client, request, persona, status, taganrog):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("monitoring:results_import", args=[taganrog.pk])).status_code == status
    assert client.get(reverse("monitoring:results_template", args=[taganrog.pk])).status_code == status
    if status != 200:
        assert upload(client, taganrog, xlsx(GOOD)).status_code == status
        assert not ExamResult.objects.exists()


@pytest.mark.parametrize("persona", ["superuser", "outsider"])
def test_somebody_elses_preview_is_not_found(client, request, staff, persona, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not ExamResult.objects.exists()


# --- A good file --------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_saved_and_a_second_import_corrects(client, staff, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    html = client.get(url).content.decode()
    assert "Ошибок нет" in html and "новых результатов <strong>3</strong>" in html
    assert "→ МОБУ СОШ № 6" in html and "→ МОБУ лицей № 7" in html
    assert not ExamResult.objects.exists()  # nothing before the confirmation

    response = client.post(url, follow=True)
    assert "Результаты загружены: добавлено 3, исправлено 0." in response.content.decode()
    twelve = ExamResult.objects.get(school__name="МАОУ СОШ № 12")
    assert (twelve.year, twelve.exam, twelve.subject, twelve.grade) == (2025, "oge", "Математика", 9)
    assert (twelve.average_score, twelve.failed_percent, twelve.entered_by) == (
        Decimal("3.4"),
        Decimal("12.5"),
        staff,
    )
    assert ExamResult.objects.get(school__name="МОБУ лицей № 7").exam == "ege"
    assert client.get(url).status_code == 404  # the preview is used up

    changed = [[*GOOD[0][:6], 3.9, *GOOD[0][7:]], *GOOD[1:]]
    url = preview_url(upload(client, taganrog, xlsx(changed)))
    assert "исправленных <strong>3</strong>" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "добавлено 0, исправлено 3" in response.content.decode()
    assert ExamResult.objects.count() == 3
    assert ExamResult.objects.get(school__name="МОБУ СОШ № 6").average_score == Decimal("3.9")


def test_percent_formatted_cells_and_a_title_row_above_the_header(client, staff, taganrog):
    book = load_workbook(io.BytesIO(xlsx([GOOD[0]], before=[["Результаты ОГЭ 2025 г. Таганрог"]])))
    cell = book.active["H3"]
    cell.value, cell.number_format = 0.085, "0.0%"
    out = io.BytesIO()
    book.save(out)
    client.force_login(staff)
    client.post(preview_url(upload(client, taganrog, out.getvalue())))
    assert ExamResult.objects.get().failed_percent == Decimal("8.5")


def test_the_template_lists_the_schools_and_imports_once_filled(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("monitoring:results_template", args=[taganrog.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book["Результаты"][1]] == HEADER
    names = [row[0] for row in book["Школы"].iter_rows(min_row=2, values_only=True)]
    assert (
        "МОБУ СОШ № 6" in names
        and len(names) == Organisation.objects.schools().filter(municipality=taganrog).count()
    )
    book["Результаты"].append(["МОБУ СОШ № 6", 2026, "ВПР", "Математика", 5, 100, 3.7, 10, 55])
    out = io.BytesIO()
    book.save(out)
    client.post(preview_url(upload(client, taganrog, out.getvalue())))
    assert ExamResult.objects.get().exam == "vpr"


# --- Row errors ---------------------------------------------------------------------------


def test_row_errors_are_listed_in_russian_and_nothing_can_be_saved(client, staff, taganrog):
    rows = [
        GOOD[0],
        ["СОШ № 999", 2025, "ОГЭ", "Математика", 9, 10, 3.5, 5, 40],
        ["МОБУ СОШ № 6", 2025, "ОГЭ", "Русский язык", 9, "много", 3.5, 5, 40],
        ["МОБУ СОШ № 6", 2025, "ГВЭ", "Русский язык", 9, 10, 3.5, 5, 40],
        ["МОБУ СОШ № 6", 2025, "ВПР", "Математика", 12, 10, 3.5, 5, 40],
        ["МОБУ СОШ № 6", 2025, "ОГЭ", "Математика", 9, 10, 3.5, 150, 40],
        ["МОБУ СОШ № 6", 2025, "ОГЭ", "Математика", 9, 50, 3.6, 8, 41],  # repeats the first row
        ["МОБУ СОШ № 6", 1990, "ОГЭ", "Химия", 9, 10, 3.5, 5, 40],
    ]
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(rows)))
    html = client.get(url).content.decode()
    for message in [
        "Строк с ошибками: <strong>7</strong> из 8",
        "Школа «СОШ № 999» не найдена среди школ муниципалитета «г. Таганрог».",
        "«Участников»: «много» — не целое число.",
        "Процедура «ГВЭ»: укажите ВПР, ОГЭ или ЕГЭ.",
        "«Класс»: 12 — должно быть от 1 до 11.",
        "«% «2»»: 150 — должно быть от 0 до 100.",
        "Повторяет строку 2: та же школа, год, процедура, предмет и класс.",
        "«Год»: 1990 — должно быть от 2000 до",
    ]:
        assert message in html
    assert "Загрузить результаты" not in html
    response = client.post(url, follow=True)
    assert "В файле есть ошибки" in response.content.decode()
    assert not ExamResult.objects.exists()


def test_a_failure_while_saving_leaves_nothing_behind(client, staff, taganrog, monkeypatch):
    """All or nothing: a row the database refuses undoes the rows saved before it."""
    monkeypatch.setattr(results_module, "IMPORT_BATCH", 1)  # the good rows go in before the bad one
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    stored = ResultsImportPreview.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])
    broken = {**stored.rows[0], "line": 99, "subject": "Химия", "failed_percent": Decimal("150")}
    ResultsImportPreview.objects.filter(pk=stored.pk).update(rows=[*stored.rows, broken])
    response = client.post(url, follow=True)
    assert "Не удалось сохранить результаты; ничего не сохранено." in response.content.decode()
    assert not ExamResult.objects.exists()


# --- Hostile and broken files -------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


HOSTILE = [
    (
        "not a zip",
        lambda: b"hello, this is not a spreadsheet",
        "Это не документ Word (.docx) и не таблица Excel (.xlsx).",
    ),
    ("old xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Это файл старого формата"),
    ("a word document", _docx, "Это документ Word, а нужна таблица Excel (.xlsx) с результатами."),
    (
        "a zip bomb",
        lambda: _zip(
            {
                "[Content_Types].xml": b"<a/>",
                "xl/workbook.xml": b"<a/>",
                "xl/worksheets/s.xml": b"0" * 50_000_000,
            }
        ),
        "«ZIP-бомба»",
    ),
    (
        "a damaged workbook",
        lambda: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "Файл повреждён",
    ),
    (
        "entities in the XML",
        lambda: _zip(
            {
                "[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><t>&a;</t>',
                "xl/workbook.xml": b"<a/>",
            }
        ),
        "DTD, сущности",
    ),
    (
        "another table",
        lambda: xlsx([["Иванов", "Иван"]], header=["Фамилия", "Имя"]),
        "В книге не найден лист",
    ),
    (
        "missing columns",
        lambda: xlsx([["СОШ № 6", 2025, "Математика"]], header=["Школа", "Год", "Предмет"]),
        "нет столбцов: «Процедура», «Класс», «Участников»",
    ),
    ("empty", lambda: b"", "Файл пустой."),
]


@pytest.mark.parametrize("name, content, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_or_broken_file_is_refused_in_russian_and_changes_nothing(
    client, staff, taganrog, school6_result, name, content, message
):
    client.force_login(staff)
    response = upload(client, taganrog, content())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(ExamResult.objects.values_list("pk", "average_score")) == [
        (school6_result.pk, school6_result.average_score)
    ]


@pytest.fixture
def school6_result():
    return ExamResult.objects.create(
        school=Organisation.objects.get(name="МОБУ СОШ № 6"),
        year=2025,
        exam="oge",
        subject="Математика",
        grade=9,
        participants=40,
        average_score=Decimal("3.10"),
    )


def test_a_huge_upload_is_refused_before_it_is_read(client, staff, taganrog):
    client.force_login(staff)
    response = upload(client, taganrog, b"PK" + b"\0" * (21 * 1024 * 1024))
    assert response.status_code == 400
    assert "Файл слишком большой" in response.content.decode()


def test_too_many_rows_are_refused(client, staff, taganrog, monkeypatch):
    monkeypatch.setattr(results_module, "MAX_ROWS", 5)
    client.force_login(staff)
    response = upload(client, taganrog, xlsx(GOOD * 2))
    assert response.status_code == 400
    assert "В таблице больше 5 строк" in response.content.decode()


# --- Fixed queries ------------------------------------------------------------------------


def test_upload_and_preview_take_the_same_queries_for_3_and_600_rows(client, staff, taganrog):
    client.force_login(staff)
    counts = []
    for copies in (1, 200):
        rows = [[r[0], 2000 + i % 26, *r[2:3], f"{r[3]} {i}", *r[4:]] for i in range(copies) for r in GOOD]
        content = xlsx(rows)
        with CaptureQueriesContext(connection) as queries:
            url = preview_url(upload(client, taganrog, content))
            html = client.get(url).content.decode()
        counts.append(own_queries(queries))
    assert f"Строк: <strong>{3 * 200}</strong>" in html and "Страница 1 из 12" in html
    assert counts[0] == counts[1] and counts[1] <= 16
