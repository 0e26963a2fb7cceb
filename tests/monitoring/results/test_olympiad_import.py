"""Importing olympiad participation from XLSX: the same upload, preview with row errors in Russian and
all-or-nothing confirmation as the exam import, hostile files refused, the blank template, who may."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from monitoring.models import OlympiadResult, ResultsImportPreview
from monitoring.results import importer
from schools.models import Municipality, Organisation, current_academic_year
from tests.queries import own_queries

pytestmark = pytest.mark.django_db

HEADER = ["Школа", "Учебный год", "Этап", "Участников", "Победителей", "Призёров"]
GOOD = [
    ["СОШ № 6", "2024/2025", "школьный", 120, 5, 12],
    ["МАОУ СОШ №12", "2023-2024", "Муниципальный этап", 30, None, 4],  # no winners: an empty cell
    ["лицей №7", 2024, "Региональный", 8, 1, 2],
]


@pytest.fixture(autouse=True)
def no_olympiads(db):
    """Each test starts from schools without olympiad results, whatever demo data is seeded."""
    OlympiadResult.objects.all().delete()


@pytest.fixture
def taganrog():
    return Municipality.objects.get(name="г. Таганрог")


def xlsx(rows, header=HEADER, title="Олимпиады") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, municipality, content: bytes, name="olympiads.xlsx"):
    url = reverse("monitoring:olympiad_import", args=[municipality.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def preview_url(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [("superuser", 200), ("staff", 200), ("coordinator", 403), ("region_viewer", 403),
     ("principal", 404), ("mentor", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_department_staff_import_olympiads_and_download_the_template(
    client, request, persona, status, taganrog
):
    """Staff-only: those who see Таганрог's results page but are not its department get 403; the
    principal, the mentor and the outsider do not see the municipality's page at all: 404."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("monitoring:olympiad_import", args=[taganrog.pk])).status_code == status
    assert client.get(reverse("monitoring:olympiad_template", args=[taganrog.pk])).status_code == status
    if status != 200:
        assert upload(client, taganrog, xlsx(GOOD)).status_code == status
        assert not OlympiadResult.objects.exists()


@pytest.mark.parametrize("persona, shown", [("staff", True), ("coordinator", False)])
def test_the_municipality_results_page_links_the_olympiad_import_for_staff(
    client, request, persona, shown, taganrog
):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("monitoring:municipality_results", args=[taganrog.pk])).content.decode()
    assert (reverse("monitoring:olympiad_import", args=[taganrog.pk]) in html) == shown
    assert (reverse("monitoring:olympiad_template", args=[taganrog.pk]) in html) == shown


@pytest.mark.parametrize("persona", ["superuser", "outsider"])
def test_somebody_elses_olympiad_preview_is_not_found(client, request, staff, persona, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not OlympiadResult.objects.exists()


def test_an_exam_preview_cannot_be_confirmed_as_an_olympiad_import(client, staff, taganrog):
    exam_rows = [["МОБУ СОШ № 6", 2025, "ОГЭ", "Физика", 9, 20, 3.5, 10, 30]]
    exam_header = ["Школа", "Год", "Процедура", "Предмет", "Класс", "Участников", "Средний балл", "% «2»",
                   "% «4» и «5»"]  # fmt: skip
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:results_import", args=[taganrog.pk]),
        {"file": SimpleUploadedFile("exams.xlsx", xlsx(exam_rows, header=exam_header))},
    )
    token = preview_url(response).rstrip("/").rsplit("/", 1)[1]
    url = reverse("monitoring:olympiad_import_preview", args=[taganrog.pk, token])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not OlympiadResult.objects.exists()


# --- A good file --------------------------------------------------------------------------


