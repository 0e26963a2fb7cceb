"""Roadmaps saved as .doc, .rtf, .odt, .xls and .ods read as the DOCX or XLSX they were made
from, through real LibreOffice; a conversion runs no macro, stops at its time limit and
leaves nothing behind."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import olefile
import pytest
from django.conf import settings
from docx import Document
from openpyxl import Workbook

from roadmaps.documents import formats
from roadmaps.documents.convert import ConversionTimedOut, ConverterMissing, NotConverted, convert
from roadmaps.documents.importer import import_roadmap
from schools.uploads import Kind, check_upload

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HEADER = ["№п/п", "Мероприятия", "Сроки", "Ответственные"]


def seed_rows() -> list[tuple[str, str, str, str] | str]:
    """The first three sections of Ивантеевка's roadmap, as typed: a section title across the
    table, then its activities (number, content, deadline, responsible)."""
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seeds" / "001_ivanteevka.json").read_text())
    rows: list[tuple[str, str, str, str] | str] = []
    for section in data["sections"][:3]:
        rows.append(f"{section['number']}. {section['title']}")
        rows += [(a["number"], a["content"], a["deadline"], a["responsible"]) for a in section["activities"]]
    return rows


ROWS = seed_rows()
ACTIVITIES = [row for row in ROWS if isinstance(row, tuple)]


def read_rows(data: dict) -> list[tuple[str, str, str, str]]:
    activities = data["activities"] + [a for section in data["sections"] for a in section["activities"]]
    return [(a["number"], a["content"], a["deadline"], a["responsible"]) for a in activities]


def roadmap_docx(rows: list[tuple[str, str, str, str] | str]) -> bytes:
    document = Document()
    document.add_paragraph("Дорожная карта")
    table = document.add_table(rows=1 + len(rows), cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for index, row in enumerate(rows, start=1):
        if isinstance(row, str):
            merged = table.cell(index, 0).merge(table.cell(index, 3))
            merged.text = row
        else:
            for cell, text in zip(table.rows[index].cells, row, strict=True):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def roadmap_xlsx(rows: list[tuple[str, str, str, str] | str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Дорожная карта"])
    sheet.append(HEADER)
    for row in rows:
        if isinstance(row, str):
            sheet.append([row])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=4)
        else:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def soffice_save(files: dict[str, bytes], target: str, folder: Path) -> dict[str, bytes]:
    """Each file saved by LibreOffice as ``target`` (a suffix, or «suffix:filter»)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            *files,
        ],
        cwd=folder,
        capture_output=True,
        timeout=180,
        check=True,
    )
    suffix = target.split(":")[0]
    return {name: (folder / "out" / f"{Path(name).stem}.{suffix}").read_bytes() for name in files}


@pytest.fixture(scope="module")
def originals() -> dict[str, bytes]:
    return {"roadmap.docx": roadmap_docx(ROWS), "roadmap.xlsx": roadmap_xlsx(ROWS)}


@pytest.fixture(scope="module")
def saved(originals, tmp_path_factory) -> dict[str, bytes]:
    """The roadmap in every format LibreOffice saves it in, keyed by suffix."""
    assert SOFFICE, "LibreOffice is required: scripts/system-packages.sh installs it"
    root = tmp_path_factory.mktemp("saved")
    docx = {"roadmap.docx": originals["roadmap.docx"]}
    xlsx = {"roadmap.xlsx": originals["roadmap.xlsx"]}
    out = {"docx": originals["roadmap.docx"], "xlsx": originals["roadmap.xlsx"]}
    targets = [("odt", docx), ("rtf", docx), ("ott", docx), ("pdf", docx)]
    targets += [("xls:MS Excel 97", xlsx), ("ods", xlsx), ("ots", xlsx)]
    # Each LibreOffice with a profile of its own, side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda job: soffice_save(job[1], job[0], root / job[0].split(":")[0]), targets)
        for (target, files), result in zip(targets, results, strict=True):
            out[target.split(":")[0]] = result[next(iter(files))]
    # LibreOffice 7.4 drops the table of a DOCX it writes straight to Word 97 (the cells come
    # out as one paragraph); written from the ODT, the .doc keeps it, as Word's own do.
    out["doc"] = soffice_save({"roadmap.odt": out["odt"]}, "doc:MS Word 97", root / "doc")["roadmap.odt"]
    return out


