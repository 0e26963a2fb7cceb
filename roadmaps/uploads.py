"""The one check every upload passes before anything opens it: a roadmap or a results table
to import (``check_upload``), evidence attached to a mark (``check_evidence``).

Size first, then the type, read from the content and not from the name. A DOCX, XLSX or ODT is
a ZIP: everything about it is decided from the central directory before a byte is unpacked
(the number of parts, their declared unpacked size and compression ratio, encryption). A file
the portal reads itself (an import) then has every XML part parsed, streamed, by expat with
defusedxml's rule: a DTD is refused, and with it every entity, so «billion laughs» and
external entities never reach python-docx or openpyxl; evidence is only stored and downloaded, so no parser of ours ever reads it.

Each kind of check raises its own ``UnsafeFile`` with the import's wording; the evidence check
says the same refusals to a principal in the words of the mark form, naming the file.
Pure Python.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum
from pathlib import PurePath
from typing import TYPE_CHECKING
from xml.parsers import expat

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

# How a file begins. Word and Excel of 1997–2003, and any password-protected Office file,
# are OLE containers; every ZIP part's local header starts with «PK\3\4».
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# The part that makes a ZIP a Word document, an Excel workbook, an OpenDocument text.
DOCX_PART = "word/document.xml"
XLSX_PART = "xl/workbook.xml"
ODT_PART = "content.xml"

# Evidence by the suffix its name claims: how its content begins, the part it holds when it is
# a ZIP (None when not), and the content type it is served with. In the order the mark form
# lists them.
EVIDENCE_TYPES: dict[str, tuple[bytes, str | None, str]] = {
    ".pdf": (b"%PDF-", None, "application/pdf"),
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


class TooManyRows(UnsafeFile):
    """A table of more than ``MAX_ROWS`` rows: refused before it is read whole."""


class ZipBomb(UnsafeFile):
    """A ZIP that would unpack to too many parts or bytes."""


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
            raise Encrypted("Файл защищён паролем. Снимите пароль и загрузите файл снова.")
        unpacked += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ZipBomb(
                "Файл распаковывается в неправдоподобно большой объём («ZIP-бомба»); файл не принят."
            )
    if unpacked > MAX_UNPACKED:
        raise ZipBomb(
            f"Файл распаковывается в {unpacked // MB} МБ — больше допустимых {MAX_UNPACKED // MB} МБ; файл не принят."
        )


def check_xml_parts(archive: zipfile.ZipFile) -> None:
    """Every XML part parses without DTDs or entities; call after ``check_zip_limits``."""
    for entry in archive.infolist():
        if entry.filename.endswith((".xml", ".rels")):
            _check_xml(archive, entry)


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Parsed by expat as it unpacks, with no tree built: a sheet of 100 MB takes seconds and a
    few megabytes (building its tree took 20 s and 800 MB). A DTD is refused where it starts, as
    defusedxml refuses it; entities can only be declared in one."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    try:
        # zipfile never reads past the declared size, which check_zip_limits has bounded.
        with archive.open(entry) as stream:
            while chunk := stream.read(MB):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except DTDForbidden as exc:
        raise UnsafeFile(
            "В файле есть конструкции XML, которые не используются в документах Word и Excel "
            "(DTD, сущности); файл не принят."
        ) from exc
    except RuntimeError as exc:  # an encrypted entry
        raise Encrypted("Файл защищён паролем. Снимите пароль и загрузите файл снова.") from exc
    except Exception as exc:  # noqa: BLE001 - a part that does not unpack or parse is damaged
        raise Damaged("Файл повреждён: часть его содержимого не читается.") from exc


def _refuse_dtd(name, *args) -> None:
    raise DTDForbidden(name, None, None)


# --- The checks of each upload --------------------------------------------------------------


def check_upload(content: bytes) -> Kind:
    """An import: return the kind of a DOCX or XLSX, or raise UnsafeFile saying what is wrong."""
    check_size(len(content))
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise Encrypted("Файл защищён паролем. Снимите пароль в Word или Excel и загрузите файл снова.")
        raise UnsafeFile(
            "Это файл старого формата Word или Excel (.doc, .xls). Сохраните его как .docx или .xlsx и загрузите снова."
        )
    if not content.startswith(ZIP_MAGIC):
        raise UnsafeFile("Это не документ Word (.docx) и не таблица Excel (.xlsx).")
    with open_zip(content) as archive:
        entries = archive.infolist()
        check_zip_limits(entries)
        names = {e.filename for e in entries}
        if DOCX_PART in names:
            kind = Kind.DOCX
        elif XLSX_PART in names:
            kind = Kind.XLSX
        else:
            raise UnsafeFile("Это не документ Word (.docx) и не таблица Excel (.xlsx).")
        if "[Content_Types].xml" not in names:
            raise Damaged("Файл повреждён: в нём нет описания содержимого.")
        check_xml_parts(archive)
    return kind


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
        raise UnsafeFile(f"Файл «{name}» распаковывается в слишком большой объём: он не принят.") from exc
    names = {e.filename for e in entries}
    if "EncryptedPackage" in names:
        raise UnsafeFile(protected)
    if part not in names:
        raise UnsafeFile(f"Файл «{name}» повреждён или это не тот формат, что указан в имени.")
