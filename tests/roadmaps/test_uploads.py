"""A bad file gets a clear Russian message before any library opens it; sizes are checked
before anything is unpacked. Every refusal of an import is asserted twice: from the check
itself and from the importer that calls it. Evidence passes the same limits
(its own messages: tests/roadmaps/test_marks.py)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
import zlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook

from roadmaps.documents.importer import import_roadmap
from schools import uploads
from schools.uploads import Kind, UnsafeFile, check_evidence, check_upload

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


def small_docx() -> bytes:
    """A two-row Word roadmap table (the hostile-file catalogue starts from it too)."""
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


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return small_docx()


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


UNKNOWN = (
    "Формат файла не распознан. Можно загрузить документ Word (.docx, .doc), RTF, OpenDocument "
    "(.odt, .ods), таблицу Excel (.xlsx, .xls) или PDF с текстовым слоем."
)


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("Дорожная карта".encode(), id="text"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, id="picture"),
        pytest.param(zip_of({"photo.jpg": b"\xff\xd8"}), id="zip of something else"),
        pytest.param(
            zip_of({"mimetype": b"application/vnd.oasis.opendocument.presentation", "content.xml": b"<a/>"}),
            id="presentation",
        ),
    ],
)
def test_a_file_of_no_kind_an_import_reads_lists_the_kinds_it_does(refused, content):
    assert refused(content) == UNKNOWN


def ole_file(stream: str) -> bytes:
    """A minimal OLE compound file (512-byte sectors, as Office 97–2003 writes) holding one
    stream of 4 KB: sector 0 is the FAT, sector 1 the directory, sectors 2–9 the stream."""
    free, end, fat_sector, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        uploads.OLE_MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, 1, 1, 0, 4096, end, 0, end, 0,
    ) + struct.pack("<109I", 0, *[free] * 108)  # fmt: skip
    fat = struct.pack("<128I", fat_sector, end, *range(3, 10), end, *[free] * 118)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            kind,
            1,
            none,
            none,
            child,
            b"\0" * 16,
            0,
            0,
            0,
            start,
            size,
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, none, 2, 4096) + b"\0" * 256
    return header + fat + directory + b"\0" * 4096


@pytest.mark.parametrize(
    ("stream", "kind"), [("WordDocument", Kind.DOC), ("Workbook", Kind.XLS), ("Book", Kind.XLS)]
)
def test_word_and_excel_97_2003_are_told_by_their_streams(stream, kind):
    assert check_upload(ole_file(stream)) == kind


def test_a_password_protected_file_says_so(refused):
    # Word and Excel keep an encrypted DOCX or XLSX in an OLE container, in its «EncryptedPackage» stream.
    assert refused(ole_file("EncryptedPackage")) == (
        "Файл защищён паролем. Снимите пароль в Word или Excel и загрузите файл снова."
    )


def test_an_ole_file_of_another_program_is_not_a_roadmap(refused):
    assert refused(ole_file("PowerPoint Document")) == UNKNOWN


def test_a_damaged_old_word_file_says_so(refused):
    assert refused(uploads.OLE_MAGIC + b"\0" * 1024) == (
        "Это файл старого формата Word или Excel (.doc, .xls), но он повреждён: его не удаётся открыть."
    )


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


def packed_zip(parts: list[tuple[str, int, bytes, bytes, int]]) -> bytes:
    """A ZIP written byte by byte, so that it can lie: each part is (name, method, packed bytes,
    the unpacked bytes its CRC is computed over, the unpacked size it declares). The local
    header and the central directory declare the same."""
    out = bytearray()
    directory = bytearray()
    for name, method, packed, crc_of, size in parts:
        encoded = name.encode()
        offset = len(out)
        sizes = (zlib.crc32(crc_of), len(packed), size, len(encoded))
        out += struct.pack("<4s5H3L2H", b"PK\3\4", 20, 0, method, 0, 0x21, *sizes, 0) + encoded + packed
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\1\2", 20, 20, 0, method, 0, 0x21, *sizes, 0, 0, 0, 0, 0, offset
        )
        directory += encoded
    end = struct.pack("<4s4H2LH", b"PK\5\6", 0, 0, len(parts), len(parts), len(directory), len(out), 0)
    return bytes(out + directory + end)


def lying_docx(good: bytes, name: str, megabytes: int) -> bytes:
    """The document with the part ``name`` followed, in its deflate stream, by ``megabytes`` of
    zeros that neither its size nor its CRC owns up to: zipfile returns exactly the real part
    and says nothing, after unpacking everything that follows it."""
    source = zipfile.ZipFile(io.BytesIO(good))
    parts = []
    for entry in source.infolist():
        data = source.read(entry)
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = packer.compress(data)
        for _ in range(megabytes if entry.filename == name else 0):
            packed += packer.compress(bytes(1024 * 1024))
        parts.append((entry.filename, zipfile.ZIP_DEFLATED, packed + packer.flush(), data, len(data)))
    return packed_zip(parts)


PEAK_MEMORY = """
import io, sys, zipfile
from roadmaps.documents.importer import import_roadmap
from schools.uploads import UnsafeFile, check_upload

