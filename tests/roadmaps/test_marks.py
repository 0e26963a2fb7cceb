"""Principals mark their school's part with evidence; coordinators accept or return it."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.models import CompletionMark, Evidence, Roadmap

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def activity():
    return Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")


@pytest.fixture
def part(activity):
    return activity.executors.get(organisation__name="МОБУ СОШ № 6"), activity.windows.get()


def submit(client, activity, part, files=(), **fields):
    executor, window = part
    mark = CompletionMark.objects.filter(executor=executor, window=window).first()
    data = {
        "executor": executor.pk,
        "window": window.pk,
        "version": mark.version if mark else 0,
        "status": "done",
        "completed_on": "2026-11-20",
        "comment": "Маршруты составлены",
    } | fields
    if files:
        data["files"] = list(files)
    return client.post(reverse("roadmaps:mark_submit", args=[activity.pk]), data)


def test_principal_marks_done_with_a_pdf_and_sees_it(client, principal, activity, part, media):
    client.force_login(principal)
    response = submit(client, activity, part, files=[SimpleUploadedFile("Справка по маршрутам.pdf", PDF)])
    assert response.status_code == 302
    mark = CompletionMark.objects.get(executor=part[0], window=part[1])
    assert (mark.status, mark.completed_on, mark.review, mark.marked_by) == (
        "done",
        date(2026, 11, 20),
        "pending",
        principal,
    )
    evidence = mark.evidence.get()
    assert evidence.original_name == "Справка по маршрутам.pdf"
    assert "Справка" not in evidence.file.name  # stored under a random name
    assert (media / evidence.file.name).read_bytes() == PDF
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Справка по маршрутам.pdf" in page and ">Выполнено в срок, ждёт проверки</span>" in page
    download = client.get(reverse("roadmaps:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("вирус.pdf", b"MZ\x90\x00 this is a windows program", "не похож на PDF"),
        ("отчёт.exe", b"MZ\x90\x00", "такой тип не принимается"),
        ("отчёт.docx", b"%PDF-1.4 a pdf wearing a docx name", "не похож на DOCX"),
        ("пусто.png", b"", "пуст"),
        ("битый.docx", b"PK\x03\x04 truncated archive", "повреждён"),
    ],
)
def test_a_hostile_or_broken_file_gets_a_clear_message_and_nothing_is_saved(
    client, principal, activity, part, name, content, message
):
    client.force_login(principal)
    response = submit(client, activity, part, files=[SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CompletionMark.objects.filter(executor=part[0], window=part[1]).exists()
    assert not Evidence.objects.filter(mark__executor=part[0]).exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return buffer.getvalue()


def test_a_zip_bomb_named_docx_is_refused(client, principal, activity, part):
    client.force_login(principal)
    bomb = _zip({"word/document.xml": b"0" * (210 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    response = submit(client, activity, part, files=[SimpleUploadedFile("отчёт.docx", bomb)])
    assert response.status_code == 400
    assert "слишком большой объём" in response.content.decode()


def test_a_real_docx_is_accepted(client, principal, activity, part):
    client.force_login(principal)
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    response = submit(client, activity, part, files=[SimpleUploadedFile("план.docx", docx)])
    assert response.status_code == 302
    assert Evidence.objects.get(original_name="план.docx").content_type.endswith("wordprocessingml.document")


def test_a_file_over_20_mb_is_refused(client, principal, activity, part):
    client.force_login(principal)
    big = SimpleUploadedFile("скан.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024))
    response = submit(client, activity, part, files=[big])
    assert response.status_code == 400
    assert "больше 20 МБ" in response.content.decode()


def test_a_link_must_be_a_web_address(client, principal, activity, part):
    client.force_login(principal)
    response = submit(client, activity, part, link="javascript:alert(1)")
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert submit(client, activity, part, link="https://sch6.example.org/roadmap").status_code == 302
    assert Evidence.objects.get(mark__executor=part[0]).url == "https://sch6.example.org/roadmap"


def test_done_needs_a_date(client, principal, activity, part):
    client.force_login(principal)
    response = submit(client, activity, part, completed_on="")
    assert response.status_code == 400
    assert "Укажите, когда мероприятие выполнено" in response.content.decode()


def test_coordinator_accepts_a_mark(client, principal, coordinator, activity, part):
    client.force_login(principal)
    submit(client, activity, part)
    mark = CompletionMark.objects.get(executor=part[0], window=part[1])
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert "Ждут проверки" in home and activity.content[:40] in home
    client.post(
        reverse("roadmaps:mark_review", args=[mark.pk]), {"decision": "accept", "version": mark.version}
    )
    mark.refresh_from_db()
    assert (mark.review, mark.reviewed_by) == ("accepted", coordinator)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert ">Выполнено в срок</span>" in page and "ждёт проверки" not in page and "Принято" in page


def test_a_returned_mark_is_seen_by_the_principal_and_resubmitted(
    client, principal, coordinator, activity, part
):
    client.force_login(principal)
    submit(client, activity, part)
    mark = CompletionMark.objects.get(executor=part[0], window=part[1])
    client.force_login(coordinator)
    refused = client.post(
        reverse("roadmaps:mark_review", args=[mark.pk]),
        {"decision": "return", "version": mark.version},
        follow=True,
    )
    assert "без комментария отметку не вернуть" in refused.content.decode()
    client.post(
        reverse("roadmaps:mark_review", args=[mark.pk]),
        {"decision": "return", "comment": "Нет приложенной справки", "version": mark.version},
    )
    mark.refresh_from_db()
    assert mark.review == "returned"
    client.force_login(principal)
    home = client.get("/").content.decode()
    assert "Возвращено на доработку" in home and "Нет приложенной справки" in home
    submit(client, activity, part, files=[SimpleUploadedFile("справка.pdf", PDF)])
    mark.refresh_from_db()
    assert mark.review == "pending" and mark.evidence.count() == 1


def test_a_stale_mark_is_not_overwritten(client, principal, superuser, activity, part):
    client.force_login(principal)
    submit(client, activity, part, comment="Первая версия")
    mark = CompletionMark.objects.get(executor=part[0], window=part[1])
    opened_version = mark.version
    client.force_login(superuser)
    submit(client, activity, part, comment="Исправил администратор", version=opened_version)
    client.force_login(principal)
    response = submit(client, activity, part, comment="Вторая версия", version=opened_version)
    assert response.status_code == 409
    assert "ваши изменения не сохранены" in response.content.decode()
    mark.refresh_from_db()
    assert mark.comment == "Исправил администратор"


def test_the_outsider_cannot_download_evidence(client, principal, outsider, activity, part):
    client.force_login(principal)
    submit(client, activity, part, files=[SimpleUploadedFile("справка.pdf", PDF)])
    evidence = Evidence.objects.get(mark__executor=part[0])
    client.force_login(outsider)
    assert client.get(reverse("roadmaps:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_mentor_comments_on_a_mentee_activity(client, mentor, principal, activity):
    client.force_login(mentor)
    client.post(
        reverse("roadmaps:comment_add", args=[activity.pk]),
        {"text": "Готовы провести семинар для ваших педагогов"},
    )
    client.force_login(principal)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Готовы провести семинар для ваших педагогов" in page
    assert "Земляненко" in page
