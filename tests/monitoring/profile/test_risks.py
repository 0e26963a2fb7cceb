"""Risk factors: a school's levels, which activities cover them, tagging activities, the catalogue."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from monitoring.demo.profile import load_demo_profiles
from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolRisk
from monitoring.profile.queries import risk_coverage, risk_factor_counts
from roadmaps.models import Activity, Executor, Roadmap, RoadmapSchool
from schools.models import Organisation, current_academic_year

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]
SCHOOL_EDITORS = {"superuser", "staff", "principal"}
UNCOVERED = "Не покрыт ни одним мероприятием"
# Session, user, the user's roles (up to four), the school, the factors with levels, the years,
# the coverage (two), the unread notifications of the menu.
RISKS_PAGE_QUERIES = 11
# Session, user, roles (up to four), the activity, the factors with tags, the menu (not in place).
PANEL_QUERIES = 8
# The roadmaps' activity page, which reads no risk: the panel joins it by URL (measured: 15).
ACTIVITY_PAGE_QUERIES = 15
# Session, user, roles (up to four), the school, the coverage (two): the school page's panel.
COVERAGE_PANEL_QUERIES = 9
# Session, user, roles (up to four), the years, the counts, the catalogue, the menu.
CATALOGUE_QUERIES = 9


@pytest.fixture
def year():
    return current_academic_year()


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def demo():
    load_demo_profiles()


@pytest.fixture
def school_roadmap():
    return Roadmap.objects.get(source_key="demo_school6_antirisk")


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


def _risks_url(school, year=None):
    url = reverse("monitoring:school_risks", args=[school.pk])
    return f"{url}?year={year}" if year else url


def _factor(code: str) -> RiskFactor:
    return RiskFactor.objects.get(code=code)


def _levels_post(**levels) -> dict:
    """The risks form with every factor unassessed except ``levels`` (code -> level or (level, note))."""
    data = {}
    for factor in RiskFactor.objects.all():
        value = levels.get(factor.code, "")
        level, note = value if isinstance(value, tuple) else (value, "")
        data[f"level_{factor.pk}"] = level
        data[f"note_{factor.pk}"] = note
    return data


def _tag(activity: Activity, *codes: str) -> None:
    for code in codes:
        ActivityRiskFactor.objects.create(activity=activity, factor=_factor(code))


def _rows(coverage) -> dict[str, list[str]]:
    return {row.factor.code: [link.activity.number for link in row.links] for row in coverage}


# --- Coverage --------------------------------------------------------------------------------


def test_coverage_lists_the_activities_addressing_each_high_and_medium_risk(school6, demo, year):
    coverage = risk_coverage(school6, year)
    assert _rows(coverage) == {
        "R02": [],
        "R03": ["1.2"],
        "R06": ["1.1", "2.1", "2.3"],
        "R10": ["2.2"],
        "R11": ["2.1"],
    }
    assert coverage.uncovered == 1
    assert coverage.assessed == 11
    assert all(link.school_executes for row in coverage for link in row.links)


def test_coverage_of_2022_comes_from_the_taganrog_roadmap(school6, demo):
    coverage = risk_coverage(school6, 2022)
    rows = _rows(coverage)
    assert rows["R06"] == ["7.", "11."]
    assert rows["R03"] == ["6."]
    # The coordinator runs these; the school only takes part in the roadmap.
    assert not any(link.school_executes for row in coverage for link in row.links)


def test_a_roadmap_of_another_year_covers_nothing(school6, demo, year, taganrog):
    _tag(taganrog.activities.get(number="5."), "R02")
    assert _rows(risk_coverage(school6, year))["R02"] == []
    assert _rows(risk_coverage(school6, 2022))["R02"] == ["5."]


def test_a_roadmap_the_school_has_no_part_in_covers_nothing(school6, demo, year):
    kozelsk = Roadmap.objects.get(source_key="003_kozelsk")
    Roadmap.objects.filter(pk=kozelsk.pk).update(
        period_start=date(year, 9, 1), period_end=date(year + 1, 8, 31)
    )
    _tag(kozelsk.activities.first(), "R02")
    assert _rows(risk_coverage(school6, year))["R02"] == []


def test_a_roadmap_where_the_school_is_only_an_executor_counts(school6, demo, year, taganrog):
    roadmap = Roadmap.objects.create(
        owner=taganrog.owner,
        title="План на год",
        period_start=date(year, 9, 1),
        period_end=date(year + 1, 8, 31),
    )
    activity = Activity.objects.create(roadmap=roadmap, number="1.", content="Стажировка молодых педагогов")
    Executor.objects.create(activity=activity, kind="school", label="СОШ № 6", organisation=school6)
    _tag(activity, "R02")
    coverage = risk_coverage(school6, year)
    [row] = [row for row in coverage if row.factor.code == "R02"]
    assert [(link.activity.content, link.school_executes) for link in row.links] == [
        ("Стажировка молодых педагогов", True)
    ]
    assert coverage.uncovered == 0


def test_coverage_for_a_user_hides_roadmaps_that_user_cannot_open(
    school6, demo, year, coordinator, principal
):
    kozelsk = Roadmap.objects.get(source_key="003_kozelsk")
    Roadmap.objects.filter(pk=kozelsk.pk).update(
        period_start=date(year, 9, 1), period_end=date(year + 1, 8, 31)
    )
    RoadmapSchool.objects.create(roadmap=kozelsk, school=school6, role="participant")
    _tag(kozelsk.activities.first(), "R02")
    assert _rows(risk_coverage(school6, year, user=principal))["R02"] != []
    assert _rows(risk_coverage(school6, year, user=coordinator))["R02"] == []


def test_a_school_without_levels_has_nothing_to_cover(school6, year):
    coverage = risk_coverage(school6, year)
    assert (coverage.assessed, len(coverage), coverage.uncovered) == (0, 0, 0)


def test_risk_coverage_takes_two_queries_at_two_sizes(
    school6, demo, year, school_roadmap, django_assert_num_queries
):
    with django_assert_num_queries(2):
        small = risk_coverage(school6, year, user=None)
    _grow_tags(school_roadmap, 40)
    with django_assert_num_queries(2):
        large = risk_coverage(school6, year, user=None)
        sum(len(row.links) for row in large)  # reading the rows queries nothing more
    assert sum(len(r.links) for r in large) == sum(len(r.links) for r in small) + 80


def _grow_tags(roadmap: Roadmap, count: int) -> None:
    activities = Activity.objects.bulk_create(
        Activity(roadmap=roadmap, number=f"9.{i}", order=100 + i, content=f"Занятие {i}")
        for i in range(count)
    )
    ActivityRiskFactor.objects.bulk_create(
        ActivityRiskFactor(activity=a, factor=f) for a in activities for f in (_factor("R02"), _factor("R06"))
    )


# --- The risks page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_risks_page_by_persona(client, request, school6, demo, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_risks_url(school6))
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert "Дефицит педагогических кадров" in html
    assert UNCOVERED in html
    assert ('name="level_' in html) == (persona in SCHOOL_EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_saving_levels_by_persona(client, request, school6, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(_risks_url(school6, 2024), _levels_post(R02="high"))
    saved = SchoolRisk.objects.filter(school=school6, academic_year=2024).exists()
    expected = 302 if persona in SCHOOL_EDITORS else (404 if persona == "outsider" else 403)
    assert (response.status_code, saved) == (expected, expected == 302)


def test_staff_set_change_and_clear_levels(client, staff, principal, school6):
    client.force_login(principal)
    client.post(_risks_url(school6, 2024), _levels_post(R01="low", R02="high", R06="medium"))
    client.force_login(staff)
    response = client.post(
        _risks_url(school6, 2024), _levels_post(R02=("medium", "Две вакансии закрыты"), R06="medium")
    )
    assert response.status_code == 302
    assert response.url == _risks_url(school6, 2024)
    rows = {
        r.factor.code: (r.level, r.note, r.assessed_by.username)
        for r in SchoolRisk.objects.filter(school=school6, academic_year=2024).select_related(
            "factor", "assessed_by"
        )
    }
    # R01 cleared, R02 changed by staff, R06 unchanged and still the principal's assessment.
    assert rows == {"R02": ("medium", "Две вакансии закрыты", "uo"), "R06": ("medium", "", "principal")}
    html = client.get(response.url).content.decode()
    assert "Уровни рисков за 2024/2025 сохранены (изменено: 2)." in html


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"R02": ("", "Не хватает учителей")}, "Укажите уровень: примечание без уровня не сохранится."),
        ({"R02": "critical"}, "Выберите корректный вариант."),
        ({"R02": ("high", "я" * 1001)}, "не более 1000 символов"),
    ],
)
def test_bad_levels_are_refused_with_a_clear_message(client, staff, school6, levels, message):
    client.force_login(staff)
    response = client.post(_risks_url(school6, 2024), _levels_post(**levels))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Не сохранено: исправьте поля, отмеченные красным." in html
    assert not SchoolRisk.objects.filter(school=school6, academic_year=2024).exists()


def test_the_page_says_when_levels_are_not_assessed(client, coordinator, school6):
    client.force_login(coordinator)
    html = client.get(_risks_url(school6, 2019)).content.decode()
    assert "Уровни рисков школы за 2019/2020 учебный год не оценены." in html
    assert UNCOVERED not in html


@pytest.mark.parametrize("persona", ["staff", "region_viewer", "mentor"])
def test_the_risks_page_takes_the_same_queries_at_two_sizes(
    client, request, school6, demo, school_roadmap, persona, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    with django_assert_max_num_queries(RISKS_PAGE_QUERIES):
        small = client.get(_risks_url(school6)).content.decode()
    _grow_tags(school_roadmap, 40)
    with django_assert_max_num_queries(RISKS_PAGE_QUERIES):
        large = client.get(_risks_url(school6)).content.decode()
    assert UNCOVERED in small and UNCOVERED not in large
    assert large.count("Занятие 39") == 2  # under R02 and R06


# --- The school page's coverage panel --------------------------------------------------------


def _coverage_url(school):
    return reverse("monitoring:school_risk_coverage", args=[school.pk])


def test_the_school_page_pulls_the_coverage_panel_which_shows_this_years_coverage(
    client, staff, school6, demo
):
    client.force_login(staff)
    page = client.get(reverse("schools:school_detail", args=[school6.pk])).content.decode()
    url = _coverage_url(school6)
    # htmx pulls the panel; without JavaScript the link opens it as a page.
    assert f'hx-get="{url}" hx-trigger="load"' in page and f'href="{url}"' in page
    panel = client.get(url, headers={"HX-Request": "true"})
    html = panel.content.decode()
    assert panel.context["risk_coverage"].academic_year == current_academic_year()
    assert 'id="risk-coverage"' in html and "<html" not in html
    assert UNCOVERED in html and "Не покрыто мероприятиями: 1 из 5" in html
    assert "HX-Request" in panel["Vary"]
    whole = client.get(url).content.decode()
    assert "<html" in whole and UNCOVERED in whole
    assert reverse("schools:school_detail", args=[school6.pk]) in whole


@pytest.mark.parametrize("persona", ["staff", "region_viewer", "mentor"])
def test_the_coverage_panel_takes_the_same_queries_at_two_sizes(
    client, request, school6, demo, school_roadmap, persona, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    htmx = {"HX-Request": "true"}
    with django_assert_max_num_queries(COVERAGE_PANEL_QUERIES):
        small = client.get(_coverage_url(school6), headers=htmx).content.decode()
    _grow_tags(school_roadmap, 40)
    with django_assert_max_num_queries(COVERAGE_PANEL_QUERIES):
        large = client.get(_coverage_url(school6), headers=htmx).content.decode()
    assert UNCOVERED in small and UNCOVERED not in large
    assert large.count("Занятие 39") == 2  # under R02 and R06


# --- Tagging an activity ---------------------------------------------------------------------


def _activity_url(activity):
    return reverse("monitoring:activity_risks", args=[activity.pk])


IN_PLACE = {"HX-Request": "true"}


def test_the_activity_page_joins_the_panel_by_url(client, staff, school_roadmap, demo):
    client.force_login(staff)
    activity = school_roadmap.activities.get(number="1.2")
    html = client.get(activity.get_absolute_url()).content.decode()
    url = _activity_url(activity)
    assert f'hx-get="{url}" hx-trigger="load" hx-swap="innerHTML"' in html
    # Without JavaScript the link opens the panel as a page of its own.
    assert f'<a href="{url}">Факторы риска мероприятия</a>' in html
    assert f'id="activity-risks-{activity.pk}"' not in html
    assert "Недостаточная предметная и методическая компетентность" not in html


@pytest.mark.parametrize("in_place", [False, True], ids=["page", "in place"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_activity_risks_by_persona(client, request, school_roadmap, demo, persona, in_place):
    client.force_login(request.getfixturevalue(persona))
    activity = school_roadmap.activities.get(number="1.2")
    response = client.get(_activity_url(activity), headers=IN_PLACE if in_place else {})
    if persona == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("<html" in html) == (not in_place)
    assert f'id="activity-risks-{activity.pk}"' in html
    assert "Факторы риска, на которые направлено мероприятие" in html
    assert "Недостаточная предметная и методическая компетентность" in html
    # The school's own roadmap: the department and the principal tick, the others read.
    assert ('type="checkbox" name="factors"' in html) == (persona in SCHOOL_EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("roadmap_key", "number", "allowed"),
    [
        ("demo_school6_antirisk", "3.1", SCHOOL_EDITORS),
        ("002_taganrog", "5.", {"superuser", "staff"}),
    ],
    ids=["school roadmap", "municipal roadmap"],
)
def test_tagging_by_persona(client, request, persona, roadmap_key, number, allowed):
    client.force_login(request.getfixturevalue(persona))
    activity = Activity.objects.get(roadmap__source_key=roadmap_key, number=number, parent__isnull=True)
    response = client.post(_activity_url(activity), {"factors": [_factor("R05").pk]})
    tagged = list(activity.risk_links.values_list("factor__code", flat=True))
    if persona == "outsider":
        assert (response.status_code, tagged) == (404, [])
    elif persona in allowed:
        assert (response.status_code, tagged) == (302, ["R05"])
    else:
        assert (response.status_code, tagged) == (403, [])


def test_tagging_in_place_returns_the_block(client, principal, school_roadmap, demo):
    client.force_login(principal)
    activity = school_roadmap.activities.get(number="1.2")
    response = client.post(
        _activity_url(activity),
        {"factors": [_factor("R02").pk, _factor("R03").pk]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="activity-risks-{activity.pk}"' in html
    assert "Сохранено." in html
    assert sorted(activity.risk_links.values_list("factor__code", flat=True)) == ["R02", "R03"]
    assert len(re.findall(r'name="factors" value="\d+" id="[^"]+" checked', html)) == 2


def test_unticking_everything_removes_the_tags(client, staff, school_roadmap, demo):
    client.force_login(staff)
    activity = school_roadmap.activities.get(number="2.1")
    assert activity.risk_links.count() == 2
    response = client.post(_activity_url(activity), {})
    assert response.status_code == 302
    assert response.url == _activity_url(activity)
    assert activity.risk_links.count() == 0
    html = client.get(response.url).content.decode()
    assert "Факторы риска мероприятия сохранены." in html


def test_an_unknown_factor_is_refused(client, staff, school_roadmap, demo):
    client.force_login(staff)
    activity = school_roadmap.activities.get(number="2.1")
    response = client.post(_activity_url(activity), {"factors": ["999999"]}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Выберите корректный вариант" in response.content.decode()
    assert activity.risk_links.count() == 2


def test_readers_see_the_tags_as_labels(client, mentor, school_roadmap, demo):
    client.force_login(mentor)
    html = client.get(_activity_url(school_roadmap.activities.get(number="2.1"))).content.decode()
    assert "R06. Высокая доля обучающихся с рисками учебной неуспешности" in html
    assert "R11. Низкая учебная мотивация обучающихся" in html
    assert "R02." not in html
    html = client.get(_activity_url(school_roadmap.activities.get(number="3.1"))).content.decode()
    assert "Мероприятие не отмечено ни одним фактором риска." in html


@pytest.mark.parametrize("in_place", [False, True], ids=["page", "in place"])
def test_the_risks_panel_takes_the_same_queries_at_two_sizes(
    client, staff, school_roadmap, demo, in_place, django_assert_max_num_queries
):
    client.force_login(staff)
    activity = school_roadmap.activities.get(number="1.2")
    headers = IN_PLACE if in_place else {}
    with django_assert_max_num_queries(PANEL_QUERIES):
        assert client.get(_activity_url(activity), headers=headers).status_code == 200
    _tag(activity, "R01", "R02", "R04", "R06", "R07", "R08", "R09", "R10", "R11")
    _grow_tags(school_roadmap, 40)
    with django_assert_max_num_queries(PANEL_QUERIES):
        html = client.get(_activity_url(activity), headers=headers).content.decode()
    assert html.count(" checked") == 11


def test_the_activity_page_takes_the_same_queries_at_two_sizes(
    client, staff, school_roadmap, demo, django_assert_max_num_queries
):
    client.force_login(staff)
    activity = school_roadmap.activities.get(number="1.2")
    with django_assert_max_num_queries(ACTIVITY_PAGE_QUERIES):
        assert client.get(activity.get_absolute_url()).status_code == 200
    _tag(activity, "R01", "R02", "R04", "R06", "R07", "R08", "R09", "R10", "R11")
    _grow_tags(school_roadmap, 40)
    with django_assert_max_num_queries(ACTIVITY_PAGE_QUERIES):
        assert client.get(activity.get_absolute_url()).status_code == 200


# --- The catalogue ---------------------------------------------------------------------------


def _high_count(html: str, code: str) -> int:
    row = re.search(rf'<tr id="factor-{code}">(.*?)</tr>', html, re.S).group(1)
    badge = re.search(r'text-bg-danger">(\d+)<', row)
    return int(badge.group(1)) if badge else 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_catalogue_counts_only_the_schools_in_scope(client, request, demo, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("monitoring:risk_factor_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="factor-') == 11
    # Current year: R06 is high at СОШ № 6, 12 and 39 of Таганрог.
    expected = {"outsider": 0, "principal": 1, "mentor": 1}.get(persona, 3)
    assert _high_count(html, "R06") == expected


def test_the_catalogue_counts_in_the_database(staff, outsider, demo, year):
    counts = {f.code: (f.high_schools, f.medium_schools) for f in risk_factor_counts(staff, year)}
    assert counts["R06"] == (3, 2)
    assert counts["R02"] == (2, 1)
    assert {f.high_schools for f in risk_factor_counts(outsider, year)} == {0}
    assert {f.high_schools for f in risk_factor_counts(staff, 2015)} == {0}


@pytest.mark.parametrize("persona", ["region_viewer", "coordinator"])
def test_the_catalogue_takes_the_same_queries_at_two_sizes(
    client, request, persona, school6, demo, year, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("monitoring:risk_factor_list")
    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        assert _high_count(client.get(url).content.decode(), "R09") == 1
    schools = Organisation.objects.bulk_create(
        Organisation(region=school6.region, municipality=school6.municipality, name=f"МОБУ СОШ № {700 + i}")
        for i in range(50)
    )
    SchoolRisk.objects.bulk_create(
        SchoolRisk(school=s, factor=_factor("R09"), academic_year=year, level="high") for s in schools
    )
    with django_assert_max_num_queries(CATALOGUE_QUERIES):
        assert _high_count(client.get(url).content.decode(), "R09") == 51
