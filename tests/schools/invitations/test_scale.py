"""The users' landing at the scale of the country: the superuser chooses a region, not one of
thousands of municipalities (bench/people.py measures it on 2,500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import Municipality, Region

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
