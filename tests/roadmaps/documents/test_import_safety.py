"""What the importer says of a file that passes the upload check but holds no roadmap; the
check itself (bombs, DTDs, damaged and protected files): tests/roadmaps/test_uploads.py."""

from __future__ import annotations

import pytest

from roadmaps.documents.importer import import_roadmap
from schools.uploads import UnsafeFile


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


def test_a_document_without_a_roadmap_table(docx):
    message = refused(docx().line("Просто письмо").table([["Имя", "Телефон"], ["Иванов", "123"]]).bytes())
    assert "не найдена таблица дорожной карты" in message
