"""Roadmaps of the seed data, and a small DOCX builder for the importer's quirks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from config.celery import app
from roadmaps.models import Roadmap

SEED_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"


@pytest.fixture
def taganrog(db):
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def ivanteevka(db):
    return Roadmap.objects.get(source_key="001_ivanteevka")


def seed(key: str) -> dict:
    return json.loads((SEED_DIR / f"{key}.json").read_text())


class DocxBuilder:
    """Writes a DOCX the way people type roadmaps in Word: paragraphs, then a table whose
    rows may be merged across (sections) or down (a number over its sub-rows)."""

    def __init__(self) -> None:
        self.document = Document()

    def line(self, text: str) -> DocxBuilder:
        self.document.add_paragraph(text)
        return self

    def table(self, rows: list[list[str | None]]) -> DocxBuilder:
        """Each row a list of cell texts; None continues the cell on the left (merge
        across), "^" continues the cell above (merge down)."""
        width = max(len(r) for r in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c in range(width):
                value = row[c] if c < len(row) else ""
                cell = table.cell(r, c)
                if value is None:
                    table.cell(r, c - 1).merge(cell) if c else None
                elif value == "^":
                    table.cell(r - 1, c).merge(cell)
                else:
                    cell.text = value
        self._merge_fixups(table)
        return self

    @staticmethod
    def _merge_fixups(table) -> None:
        # python-docx joins the texts of merged cells; keep the first only.
        for tc in table._tbl.iter(qn("w:tc")):
            paragraphs = tc.findall(qn("w:p"))
            if (
                len(paragraphs) > 1
                and tc.vMerge is None
                and all(not p.xpath("string()") for p in paragraphs[1:])
            ):
                for p in paragraphs[1:]:
                    tc.remove(p)

    def page_break(self) -> DocxBuilder:
        p = self.document.add_paragraph()
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        p.add_run()._r.append(br)
        return self

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


@pytest.fixture
def docx():
    return DocxBuilder


@pytest.fixture
def tasks_in_process():
    """Run the documents' tasks (an export's build, an upload's reading) in this process even
    when CI points Celery at Redis, where no worker runs for them."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
