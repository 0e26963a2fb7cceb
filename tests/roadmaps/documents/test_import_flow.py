"""An import of any size: kept as a draft in the database, previewed and corrected 50 rows a
page, read by the worker when large, confirmed once, with a warning before a duplicate."""

from __future__ import annotations

import io
import re
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from roadmaps.documents import views
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.importer import summary
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.documents.services import draft_keep_for_worker, draft_rows
from roadmaps.models import ImportDraft, Roadmap
from schools.models import Organisation
from schools.uploads import MAX_UPLOAD

FIELDS = ("number", "content", "deadline", "responsible")


def roadmap_docx(
    rows: int, *, per_section: int = 40, title="План мероприятий на 2023-2024 учебный год"
) -> bytes:
    """A Word roadmap of ``rows`` activities, a section heading every ``per_section`` rows."""
    document = Document()
    document.add_paragraph(title)
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Сроки", "Ответственный"], strict=True):
        cell.text = text
    for i in range(1, rows + 1):
        if i % per_section == 1:
            cells = table.add_row().cells
            cells[0].merge(cells[3]).text = f"{i // per_section + 1}. Раздел {i // per_section + 1}"
        cells = table.add_row().cells
        for cell, text in zip(cells, row_texts(i), strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def row_texts(i: int) -> list[str]:
    return [
        f"{i}.",
        f"Мероприятие {i}: семинар для учителей по функциональной грамотности",
        f"до {i % 28 + 1:02d}.03.2024",
        "Управление образования",
    ]


def upload(client, content: bytes, owner, name="карта.docx"):
    return client.post(
        reverse("documents:import_upload"), {"file": SimpleUploadedFile(name, content), "owner": owner.pk}
    )


def draft_of(response) -> ImportDraft:
    return ImportDraft.objects.get(token=response.url.rstrip("/").split("/")[-1])


def page_post(client, url: str, page: int = 1, **changes) -> dict[str, str]:
    """What the browser posts from a page of the preview: its header and its rows only.
    ``changes``: ``row3_content="…"`` (the third row of the page), ``row0_DELETE="on"``."""
    context = client.get(f"{url}?page={page}").context
    header, formset = context["header"], context["formset"]
    data = {name: str(header.initial[name]) for name in ("title", "period_start", "period_end")}
    data |= {f"form-{k}": v for k, v in formset.management_form.initial.items()}
    data["page"] = str(page)
    for i, form in enumerate(formset.forms):
        for name in FIELDS:
            data[f"form-{i}-{name}"] = form.initial.get(name, "")
        if form.initial.get("DELETE"):
            data[f"form-{i}-DELETE"] = "on"
    for key, value in changes.items():
        if key.startswith("row"):
            row, name = key.split("_", 1)
            data[f"form-{row[3:]}-{name}"] = value
        else:
            data[key] = value
    return data


@pytest.fixture
def school(db):
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def preview(client, staff, taganrog):
    """A 300-row Word roadmap uploaded by Таганрог's staff: its preview's URL."""
    client.force_login(staff)
    response = upload(client, roadmap_docx(300), taganrog.owner)
    assert response.status_code == 302
    return response.url


def test_a_300_row_import_is_shown_50_rows_a_page(client, preview):
    page = client.get(preview).content.decode()
    # 300 activities and 8 section headings.
    assert "Строки 1–50 из 308" in page
    assert page.count('class="activity-row') + page.count('class="section-row') == 50
    assert 'aria-label="Страница 7"' in page and "Мероприятие 1: семинар" in page
    assert "Мероприятие 60:" not in page
    page = client.get(f"{preview}?page=2").content.decode()
    assert "Строки 51–100 из 308" in page and "Мероприятие 60:" in page
    assert "Строки 301–308 из 308" in client.get(f"{preview}?page=7").content.decode()
    assert "Строки 301–308 из 308" in client.get(f"{preview}?page=99").content.decode()


def test_each_page_is_saved_and_the_whole_import_confirmed(client, preview, taganrog):
    before = Roadmap.objects.count()
    first = page_post(
        client, preview, 1, row1_content="Исправлено на первой странице", title="Новое название"
    )
    assert len(first) < 1000  # Django's limit of fields, which the whole import broke at ~240 rows
    response = client.post(preview, first | {"goto": "7"})
    assert response.status_code == 302 and response.url.endswith("?page=7")
    # Page 7: rows 301–308, the last activities; a deadline corrected there.
    last = page_post(client, preview, 7, row7_deadline="по мере готовности")
    assert last["form-7-number"] == "300." and last["title"] == "Новое название"
    response = client.post(preview, last | {"action": "confirm"})
    roadmap = Roadmap.objects.latest("pk")
    assert Roadmap.objects.count() == before + 1
    assert response.url == roadmap.get_absolute_url()
    assert roadmap.title == "Новое название" and roadmap.owner == taganrog.owner
    assert roadmap.status == Roadmap.Status.DRAFT
    rows = list(roadmap.activities.order_by("order"))
    assert len(rows) == 300
    for i, row in enumerate(rows, start=1):
        number, content, deadline, responsible = row_texts(i)
        if i == 1:
            content = "Исправлено на первой странице"
        if i == 300:
            deadline = "по мере готовности"
        assert (row.number, row.content, row.deadline_text, row.responsible_text) == (
            number,
            content,
            deadline,
            responsible,
        )
    assert roadmap.sections.count() == 8


def test_a_removed_row_keeps_its_place_on_the_pages_and_is_left_out(client, preview):
    client.post(preview, page_post(client, preview, 1, row2_DELETE="on") | {"goto": "2"})
    page = client.get(preview).context
    assert page["formset"].forms[2].initial["DELETE"] is True  # still there, ticked
    assert page["summary"]["activities"] == 299
    assert "Строки 51–100 из 308" in client.get(f"{preview}?page=2").content.decode()
    client.post(preview, page_post(client, preview, 2) | {"action": "confirm"})
    roadmap = Roadmap.objects.latest("pk")
    numbers = list(roadmap.activities.order_by("order").values_list("number", flat=True))
    assert len(numbers) == 299 and "2." not in numbers and numbers[:2] == ["1.", "3."]


def test_an_invalid_page_is_shown_with_its_errors_and_nothing_saved(client, preview):
    response = client.post(preview, page_post(client, preview, 1, row1_content="") | {"goto": "3"})
    assert response.status_code == 200 and "Обязательное поле" in response.content.decode()
    draft = ImportDraft.objects.get(token=preview.rstrip("/").split("/")[-1])
    assert draft.data["sections"][0]["activities"][0]["content"].startswith("Мероприятие 1:")


def test_a_page_posting_rows_of_another_size_is_refused(client, preview):
    data = page_post(client, preview, 1) | {"form-TOTAL_FORMS": "49", "action": "save"}
    assert client.post(preview, data).status_code == 400


# --- Confirmed once -----------------------------------------------------------------------


def test_a_second_confirm_finds_it_confirmed(client, preview):
    before = Roadmap.objects.count()
    data = page_post(client, preview, 1) | {"action": "confirm"}
    first = client.post(preview, data)
    second = client.post(preview, data, follow=True)
    roadmap = Roadmap.objects.latest("pk")
    assert Roadmap.objects.count() == before + 1
    assert first.url == roadmap.get_absolute_url()
    assert second.redirect_chain[-1][0] == roadmap.get_absolute_url()
    assert f"Эта загрузка уже подтверждена: {roadmap}" in second.content.decode()
    # A second tab opening the preview again lands there too.
    assert client.get(preview).url == roadmap.get_absolute_url()


def seed() -> None:
    call_command("seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(scope="module")
def seed_after_module(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying the database: the seed back for the tests after
    this module (a module fixture ends after the last test's flush)."""
    yield
    with django_db_blocker.unblock():
        seed()


@pytest.fixture
def seeded(seed_after_module, transactional_db):
    """The seed data, for a transactional test that may run after another one's flush."""
    if not get_user_model().objects.filter(username="uo").exists():
        seed()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_on_postgresql_make_one_roadmap(seeded):
    """Two requests in two threads, each with its own connection, released together."""
    staff = get_user_model().objects.get(username="uo")
    owner = Roadmap.objects.get(source_key="002_taganrog").owner
    client = Client()
    client.force_login(staff)
    preview = upload(client, roadmap_docx(60), owner).url
    data = page_post(client, preview, 1) | {"action": "confirm"}
    before = Roadmap.objects.count()
    start, answers = threading.Barrier(2), []

    def click():
        try:
            tab = Client()
            tab.cookies = client.cookies
            start.wait()
            answers.append(tab.post(preview, data, follow=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    roadmap = Roadmap.objects.latest("pk")
    assert Roadmap.objects.count() == before + 1
    assert [a.redirect_chain[-1][0] for a in answers] == [roadmap.get_absolute_url()] * 2
    pages = sorted(a.content.decode() for a in answers)
    assert sum("Эта загрузка уже подтверждена" in p for p in pages) == 1
    assert sum("Дорожная карта загружена как черновик: 60 мероприятий." in p for p in pages) == 1
    assert ImportDraft.objects.get(token=preview.rstrip("/").split("/")[-1]).roadmap == roadmap


# --- The same roadmap again --------------------------------------------------------------


def test_importing_an_existing_roadmap_again_warns_and_asks(client, staff, taganrog):
    client.force_login(staff)
    content = export_docx(fetch_roadmaps([taganrog.pk])[0], with_marks=False)
    preview = upload(client, content, taganrog.owner).url
    page = client.get(preview).content.decode()
    assert "уже есть дорожная карта с таким названием и периодом" in page
    assert f'href="{taganrog.get_absolute_url()}"' in page and "Да, загрузить ещё одну" in page
    before = Roadmap.objects.count()
    data = page_post(client, preview, 1)
    response = client.post(preview, data | {"action": "confirm"}, follow=True)
    assert Roadmap.objects.count() == before
    assert "Отметьте «Да, загрузить ещё одну»" in response.content.decode()
    response = client.post(preview, data | {"action": "confirm", "another_one": "1"})
    assert Roadmap.objects.count() == before + 1
    assert response.url == Roadmap.objects.latest("pk").get_absolute_url()


def test_a_new_title_is_no_duplicate(client, staff, taganrog):
    client.force_login(staff)
    content = export_docx(fetch_roadmaps([taganrog.pk])[0], with_marks=False)
    preview = upload(client, content, taganrog.owner).url
    client.post(preview, page_post(client, preview, 1, title="Другая дорожная карта") | {"action": "save"})
    assert "уже есть дорожная карта" not in client.get(preview).content.decode()


# --- Large files and conversions: the worker -----------------------------------------------


def test_a_large_file_is_read_by_the_worker_while_the_page_polls(
    client,
    staff,
    taganrog,
    monkeypatch,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    tasks_in_process,
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "READ_AT_ONCE", 10_000)  # the 120-row file below counts as large
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = upload(client, roadmap_docx(120), taganrog.owner)
    draft = draft_of(response)
    assert draft.state == ImportDraft.State.READING and draft.kind == ""
    assert default_storage.exists(draft.stored_file)
    page = client.get(response.url).content.decode()
    assert "Файл обрабатывается…" in page and 'hx-trigger="every 2s"' in page
    partial = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-status"') and "<html" not in partial

    assert len(queued) == 1
    queued[0]()  # the worker's turn (eager in tests)
    draft.refresh_from_db()
    assert draft.state == ImportDraft.State.READY and draft.kind == "docx"
    assert not default_storage.exists(draft.stored_file or "imports/none") and draft.stored_file == ""
    assert client.get(response.url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert "Строки 1–50 из 123" in client.get(response.url).content.decode()


def test_a_file_the_worker_cannot_read_shows_why(
    client,
    staff,
    taganrog,
    monkeypatch,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
    tasks_in_process,
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "READ_AT_ONCE", 100)
    document = Document()
    document.add_paragraph("Служебная записка без таблицы")
    out = io.BytesIO()
    document.save(out)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, out.getvalue(), taganrog.owner)
    draft = draft_of(response)
    assert draft.state == ImportDraft.State.FAILED
    page = client.get(response.url).content.decode()
    assert "В файле не найдена таблица дорожной карты" in page and "hx-trigger" not in page
    assert list(tmp_path.rglob("*")) == [tmp_path / "imports"]  # the refused file is not kept


# --- Who sees a draft -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "principal", "superuser", "coordinator"])
def test_someone_elses_draft_is_404(client, request, preview, persona):
    client.force_login(request.getfixturevalue(persona))
    expected = 404  # like a stale token: whether the draft exists is not told
    assert client.get(preview).status_code == expected
    assert client.post(preview, {"action": "confirm"}).status_code == expected
    assert client.get(preview, headers={"HX-Request": "true"}).status_code == expected


def test_a_stale_or_unknown_token_is_404(client, staff, preview):
    client.force_login(staff)
    assert client.get(reverse("documents:import_preview", args=[uuid.uuid4()])).status_code == 404
    assert client.get("/documents/import/not-a-token/").status_code == 404
    ImportDraft.objects.update(updated_at=timezone.now() - timedelta(days=8))
    upload(client, roadmap_docx(3), Roadmap.objects.get(source_key="002_taganrog").owner)
    assert client.get(preview).status_code == 404  # purged by the next upload


def test_the_principal_imports_for_their_school_and_sees_their_own_draft(client, principal, school):
    client.force_login(principal)
    response = upload(client, roadmap_docx(10), school)
    assert response.status_code == 302
    assert "Строки 1–11 из 11" in client.get(response.url).content.decode()
    client.post(response.url, page_post(client, response.url, 1) | {"action": "confirm"})
    roadmap = Roadmap.objects.latest("pk")
    assert roadmap.owner == school and roadmap.level == Roadmap.Level.SCHOOL


# --- Old drafts -------------------------------------------------------------------------------


def test_an_upload_purges_drafts_untouched_for_a_week_with_their_files(
    client, staff, taganrog, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff)
    fresh = draft_of(upload(client, roadmap_docx(3), taganrog.owner))
    path = default_storage.save("imports/left-by-a-crashed-worker", ContentFile(b"PK"))
    old = ImportDraft.objects.create(
        user=fresh.user, owner=taganrog.owner, file_name="старый.docx", stored_file=path
    )
    ImportDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=8))
    upload(client, roadmap_docx(3), taganrog.owner)
    assert not ImportDraft.objects.filter(pk=old.pk).exists()
    assert ImportDraft.objects.filter(pk=fresh.pk).exists()
    assert not default_storage.exists(path)


# --- The upload form --------------------------------------------------------------------------


def test_the_upload_form_lists_every_format(client, staff):
    client.force_login(staff)
    page = client.get(reverse("documents:import_upload")).content.decode()
    assert 'accept=".docx,.xlsx,.doc,.xls,.rtf,.odt,.ods,.pdf"' in page
    assert (
        "Word (.docx, .doc), RTF, OpenDocument (.odt, .ods), Excel (.xlsx, .xls) или PDF с текстовым слоем, "
        "до 20 МБ и 5 000 строк." in page
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"x" * (MAX_UPLOAD + 1), "Файл слишком большой: 20.0 МБ. Можно загрузить файл до 20 МБ."),
        (b"not a document", "Формат файла не распознан. Можно загрузить документ Word (.docx, .doc)"),
        (b"PK\x03\x04 broken", "Файл повреждён"),
    ],
)
def test_a_refused_file_is_shown_on_the_form_in_russian(client, staff, taganrog, content, message):
    client.force_login(staff)
    before = ImportDraft.objects.count()
    response = upload(client, content, taganrog.owner)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportDraft.objects.count() == before


# --- Queries do not grow with the rows ------------------------------------------------------


def draft_with(rows: int, *, user, owner) -> ImportDraft:
    """A draft as the importer leaves it, built without a file: ``rows`` activities in
    sections of 40."""
    sections = []
    for i in range(1, rows + 1):
        if i % 40 == 1:
            sections.append(
                {"kind": "section", "number": str(len(sections) + 1), "title": "Раздел", "activities": []}
            )
            sections[-1]["subsections"] = []
        number, content, deadline, responsible = row_texts(i)
        sections[-1]["activities"].append(
            {
                "number": number,
                "content": content,
                "deadline": deadline,
                "responsible": responsible,
                "expected_result": "",
                "children": [],
            }
        )
    data = {
        "title": "План",
        "period_start": "2023-09-01",
        "period_end": "2024-08-31",
        "columns": ["№", "Мероприятие", "Сроки", "Ответственный"],
        "sections": sections,
        "activities": [],
    }
    return ImportDraft.objects.create(
        user=user,
        owner=owner,
        file_name="план.docx",
        data=data,
        summary=summary(data),
        state=ImportDraft.State.READY,
    )


@pytest.mark.parametrize("rows", [60, 3000])
def test_the_preview_queries_do_not_grow_with_the_rows(
    client, staff, taganrog, rows, django_assert_max_num_queries
):
    draft = draft_with(rows, user=staff, owner=taganrog.owner)
    assert len(draft_rows(draft.data)) > 60
    client.force_login(staff)
    url = reverse("documents:import_preview", args=[draft.token])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"{url}?page=2").status_code == 200
    data = page_post(client, url, 2) | {"action": "save"}
    with django_assert_max_num_queries(12):
        assert client.post(url, data).status_code == 302


def test_a_5000_row_page_is_quick_and_small(client, staff, taganrog):
    draft = draft_with(5000, user=staff, owner=taganrog.owner)
    client.force_login(staff)
    url = reverse("documents:import_preview", args=[draft.token])
    started = time.perf_counter()
    response = client.get(f"{url}?page=60")
    assert time.perf_counter() - started < 2
    assert len(response.content) < 200_000  # 6.3 MB for the whole table before
    assert re.search(r"Строки 2951–3000 из 5125", response.content.decode())


@pytest.fixture
def real_worker(django_db_setup, smtp_sink, tmp_path, settings, monkeypatch):
    """``celery -A config worker`` in a subprocess (the reminder tests' worker), sharing this
    test's media folder, where the upload waits for it."""
    from tests.monitoring.conftest import Worker

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    worker = Worker(smtp_port=smtp_sink.port, log=tmp_path / "worker.log")
    yield worker
    worker.stop()


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_reads_a_stored_upload_into_its_draft(real_worker, seeded):
    staff = get_user_model().objects.get(username="uo")
    owner = Roadmap.objects.get(source_key="002_taganrog").owner
    draft = draft_keep_for_worker(user=staff, owner=owner, file_name="карта.docx", content=roadmap_docx(80))
    stored = draft.stored_file
    client = Client()
    client.force_login(staff)
    url = reverse("documents:import_preview", args=[draft.token])
    assert "Файл обрабатывается…" in client.get(url).content.decode()

    real_worker.client.send_task(
        "roadmaps.documents.tasks.read_import", args=[draft.pk], queue=real_worker.queue
    ).get(timeout=60)
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    draft.refresh_from_db()
    assert (draft.state, draft.kind, draft.stored_file) == (ImportDraft.State.READY, "docx", "")
    assert not default_storage.exists(stored)
    assert "Строки 1–50 из 82" in client.get(url).content.decode()


# --- Slow kinds: conversions and PDFs go to the worker ---------------------------------------


def _saved_by_libreoffice(content: bytes, target: str, folder) -> bytes:
    import shutil
    import subprocess

    source = folder / "roadmap.docx"
    source.write_bytes(content)
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (folder / f"roadmap.{target}").read_bytes()


@pytest.mark.parametrize("suffix", ["odt", "pdf"])
def test_a_file_that_reads_slowly_goes_to_the_worker_and_comes_back_row_for_row(
    client, staff, taganrog, settings, tmp_path, django_capture_on_commit_callbacks, tasks_in_process, suffix
):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = Document(io.BytesIO(roadmap_docx(12)))
    document.tables[0].style = "Table Grid"  # ruled, as printed roadmaps are: a PDF shows its cells
    bordered = io.BytesIO()
    document.save(bordered)
    content = _saved_by_libreoffice(bordered.getvalue(), suffix, tmp_path)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = upload(client, content, taganrog.owner, name=f"карта.{suffix}")
    draft = draft_of(response)
    assert draft.state == ImportDraft.State.READING and len(queued) == 1
    queued[0]()  # the worker's turn
    draft.refresh_from_db()
    assert (draft.state, draft.kind, draft.error) == (ImportDraft.State.READY, suffix, "")
    rows = [row for kind, row, _ in draft_rows(draft.data) if kind != "section"]
    assert [(r["number"], " ".join(r["content"].split())) for r in rows] == [
        (texts[0], " ".join(texts[1].split())) for texts in map(row_texts, range(1, 13))
    ]


def test_the_nightly_task_purges_drafts_untouched_for_a_week(staff, taganrog):
    from roadmaps.documents.tasks import purge_import_drafts

    old = ImportDraft.objects.create(user=staff, owner=taganrog.owner, file_name="старый.docx")
    fresh = ImportDraft.objects.create(user=staff, owner=taganrog.owner, file_name="новый.docx")
    ImportDraft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=8))
    assert purge_import_drafts() == 1
    assert list(ImportDraft.objects.filter(pk__in=[old.pk, fresh.pk])) == [fresh]
