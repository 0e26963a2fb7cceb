"""Whatever is typed into the address bar, a page answers with itself (the bad parameter
ignored), 400 or 404, never 500: page numbers past any table, digits that are not ASCII,
words where numbers go, on the main pages as department staff and as the superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.models import Roadmap, TargetIndicator
from schools.models import Organisation

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
EVERY_TABLE = "&".join(
    f"{p}={HUGE}" for p in ("s_page", "sec_page", "o_page", "e_page", "mp_page", "r_page", "m_page")
)

HOSTILE = [
    f"page={HUGE}",
    "page=-1",
    "page=²",
    "page=1.5",
    EVERY_TABLE,
    "s_page=abc&sec_page=-5&o_page=%00",
    f"table=schools&s_page={HUGE}",
    "table=abc",
    "year=²",
    f"year={HUGE}",
    "section=abc",
    "result=abc",
    "result=²",
    "series=a|b|c&metric=zzz&exam=zzz",
    "on=99999-01-01",
    "q=" + "я" * 5000,
]


def _dashboards() -> list[str]:
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    municipality = roadmap.owner.municipality
    return [
        reverse("monitoring:region_dashboard", args=[municipality.region_id]),
        reverse("monitoring:municipality_dashboard", args=[municipality.pk]),
        reverse("monitoring:school_dashboard", args=[school.pk]),
        reverse("monitoring:roadmap_dashboard", args=[roadmap.pk]),
    ]


def _pages() -> list[str]:
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    municipality = roadmap.owner.municipality
    activity = roadmap.activities.filter(parent__isnull=True).first()
    indicator = TargetIndicator.objects.first()
    return [
        reverse("roadmaps:roadmap_list"),
        reverse("roadmaps:roadmap_detail", args=[roadmap.pk]),
        reverse("roadmaps:activity_create", args=[roadmap.pk]),
        reverse("roadmaps:activity_detail", args=[activity.pk]),
        reverse("monitoring:school_profile", args=[school.pk]),
        reverse("monitoring:school_profile_edit", args=[school.pk]),
        reverse("monitoring:school_risks", args=[school.pk]),
        reverse("monitoring:risk_factor_list"),
        reverse("monitoring:school_results", args=[school.pk]),
        reverse("monitoring:municipality_results", args=[municipality.pk]),
        reverse("monitoring:notifications"),
        *([reverse("monitoring:indicator_values", args=[indicator.pk])] if indicator else []),
    ]


@pytest.mark.parametrize("persona", ["staff", "superuser"])
def test_no_query_string_makes_a_main_page_fail(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    failed = []
    dashboards = _dashboards()
    for url in dashboards + _pages():
        for query in HOSTILE:
            # A dashboard answers htmx with one table alone: both ways are tried there.
            for headers in ({}, {"HX-Request": "true"}) if url in dashboards else ({},):
                status = client.get(f"{url}?{query}", headers=headers).status_code
                if status >= 500:
                    failed.append((url, query[:40], bool(headers), status))
    assert failed == []


def test_a_page_past_every_dashboard_table_shows_their_last_pages(client, superuser):
    client.force_login(superuser)
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    url = reverse("monitoring:region_dashboard", args=[roadmap.owner.municipality.region_id])
    response = client.get(f"{url}?{EVERY_TABLE}")
    assert response.status_code == 200
    schools = response.context["schools"]
    assert schools.number == schools.paginator.num_pages
    # The htmx request for one table alone answers its last page too.
    table = client.get(f"{url}?table=schools&s_page={HUGE}", headers={"HX-Request": "true"})
    assert table.status_code == 200


@pytest.mark.parametrize("year", ["²", HUGE, "abc", "1900"])
def test_a_year_that_is_no_year_shows_the_current_one(client, staff, year):
    client.force_login(staff)
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    plain = client.get(reverse("monitoring:school_profile", args=[school.pk]))
    odd = client.get(reverse("monitoring:school_profile", args=[school.pk]), {"year": year})
    assert odd.status_code == 200
    assert odd.context["year"] == plain.context["year"]


@pytest.mark.parametrize("result", ["abc", "²", "-1"])
def test_a_result_to_correct_that_is_no_number_opens_an_empty_form(client, staff, result):
    client.force_login(staff)
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    response = client.get(reverse("monitoring:school_results", args=[school.pk]), {"result": result})
    assert response.status_code == 200
    assert "Удалить этот результат" not in response.content.decode()


def test_a_result_that_does_not_exist_is_404(client, staff):
    client.force_login(staff)
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    url = reverse("monitoring:school_results", args=[school.pk])
    assert client.get(url, {"result": "999999999"}).status_code == 404
