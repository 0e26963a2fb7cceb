"""A roadmap's period is one a real roadmap has: years 2000–2100, at most seven years long.

On the running portal a school roadmap dated year 0001 made every dashboard of its region
answer 500, and a period 0001–9999 with «ежемесячно» made 119,988 windows for one row."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from roadmaps.deadlines import MAX_WINDOWS, parse_deadline
from roadmaps.documents.forms import ImportHeaderForm
from roadmaps.models import Roadmap, check_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(1, 1, 1), date(2023, 8, 31), "period_start", "Год 1 вне допустимого"),
        (date(2022, 9, 1), date(9999, 12, 31), "period_end", "Год 9999 вне допустимого"),
        (date(2023, 9, 1), date(2022, 8, 31), "period_end", "Конец периода не может быть раньше его начала."),
        (date(2021, 1, 1), date(2029, 12, 31), "period_end", "Период длиннее 7 лет"),
    ],
)
def test_a_period_no_roadmap_has_is_refused_with_the_reason(start, end, field, message):
    with pytest.raises(ValidationError) as refused:
        check_period(start, end)
    assert refused.value.message_dict[field][0].startswith(message)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2022, 9, 1), date(2023, 8, 31)),  # a school year
        (date(2021, 9, 1), date(2022, 12, 31)),  # Саров: «2021-2022 годы»
        (date(2020, 9, 1), date(2027, 8, 31)),  # seven school years
    ],
)
def test_the_periods_real_roadmaps_have_are_accepted(start, end):
    check_period(start, end)


def test_the_database_refuses_year_one_even_past_the_forms():
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    roadmap.period_start = date(1, 1, 1)
    with pytest.raises(IntegrityError):
        roadmap.save(update_fields=["period_start"])


def test_staff_typing_year_one_get_a_russian_error_and_nothing_changes(client, superuser, revising):
    client.force_login(superuser)
    roadmap = Roadmap.objects.get(source_key="003_kozelsk")
    data = {
        "owner": roadmap.owner_id,
        "level": roadmap.level,
        "title": roadmap.title,
        "period_start": "0001-02-01",
        "period_end": "2021-12-31",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("roadmaps:roadmap_edit", args=[roadmap.pk]), data)
    assert response.status_code == 400
    assert (
        "Год 1 вне допустимого: период дорожной карты — между 2000 и 2100 годом." in response.content.decode()
    )
    roadmap.refresh_from_db()
    assert roadmap.period_start == date(2021, 2, 1)


def test_the_import_preview_refuses_a_period_of_eight_thousand_years():
    form = ImportHeaderForm({"title": "План", "period_start": "2001-01-01", "period_end": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["period_end"][0].startswith("Год 9999 вне допустимого")


def test_a_row_owes_at_most_500_windows_whatever_period_it_is_read_in():
    # A century of months would be 1,212 (the running portal made 119,988 for 0001–9999); a
    # valid period of seven years has 84.
    parsed = parse_deadline("ежемесячно", date(2000, 1, 1), date(2100, 12, 31))
    assert len(parsed.windows) == MAX_WINDOWS == 500
    assert (parsed.windows[0].start, parsed.windows[-1].end) == (date(2000, 1, 1), date(2041, 8, 31))
    assert len(parse_deadline("ежемесячно", date(2020, 9, 1), date(2027, 8, 31)).windows) == 84
