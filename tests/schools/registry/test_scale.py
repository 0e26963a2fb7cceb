"""The municipality's pairs at the scale of the country: found by either side's index, whatever
the pairs of other municipalities (bench/people.py measures it on 50,000 pairs)."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.urls import reverse

from schools.models import MentorPair, Municipality, Organisation, Region
from schools.registry.queries import municipality_pairs

pytestmark = pytest.mark.django_db


def _school(municipality: Municipality, name: str) -> Organisation:
    return Organisation.objects.create(region_id=municipality.region_id, municipality=municipality, name=name)


def _elsewhere(taganrog: Municipality, name: str = "г. Другой") -> Municipality:
    return Municipality.objects.create(region_id=taganrog.region_id, name=name)


def test_the_pairs_list_has_the_municipalitys_schools_on_either_side_and_no_others(taganrog):
    other = _elsewhere(taganrog)
    ours, theirs, far = (
        _school(taganrog, "МБОУ СОШ № 901"),
        _school(other, "МБОУ СОШ № 902"),
        _school(other, "МБОУ СОШ № 903"),
    )
    mentoring = MentorPair.objects.create(mentor=ours, mentee=theirs, academic_year=2026)
    mentored = MentorPair.objects.create(mentor=theirs, mentee=ours, academic_year=2026)
    MentorPair.objects.create(mentor=theirs, mentee=far, academic_year=2026)  # not Таганрог's
    MentorPair.objects.create(mentor=ours, mentee=far, academic_year=2025)  # another year

    pairs = set(municipality_pairs(taganrog, year=2026))

    assert {mentoring, mentored} <= pairs
    assert all(taganrog.pk in (p.mentor.municipality_id, p.mentee.municipality_id) for p in pairs)
    assert all(p.academic_year == 2026 for p in pairs)


@pytest.mark.parametrize("elsewhere", [0, 20])
def test_the_municipality_page_costs_the_same_queries_whatever_the_pairs_of_other_municipalities(
    client, staff, taganrog, django_assert_max_num_queries, elsewhere
):
    other = _elsewhere(taganrog)
    for i in range(elsewhere):
        mentor, mentee = _school(other, f"МБОУ СОШ № {700 + i}"), _school(other, f"МБОУ ООШ № {800 + i}")
        MentorPair.objects.create(mentor=mentor, mentee=mentee, academic_year=2026)
    client.force_login(staff)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]), {"year": 2026})
    of_taganrog = MentorPair.objects.filter(
        Q(mentor__municipality=taganrog) | Q(mentee__municipality=taganrog), academic_year=2026
    )
    assert set(response.context["pairs"]) == set(of_taganrog)


def _more_regions(n: int) -> None:
    for i in range(n):
        region = Region.objects.create(name=f"Регион {900 + i}")
        municipality = Municipality.objects.create(region=region, name=f"Район {i}")
        Organisation.objects.create(region=region, municipality=municipality, name=f"МБОУ СОШ № {i}")


@pytest.mark.parametrize("extra", [0, 20])
def test_the_superusers_landing_lists_the_regions_counted_not_their_municipalities(
    client, superuser, taganrog, django_assert_max_num_queries, extra
):
    _more_regions(extra)
    client.force_login(superuser)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("schools:registry"))
    counted = {r.name: (r.municipality_count, r.school_count) for r in response.context["counted"]}
    assert len(counted) == Region.objects.count()
    assert counted[taganrog.region.name] == (
        Municipality.objects.filter(region=taganrog.region).count(),
        Organisation.objects.schools().filter(municipality__region=taganrog.region).count(),
    )
    assert list(response.context["groups"]) == []
    assert reverse("schools:registry_municipality", args=[taganrog.pk]) not in response.content.decode()
    assert reverse("schools:registry_region", args=[taganrog.region_id]) in response.content.decode()
