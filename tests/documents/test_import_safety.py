"""A bad file gets a clear Russian message and nothing is written; sizes are checked
before anything is unpacked."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from roadmaps.documents import safety
from roadmaps.documents.importer import import_roadmap
from roadmaps.documents.safety import UnsafeFile

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


@pytest.fixture
def good_docx(docx):
    return (
        docx()
        .table([["№", "Мероприятие", "Сроки", "Ответственный"], ["1.", "Анализ", "Май 2020", "УО"]])
        .bytes()
    )


def refused(content: bytes) -> str:
    with pytest.raises(UnsafeFile) as info:
        import_roadmap(content)
    return str(info.value)


def test_a_good_file_is_read(good_docx):
    assert import_roadmap(good_docx)["activities"][0]["content"] == "Анализ"


def test_a_text_file_is_not_a_roadmap():
    assert refused("Дорожная карта".encode()) == "Это не документ Word (.docx) и не таблица Excel (.xlsx)."


def test_a_zip_of_something_else_is_not_a_roadmap():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8")
    assert "не документ Word" in refused(out.getvalue())


def test_a_password_protected_file_says_so():
    # Word and Excel keep an encrypted file in an OLE container with an «EncryptedPackage» stream.
    content = safety.OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    assert "защищён паролем" in refused(content)


def test_an_old_word_file_asks_for_docx():
    assert ".docx" in refused(safety.OLE_MAGIC + b"\0" * 1024)


def test_a_corrupt_file_is_refused(good_docx):
    assert "повреждён" in refused(good_docx[: len(good_docx) // 2])


def test_a_damaged_xml_part_is_refused(good_docx):
    assert "повреждён" in refused(replace_part(good_docx, "word/document.xml", b"<w:document"))


def test_a_document_without_a_roadmap_table(docx):
    message = refused(docx().line("Просто письмо").table([["Имя", "Телефон"], ["Иванов", "123"]]).bytes())
    assert "не найдена таблица дорожной карты" in message


def test_a_file_over_20_mb_is_refused_before_it_is_opened():
    message = refused(b"PK" + b"\0" * (20 * 1024 * 1024))
    assert "слишком большой" in message and "20 МБ" in message


def test_a_zip_bomb_is_refused_from_its_directory(good_docx):
    # 300 MB of zeros packs into a few hundred kilobytes.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in zipfile.ZipFile(io.BytesIO(good_docx)).infolist():
            target.writestr(item.filename, zipfile.ZipFile(io.BytesIO(good_docx)).read(item))
        with target.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
    assert "ZIP-бомба" in refused(out.getvalue())


def test_a_zip_that_unpacks_too_large_is_refused(good_docx, monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNPACKED", 10_000)
    assert "распаковывается" in refused(good_docx)


def test_a_zip_with_too_many_entries_is_refused(good_docx):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in zipfile.ZipFile(io.BytesIO(good_docx)).infolist():
            target.writestr(item.filename, zipfile.ZipFile(io.BytesIO(good_docx)).read(item))
        for n in range(safety.MAX_ENTRIES):
            target.writestr(f"customXml/item{n}.txt", b"")
    assert "слишком много частей" in refused(out.getvalue())


def test_an_xml_entity_bomb_is_refused(good_docx):
    assert "DTD" in refused(replace_part(good_docx, "word/document.xml", BILLION_LAUGHS))


def test_an_external_entity_is_refused(good_docx):
    assert "DTD" in refused(replace_part(good_docx, "word/document.xml", EXTERNAL_ENTITY))


def test_an_xlsx_entity_bomb_is_refused():
    out = io.BytesIO()
    Workbook().save(out)
    assert "DTD" in refused(replace_part(out.getvalue(), "xl/workbook.xml", BILLION_LAUGHS))
