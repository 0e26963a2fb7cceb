"""The import preview in a real browser: a 120-row Word roadmap corrected on two pages,
confirmed by a double click into one roadmap, with the content column wide enough to read."""

from __future__ import annotations

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from roadmaps.models import Roadmap

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "Организация и проведение методического семинара для учителей начальных классов по теме "
    "«Формирование функциональной грамотности обучающихся: читательская, математическая и "
    "естественнонаучная грамотность» с приглашением специалистов регионального института "
    "развития образования и представителей школ-наставников"
)


def roadmap_docx(rows: int) -> bytes:
    document = Document()
    document.add_paragraph("План мероприятий на 2023-2024 учебный год")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Сроки", "Ответственный"], strict=True):
        cell.text = text
    for i in range(1, rows + 1):
        cells = table.add_row().cells
        texts = [f"{i}.", f"{i}. {LONG}", "до 15.03.2024", "Управление образования"]
        for cell, text in zip(cells, texts, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_long_import_is_corrected_page_by_page_and_a_double_click_makes_one_roadmap(
    login, portal, tmp_path
):
    page = login("uo")
    page.goto(f"{portal}/documents/import/")
    expect(page.get_by_text("Word (.docx, .doc), RTF, OpenDocument")).to_be_visible()
    path = tmp_path / "карта.docx"
    path.write_bytes(roadmap_docx(120))
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Прочитать файл").click()
    expect(page.get_by_text("Строки 1–50 из 120").first).to_be_visible()

    # The content column takes most of the table, and a long text is shown whole.
    table = page.locator("table.import-preview").bounding_box()
    content = page.get_by_role("textbox", name="Мероприятие").first
    box = content.bounding_box()
    assert box["width"] > 0.5 * table["width"]
    assert content.evaluate("e => e.scrollHeight <= e.clientHeight + 2")
    page.screenshot(path=tmp_path / "import-preview.png", full_page=False)

    content.fill("Исправлено на первой странице")
    page.get_by_role("button", name="Страница 3").first.click()
    expect(page.get_by_text("Строки 101–120 из 120").first).to_be_visible()
    page.get_by_role("textbox", name="Сроки").last.fill("по мере готовности")

    before = Roadmap.objects.count()
    confirm = page.get_by_role("button", name="Подтвердить загрузку")
    confirm.dblclick()
    expect(page.get_by_role("heading", name="План мероприятий на 2023-2024 учебный год")).to_be_visible()
    assert Roadmap.objects.count() == before + 1
    roadmap = Roadmap.objects.latest("pk")
    rows = list(roadmap.activities.order_by("order"))
    assert len(rows) == 120
    assert rows[0].content == "Исправлено на первой странице"
    assert rows[-1].deadline_text == "по мере готовности"
    assert [row.number for row in rows] == [f"{i}." for i in range(1, 121)]
