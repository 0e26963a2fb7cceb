"""Which reader a roadmap file goes to, by the kind ``uploads.check_upload`` found in it.

DOCX and XLSX are read as they are. Word 97–2003, RTF and OpenDocument text (.doc, .rtf, .odt)
are first converted to DOCX, Excel 97–2003 and OpenDocument spreadsheets (.xls, .ods) to XLSX;
a PDF is read from its text layer. Pure Python but for the conversion, which runs LibreOffice.
"""

from __future__ import annotations

from roadmaps.documents.convert import convert
from roadmaps.documents.excel import read_xlsx
from roadmaps.documents.pdf import read_pdf
from roadmaps.documents.readers import Source
from roadmaps.documents.word import read_docx
from schools.uploads import Kind


def read_sources(content: bytes, kind: Kind) -> list[Source]:
    """The file's sources (one per sheet of a workbook); raise UnsafeFile when it cannot be read."""
    if kind in CONVERTED:
        content, kind = convert(content, kind, CONVERTED[kind]), CONVERTED[kind]
    if kind == Kind.DOCX:
        return [read_docx(content)]
    if kind == Kind.XLSX:
        return read_xlsx(content)
    return read_pdf(content)


def needs_conversion(kind: Kind) -> bool:
    """Whether reading the file runs LibreOffice first."""
    return kind in CONVERTED


def reads_slowly(kind: Kind) -> bool:
    """Whether reading a file of this kind takes seconds whatever its size, so that the upload
    page hands it to a worker: LibreOffice starts for a conversion in 3–4 s, and a PDF's tables
    are found at about 0.2 s a page."""
    return needs_conversion(kind) or kind == Kind.PDF


# What LibreOffice turns each kind into before it is read.
CONVERTED: dict[Kind, Kind] = {
    Kind.DOC: Kind.DOCX,
    Kind.RTF: Kind.DOCX,
    Kind.ODT: Kind.DOCX,
    Kind.XLS: Kind.XLSX,
    Kind.ODS: Kind.XLSX,
}
