"""Document speed on a 500-row roadmap, against the bare libraries doing the same cells.

Prints one JSON line per measurement: the portal's DOCX export against a bare
python-docx loop writing the same cells; its XLSX export against bare openpyxl in
write-only mode; its DOCX import against bare python-docx reading every cell. Not a
test: figures to watch, not to assert.

    .venv/bin/python bench/documents.py [--rows 500] [--repeat 3]

The roadmap is built in an in-memory SQLite database unless DATABASE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django  # noqa: E402

django.setup()

from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from roadmaps.documents.export_docx import export_docx  # noqa: E402
from roadmaps.documents.export_xlsx import export_xlsx  # noqa: E402
from roadmaps.documents.importer import import_roadmap  # noqa: E402
from roadmaps.documents.rows import fetch_roadmaps  # noqa: E402


def build_roadmap(rows: int):
    """A 500-row roadmap in an in-memory database, sections of 25 rows each."""
    from django.core.management import call_command

    from roadmaps.services.loading import roadmap_load

    call_command("migrate", verbosity=0)
    sections = []
    for s in range(rows // 25):
        sections.append(
            {
                "kind": "section",
                "number": str(s + 1),
                "title": f"Раздел {s + 1}: организационно-методическое сопровождение",
                "activities": [
                    {
                        "number": f"{s + 1}.{i + 1}",
                        "content": "Проведение семинара-практикума для педагогов школ с низкими результатами\n"
                        "- анализ результатов ВПР;\n- разработка индивидуальных планов",
                        "deadline": ["Сентябрь – октябрь 2022 г.", "в течение года", "январь, март, июнь"][
                            i % 3
                        ],
                        "responsible": "Управление образования, руководители ОУ",
                        "expected_result": "Повышение профессиональной компетентности",
                        "children": [],
                    }
                    for i in range(25)
                ],
            }
        )
    data = {
        "key": "bench",
        "region": "Регион",
        "municipality": "Муниципалитет",
        "owner": {"name": "Управление образования", "kind": "department"},
        "title": "Дорожная карта на 2022-2023 учебный год",
        "period_start": "2022-09-01",
        "period_end": "2023-08-31",
        "columns": ["№ п/п", "Мероприятие", "Сроки", "Ответственный", "Ожидаемый результат"],
        "sections": sections,
        "activities": [],
    }
    roadmap, _ = roadmap_load(data=data)
    return fetch_roadmaps([roadmap.pk])[0]


def cells_of(roadmap) -> list[list[str]]:
    return [
        [a.number, a.content, a.deadline_text, a.responsible_text, a.expected_result]
        for a in roadmap.activities.all()
    ]


def bare_docx(cells: list[list[str]]) -> bytes:
    document = Document()
    table = document.add_table(rows=1, cols=5)
    for row in cells:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bare_xlsx(cells: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист")
    for row in cells:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bare_read(content: bytes) -> int:
    n = 0
    for table in Document(io.BytesIO(content)).tables:
        for row in table.rows:
            for cell in row.cells:
                n += len(cell.text)
    return n


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    roadmap = build_roadmap(args.rows)
    cells = cells_of(roadmap)
    exported = export_docx(roadmap, with_marks=False)
    pairs = [
        (
            "docx_export",
            lambda: export_docx(roadmap, with_marks=True),
            "bare_python_docx_write",
            lambda: bare_docx(cells),
        ),
        (
            "xlsx_export",
            lambda: export_xlsx([roadmap], on=date(2023, 3, 1)),
            "bare_openpyxl_write_only",
            lambda: bare_xlsx(cells),
        ),
        (
            "docx_import",
            lambda: import_roadmap(exported),
            "bare_python_docx_read",
            lambda: bare_read(exported),
        ),
    ]
    for name, ours, bare_name, bare in pairs:
        ours_s, bare_s = best(ours, args.repeat), best(bare, args.repeat)
        print(
            json.dumps(
                {
                    "measure": name,
                    "rows": args.rows,
                    "seconds": round(ours_s, 4),
                    "baseline": bare_name,
                    "baseline_seconds": round(bare_s, 4),
                    "ratio": round(ours_s / bare_s, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
