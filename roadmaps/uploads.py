"""The upload check lives in ``schools.uploads``, on the lowest floor, because the admin's
CSV/XLSX imports of schools and people pass it too; the roadmaps and monitoring modules that
have always called it here keep this name."""

from __future__ import annotations

from schools.uploads import (  # noqa: F401
    DOCX_PART,
    EVIDENCE_ALLOWED,
    EVIDENCE_TYPES,
    KIND_NAMES,
    MAX_ENTRIES,
    MAX_ROWS,
    MAX_UPLOAD,
    MB,
    OLE_MAGIC,
    ZIP_MAGIC,
    Damaged,
    Encrypted,
    Kind,
    TooManyRows,
    UnknownKind,
    UnsafeFile,
    check_evidence,
    check_size,
    check_upload,
    open_zip,
)
