"""The one check every upload passes before anything opens it: a roadmap, a results table or
the admin's spreadsheet of schools and people to import (``check_upload``), evidence attached
to a mark (``check_evidence``). On the lowest floor so that the admin of schools can call it.

Size first, then the type, read from the content and not from the name: Word and Excel
97–2003 by the streams of their OLE container (olefile), RTF and PDF by how they begin, and
DOCX, XLSX, ODT and ODS, which are ZIPs, by the parts they hold. Everything about a ZIP that its
central directory says is checked before a byte is unpacked (the number of parts, their
declared unpacked size and compression ratio, encryption); then every part is unpacked in small
chunks and refused as soon as it gives more than it declared, so that no reader of the file
later (python-docx, openpyxl, LibreOffice) can unpack more than the declared sizes allowed.
A file the portal reads itself (an import) has every XML part parsed as it unpacks, by expat
with no tree built and with defusedxml's rule: entities are refused (and in Office XML any
DTD), so «billion laughs» and external entities never reach python-docx, openpyxl or
LibreOffice; evidence is only stored and downloaded, so no parser of ours ever reads it.

Each kind of check raises its own ``UnsafeFile`` with the import's wording; the evidence check
says the same refusals to a principal in the words of the mark form, naming the file.
Pure Python.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING
from xml.parsers import expat

import olefile
from defusedxml import DTDForbidden

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

MB = 1024 * 1024
# The largest file of any kind (a roadmap, a results table, evidence): a scanned order of
# several pages fits; the upload is read into memory whole.
MAX_UPLOAD = 20 * MB
# What all parts of a ZIP may unpack to: ten times the upload limit, far above a real document.
MAX_UNPACKED = 200 * MB
# Rows of a roadmap table an import reads: the largest real roadmap has a few hundred.
MAX_ROWS = 5_000
# Parts in one ZIP: a long document with its pictures has a few hundred.
MAX_ENTRIES = 2_000
# Office XML compresses well (10–30 times); a bomb compresses thousands of times.
MAX_RATIO = 200
# Parts up to this size may compress at any ratio: a blank sheet is mostly repeated markup.
RATIO_FLOOR = MB
# A ZIP part is unpacked this much at a time, and never more than it declared.
CHUNK = 64 * 1024

# How a file begins. Word and Excel of 1997–2003, and any password-protected Office file,
# are OLE containers; every ZIP part's local header starts with «PK\3\4». A PDF may have a
# few bytes before its header; readers look for it in the first kilobyte.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
RTF_MAGIC = b"{\\rtf"
PDF_MAGIC = b"%PDF-"
# The part that makes a ZIP a Word document, an Excel workbook, an OpenDocument text.
DOCX_PART = "word/document.xml"
XLSX_PART = "xl/workbook.xml"
ODT_PART = "content.xml"
# An OpenDocument file names its type in its first part, «mimetype»; templates are read as
# the documents they make.
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
}
# Parts of a ZIP that are XML and are parsed before any reader sees them.
XML_SUFFIXES = (".xml", ".rels", ".rdf")

# Evidence by the suffix its name claims: how its content begins, the part it holds when it is
# a ZIP (None when not), and the content type it is served with. In the order the mark form
# lists them.
EVIDENCE_TYPES: dict[str, tuple[bytes, str | None, str]] = {
    ".pdf": (PDF_MAGIC, None, "application/pdf"),
    ".docx": (
        ZIP_MAGIC,
        DOCX_PART,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (ZIP_MAGIC, XLSX_PART, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".odt": (ZIP_MAGIC, ODT_PART, "application/vnd.oasis.opendocument.text"),
    ".jpg": (b"\xff\xd8\xff", None, "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", None, "image/jpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n", None, "image/png"),
}
EVIDENCE_ALLOWED = "PDF, DOCX, XLSX, ODT, JPG, PNG"


class Kind(StrEnum):
    """What a file is, by its content; the value is the usual suffix."""

    DOCX = "docx"
    XLSX = "xlsx"
    DOC = "doc"  # Word 97–2003
    XLS = "xls"  # Excel 97–2003
    RTF = "rtf"
    ODT = "odt"  # LibreOffice's and Р7-Офис's text document
    ODS = "ods"  # their spreadsheet
    PDF = "pdf"


# What each kind is called in a message: «Это …».
KIND_NAMES = {
    Kind.DOCX: "документ Word",
    Kind.XLSX: "таблица Excel",
    Kind.DOC: "документ Word 97–2003 (.doc)",
    Kind.XLS: "таблица Excel 97–2003 (.xls)",
    Kind.RTF: "документ RTF",
    Kind.ODT: "текстовый документ OpenDocument (.odt)",
    Kind.ODS: "таблица OpenDocument (.ods)",
    Kind.PDF: "документ PDF",
}
# What an import reads, said when a file is none of it.
KINDS_ALLOWED = (
    "Можно загрузить документ Word (.docx, .doc), RTF, OpenDocument (.odt, .ods), "
    "таблицу Excel (.xlsx, .xls) или PDF с текстовым слоем."
)


class UnsafeFile(ValueError):
    """The file is refused; the message is for the user, in Russian."""


class TooLarge(UnsafeFile):
    """The upload itself is over ``MAX_UPLOAD``."""


class Empty(UnsafeFile):
    pass


class Damaged(UnsafeFile):
    """The ZIP, or a part of it, cannot be read."""


class Encrypted(UnsafeFile):
    pass


class UnknownKind(UnsafeFile):
    """None of the kinds an import reads."""


class TooManyRows(UnsafeFile):
    """A table of more than ``MAX_ROWS`` rows: refused before it is read whole."""


class ZipBomb(UnsafeFile):
    """A ZIP that would unpack to too many parts or bytes."""


def _unknown() -> UnknownKind:
    return UnknownKind(f"Формат файла не распознан. {KINDS_ALLOWED}")


def _protected() -> Encrypted:
    return Encrypted("Файл защищён паролем. Снимите пароль и загрузите файл снова.")


def _damaged_part() -> Damaged:
    return Damaged("Файл повреждён: часть его содержимого не читается.")


def _lying_part() -> ZipBomb:
    return ZipBomb("Файл распаковывается в неправдоподобно большой объём («ZIP-бомба»); файл не принят.")


# --- One function per kind of check ---------------------------------------------------------


def check_size(size: int) -> None:
    """Before a byte of the file is read."""
    if size > MAX_UPLOAD:
        raise TooLarge(
            f"Файл слишком большой: {size / 1024 / 1024:.1f} МБ. Можно загрузить файл до {MAX_UPLOAD // MB} МБ."
        )
    if size == 0:
        raise Empty("Файл пустой.")


def open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Damaged("Файл повреждён: его не удаётся открыть как документ Word или таблицу Excel.") from exc


def check_zip_limits(entries: list[zipfile.ZipInfo]) -> None:
    """From the central directory alone: nothing is unpacked yet."""
    if len(entries) > MAX_ENTRIES:
        raise ZipBomb(
            f"В архиве файла слишком много частей ({len(entries)}); так выглядит «ZIP-бомба», файл не принят."
        )
    unpacked = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _protected()
        unpacked += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise _lying_part()
    if unpacked > MAX_UNPACKED:
        raise ZipBomb(
            f"Файл распаковывается в {unpacked // MB} МБ — больше допустимых {MAX_UNPACKED // MB} МБ; файл не принят."
        )


def unpack(content: bytes, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes ``ZipFile.read(entry)`` gives, CHUNK at a time; call after ``check_zip_limits``.

    zipfile stops at the declared size only after it has unpacked up to a gigabyte in one go:
    a 2 MB part that declared 2 KB took the process to 2 GB before anything could refuse it.
    Here the part is unpacked from the same bytes zipfile reads (found as ``ZipFile.open``
    finds them), a chunk at a time, and refused the moment it gives more than it declared. A
    file whose every part has passed this therefore unpacks, in any later reader that goes by
    the central directory (python-docx and openpyxl through zipfile), to no more than the
    declared sizes that check_zip_limits has bounded by MAX_UNPACKED.
    """
    start = entry.header_offset
    header = content[start : start + 30]
    if len(header) != 30 or not header.startswith(ZIP_MAGIC):
        raise _damaged_part()
    flags, method = struct.unpack("<HH", header[6:10])
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    name = content[start + 30 : start + 30 + name_length]
    try:
        same_name = name.decode("utf-8" if flags & 0x800 else "cp437") == entry.orig_filename
    except UnicodeDecodeError:
        same_name = False
    # Patched data and strong encryption (flag bits 5 and 6): zipfile refuses them too.
    if not same_name or entry.flag_bits & 0x60:
        raise _damaged_part()
    begin = start + 30 + name_length + extra_length
    packed = memoryview(content)[begin : begin + entry.compress_size]
    if len(packed) != entry.compress_size:
        raise _damaged_part()
    if entry.compress_type == zipfile.ZIP_STORED:
        chunks: Iterator[bytes] = (bytes(packed[i : i + CHUNK]) for i in range(0, len(packed), CHUNK))
    elif entry.compress_type == zipfile.ZIP_DEFLATED:
        chunks = _inflate(packed)
    else:  # bzip2, lzma: no office program writes them
        raise _damaged_part()
    given = 0
    crc = 0
    for chunk in chunks:
        given += len(chunk)
        if given > entry.file_size:
            raise _lying_part()
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if given != entry.file_size or crc != entry.CRC:
        raise _damaged_part()


