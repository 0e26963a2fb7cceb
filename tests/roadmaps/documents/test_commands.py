"""export_roadmap and import_roadmap from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from roadmaps.models import Roadmap

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_export_then_dry_run_import_prints_the_summary(fmt, ivanteevka, tmp_path):
    path = tmp_path / f"roadmap.{fmt}"
    call_command("export_roadmap", ivanteevka.pk, format=fmt, output=str(path), stdout=StringIO())
    out = StringIO()
    before = Roadmap.objects.count()
    call_command("import_roadmap", str(path), dry_run=True, stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == {
        "activities": 58,
        "sections": 9,
        "needs_date": 14,
        "unrecognised_executors": 0,
    }
    assert Roadmap.objects.count() == before


def test_import_saves_a_draft_for_the_owner(taganrog, tmp_path):
    path = tmp_path / "taganrog.docx"
    call_command("export_roadmap", taganrog.pk, format="docx", output=str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_roadmap", str(path), owner=str(taganrog.owner.pk), stdout=out)
    roadmap = Roadmap.objects.latest("pk")
    assert roadmap.owner == taganrog.owner and roadmap.status == Roadmap.Status.DRAFT
    assert roadmap.activities.filter(parent__isnull=True).count() == 16
    assert json.loads(out.getvalue().splitlines()[-1])["activities"] == 16


def test_import_without_dry_run_needs_an_owner(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="организацию-владельца"):
        call_command("import_roadmap", str(path))


def test_export_of_a_missing_roadmap_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="не найдена"):
        call_command("export_roadmap", 999999, format="docx", output=str(tmp_path / "x.docx"))


def test_a_bad_file_exits_1_with_the_message_and_no_traceback(tmp_path):
    path = tmp_path / "roadmap.docx"
    path.write_bytes(b"not a roadmap")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_roadmap", str(path), "--dry-run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Формат файла не распознан. Можно загрузить документ Word (.docx, .doc)" in result.stderr
    assert "Traceback" not in result.stderr