def test_the_original_docx_and_xlsx_read_every_row_of_the_seed(originals):
    for content in originals.values():
        assert read_rows(import_roadmap(content)) == ACTIVITIES


@pytest.mark.parametrize("suffix", ["doc", "rtf", "odt", "xls", "ods"])
def test_a_roadmap_saved_in_another_format_reads_every_row_as_the_original(saved, suffix):
    data = import_roadmap(saved[suffix], f"roadmap.{suffix}")
    assert read_rows(data) == ACTIVITIES
    assert [s["title"] for s in data["sections"]] == [
        row.split(". ", 1)[1] for row in ROWS if isinstance(row, str)
    ]


@pytest.mark.parametrize(
    ("suffix", "kind"),
    [
        ("docx", Kind.DOCX),
        ("xlsx", Kind.XLSX),
        ("doc", Kind.DOC),
        ("xls", Kind.XLS),
        ("rtf", Kind.RTF),
        ("odt", Kind.ODT),
        ("ott", Kind.ODT),
        ("ods", Kind.ODS),
        ("ots", Kind.ODS),
        ("pdf", Kind.PDF),
    ],
)
def test_check_upload_tells_each_kind_by_its_content(saved, suffix, kind):
    assert check_upload(saved[suffix]) == kind
    assert formats.needs_conversion(kind) == (kind not in (Kind.DOCX, Kind.XLSX, Kind.PDF))


@pytest.mark.parametrize(("suffix", "target"), [("ott", Kind.DOCX), ("ots", Kind.XLSX)])
def test_a_template_converts_to_the_document_it_makes(saved, suffix, target):
    assert check_upload(convert(saved[suffix], check_upload(saved[suffix]), target)) == target


def test_a_pdf_saved_from_the_document_reads_every_row_as_the_original(saved):
    # Letters in order: a word wider than its column is broken by LibreOffice at the border,
    # and the reader cannot always tell «муниципальног» «о» from a word and a preposition.
    def spaced(rows):
        return [tuple("".join(text.split()) for text in row) for row in rows]

    assert formats.needs_conversion(Kind.PDF) is False
    from_pdf = import_roadmap(saved["pdf"], "roadmap.pdf")
    assert spaced(read_rows(from_pdf)) == spaced(read_rows(import_roadmap(saved["docx"])))


# --- Dates as a Russian office suite saves them ---------------------------------------------