def _inflate(packed: memoryview) -> Iterator[bytes]:
    """What zipfile's inflater makes of the packed bytes, never more than CHUNK per step."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    taken = 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                data = packed[taken : taken + CHUNK]
                taken += len(data)
            chunk = inflater.decompress(data, CHUNK)
            if not chunk and not data:
                break  # the stream is cut short: the CRC or the size will not match
            yield chunk
    except zlib.error as exc:
        raise _damaged_part() from exc


def check_parts(content: bytes, archive: zipfile.ZipFile, *, office: bool) -> None:
    """Every part unpacks to its declared size and every XML part parses without entities
    (and, in Office XML, without a DTD); call after ``check_zip_limits``. A part named outside
    the archive («../../evil.sh», «/etc/…») is refused: no office program writes one."""
    for entry in archive.infolist():
        name = entry.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/"):
            raise Damaged("Файл повреждён: в нём есть часть с недопустимым именем; файл не принят.")
        if entry.filename.endswith(XML_SUFFIXES):
            _check_xml(unpack(content, entry), forbid_dtd=office)
        else:
            for _ in unpack(content, entry):
                pass


def _check_xml(chunks: Iterator[bytes], *, forbid_dtd: bool) -> None:
    """Parsed by expat as it unpacks, with no tree built: a sheet of 100 MB takes seconds and a
    few megabytes (building its tree took 20 s and 800 MB). As defusedxml does, an entity
    declaration is refused, and in Office XML a DTD where it starts."""
    parser = expat.ParserCreate()
    if forbid_dtd:
        parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except UnsafeFile:
        raise  # the part gave more than it declared, or does not unpack
    except DTDForbidden as exc:
        raise UnsafeFile(
            "В файле есть конструкции XML, которые не используются в документах Word и Excel "
            "(DTD, сущности); файл не принят."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any parse error means a damaged part
        raise _damaged_part() from exc


def _refuse_dtd(name, *args) -> None:
    raise DTDForbidden(name, None, None)


# --- The checks of each upload --------------------------------------------------------------


def check_upload(content: bytes) -> Kind:
    """An import: return the kind of the file, or raise UnsafeFile saying what is wrong."""
    check_size(len(content))
    if content.startswith(OLE_MAGIC):
        return _ole_kind(content)
    if content.startswith(ZIP_MAGIC):
        return _zip_kind(content)
    if content.startswith(RTF_MAGIC):
        return Kind.RTF
    if PDF_MAGIC in content[:1024]:
        return Kind.PDF
    raise _unknown()


def _ole_kind(content: bytes) -> Kind:
    """Word and Excel 97–2003 by the stream that holds the text; a password-protected DOCX or
    XLSX is an OLE container too, with its real file encrypted in one stream."""
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as container:
            streams = {"/".join(path) for path in container.listdir()}
    except Exception as exc:  # noqa: BLE001 - olefile raises OSError and plain exceptions alike
        raise Damaged(
            "Это файл старого формата Word или Excel (.doc, .xls), но он повреждён: его не удаётся открыть."
        ) from exc
    if "EncryptedPackage" in streams:
        raise Encrypted("Файл защищён паролем. Снимите пароль в Word или Excel и загрузите файл снова.")
    if "WordDocument" in streams:
        return Kind.DOC
    if streams & {"Workbook", "Book"}:  # Book: Excel 5.0/95, which LibreOffice reads too
        return Kind.XLS
    raise _unknown()


def _zip_kind(content: bytes) -> Kind:
    with open_zip(content) as archive:
        entries = archive.infolist()
        check_zip_limits(entries)
        names = {e.filename for e in entries}
        if DOCX_PART in names:
            kind = Kind.DOCX
        elif XLSX_PART in names:
            kind = Kind.XLSX
        elif "mimetype" in names:
            kind = _odf_kind(content, archive)
        else:
            raise _unknown()
        office = kind in (Kind.DOCX, Kind.XLSX)
        if office and "[Content_Types].xml" not in names:
            raise Damaged("Файл повреждён: в нём нет описания содержимого.")
        # OpenDocument of OpenOffice 1–2 begins its parts with a DOCTYPE; entities stay refused.
        check_parts(content, archive, office=office)
        if not office and b"encryption-data" in _part(content, archive, "META-INF/manifest.xml"):
            raise _protected()
    return kind


def _odf_kind(content: bytes, archive: zipfile.ZipFile) -> Kind:
    mimetype = _part(content, archive, "mimetype").decode("ascii", "replace").strip()
    if mimetype not in ODF_TYPES:
        raise _unknown()
    return Kind(ODF_TYPES[mimetype])


def _part(content: bytes, archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        entry = archive.getinfo(name)
    except KeyError:
        return b""
    return b"".join(unpack(content, entry))


def check_evidence(upload: UploadedFile) -> str:
    """Evidence for a mark: check size and content, not only the extension; return the content
    type. Raises UnsafeFile with a message a principal understands."""
    name = upload.name or "файл"
    suffix = PurePath(name).suffix.lower()
    if upload.size is not None:
        try:
            check_size(upload.size)
        except TooLarge as exc:
            raise UnsafeFile(
                f"Файл «{name}» больше {MAX_UPLOAD // MB} МБ. Уменьшите его или дайте ссылку на сайт школы."
            ) from exc
        except Empty as exc:
            raise UnsafeFile(f"Файл «{name}» пустой.") from exc
    if suffix not in EVIDENCE_TYPES:
        raise UnsafeFile(f"Файл «{name}»: такой тип не принимается. Можно прикладывать {EVIDENCE_ALLOWED}.")
    magic, part, content_type = EVIDENCE_TYPES[suffix]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if not head.startswith(magic):
        raise UnsafeFile(
            f"Файл «{name}» не похож на {suffix[1:].upper()}: он повреждён или это другой формат."
        )
    if part is not None:
        try:
            content = upload.read()
        finally:
            upload.seek(0)
        _check_evidence_zip(content, name=name, part=part)
    return content_type


def _check_evidence_zip(content: bytes, *, name: str, part: str) -> None:
    protected = f"Файл «{name}» защищён паролем: снимите защиту и загрузите снова."
    try:
        with open_zip(content) as archive:
            entries = archive.infolist()
        check_zip_limits(entries)
    except Damaged as exc:
        raise UnsafeFile(f"Файл «{name}» повреждён: его не удаётся открыть.") from exc
    except Encrypted as exc:
        raise UnsafeFile(protected) from exc
    except ZipBomb as exc:
        if len(entries) > MAX_ENTRIES:
            raise UnsafeFile(
                f"В файле «{name}» слишком много частей ({len(entries)}): он не принят."
            ) from exc
        raise UnsafeFile(f"Файл «{name}» распаковывается в слишком большой объём: он не принят.") from exc
    names = {e.filename for e in entries}
    if "EncryptedPackage" in names:
        raise UnsafeFile(protected)
    if part not in names:
        raise UnsafeFile(f"Файл «{name}» повреждён или это не тот формат, что указан в имени.")
