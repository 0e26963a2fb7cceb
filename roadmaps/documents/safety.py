"""Checks an uploaded file must pass before any library opens it.

A DOCX or XLSX is a ZIP of XML parts. Everything is decided from the ZIP's central
directory before a byte is unpacked: the size of the upload, the number of entries,
their declared unpacked size and compression ratio. Then every XML part is parsed with
defusedxml, which refuses DTDs and entities, so «billion laughs» and external entities
never reach python-docx or openpyxl. Pure Python.
"""

from __future__ import annotations

import io
import zipfile
from enum import StrEnum

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_UPLOAD = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 2_000
# Office XML compresses well (10–30 times); a bomb compresses thousands of times.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small parts may compress at any ratio

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Kind(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"


class UnsafeFile(ValueError):
    """The file cannot be imported; the message is for the user, in Russian."""


def check_size(size: int) -> None:
    if size > MAX_UPLOAD:
        raise UnsafeFile(
            f"Файл слишком большой: {size / 1024 / 1024:.1f} МБ. Можно загрузить файл до {MAX_UPLOAD // 1024 // 1024} МБ."
        )
    if size == 0:
        raise UnsafeFile("Файл пустой.")


def check_upload(content: bytes) -> Kind:
    """Return the kind of a DOCX or XLSX upload, or raise UnsafeFile saying what is wrong."""
    check_size(len(content))
    if content.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in content:
            raise UnsafeFile("Файл защищён паролем. Снимите пароль в Word или Excel и загрузите файл снова.")
        raise UnsafeFile(
            "Это файл старого формата Word или Excel (.doc, .xls). Сохраните его как .docx или .xlsx и загрузите снова."
        )
    if not content.startswith(b"PK"):
        raise UnsafeFile("Это не документ Word (.docx) и не таблица Excel (.xlsx).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnsafeFile(
            "Файл повреждён: его не удаётся открыть как документ Word или таблицу Excel."
        ) from exc
    with archive:
        _check_entries(entries)
        names = {e.filename for e in entries}
        if "word/document.xml" in names:
            kind = Kind.DOCX
        elif "xl/workbook.xml" in names:
            kind = Kind.XLSX
        else:
            raise UnsafeFile("Это не документ Word (.docx) и не таблица Excel (.xlsx).")
        if "[Content_Types].xml" not in names:
            raise UnsafeFile("Файл повреждён: в нём нет описания содержимого.")
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                _check_xml(archive, entry)
    return kind


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise UnsafeFile(
            f"В архиве файла слишком много частей ({len(entries)}); так выглядит «ZIP-бомба», файл не принят."
        )
    unpacked = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnsafeFile("Файл защищён паролем. Снимите пароль и загрузите файл снова.")
        unpacked += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise UnsafeFile(
                "Файл распаковывается в неправдоподобно большой объём («ZIP-бомба»); файл не принят."
            )
    if unpacked > MAX_UNPACKED:
        raise UnsafeFile(
            f"Файл распаковывается в {unpacked // 1024 // 1024} МБ — больше допустимых "
            f"{MAX_UNPACKED // 1024 // 1024} МБ; файл не принят."
        )


def _check_xml(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    try:
        # zipfile never reads past the declared size, which was checked above.
        data = archive.read(entry)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnsafeFile("Файл повреждён: часть его содержимого не читается.") from exc
    except RuntimeError as exc:  # an encrypted entry
        raise UnsafeFile("Файл защищён паролем. Снимите пароль и загрузите файл снова.") from exc
    try:
        fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnsafeFile(
            "В файле есть конструкции XML, которые не используются в документах Word и Excel "
            "(DTD, сущности); файл не принят."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - any parse error means a damaged part
        raise UnsafeFile("Файл повреждён: часть его содержимого не читается.") from exc
