"""A bad file gets a clear Russian message before any library opens it; sizes are checked
before anything is unpacked. Every refusal of an import is asserted twice: from the check
itself and from the importer that calls it. Evidence passes the same limits
(its own messages: tests/roadmaps/test_marks.py)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook

from roadmaps import uploads
from roadmaps.documents.importer import import_roadmap
from roadmaps.uploads import Kind, UnsafeFile, check_evidence, check_upload

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"""


def replace_part(content: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, data if item.filename == name else source.read(item))
    return out.getvalue()


def with_zeros(content: bytes, megabytes: int) -> bytes:
    """The document with a part of ``megabytes`` of zeros, which packs into a few hundred kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in zipfile.ZipFile(io.BytesIO(content)).infolist():
            target.writestr(item.filename, zipfile.ZipFile(io.BytesIO(content)).read(item))
        with target.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    document = Document()
    table = document.add_table(rows=2, cols=4)
    for row, texts in zip(
        table.rows,
        [["№", "Мероприятие", "Сроки", "Ответственный"], ["1.", "Анализ", "Май 2020", "УО"]],
        strict=True,
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(params=["check_upload", "import_roadmap"])
def refused(request):
    """The message an import refuses a file with: from the check, or from the importer."""
    read = {"check_upload": check_upload, "import_roadmap": import_roadmap}[request.param]

    def refused(content: bytes) -> str:
        with pytest.raises(UnsafeFile) as info:
            read(content)
        return str(info.value)

    return refused


def test_a_good_docx_and_a_good_xlsx_pass_with_their_kind(good_docx):
    out = io.BytesIO()
    Workbook().save(out)
    assert (check_upload(good_docx), check_upload(out.getvalue())) == (Kind.DOCX, Kind.XLSX)


def test_a_text_file_is_not_a_roadmap(refused):
    assert refused("Дорожная карта".encode()) == "Это не документ Word (.docx) и не таблица Excel (.xlsx)."


def test_a_zip_of_something_else_is_not_a_roadmap(refused):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    assert "не документ Word" in refused(out.getvalue())


def test_a_password_protected_file_says_so(refused):
    # Word and Excel keep an encrypted file in an OLE container with an «EncryptedPackage» stream.
    content = uploads.OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    assert "защищён паролем" in refused(content)


def test_an_old_word_file_asks_for_docx(refused):
    assert ".docx" in refused(uploads.OLE_MAGIC + b"\0" * 1024)


def test_a_corrupt_file_is_refused(good_docx, refused):
    assert "повреждён" in refused(good_docx[: len(good_docx) // 2])


def test_a_damaged_xml_part_is_refused(good_docx, refused):
    assert "повреждён" in refused(replace_part(good_docx, "word/document.xml", b"<w:document"))


def test_a_file_over_20_mb_is_refused_before_it_is_opened(refused):
    message = refused(b"PK" + b"\0" * (20 * 1024 * 1024))
    assert "слишком большой" in message and "20 МБ" in message


def test_a_zip_bomb_is_refused_from_its_directory(good_docx, refused):
    # 300 MB of zeros packs into a few hundred kilobytes.
    assert "ZIP-бомба" in refused(with_zeros(good_docx, 300))


def test_a_zip_that_unpacks_too_large_is_refused(good_docx, refused, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNPACKED", 10_000)
    assert "распаковывается" in refused(good_docx)


def test_a_zip_with_too_many_entries_is_refused(good_docx, refused):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in zipfile.ZipFile(io.BytesIO(good_docx)).infolist():
            target.writestr(item.filename, zipfile.ZipFile(io.BytesIO(good_docx)).read(item))
        for n in range(uploads.MAX_ENTRIES):
            target.writestr(f"customXml/item{n}.txt", b"")
    assert "слишком много частей" in refused(out.getvalue())


def test_an_xml_entity_bomb_is_refused(good_docx, refused):
    assert "DTD" in refused(replace_part(good_docx, "word/document.xml", BILLION_LAUGHS))


def test_an_external_entity_is_refused(good_docx, refused):
    assert "DTD" in refused(replace_part(good_docx, "word/document.xml", EXTERNAL_ENTITY))


def test_an_xlsx_entity_bomb_is_refused(refused):
    out = io.BytesIO()
    Workbook().save(out)
    assert "DTD" in refused(replace_part(out.getvalue(), "xl/workbook.xml", BILLION_LAUGHS))


# --- Evidence: the same limits, said to a principal ------------------------------------------


def test_evidence_is_refused_by_the_same_zip_bomb_limit_as_an_import(good_docx):
    # 150 MB unpacked is under MAX_UNPACKED: only the compression ratio gives this one away.
    bomb = with_zeros(good_docx, 150)
    with pytest.raises(UnsafeFile, match="ZIP-бомба"):
        check_upload(bomb)
    with pytest.raises(UnsafeFile) as info:
        check_evidence(SimpleUploadedFile("отчёт.docx", bomb))
    assert str(info.value) == "Файл «отчёт.docx» распаковывается в слишком большой объём: он не принят."


def test_evidence_with_an_encrypted_part_says_it_is_protected(good_docx):
    content = bytearray(good_docx)
    # The «encrypted» bit of the first part's entry in the central directory.
    content[content.find(b"PK\x01\x02") + 8] |= 0x1
    with pytest.raises(UnsafeFile) as info:
        check_evidence(SimpleUploadedFile("план.docx", bytes(content)))
    assert str(info.value) == "Файл «план.docx» защищён паролем: снимите защиту и загрузите снова."


def test_good_evidence_keeps_its_place_in_the_upload_and_gets_its_content_type(good_docx):
    upload = SimpleUploadedFile("план.docx", good_docx)
    assert check_evidence(upload).endswith("wordprocessingml.document")
    assert upload.read() == good_docx  # read again from the start when it is saved
