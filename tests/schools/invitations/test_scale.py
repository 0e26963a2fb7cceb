"""The users' landing at the scale of the country: the superuser chooses a region, not one of
thousands of municipalities (bench/people.py measures it on 2,500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import Municipality, Organisation, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("extra", [0, 20])
def test_the_superusers_landing_lists_the_regions_not_their_municipalities(
    client, superuser, taganrog, django_assert_max_num_queries, extra
):
    for i in range(extra):
        Municipality.objects.create(region=Region.objects.create(name=f"Регион {900 + i}"), name=f"Район {i}")
    client.force_login(superuser)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("schools:users"))
    html = response.content.decode()
    assert len(response.context["regions"]) == Region.objects.count()
    assert reverse("schools:users_region", args=[taganrog.region_id]) in html
    assert response.context["municipalities"] == []
    assert reverse("schools:users_municipality", args=[taganrog.pk]) not in html


def test_the_regions_invitation_offers_its_bodies_and_departments_and_nothing_of_other_regions(
    client, region_staff, taganrog
):
    other = Region.objects.create(name="Регион 999")
    elsewhere = Municipality.objects.create(region=other, name="Район 999")
    Organisation.objects.create(region=other, name="Министерство 999", kind=Organisation.Kind.DEPARTMENT)
    Organisation.objects.create(
        region=other, municipality=elsewhere, name="Отдел 999", kind=Organisation.Kind.DEPARTMENT
    )
    client.force_login(region_staff)
    response = client.get(reverse("schools:users_region", args=[taganrog.region_id]))
    offered = set(response.context["form"].fields["organisation"].queryset)
    expected = set(Organisation.objects.filter(region=taganrog.region, municipality=None)) | set(
        Organisation.objects.filter(municipality__region=taganrog.region, kind=Organisation.Kind.DEPARTMENT)
    )
    assert offered == expected
    assert any(o.municipality_id == taganrog.pk for o in offered)  # Таганрог's department
    assert not any(o.region_id == other.pk for o in offered)
