"""The roadmap list's filters: academic years from the data, and a school found by name once a
user sees too many schools for a drop-down list (a region, the whole country)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps.models import Roadmap
from schools.models import Organisation

pytestmark = pytest.mark.django_db


def _grow_taganrog(count: int, first: int = 500) -> None:
    school6 = Organisation.objects.get(name="МОБУ СОШ № 6")
    Organisation.objects.bulk_create(
        Organisation(
            region=school6.region, municipality=school6.municipality, name=f"МБОУ гимназия № {first + i}"
        )
        for i in range(count)
    )


def _listed(html: str) -> set[str]:
    return set(re.findall(r'href="/roadmaps/(\d+)/"', html))


def test_the_year_filter_offers_the_academic_years_of_the_visible_roadmaps(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    offered = set(re.findall(r'<option value="(\d{4})"', html))
    visible = Roadmap.objects.visible_to(outsider)
    assert offered == {str(r.academic_year) for r in visible}


def test_a_department_picks_its_school_from_a_list(client, staff):
    client.force_login(staff)
    html = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert '<select name="school"' in html
    assert 'name="school_name"' not in html


def test_with_hundreds_of_schools_the_school_is_found_by_name(client, region_viewer):
    _grow_taganrog(320)
    client.force_login(region_viewer)
    html = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert 'name="school_name"' in html
    assert "МБОУ гимназия № 510" not in html  # no list of hundreds of options

    school_roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    taganrog = Roadmap.objects.get(source_key="002_taganrog")
    found = _listed(client.get(reverse("roadmaps:roadmap_list"), {"school_name": "СОШ № 6"}).content.decode())
    assert str(school_roadmap.pk) in found
    assert str(taganrog.pk) in found  # МОБУ СОШ № 6 is one of its schools
    nothing = client.get(reverse("roadmaps:roadmap_list"), {"school_name": "гимназия № 510"}).content.decode()
    assert _listed(nothing) == set()
    assert "Дорожных карт не найдено" in nothing


def test_the_list_takes_the_same_queries_with_more_schools(client, region_viewer, django_assert_num_queries):
    client.force_login(region_viewer)
    _grow_taganrog(320)
    with CaptureQueriesContext(connection) as fewer:
        client.get(reverse("roadmaps:roadmap_list"), {"school_name": "СОШ"})
    _grow_taganrog(640, first=2000)
    with django_assert_num_queries(len(fewer)):
        client.get(reverse("roadmaps:roadmap_list"), {"school_name": "СОШ"})
