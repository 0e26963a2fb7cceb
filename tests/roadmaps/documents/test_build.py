"""The export task keeps the name messages already queued were sent under."""

from __future__ import annotations

from config.celery import app
from roadmaps.documents.tasks import build_document


def test_the_export_task_keeps_its_queued_name():
    app.loader.import_default_modules()
    assert build_document.name == "roadmaps.documents.tasks.build_document"
    assert "roadmaps.documents.tasks.build_document" in app.tasks