def test_a_good_file_is_previewed_then_saved_and_a_second_import_corrects(client, staff, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    html = client.get(url).content.decode()
    assert "Ошибок нет" in html and "новых результатов <strong>3</strong>" in html
    assert "→ МОБУ СОШ № 6" in html and "→ МОБУ лицей № 7" in html
    assert "2024/2025" in html and "Муниципальный этап" in html
    assert not OlympiadResult.objects.exists()  # nothing before the confirmation

    response = client.post(url, follow=True)
    assert "Участие в олимпиадах загружено: добавлено 3, исправлено 0." in response.content.decode()
    saved = {
        r.school.name: (r.academic_year, r.level, r.participants, r.winners, r.prize_winners, r.entered_by)
        for r in OlympiadResult.objects.select_related("school")
    }
    assert saved == {
        "МОБУ СОШ № 6": (2024, "school", 120, 5, 12, staff),
        "МАОУ СОШ № 12": (2023, "municipal", 30, 0, 4, staff),
        "МОБУ лицей № 7": (2024, "regional", 8, 1, 2, staff),
    }
    assert client.get(url).status_code == 404  # the preview is used up

    changed = [["МОБУ СОШ № 6", "2024/25", "Школьный этап", 130, 6, 12], *GOOD[1:]]
    url = preview_url(upload(client, taganrog, xlsx(changed)))
    assert "исправленных <strong>3</strong>" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "добавлено 0, исправлено 3" in response.content.decode()
    assert OlympiadResult.objects.count() == 3
    school6 = OlympiadResult.objects.get(school__name="МОБУ СОШ № 6")
    assert (school6.participants, school6.winners) == (130, 6)
    page = client.get(reverse("monitoring:school_results", args=[school6.school_id])).content.decode()
    assert "2024/2025" in page and "Школьный этап" in page


def test_the_template_lists_the_schools_and_imports_once_filled(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("monitoring:olympiad_template", args=[taganrog.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book["Олимпиады"][1]] == HEADER
    names = [row[0] for row in book["Школы"].iter_rows(min_row=2, values_only=True)]
    assert (
        "МОБУ СОШ № 6" in names
        and len(names) == Organisation.objects.schools().filter(municipality=taganrog).count()
    )
    book["Олимпиады"].append(["МОБУ СОШ № 6", "2023/2024", "заключительный", 3, 0, 1])
    out = io.BytesIO()
    book.save(out)
    client.post(preview_url(upload(client, taganrog, out.getvalue())))
    assert OlympiadResult.objects.get().level == "final"


# --- Row errors ---------------------------------------------------------------------------


def test_row_errors_are_listed_in_russian_and_nothing_can_be_saved(client, staff, taganrog):
    future = current_academic_year() + 1
    rows = [
        GOOD[0],
        ["СОШ № 999", "2024/2025", "школьный", 10, 0, 0],
        ["МОБУ СОШ № 6", "2024/2026", "школьный", 10, 0, 0],
        ["МОБУ СОШ № 6", "прошлый", "школьный", 10, 0, 0],
        ["МОБУ СОШ № 6", f"{future}/{future + 1}", "школьный", 10, 0, 0],
        ["МОБУ СОШ № 6", "2023/2024", "финальный", 10, 0, 0],
        ["МОБУ СОШ № 6", "2023/2024", "региональный", "много", 0, 0],
        ["МОБУ СОШ № 6", "2023/2024", "муниципальный", 5, 3, 4],
        ["МОБУ СОШ № 6", "2024/2025", "Школьный этап", 50, 1, 1],  # repeats the first row
        [None, "2023/2024", "другие", 10, 0, 0],
    ]
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(rows)))
    html = client.get(url).content.decode()
    for message in [
        "Строк с ошибками: <strong>9</strong> из 10",
        "Школа «СОШ № 999» не найдена среди школ муниципалитета «г. Таганрог».",
        "«Учебный год»: «2024/2026» — второй год должен следовать за первым, например 2024/2025.",
        "«Учебный год»: «прошлый» — напишите его так: 2024/2025.",
        f"«Учебный год»: {future} — должно быть от 2000 до {future - 1}.",
        "Этап «финальный»: укажите школьный, муниципальный, региональный, заключительный или другие.",
        "«Участников»: «много» — не целое число.",
        "Победителей и призёров вместе не может быть больше, чем участников.",
        "Повторяет строку 2: та же школа, учебный год и этап.",
        "«Школа»: не заполнено.",
    ]:
        assert message in html
    assert "Загрузить результаты" not in html
    response = client.post(url, follow=True)
    assert "В файле есть ошибки" in response.content.decode()
    assert not OlympiadResult.objects.exists()


def test_a_failure_while_saving_leaves_nothing_behind(client, staff, taganrog, monkeypatch):
    """All or nothing: a row the database refuses undoes the rows saved before it."""
    monkeypatch.setattr(importer, "IMPORT_BATCH", 1)  # the good rows go in before the bad one
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    stored = ResultsImportPreview.objects.get(token=url.rstrip("/").rsplit("/", 1)[1])
    # More winners than participants: the database's check constraint refuses it.
    broken = {**stored.rows[0], "line": 99, "level": "final", "participants": 1, "winners": 5}
    ResultsImportPreview.objects.filter(pk=stored.pk).update(rows=[*stored.rows, broken])
    response = client.post(url, follow=True)
    assert "Не удалось сохранить результаты; ничего не сохранено." in response.content.decode()
    assert not OlympiadResult.objects.exists()


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
    ("not a zip", lambda: b"hello", "Это не документ Word (.docx) и не таблица Excel (.xlsx)."),
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
        "the exam table",
        lambda: xlsx(
            [["СОШ № 6", 2025, "ОГЭ", "Математика", 9, 40]],
            header=["Школа", "Год", "Процедура", "Предмет", "Класс", "Участников"],
        ),
        "нет столбцов: «Учебный год», «Этап», «Победителей», «Призёров»",
    ),  # fmt: skip
    ("empty", lambda: b"", "Файл пустой."),
]


