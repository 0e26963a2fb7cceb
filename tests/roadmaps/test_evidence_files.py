"""Evidence files are personal data: a file stays while its row can still come back from the
trash, and leaves the disk once its row is deleted for good and that is committed; files no
evidence row points at (a rolled-back upload, a removal in the admin) go nightly."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from monitoring.demo.dashboards import load_demo_dashboards
from roadmaps.models import Activity, CompletionMark, Evidence, Roadmap, TrashEntry
from roadmaps.services import trash as trash_module
from roadmaps.services.marks import MarkInput, mark_submit
from roadmaps.services.trash import activity_trash, trash_empty, trash_purge

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DAY = 24 * 60 * 60


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def taganrog(media, revising):
    load_demo_dashboards()
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def row(taganrog) -> Activity:
    return taganrog.activities.filter(number="4.", parent__isnull=True).order_by("order").first()


@pytest.fixture
def evidence(row) -> Evidence:
    mark = CompletionMark.objects.get(executor__activity=row)
    evidence = Evidence(mark=mark, original_name="Протокол совещания.pdf", size=len(PDF))
    evidence.file.save("Протокол совещания.pdf", ContentFile(PDF), save=True)
    return evidence


def aged(path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


def test_the_file_stays_while_its_row_is_in_the_trash_and_comes_back_with_it(
    client, staff, row, evidence, media
):
    client.force_login(staff)
    stored = media / evidence.file.name
    entry = activity_trash(activity=row, by=staff)
    assert stored.read_bytes() == PDF
    call_command("purge_evidence_orphans", "--hours", "0", stdout=io.StringIO())
    assert stored.exists()  # a row in the trash still points at it

    client.post(reverse("roadmaps:trash_restore", args=[row.roadmap_id, entry.pk]))
    download = client.get(reverse("roadmaps:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_emptying_the_trash_removes_the_file_once_committed(
    staff, row, evidence, media, django_capture_on_commit_callbacks
):
    stored = media / evidence.file.name
    activity_trash(activity=row, by=staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        purged = trash_empty(roadmap=row.roadmap)
    assert purged.files == 1
    assert stored.exists()  # not before the commit: a rollback would bring the row back
    for callback in callbacks:
        callback()
    assert not stored.exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_purge_that_fails_keeps_the_row_and_the_file(
    staff, row, evidence, media, monkeypatch, django_capture_on_commit_callbacks
):
    stored = media / evidence.file.name
    entry = activity_trash(activity=row, by=staff)

    def fails(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(trash_module, "roadmap_reorder", fails)  # the purge's last step
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        trash_purge(entry=entry)
    assert callbacks == []
    assert stored.read_bytes() == PDF
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert TrashEntry.objects.filter(pk=entry.pk).exists()


def test_a_file_of_a_rolled_back_upload_goes_nightly_once_a_day_old(principal, media):
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")
    executor, window = activity.executors.get(organisation__name="МОБУ СОШ № 6"), activity.windows.get()
    data = MarkInput(status="in_progress", completed_on=None, comment="Работаем")
    with pytest.raises(RuntimeError), transaction.atomic():
        mark_submit(
            executor=executor,
            window=window,
            by=principal,
            data=data,
            files=[SimpleUploadedFile("справка.pdf", PDF)],
            expected_version=None,
        )
        raise RuntimeError("the request failed after the upload was written")
    assert not Evidence.objects.exists()
    (left,) = (media / "evidence").iterdir()  # the file was written before the rollback

    kept = mark_submit(
        executor=executor,
        window=window,
        by=principal,
        data=data,
        files=[SimpleUploadedFile("справка.pdf", PDF)],
        expected_version=None,
    ).evidence.get()
    young = media / "evidence" / "загружается.pdf"
    young.write_bytes(PDF)
    aged(left, days=2)
    aged(media / kept.file.name, days=2)

    out = io.StringIO()
    call_command("purge_evidence_orphans", "--dry-run", stdout=out)
    assert f"evidence/{left.name}" in out.getvalue() and left.exists()
    call_command("purge_evidence_orphans", stdout=out)
    assert "Удалено файлов без подтверждений: 1." in out.getvalue()
    assert not left.exists()
    assert (media / kept.file.name).read_bytes() == PDF  # an evidence row points at it
    assert young.exists()  # maybe an upload whose transaction has not committed yet


def test_the_nightly_task_is_scheduled():
    from config.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "roadmaps.tasks.purge_evidence_orphans",
        "roadmaps.documents.tasks.purge_export_jobs",
        "monitoring.results.tasks.purge_results_import_previews",
    } <= tasks
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)