def test_dates_of_a_russian_xls_and_ods_keep_day_and_month(tmp_path):
    """Excel's built-in short date (id 14) is whatever the locale says: 5 March is «05.03.2022»
    in a Russian department, and the conversion must not read it as 3 May."""
    from datetime import datetime

    from roadmaps.documents.convert import PROFILE

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for number, content, when, code in [
        ("1.", "Совещание", datetime(2022, 3, 5), 14),
        ("2.", "Семинар", datetime(2022, 1, 1), "mmmm yyyy"),
        ("3.", "Мониторинг", datetime(2022, 9, 12), "dd.mm.yyyy"),
    ]:
        sheet.append([number, content, when, "УО"])
        cell = sheet.cell(sheet.max_row, 3)
        cell.number_format = code if isinstance(code, str) else "mm-dd-yy"  # openpyxl's name of id 14
    out = io.BytesIO()
    workbook.save(out)
    expected = ["05.03.2022", "Январь 2022", "12.09.2022"]
    for target in ("xls:MS Excel 97", "ods"):
        folder = tmp_path / target.split(":")[0]
        (folder / "profile" / "user").mkdir(parents=True)
        (folder / "profile" / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
        saved = soffice_save({"dates.xlsx": out.getvalue()}, target, folder)["dates.xlsx"]
        data = import_roadmap(saved, f"dates.{target.split(':')[0]}")
        assert [a["deadline"] for a in data["activities"]] == expected, target


# --- Macros --------------------------------------------------------------------------------

MACRO_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2">
<office:scripts><office:event-listeners>
<script:event-listener script:language="ooo:script" script:event-name="dom:load" xlink:type="simple"
 xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"/>
</office:event-listeners></office:scripts>
<office:body><office:text><text:p>Дорожная карта</text:p></office:text></office:body>
</office:document-content>"""
MACRO_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">Sub Main
  Open &quot;{target}&quot; For Output As #1
  Print #1, &quot;the macro ran&quot;
  Close #1
End Sub
</script:module>"""
MACRO_LIBRARIES = {
    "Basic/script-lc.xml": """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">
<library:libraries xmlns:library="http://openoffice.org/2000/library" xmlns:xlink="http://www.w3.org/1999/xlink">
 <library:library library:name="Standard" library:link="false"/>
</library:libraries>""",
    "Basic/Standard/script-lb.xml": """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">
<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"
 library:readonly="false" library:passwordprotected="false">
 <library:element library:name="Module1"/>
</library:library>""",
}


def odt_with_macro(target: Path) -> bytes:
    """An ODT whose Basic macro, bound to the document's opening, writes ``target``."""
    parts = {
        "content.xml": MACRO_CONTENT,
        "Basic/Standard/Module1.xml": MACRO_MODULE.format(target=target),
        **MACRO_LIBRARIES,
    }
    manifest = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>' for name in parts
    )
    parts["META-INF/manifest.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        f"{manifest}</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        for name, text in parts.items():
            archive.writestr(name, text, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_macro_bound_to_opening_the_document_does_not_run(tmp_path):
    target = tmp_path / "the-macro-ran.txt"
    content = odt_with_macro(target)
    assert check_upload(content) == Kind.ODT  # OpenOffice's DOCTYPEs pass; entities would not
    converted = convert(content, Kind.ODT, Kind.DOCX)
    assert check_upload(converted) == Kind.DOCX
    assert not target.exists()


# --- When LibreOffice fails --------------------------------------------------------------


@pytest.fixture
def hanging_converter(tmp_path, settings, monkeypatch):
    """A «LibreOffice» that starts a helper process, as soffice starts soffice.bin, and then
    hangs; both write their process ids down. Conversions make their folders in tmp/."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    pids = tmp_path / "pids"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! >> {pids}\necho $$ >> {pids}\nsleep 300\n")
    script.chmod(0o755)
    settings.SOFFICE = str(script)
    settings.SOFFICE_TIMEOUT = 1
    return pids


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie waits only for its parent to note its end)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_conversion_that_hangs_stops_at_the_time_limit_and_leaves_no_process(saved, hanging_converter):
    started = time.monotonic()
    with pytest.raises(ConversionTimedOut) as info:
        import_roadmap(saved["doc"], "roadmap.doc")
    elapsed = time.monotonic() - started
    assert str(info.value) == (
        "Файл не удалось преобразовать за 1 с: он слишком большой или сложный. "
        "Сохраните файл как .docx или .xlsx и загрузите снова."
    )
    assert 1 <= elapsed < 3
    pids = [int(line) for line in hanging_converter.read_text().split()]
    assert len(pids) == 2 and not any(running(pid) for pid in pids)
    assert not list(Path(tempfile.gettempdir()).iterdir())


@pytest.mark.parametrize("program", ["", "/nonexistent/soffice"])
def test_without_libreoffice_the_message_says_so(saved, settings, program):
    settings.SOFFICE = program
    with pytest.raises(ConverterMissing) as info:
        import_roadmap(saved["odt"], "roadmap.odt")
    assert str(info.value) == (
        "Файлы .doc, .rtf, .odt, .xls и .ods на этом сервере не принимаются: не установлен "
        "LibreOffice, который их преобразует. Сохраните файл как .docx или .xlsx и загрузите снова."
    )


def test_a_file_libreoffice_cannot_open_is_refused_as_damaged(saved, tmp_path):
    # A Word 97–2003 container whose text stream is all zeros: still a .doc by its streams.
    path = tmp_path / "roadmap.doc"
    path.write_bytes(saved["doc"])
    with olefile.OleFileIO(str(path), write_mode=True) as container:
        container.write_stream("WordDocument", bytes(container.get_size("WordDocument")))
    broken = path.read_bytes()
    assert check_upload(broken) == Kind.DOC
    with pytest.raises(NotConverted) as info:
        import_roadmap(broken, "roadmap.doc")
    assert str(info.value) == (
        "Файл не удалось преобразовать: он повреждён или защищён паролем. Откройте его в Word "
        "или LibreOffice и сохраните как .docx, затем загрузите снова."
    )