@pytest.mark.parametrize("name, content, message", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_or_broken_file_is_refused_in_russian_and_changes_nothing(
    client, staff, taganrog, name, content, message
):
    kept = OlympiadResult.objects.create(
        school=Organisation.objects.get(name="МОБУ СОШ № 6"),
        academic_year=2024,
        level="school",
        participants=40,
    )
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:olympiad_import", args=[taganrog.pk]),
        {"file": SimpleUploadedFile("olympiads.xlsx", content())},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(OlympiadResult.objects.values_list("pk", "participants")) == [(kept.pk, 40)]


def test_too_many_rows_are_refused(client, staff, taganrog, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    client.force_login(staff)
    response = upload(client, taganrog, xlsx(GOOD * 2))
    assert response.status_code == 400
    assert "В таблице больше 5 строк" in response.content.decode()


# --- Fixed queries ------------------------------------------------------------------------


def _rows(count: int) -> list[list]:
    """``count`` distinct rows: three schools × five stages × as many years as needed."""
    stages = ["школьный", "муниципальный", "региональный", "заключительный", "другие"]
    schools = ["МОБУ СОШ № 6", "МАОУ СОШ № 12", "МОБУ лицей № 7"]
    return [
        [schools[i % 3], f"{2000 + i // 15}/{2001 + i // 15}", stages[i // 3 % 5], 20 + i % 7, i % 2, i % 3]
        for i in range(count)
    ]


def test_upload_preview_and_confirm_take_the_same_queries_for_3_and_300_rows(client, staff, taganrog):
    """The rows are saved by bulk inserts: only their batches (as many as the database takes
    parameters for) grow with the file, every other query is the same."""
    client.force_login(staff)
    counts, others = [], []
    for size in (3, 300):
        OlympiadResult.objects.all().delete()
        content = xlsx(_rows(size))
        with CaptureQueriesContext(connection) as queries:
            url = preview_url(upload(client, taganrog, content))
            html = client.get(url).content.decode()
        counts.append(own_queries(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url).status_code == 302
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "monitoring_olympiadresult"')]
        assert 1 <= len(inserts) <= max(1, size // 100)
        others.append(len(queries) - len(inserts))
        assert OlympiadResult.objects.count() == size
    assert f"Строк: <strong>{300}</strong>" in html and "Страница 1 из 6" in html
    assert counts[0] == counts[1] and counts[1] <= 16
    assert others[0] == others[1] and others[1] <= 12
    assert OlympiadResult.objects.filter(academic_year=2019).count() == 15
