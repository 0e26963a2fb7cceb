"""export_roadmap and import_roadmap from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from docx import Document

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


def test_dry_run_rows_prints_every_row_as_json_before_the_summary(tmp_path):
    document = Document()
    document.add_paragraph("Дорожная карта сопровождения школ на 2023 год")
    rows = [
        ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"],
        ["", "Раздел 2. Организационные мероприятия", "", "", ""],
        ["3.1.", "Издание приказа", "16.02.2023", "Морозова О.Л.", "Приказ"],
        ["3.2.", "Проведение мониторинга:", "", "", ""],
        ["", "- выполнение программ", "апрель", "ОО", ""],
        ["9.", "Работа со школами", "", "", ""],
        ["9.1", "Семинары в рамках РМО", "по отдельному графику", "Руководители РМО", ""],
        ["", "Начальник управления образования", "", "____________", "И.О. Фамилия"],
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    path = tmp_path / "roadmap.docx"
    document.save(path)
    out = StringIO()
    call_command("import_roadmap", str(path), dry_run=True, rows=True, stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    empty = dict.fromkeys(["deadline_text", "responsible_text", "expected_result", "parent_number"])
    assert lines[:-1] == [
        {
            "section": "Раздел 2. Организационные мероприятия",
            "number": "3.1.",
            "content": "Издание приказа",
            "deadline_text": "16.02.2023",
            "responsible_text": "Морозова О.Л.",
            "expected_result": "Приказ",
            "parent_number": None,
        },
        {
            **empty,
            "section": "Раздел 2. Организационные мероприятия",
            "number": "3.2.",
            "content": "Проведение мониторинга:",
        },
        {
            **empty,
            "section": "Раздел 2. Организационные мероприятия",
            "number": None,
            "content": "- выполнение программ",
            "deadline_text": "апрель",
            "responsible_text": "ОО",
            "parent_number": "3.2.",
        },
        {
            **empty,
            "section": "9. Работа со школами",
            "number": "9.1",
            "content": "Семинары в рамках РМО",
            "deadline_text": "по отдельному графику",
            "responsible_text": "Руководители РМО",
        },
    ]
    assert lines[-1] == {"activities": 3, "sections": 2, "needs_date": 1, "unrecognised_executors": 0}
    assert "Раздел 2" in out.getvalue()  # ensure_ascii=False: the text is printed as it is


def test_rows_of_a_seed_export_come_in_document_order(ivanteevka, tmp_path):
    path = tmp_path / "roadmap.docx"
    call_command("export_roadmap", ivanteevka.pk, format="docx", output=str(path), stdout=StringIO())
    out = StringIO()
    call_command("import_roadmap", str(path), dry_run=True, rows=True, stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()[:-1]]
    assert len(rows) == 60  # 58 activities and the two parts of 7.2
    assert [r["number"] for r in rows[:5]] == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert rows[0]["section"] == "1. Создание организационных условий реализации Концепции"
    parts = [r for r in rows if r["parent_number"]]
    assert [(r["parent_number"], r["deadline_text"]) for r in parts] == [
        ("7.2", "апрель"),
        ("7.2", "январь, июнь"),
    ]
