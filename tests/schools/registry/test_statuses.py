"""A school's statuses per academic year: set from the card, kept in the history, and without
any effect on the roadmaps already made."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.models import Executor, Roadmap, RoadmapSchool
from schools.models import Organisation, SchoolStatus, academic_year_of, current_academic_year

pytestmark = pytest.mark.django_db

URL = "schools:registry_statuses"


def _kinds(school, year) -> set[str]:
    return set(SchoolStatus.objects.filter(school=school, academic_year=year).values_list("kind", flat=True))


def test_statuses_are_set_for_the_chosen_year_only(client, staff, school6):
    before_2022 = _kinds(school6, 2022)
    client.force_login(staff)
    response = client.post(reverse(URL, args=[school6.pk]), {"year": 2026, "kinds": ["unfavourable", "risk"]})
    assert response.status_code == 302
    assert _kinds(school6, 2026) == {"unfavourable", "risk"}
    assert _kinds(school6, 2022) == before_2022
    follow = client.get(response.url)
    assert "снят «ШНОР — школа с низкими образовательными результатами»" in follow.content.decode()


def test_each_added_and_removed_status_is_in_the_history_with_who(client, staff, school6):
    client.force_login(staff)
    client.post(reverse(URL, args=[school6.pk]), {"year": 2026, "kinds": ["mentor"]})
    records = SchoolStatus.history.filter(school_id=school6.pk, academic_year=2026, history_user=staff)
    assert sorted(records.values_list("kind", "history_type")) == [("low_results", "-"), ("mentor", "+")]


def test_a_form_without_a_year_changes_nothing(client, staff, school6):
    client.force_login(staff)
    before = _kinds(school6, 2026)
    client.post(reverse(URL, args=[school6.pk]), {"kinds": ["risk"]})
    assert _kinds(school6, 2026) == before


def _roadmap_people(roadmap) -> tuple[set, set]:
    schools = set(RoadmapSchool.objects.filter(roadmap=roadmap).values_list("school", "role"))
    executors = set(
        Executor.objects.filter(activity__roadmap=roadmap).values_list(
            "activity", "kind", "label", "organisation"
        )
    )
    return schools, executors


@pytest.mark.parametrize("source_key", ["000_ust_dzheguta", "001_ivanteevka"])
def test_a_status_change_leaves_the_roadmaps_schools_and_their_directors_as_they_were(
    client, superuser, source_key
):
    """A roadmap's schools and its «Руководители ОУ» are what it was made with: taking ШНОР
    from its schools, or giving it to a school outside it, adds or drops nobody."""
    roadmap = Roadmap.objects.get(source_key=source_key)
    schools = list(Organisation.objects.filter(roadmap_links__roadmap=roadmap))
    municipality = roadmap.owner.municipality
    outside = Organisation.objects.create(
        region_id=municipality.region_id, municipality=municipality, name="МБОУ ООШ № 900"
    )
    assert schools
    assert Executor.objects.filter(activity__roadmap=roadmap, label__in=["Руководители ОУ", "ОО"]).exists()
    year = academic_year_of(roadmap.period_start) if roadmap.period_start else current_academic_year()
    before = _roadmap_people(roadmap)
    client.force_login(superuser)
    for y in (year, year + 1):
        for school in schools:
            client.post(reverse(URL, args=[school.pk]), {"year": y, "kinds": ["risk"]})
        client.post(reverse(URL, args=[outside.pk]), {"year": y, "kinds": ["low_results"]})
    assert _kinds(schools[0], year) == {"risk"} and _kinds(outside, year) == {"low_results"}
    assert _roadmap_people(roadmap) == before
