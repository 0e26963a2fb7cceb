"""Each seed roadmap exported to DOCX and XLSX and read back is the same roadmap."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.importer import import_roadmap, summary
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Roadmap
from tests.roadmaps.documents.conftest import seed

pytestmark = pytest.mark.django_db

SEEDS = ["000_ust_dzheguta", "001_ivanteevka", "002_taganrog", "003_kozelsk", "004_sarov"]
ROWS = {"000_ust_dzheguta": 21, "001_ivanteevka": 58, "002_taganrog": 16, "003_kozelsk": 17, "004_sarov": 22}


def _table(data: dict) -> dict:
    """What the document's table says: sections, numbers, content, deadline and responsible texts."""

    def row(a):
        fields = ("number", "content", "deadline", "responsible", "expected_result")
        return {k: a.get(k, "") for k in fields} | {"children": [row(c) for c in a.get("children", [])]}

    def section(s):
        return {
            "kind": s["kind"],
            "number": s["number"],
            "title": s["title"],
            "activities": [row(a) for a in s.get("activities", [])],
            "subsections": [section(x) for x in s.get("subsections", [])],
        }

    return {
        "sections": [section(s) for s in data["sections"]],
        "activities": [row(a) for a in data["activities"]],
    }


def _export(key: str, fmt: str) -> bytes:
    roadmap = fetch_roadmaps([Roadmap.objects.get(source_key=key).pk])[0]
    if fmt == "docx":
        return export_docx(roadmap, with_marks=False)
    return export_xlsx([roadmap], on=date(2023, 3, 1))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("key", SEEDS)
def test_a_seed_roadmap_comes_back_from_its_export_unchanged(key, fmt):
    original = seed(key)
    data = import_roadmap(_export(key, fmt), filename=f"{key}.{fmt}")
    assert _table(data) == _table(original)
    assert summary(data)["activities"] == ROWS[key]
    for name in ("title", "goal", "tasks"):
        assert data[name] == original[name]
    assert data["approval"] == original["approval"]
    assert data["columns"][: len(original["columns"])] == original["columns"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_all_134_activities_come_back(fmt):
    assert sum(summary(import_roadmap(_export(key, fmt)))["activities"] for key in SEEDS) == 134


def test_the_taganrog_schools_and_directors_come_back():
    data = import_roadmap(_export("002_taganrog", "docx"))
    assert data["schools"] == seed("002_taganrog")["schools"]


def test_the_xlsx_keeps_the_exact_period():
    data = import_roadmap(_export("004_sarov", "xlsx"))
    assert (data["period_start"], data["period_end"]) == ("2021-09-01", "2022-12-31")
