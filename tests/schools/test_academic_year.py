"""Which academic year a date falls in: the Python rule and its SQL twin agree."""

from __future__ import annotations

from datetime import date

import pytest

from roadmaps.models import Roadmap
from schools.models import Organisation, academic_year_bounds, academic_year_expression, academic_year_of

pytestmark = pytest.mark.django_db

DAYS = [
    date(2023, 8, 31),
    date(2023, 9, 1),
    date(2023, 12, 31),
    date(2024, 1, 1),
    date(2024, 2, 29),
    date(2024, 8, 31),
    date(2024, 9, 1),
]


def test_the_rule_turns_on_the_first_of_september():
    assert [academic_year_of(day) for day in DAYS] == [2022, 2023, 2023, 2023, 2023, 2023, 2024]
    assert [academic_year_of(day) for day in academic_year_bounds(2023)] == [2023, 2023]


def test_the_database_expression_agrees_with_academic_year_of():
    owner = Organisation.objects.first()
    made = [
        Roadmap.objects.create(owner=owner, title=f"Период с {day}", period_start=day, period_end=day).pk
        for day in DAYS
    ]
    found = dict(
        Roadmap.objects.filter(pk__in=made)
        .annotate(academic=academic_year_expression("period_start"))
        .values_list("period_start", "academic")
    )
    assert found == {day: academic_year_of(day) for day in DAYS}