def peak():
    # VmHWM, not ru_maxrss: getrusage carries the peak of the parent at fork (a long pytest run
    # has hundreds of MB), while the process's own high-water mark starts anew at exec.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) // 1024  # kilobytes

content = open(sys.argv[1], "rb").read()
before = peak()
for read in (check_upload, import_roadmap):
    try:
        read(content)
        print("accepted")
    except UnsafeFile as exc:
        print(exc)
checked = peak()
# What the file does to zipfile alone, as python-docx opens it: the real part comes back.
given = len(zipfile.ZipFile(io.BytesIO(content)).read(sys.argv[2]))
print(before, checked, peak(), given)
"""


@pytest.mark.parametrize("part", ["word/document.xml", "word/media/seal.png"])
def test_a_part_that_unpacks_past_its_declared_size_is_refused_in_bounded_memory(good_docx, part, tmp_path):
    """Measured in a process of its own: the peak memory of the check and the import stays
    where it began, while zipfile alone takes 300 MB more reading the same part."""
    good = zip_of({**dict(_parts(good_docx)), "word/media/seal.png": b"\x89PNG\r\n\x1a\n" + bytes(5000)})
    path = tmp_path / "bomb.docx"
    path.write_bytes(lying_docx(good, part, 300))
    assert path.stat().st_size < 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(path), part],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    check, importer, peaks = result.stdout.splitlines()
    bomb = "Файл распаковывается в неправдоподобно большой объём («ZIP-бомба»); файл не принят."
    assert check == importer == bomb
    before, checked, zipfile_alone, given = map(int, peaks.split())
    print(
        f"peak RSS: {before} MB, after the check and the import {checked} MB, zipfile alone {zipfile_alone} MB"
    )
    assert checked - before < 20
    assert zipfile_alone - checked > 250
    assert given == len(dict(_parts(good))[part])


def _parts(content: bytes) -> list[tuple[str, bytes]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [(entry.filename, archive.read(entry)) for entry in archive.infolist()]


def test_a_stored_part_longer_than_it_declares_is_refused(good_docx, refused):
    parts = [(name, zipfile.ZIP_STORED, data, data, len(data)) for name, data in _parts(good_docx)]
    name, method, data, _, _ = parts[-1]
    parts[-1] = (name, method, data + bytes(4096), data, len(data))
    assert "ZIP-бомба" in refused(packed_zip(parts))


def test_a_part_that_declares_more_than_it_holds_is_damaged(good_docx, refused):
    parts = [(name, zipfile.ZIP_STORED, data, data, len(data)) for name, data in _parts(good_docx)]
    name, method, data, _, _ = parts[-1]
    parts[-1] = (name, method, data, data, len(data) + 1)
    assert "повреждён" in refused(packed_zip(parts))


def test_an_honest_file_written_byte_by_byte_passes(good_docx):
    parts = []
    for name, data in _parts(good_docx):
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        parts.append((name, zipfile.ZIP_DEFLATED, packer.compress(data) + packer.flush(), data, len(data)))
    assert check_upload(packed_zip(parts)) == Kind.DOCX
    assert import_roadmap(packed_zip(parts))["activities"][0]["content"] == "Анализ"


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
