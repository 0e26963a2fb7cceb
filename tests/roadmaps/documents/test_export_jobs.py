"""An export built in the background is kept in the database: the job page and the download
work on whichever web worker answers, with or without Redis, until the job's day is over; then
the nightly purge removes the job and its file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roadmaps.documents import views
from roadmaps.documents.tasks import purge_export_jobs
from roadmaps.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    # A cache that keeps nothing: the workers cannot be sharing the job through it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    monkeypatch.setattr(views, "SYNC_ROWS", 0)  # every export is a background job


def export(client, roadmap) -> str:
    response = client.post(reverse("documents:roadmap_export", args=[roadmap.pk, "xlsx"]))
    assert response.status_code == 302
    return response.url.rstrip("/").split("/")[-1]


def test_a_job_asked_on_one_worker_is_followed_and_downloaded_on_another(
    staff, taganrog, tasks_in_process, django_capture_on_commit_callbacks
):
    first, second = Client(), Client()
    first.force_login(staff)
    second.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = export(first, taganrog)
    page = second.get(reverse("documents:job", args=[job_id])).content.decode()
    assert "Файл готов" in page
    download = second.get(reverse("documents:job_download", args=[job_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


def test_an_expired_job_is_not_found_and_the_purge_removes_it_with_its_file(
    client, staff, taganrog, tasks_in_process, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        job_id = export(client, taganrog)
        kept_id = export(client, taganrog)
    job, kept = ExportJob.objects.get(job_id=job_id), ExportJob.objects.get(job_id=kept_id)
    assert default_storage.exists(job.path) and job.expires_at > timezone.now() + timedelta(hours=23)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get(reverse("documents:job", args=[job_id]))
    assert page.status_code == 404 and "Страница не найдена" in page.content.decode()
    assert client.get(reverse("documents:job_download", args=[job_id])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_export_jobs.apply().get() == 1
    assert not ExportJob.objects.filter(pk=job.pk).exists()
    assert not default_storage.exists(job.path)
    assert default_storage.exists(kept.path)  # a job of today stays, with its file
    assert client.get(reverse("documents:job_download", args=[kept_id])).status_code == 200


def test_an_outsider_does_not_find_the_job(client, staff, outsider, taganrog, tasks_in_process):
    client.force_login(staff)
    job_id = export(client, taganrog)
    client.force_login(outsider)
    assert client.get(reverse("documents:job", args=[job_id])).status_code == 404
    assert client.get(reverse("documents:job_download", args=[job_id])).status_code == 404
