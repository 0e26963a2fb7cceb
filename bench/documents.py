"""Document speed on a 500-row roadmap, against the bare libraries doing the same cells.

Prints one JSON line per measurement: the portal's DOCX export against a bare
python-docx loop writing the same cells; its XLSX export against bare openpyxl in
write-only mode; its DOCX import against bare python-docx reading every cell; a 400-row
Word 97–2003 (.doc) file through LibreOffice's conversion and the import, against the
conversion alone; and the time and peak memory of refusing a 200,000-row XLSX (over the row
limit), in a child process of its own, against the same child doing nothing. Not a test:
figures to watch, not to assert.

    .venv/bin/python bench/documents.py [--rows 500] [--repeat 3] [--doc-rows 400] [--big-rows 200000]

The roadmap is built in an in-memory SQLite database unless DATABASE_URL says otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
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
from roadmaps.documents.importer import all_rows, import_roadmap  # noqa: E402
from roadmaps.documents.rows import fetch_roadmaps  # noqa: E402
from schools.uploads import UnsafeFile  # noqa: E402


def build_roadmap(rows: int, key: str = "bench"):
    """A roadmap of `rows` rows in an in-memory database, sections of 25 rows each."""
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
        "key": key,
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


def soffice_convert(content: bytes, suffix: str, to: str) -> bytes:
    """The file converted by LibreOffice as a department's own office suite would save it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"roadmap.{suffix}"
        source.write_bytes(content)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", to,
             "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        return (Path(folder) / f"roadmap.{to}").read_bytes()


def big_xlsx(rows: int) -> bytes:
    """A roadmap-shaped sheet far over the row limit, as the 4 MB file of the issue."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Лист1")
    sheet.append(["№ п/п", "Мероприятие", "Сроки", "Ответственный"])
    for i in range(rows):
        sheet.append([f"{i + 1}.", f"Мероприятие {i + 1}", "в течение года", "ОО"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def child(path: str | None) -> None:
    """Run in a child process: refuse (or, without a path, only start) and print the figures."""
    started = time.perf_counter()
    message = ""
    if path:
        try:
            import_roadmap(Path(path).read_bytes())
        except UnsafeFile as exc:
            message = str(exc)
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - started, 3),
                "peak_mb": round(peak_kb() / 1024, 1),
                "message": message,
            },
            ensure_ascii=False,
        )
    )


def peak_kb() -> int:
    """The process's own peak memory. Not getrusage's ru_maxrss, which starts at the parent's
    peak when the process is forked: the child's figure would be the bench's own."""
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1])


def in_child(path: str | None) -> dict:
    argv = [sys.executable, __file__, "--child", path or ""]
    return json.loads(
        subprocess.run(argv, check=True, capture_output=True, text=True).stdout.splitlines()[-1]
    )


def legacy_and_big(doc_rows: int, big_rows: int, repeat: int) -> None:
    roadmap = build_roadmap(doc_rows, key=f"bench-{doc_rows}")
    # Through ODT, as LibreOffice 7.4 drops the table of a DOCX it writes straight to .doc.
    odt = soffice_convert(export_docx(roadmap, with_marks=False), "docx", "odt")
    doc = soffice_convert(odt, "odt", "doc")
    try:
        ours = best(lambda: import_roadmap(doc, filename="roadmap.doc"), repeat)
    except UnsafeFile as exc:
        print(
            json.dumps(
                {"measure": "doc_convert_and_import", "rows": doc_rows, "refused": str(exc)},
                ensure_ascii=False,
            )
        )
        ours = None
    bare = best(lambda: soffice_convert(doc, "doc", "docx"), repeat)
    if ours is not None:
        print(
            json.dumps(
                {
                    "measure": "doc_convert_and_import",
                    "rows": doc_rows,
                    "doc_kb": len(doc) // 1024,
                    "rows_read": sum(1 for _ in all_rows(import_roadmap(doc, filename="roadmap.doc"))),
                    "seconds": round(ours, 4),
                    "baseline": "bare_soffice_doc_to_docx",
                    "baseline_seconds": round(bare, 4),
                    "ratio": round(ours / bare, 2),
                }
            )
        )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        handle.write(big_xlsx(big_rows))
        handle.flush()
        size = os.path.getsize(handle.name)
        idle, refused = in_child(None), in_child(handle.name)
    print(
        json.dumps(
            {
                "measure": "big_xlsx_refusal",
                "rows": big_rows,
                "file_mb": round(size / 1024 / 1024, 1),
                "seconds": refused["seconds"],
                "peak_mb": refused["peak_mb"],
                "baseline": "child_process_doing_nothing",
                "baseline_peak_mb": idle["peak_mb"],
                "message": refused["message"],
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--doc-rows", type=int, default=400)
    parser.add_argument("--big-rows", type=int, default=200_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child or None)
        return
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
    legacy_and_big(args.doc_rows, args.big_rows, args.repeat)


if __name__ == "__main__":
    main()
