"""One catalogue of hostile files, each built in memory from a few kilobytes of code and data,
tried on every upload of the portal (tests/security/test_hostile_uploads.py).

The bombs are small on the wire and huge only when unpacked: 300 MB of zeros packs into
300 KB, and a part that lies about its size packs 200 MB into 200 KB. They are built once per
run (``catalogue`` is cached) and are the same bytes every time. The builders of the unit tests
of the checks (tests/roadmaps/test_uploads.py) are reused, so that a file that lies is written
the one way those tests prove it lies.

``targets`` says which uploads a file was made against: ``evidence`` (a mark's files),
``import`` (a roadmap document), ``results`` (ВПР/ОГЭ/ЕГЭ and olympiad tables), ``admin`` (the
admin's CSV/XLSX import). Every file is tried on every upload all the same; ``opaque_evidence``
marks the files that evidence may keep as they are (its check reads the kind from the first
bytes and the ZIP's directory; no parser of the portal ever opens evidence), which must then be
served back only as an attachment.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from functools import cache

from openpyxl import Workbook

from schools.uploads import MB
from tests.roadmaps.test_uploads import (
    BILLION_LAUGHS,
    _parts,
    lying_docx,
    ole_file,
    replace_part,
    small_docx,
    with_zeros,
    zip_of,
)

ALL = frozenset({"evidence", "import", "results", "admin"})
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SCRIPT = b"<script>fetch('/admin/').then(r=>r.text()).then(t=>alert(t))</script>"

# The same «billion laughs», aimed at the table an XLSX reader reads first.
XLSX_LAUGHS = BILLION_LAUGHS.replace(
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>",
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>',
)
XLSX_XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes = field(repr=False)
    content_type: str
    targets: frozenset[str]
    # Evidence may keep it as an opaque file, to be downloaded only as an attachment.
    opaque_evidence: bool = False
    # Refused by a size check before anything is unpacked: the message says so.
    bomb: bool = False

    def __str__(self) -> str:
        return self.name


def _xlsx(rows=(("Школа", "Год"), ("СОШ № 6", 2025))) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_shared_strings(xlsx: bytes, xml: bytes) -> bytes:
    """The workbook with a shared-strings table of ``xml`` (openpyxl writes none for numbers only)."""
    parts = dict(_parts(xlsx))
    parts["xl/sharedStrings.xml"] = xml
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return zip_of(parts)


def _xlsx_bomb(megabytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in _parts(_xlsx()):
            target.writestr(name, data)
        with target.open("xl/media/zeros.bin", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(bytes(MB))
    return out.getvalue()


def _many_parts(count: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in _parts(_xlsx()):
            target.writestr(name, data)
        for n in range(count):
            target.writestr(f"xl/media/image{n}.png", b"")
    return out.getvalue()


def _random(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@cache
def catalogue() -> tuple[Hostile, ...]:
    docx, xlsx = small_docx(), _xlsx()
    return (
        # --- Decompression bombs: refused from the ZIP's directory, nothing unpacked.
        Hostile("бомба.docx", with_zeros(docx, 300), DOCX_TYPE, ALL, bomb=True),
        Hostile("бомба.xlsx", _xlsx_bomb(300), XLSX_TYPE, ALL, bomb=True),
        # Declares the few hundred bytes of the real part, inflates to 200 MB more.
        Hostile(
            "лжёт.xlsx",
            lying_docx(xlsx, "xl/workbook.xml", 200),
            XLSX_TYPE,
            ALL,
            opaque_evidence=True,
            bomb=True,
        ),
        Hostile("частей.xlsx", _many_parts(2_500), XLSX_TYPE, ALL),
        Hostile("вложенный.docx", zip_of({"inner.zip": with_zeros(docx, 100)}), DOCX_TYPE, ALL),
        # --- XML inside Office files.
        Hostile(
            "смех.docx",
            replace_part(docx, "word/document.xml", BILLION_LAUGHS),
            DOCX_TYPE,
            ALL,
            opaque_evidence=True,
        ),
        Hostile("смех.xlsx", _with_shared_strings(xlsx, XLSX_LAUGHS), XLSX_TYPE, ALL, opaque_evidence=True),
        Hostile("xxe.xlsx", _with_shared_strings(xlsx, XLSX_XXE), XLSX_TYPE, ALL, opaque_evidence=True),
        Hostile(
            "путь.xlsx",
            zip_of({**dict(_parts(xlsx)), "../../evil.sh": b"#!/bin/sh\nrm -rf /\n"}),
            XLSX_TYPE,
            ALL,
            opaque_evidence=True,
        ),
        # --- Polyglots and lying names or content types.
        Hostile("справка.pdf", PDF + docx, "application/pdf", ALL, opaque_evidence=True),
        Hostile(
            "фото.jpg", b"\xff\xd8\xff\xe0" + b"<html>" + SCRIPT, "image/jpeg", ALL, opaque_evidence=True
        ),
        Hostile("фото.png", b"<html><body>" + SCRIPT, "image/png", ALL),
        Hostile("отчёт.pdf", b"<!DOCTYPE html><html>" + SCRIPT, "application/pdf", ALL),
        Hostile(
            "программа.pdf", b"MZ\x90\x00\x03" + bytes(60) + b"PE\0\0" + bytes(200), "application/pdf", ALL
        ),
        Hostile(
            "рисунок.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>",
            "image/svg+xml",
            ALL,
        ),
        # --- Sizes and names.
        Hostile("пусто.pdf", b"", "application/pdf", ALL),
        Hostile("скан.pdf", b"%PDF-1.4\n" + bytes(25 * MB + 1 - 9), "application/pdf", ALL),
        Hostile("я" * 296 + ".pdf", PDF, "application/pdf", ALL, opaque_evidence=True),
        Hostile("../../etc/отчёт\\..\\вирус.pdf", PDF, "application/pdf", ALL, opaque_evidence=True),
        Hostile("отчёт\x00.exe.pdf", PDF, "application/pdf", ALL, opaque_evidence=True),
        # --- What LibreOffice would be asked to convert.
        Hostile("карта.doc", _random(64 * 1024, seed=1), "application/msword", frozenset({"import"})),
        Hostile("ole.doc", ole_file("WordDocument"), "application/msword", frozenset({"import"})),
        Hostile(
            "таблица.xls",
            b"<html><table><tr><td>=cmd|' /C calc'!A0</td></tr></table>" + SCRIPT + b"</html>",
            "application/vnd.ms-excel",
            frozenset({"import", "results", "admin"}),
        ),
    )
