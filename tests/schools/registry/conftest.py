"""The registry's personas besides tests/conftest.py's: a region staff user, and Таганрог."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from schools.models import Membership, Municipality, Organisation


def inn_of(nine: str) -> str:
    """A valid organisation's ИНН: ``nine`` digits and their check digit."""
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return nine + str(sum(w * int(d) for w, d in zip(weights, nine, strict=True)) % 11 % 10)


@pytest.fixture
def taganrog(db) -> Municipality:
    return Municipality.objects.get(name="г. Таганрог")


@pytest.fixture
def region_staff(db, taganrog):
    """A specialist of the Rostov region's ministry: runs every municipality of the region."""
    ministry = Organisation.objects.filter(region=taganrog.region, municipality=None).first()
    user = get_user_model().objects.create_user("region-staff", last_name="Регионова", first_name="Р.Р.")
    Membership.objects.create(user=user, organisation=ministry, role=Membership.Role.REGION_STAFF)
    return user


@pytest.fixture
def school6(db) -> Organisation:
    return Organisation.objects.get(name="МОБУ СОШ № 6")
