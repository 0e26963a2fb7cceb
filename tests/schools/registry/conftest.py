"""The registry's personas besides tests/conftest.py's: a region staff user, and Таганрог."""

from __future__ import annotations

import pytest

from schools.models import Municipality, Organisation


def inn_of(nine: str) -> str:
    """A valid organisation's ИНН: ``nine`` digits and their check digit."""
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return nine + str(sum(w * int(d) for w, d in zip(weights, nine, strict=True)) % 11 % 10)


@pytest.fixture
def taganrog(db) -> Municipality:
    return Municipality.objects.get(name="г. Таганрог")


@pytest.fixture
def school6(db) -> Organisation:
    return Organisation.objects.get(name="МОБУ СОШ № 6")
