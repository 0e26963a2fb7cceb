"""LibreOffice opens every printed roadmap and the progress report and makes a PDF of it.

CI installs it (Debian ``libreoffice-writer``); a machine without it fails here rather
than skipping, so a broken DOCX cannot pass unnoticed.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.report import build_report, export_report
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap

pytestmark = pytest.mark.django_db


def test_libreoffice_converts_each_exported_docx_to_pdf(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: apt-get install -y libreoffice-writer"
    roadmaps = fetch_roadmaps(
        Roadmap.objects.filter(
            source_key__in=["000_ust_dzheguta", "001_ivanteevka", "002_taganrog", "003_kozelsk", "004_sarov"]
        ).values_list("pk", flat=True)
    )
    names = []
    for roadmap in roadmaps:
        for marks in (False, True):
            name = f"{roadmap.source_key}{'-marks' if marks else ''}.docx"
            (tmp_path / name).write_bytes(export_docx(roadmap, with_marks=marks))
            names.append(name)
    report = build_report(roadmaps=roadmaps, on=date(2023, 4, 1), title="Все дорожные карты")
    (tmp_path / "report.docx").write_bytes(export_report(report))
    names.append("report.docx")
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *names,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in names:
        pdf = tmp_path / name.replace(".docx", ".pdf")
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), (name, result.stdout, result.stderr)
