"""Document pages for every persona: anonymous, outsider, read-only roles, owners."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.documents import views
from roadmaps.documents.build import Kind, job_get, job_put
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap
from schools.models import Organisation

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
READERS = ["staff", "coordinator", "principal", "mentor"]


@pytest.fixture
def school(taganrog):
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def job_id(taganrog, staff):
    """A finished Таганрог export, as a Celery worker leaves it."""
    job_id = uuid.uuid4().hex
    path = default_storage.save(f"exports/{job_id}.docx", ContentFile(b"docx"))
    job = {**views._job(SimpleNamespace(user=staff), Kind.DOCX, [taganrog.pk], title="Т"), "path": path}
    job_put(job_id, job)
    yield job_id
    default_storage.delete(path)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def guarded_urls(taganrog, school, job_id):
    municipality = taganrog.owner.municipality_id
    return [
        ("post", reverse("documents:roadmap_export", args=[taganrog.pk, "docx"])),
        ("post", reverse("documents:roadmap_export", args=[taganrog.pk, "docx-marks"])),
        ("post", reverse("documents:roadmap_export", args=[taganrog.pk, "xlsx"])),
        ("get", reverse("documents:roadmap_report", args=[taganrog.pk])),
        ("post", reverse("documents:roadmap_report", args=[taganrog.pk])),
        ("get", reverse("documents:school_report", args=[school.pk])),
        ("get", reverse("documents:municipality_report", args=[municipality])),
        ("post", reverse("documents:municipality_export", args=[municipality])),
        ("get", reverse("documents:job", args=[job_id])),
        ("get", reverse("documents:job_download", args=[job_id])),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, taganrog, school, job_id):
    for method, url in [*guarded_urls(taganrog, school, job_id), ("get", reverse("documents:import_upload"))]:
        response = getattr(client, method)(url, {"on": "2023-04-01"})
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url


def test_the_outsider_gets_404_for_every_taganrog_export_report_and_download(
    client, outsider, taganrog, school, job_id
):
    client.force_login(outsider)
    for method, url in guarded_urls(taganrog, school, job_id):
        assert getattr(client, method)(url, {"on": "2023-04-01"}).status_code == 404, url


@pytest.mark.parametrize("persona", READERS)
@pytest.mark.parametrize("kind", ["docx", "docx-marks", "xlsx"])
def test_who_sees_the_roadmap_downloads_it(client, request, persona, kind, taganrog):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("documents:roadmap_export", args=[taganrog.pk, kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_an_unknown_export_kind_is_404(client, staff, taganrog):
    client.force_login(staff)
    assert client.post(reverse("documents:roadmap_export", args=[taganrog.pk, "pdf"])).status_code == 404


def test_exports_are_posted_not_fetched(client, staff, taganrog):
    client.force_login(staff)
    assert client.get(reverse("documents:roadmap_export", args=[taganrog.pk, "docx"])).status_code == 405


@pytest.mark.parametrize("persona", READERS)
def test_the_report_form_and_report_download(client, request, persona, taganrog):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("documents:roadmap_report", args=[taganrog.pk])
    assert "По состоянию на" in client.get(url).content.decode()
    response = client.post(url, {"on": "2023-04-01"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "01.04.2023" in response["Content-Disposition"] or "filename*" in response["Content-Disposition"]


def test_a_school_report_for_the_coordinator(client, coordinator, school):
    client.force_login(coordinator)
    response = client.post(reverse("documents:school_report", args=[school.pk]), {"on": "2023-04-01"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX


@pytest.mark.parametrize("persona", ["coordinator", "mentor"])
def test_read_only_roles_may_not_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("documents:import_upload")).status_code == 403
    assert client.post(reverse("documents:import_upload")).status_code == 403


def exported_taganrog(taganrog) -> bytes:
    return export_docx(fetch_roadmaps([taganrog.pk])[0], with_marks=False)


def upload(client, content: bytes, owner: Organisation, name="карта.docx"):
    return client.post(
        reverse("documents:import_upload"), {"file": SimpleUploadedFile(name, content), "owner": owner.pk}
    )


def test_staff_upload_preview_correct_and_confirm(client, staff, taganrog):
    client.force_login(staff)
    before = Roadmap.objects.count()
    response = upload(client, exported_taganrog(taganrog), taganrog.owner)
    assert response.status_code == 302
    preview_url = response.url
    page = client.get(preview_url).content.decode()
    assert "Найдено мероприятий: <strong>16</strong>" in page
    assert "Проектно-деятельностный этап" in page and "16.02.2023" in page
    assert Roadmap.objects.count() == before  # nothing saved before the confirmation

    form = client.get(preview_url).context["formset"]
    data = {"title": "Исправленное название", "period_start": "2022-09-01", "period_end": "2023-08-31"}
    data |= {f"form-{k}": v for k, v in form.management_form.initial.items()}
    for i, row_form in enumerate(form.forms):
        for name in ("number", "content", "deadline", "responsible"):
            data[f"form-{i}-{name}"] = row_form.initial.get(name, "")
    data["form-1-deadline"] = "по мере готовности"  # the user corrects a deadline
    response = client.post(preview_url, data | {"action": "refresh"})
    assert response.status_code == 302
    assert "нужна дата" in client.get(preview_url).content.decode()
    response = client.post(preview_url, data | {"action": "confirm"})
    roadmap = Roadmap.objects.latest("pk")
    assert response.status_code == 302 and response.url == roadmap.get_absolute_url()
    assert Roadmap.objects.count() == before + 1
    assert roadmap.title == "Исправленное название" and roadmap.status == Roadmap.Status.DRAFT
    assert roadmap.owner == taganrog.owner
    assert roadmap.activities.filter(parent__isnull=True).count() == 16
    assert roadmap.activities.order_by("order").first().deadline_text == "по мере готовности"
    assert client.get(preview_url).url == roadmap.get_absolute_url()  # confirmed: the roadmap it made


def test_the_preview_belongs_to_its_uploader(client, staff, superuser, taganrog):
    client.force_login(staff)
    preview_url = upload(client, exported_taganrog(taganrog), taganrog.owner).url
    client.force_login(superuser)
    assert client.get(preview_url).status_code == 404


def test_the_principal_imports_into_their_own_school_only(client, principal, school, taganrog):
    client.force_login(principal)
    response = upload(client, exported_taganrog(taganrog), taganrog.owner)
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    assert upload(client, exported_taganrog(taganrog), school).status_code == 302


def test_a_bad_file_shows_a_russian_message_and_writes_nothing(client, staff, taganrog):
    client.force_login(staff)
    before = Roadmap.objects.count()
    response = upload(client, b"not a document", taganrog.owner, name="карта.docx")
    assert response.status_code == 200
    assert "Формат файла не распознан." in response.content.decode()
    assert Roadmap.objects.count() == before


def test_a_large_export_runs_as_a_job_with_progress_then_a_download(
    client, staff, outsider, taganrog, monkeypatch, tasks_in_process, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "SYNC_ROWS", 0)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:roadmap_export", args=[taganrog.pk, "xlsx"]))
    assert response.status_code == 302
    job_url = response.url
    job_id = job_url.rstrip("/").split("/")[-1]
    job = job_get(job_id)
    assert job["path"].startswith("exports/") and job["path"].endswith(".xlsx")
    page = client.get(job_url).content.decode()
    download = reverse("documents:job_download", args=[job_id])
    assert "Файл готов" in page and download in page
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    client.force_login(outsider)
    assert client.get(job_url).status_code == 404
    assert client.get(download).status_code == 404


def test_a_job_in_progress_shows_its_progress_and_polls(client, staff, taganrog):
    job_id = uuid.uuid4().hex
    job_put(job_id, views._job(SimpleNamespace(user=staff), "xlsx", [taganrog.pk], title="Т"))
    client.force_login(staff)
    page = client.get(reverse("documents:job", args=[job_id])).content.decode()
    assert "Файл готовится" in page and 'hx-trigger="every 1s"' in page
    partial = client.get(
        reverse("documents:job", args=[job_id]), headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')


def test_an_unknown_job_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("documents:job", args=["nope"])).status_code == 404
