"""The school profile: who reads and changes it, what the page shows, how bad input is refused,
the catalogue migration and the demo data."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from monitoring.demo.profile import load_demo_profiles
from monitoring.models import RiskFactor, SchoolProfile, SchoolRisk
from monitoring.profile.catalogue import CATALOGUE
from schools.models import Organisation, current_academic_year

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]
EDITORS = {"superuser", "staff", "principal"}
# Session, user, the user's roles (up to four), the school, its profiles, the years with data.
PROFILE_PAGE_QUERIES = 9

VALID = {
    "teachers_total": "40",
    "teacher_vacancies": "4",
    "teachers_young": "10",
    "teachers_pension_age": "8",
    "teachers_without_training": "2",
    "pupils_total": "500",
    "pupils_disabled": "50",
    "pupils_non_native_russian": "5",
    "pupils_low_income": "60",
    "pupils_registered": "3",
    "textbooks_percent": "96",
    "shifts": "1",
    "premises_condition": "good",
    "computers_for_pupils": "25",
    "has_broadband": "true",
    "other_factors": "Школа на окраине города.",
}


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def demo():
    load_demo_profiles()


def _profile_url(school, year=None, edit=False):
    url = reverse("monitoring:school_profile_edit" if edit else "monitoring:school_profile", args=[school.pk])
    return f"{url}?year={year}" if year else url


# --- The catalogue ---------------------------------------------------------------------------


def test_the_migration_loads_the_whole_catalogue():
    catalogue = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    stored = list(RiskFactor.objects.values_list("code", "name"))
    assert stored == [(item["code"], item["name"]) for item in catalogue]
    assert len(stored) == 11
    assert ("R02", "Дефицит педагогических кадров") in stored
    assert all(RiskFactor.objects.values_list("description", flat=True))


def test_running_the_catalogue_migration_again_restores_and_duplicates_nothing():
    migration = importlib.import_module("monitoring.migrations.0003_risk_factor_catalogue")
    RiskFactor.objects.filter(code="R02").update(name="Переименовано")
    migration.load_catalogue(django_apps, None)
    migration.load_catalogue(django_apps, None)
    assert RiskFactor.objects.count() == 11
    assert RiskFactor.objects.get(code="R02").name == "Дефицит педагогических кадров"


# --- Who may see and change ------------------------------------------------------------------


def test_anonymous_users_go_to_the_login_page(client, school6):
    for url in (_profile_url(school6), _profile_url(school6, edit=True)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_profile_page_by_persona(client, request, school6, demo, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_profile_url(school6))
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Кадровый состав" in html
    # Only those who may change the profile get the button.
    assert (reverse("monitoring:school_profile_edit", args=[school6.pk]) in html) == (persona in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_profile_edit_by_persona(client, request, school6, persona):
    client.force_login(request.getfixturevalue(persona))
    get = client.get(_profile_url(school6, 2024, edit=True))
    post = client.post(_profile_url(school6, 2024, edit=True), VALID)
    saved = SchoolProfile.objects.filter(school=school6, academic_year=2024).exists()
    if persona == "outsider":
        assert (get.status_code, post.status_code, saved) == (404, 404, False)
    elif persona in EDITORS:
        assert (get.status_code, post.status_code, saved) == (200, 302, True)
    else:
        assert (get.status_code, post.status_code, saved) == (403, 403, False)


def test_the_outsider_cannot_learn_the_figures_of_a_taganrog_school(client, outsider, school6, demo):
    client.force_login(outsider)
    html = client.get(_profile_url(school6)).content.decode()
    assert "МОБУ СОШ № 6" not in html


# --- What the page shows ---------------------------------------------------------------------


def test_staff_save_a_profile_and_the_page_shows_the_shares(client, staff, school6):
    client.force_login(staff)
    response = client.post(_profile_url(school6, 2024, edit=True), VALID)
    assert response.status_code == 302
    assert response.url == _profile_url(school6, 2024)
    profile = SchoolProfile.objects.get(school=school6, academic_year=2024)
    assert (profile.teachers_total, profile.pupils_disabled, profile.has_broadband) == (40, 50, True)
    assert profile.updated_by == staff
    html = client.get(response.url).content.decode()
    assert "2024/2025" in html
    assert "10 %" in html  # 50 of 500 pupils with ОВЗ
    assert "9,1 %" in html  # 4 vacancies of 44 places
    assert "12,5" in html  # pupils per teacher
    assert "Школа на окраине города." in html


def test_the_page_puts_last_years_values_beside_this_years(client, coordinator, school6):
    SchoolProfile.objects.create(school=school6, academic_year=2023, teachers_total=30, pupils_total=400)
    SchoolProfile.objects.create(school=school6, academic_year=2024, teachers_total=36, pupils_total=380)
    client.force_login(coordinator)
    html = client.get(_profile_url(school6, 2024)).content.decode()
    assert "2023/2024" in html and "2024/2025" in html
    assert "+6" in html  # teachers
    assert "−20" in html  # pupils


def test_a_year_without_a_profile_says_so(client, coordinator, school6):
    client.force_login(coordinator)
    html = client.get(_profile_url(school6, 2019)).content.decode()
    assert "Сведения за 2019/2020 учебный год ещё не внесены" in html


def test_a_bad_year_shows_the_current_one(client, coordinator, school6):
    client.force_login(coordinator)
    year = current_academic_year()
    for bad in ("abc", "1800", "-1", str(year + 5)):
        response = client.get(f"{_profile_url(school6)}?year={bad}")
        assert response.status_code == 200
        assert f"Сведения за {year}/{year + 1} учебный год" in response.content.decode()


def test_a_new_year_starts_from_last_years_figures(client, principal, school6):
    SchoolProfile.objects.create(school=school6, academic_year=2023, teachers_total=37, pupils_total=512)
    client.force_login(principal)
    html = client.get(_profile_url(school6, 2024, edit=True)).content.decode()
    assert "Поля заполнены сведениями за 2023/2024 учебный год" in html
    assert 'value="37"' in html and 'value="512"' in html
    assert not SchoolProfile.objects.filter(school=school6, academic_year=2024).exists()


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"teacher_vacancies": "41"}, "Вакансий не может быть больше, чем педагогов всего (40)."),
        ({"pupils_disabled": "501"}, "Обучающихся с ОВЗ не может быть больше, чем обучающихся всего (500)."),
        ({"pupils_registered": "900"}, "Обучающихся на профилактическом учёте не может быть больше"),
        (
            {"teachers_young": "30", "teachers_pension_age": "20"},
            "Педагогов до 35 лет и пенсионного возраста вместе (50) больше, чем педагогов всего (40).",
        ),
        ({"textbooks_percent": "120"}, "Обеспеченность учебниками — не больше 100 %."),
        ({"shifts": "5"}, "Смен бывает не больше трёх."),
        ({"shifts": "0"}, "Школа работает хотя бы в одну смену."),
        ({"pupils_total": "-3"}, "Убедитесь, что это значение больше либо равно 0."),
        ({"teachers_total": "сорок"}, "Введите целое число."),
    ],
)
def test_bad_figures_are_refused_with_a_clear_message(client, staff, school6, changes, message):
    client.force_login(staff)
    response = client.post(_profile_url(school6, 2024, edit=True), {**VALID, **changes})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Не сохранено: исправьте поля, отмеченные красным." in html
    assert not SchoolProfile.objects.filter(school=school6, academic_year=2024).exists()


def test_an_edit_keeps_the_other_years(client, staff, school6):
    SchoolProfile.objects.create(school=school6, academic_year=2023, teachers_total=30)
    client.force_login(staff)
    client.post(_profile_url(school6, 2024, edit=True), VALID)
    client.post(_profile_url(school6, 2024, edit=True), {**VALID, "teachers_total": "42"})
    assert dict(
        SchoolProfile.objects.filter(school=school6).values_list("academic_year", "teachers_total")
    ) == {
        2023: 30,
        2024: 42,
    }


# --- Fixed number of queries -----------------------------------------------------------------


def _grow(school, schools: int, years: int) -> None:
    others = [
        Organisation(region=school.region, municipality=school.municipality, name=f"МОБУ СОШ № {900 + i}")
        for i in range(schools)
    ]
    Organisation.objects.bulk_create(others)
    SchoolProfile.objects.bulk_create(
        SchoolProfile(school=s, academic_year=2010 + y, teachers_total=20 + y, pupils_total=300)
        for s in [school, *others]
        for y in range(years)
    )


@pytest.mark.parametrize("persona", ["staff", "mentor"])
def test_the_profile_page_takes_the_same_queries_at_two_sizes(
    client, request, school6, demo, persona, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    year = current_academic_year()
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        assert client.get(_profile_url(school6, year)).status_code == 200
    _grow(school6, schools=30, years=12)
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        response = client.get(_profile_url(school6, year))
    assert response.status_code == 200
    assert "2010/2011" in response.content.decode()  # the larger data set is really there


def test_the_edit_form_takes_the_same_queries_at_two_sizes(
    client, staff, school6, django_assert_max_num_queries
):
    client.force_login(staff)
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        assert client.get(_profile_url(school6, 2024, edit=True)).status_code == 200
    _grow(school6, schools=30, years=12)
    with django_assert_max_num_queries(PROFILE_PAGE_QUERIES):
        assert client.get(_profile_url(school6, 2024, edit=True)).status_code == 200


# --- Demo data -------------------------------------------------------------------------------


def test_the_demo_data_loads_once(school6):
    first = load_demo_profiles()
    assert first["profiles"] == 7 * 3  # seven supervised schools, three years
    assert first["risks"] == 7 * 2 * 11
    assert first["tags"] > 0
    assert load_demo_profiles() == {"profiles": 0, "risks": 0, "tags": 0}
    year = current_academic_year()
    assert SchoolProfile.objects.filter(school=school6, academic_year=year).exists()
    assert SchoolRisk.objects.get(school=school6, academic_year=year, factor__code="R02").level == "high"


def test_the_demo_data_keeps_what_users_changed(school6):
    load_demo_profiles()
    year = current_academic_year()
    SchoolProfile.objects.filter(school=school6, academic_year=year).update(teachers_total=99)
    load_demo_profiles()
    assert SchoolProfile.objects.get(school=school6, academic_year=year).teachers_total == 99
