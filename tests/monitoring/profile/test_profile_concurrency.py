"""Two people editing the same school figures: the later save is refused, and nothing is lost."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from monitoring.models import RiskFactor, SchoolProfile, SchoolRisk
from schools.models import Organisation

pytestmark = pytest.mark.django_db

PROFILE = {
    "teachers_total": "40",
    "teacher_vacancies": "4",
    "pupils_total": "500",
    "pupils_disabled": "50",
    "textbooks_percent": "96",
    "shifts": "1",
    "premises_condition": "good",
}
STALE = "Не сохранено:"


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


def _seen(response) -> str:
    match = re.search(r'name="seen" value="([^"]*)"', response.content.decode())
    assert match, "the form carries the version it was opened on"
    return match.group(1)


def _profile_form(school, year=2024):
    return reverse("monitoring:school_profile_edit", args=[school.pk]) + f"?year={year}"


def _risks_page(school, year=2024):
    return reverse("monitoring:school_risks", args=[school.pk]) + f"?year={year}"


def _levels(**levels) -> dict:
    data = {}
    for factor in RiskFactor.objects.all():
        data[f"level_{factor.pk}"] = levels.get(factor.code, "")
        data[f"note_{factor.pk}"] = ""
    return data


def test_a_profile_saved_meanwhile_is_not_overwritten_silently(client, staff, principal, school6):
    SchoolProfile.objects.create(school=school6, academic_year=2024, teachers_total=38, pupils_total=480)
    client.force_login(staff)
    staff_seen = _seen(client.get(_profile_form(school6)))

    client.force_login(principal)
    principal_seen = _seen(client.get(_profile_form(school6)))
    response = client.post(
        _profile_form(school6), {**PROFILE, "teachers_total": "41", "seen": principal_seen}
    )
    assert response.status_code == 302

    client.force_login(staff)
    response = client.post(_profile_form(school6), {**PROFILE, "teachers_total": "44", "seen": staff_seen})
    html = response.content.decode()
    assert response.status_code == 409
    assert STALE in html and "О.В. Муразян" in html  # who saved in between
    assert 'value="44"' in html  # what the staff member typed is still in the form
    assert SchoolProfile.objects.get(school=school6, academic_year=2024).teachers_total == 41

    # Saving again, having seen the warning, replaces the figures on purpose.
    response = client.post(
        _profile_form(school6), {**PROFILE, "teachers_total": "44", "seen": _seen(response)}
    )
    assert response.status_code == 302
    assert SchoolProfile.objects.get(school=school6, academic_year=2024).teachers_total == 44


def test_two_people_filling_a_new_year_do_not_overwrite_each_other(client, staff, principal, school6):
    client.force_login(staff)
    staff_seen = _seen(client.get(_profile_form(school6, 2025)))
    assert staff_seen == ""
    client.force_login(principal)
    client.post(_profile_form(school6, 2025), {**PROFILE, "teachers_total": "39", "seen": ""})
    client.force_login(staff)
    response = client.post(
        _profile_form(school6, 2025), {**PROFILE, "teachers_total": "45", "seen": staff_seen}
    )
    assert response.status_code == 409
    assert SchoolProfile.objects.get(school=school6, academic_year=2025).teachers_total == 39


def test_risk_levels_saved_meanwhile_are_not_overwritten_silently(client, staff, principal, school6):
    client.force_login(staff)
    staff_seen = _seen(client.get(_risks_page(school6)))

    client.force_login(principal)
    principal_seen = _seen(client.get(_risks_page(school6)))
    response = client.post(_risks_page(school6), {**_levels(R02="high"), "seen": principal_seen})
    assert response.status_code == 302

    client.force_login(staff)
    response = client.post(_risks_page(school6), {**_levels(R02="low", R06="medium"), "seen": staff_seen})
    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert dict(SchoolRisk.objects.filter(school=school6).values_list("factor__code", "level")) == {
        "R02": "high"
    }

    response = client.post(
        _risks_page(school6), {**_levels(R02="low", R06="medium"), "seen": _seen(response)}
    )
    assert response.status_code == 302
    levels = dict(SchoolRisk.objects.filter(school=school6).values_list("factor__code", "level"))
    assert levels == {"R02": "low", "R06": "medium"}


def test_saving_twice_from_the_same_page_is_refused_the_second_time(client, staff, school6):
    """A double submit (or a second tab) of the same opened form cannot silently win."""
    client.force_login(staff)
    seen = _seen(client.get(_risks_page(school6)))
    assert client.post(_risks_page(school6), {**_levels(R01="low"), "seen": seen}).status_code == 302
    assert client.post(_risks_page(school6), {**_levels(R01="high"), "seen": seen}).status_code == 409
    assert SchoolRisk.objects.get(school=school6).level == "low"
