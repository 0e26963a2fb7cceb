"""A PDF roadmap with a text layer -> ``readers.Source``. Pure Python."""

from __future__ import annotations

from roadmaps.documents.readers import Source
from roadmaps.uploads import UnsafeFile


def read_pdf(content: bytes) -> list[Source]:
    raise UnsafeFile("Чтение PDF пока не поддерживается.")
