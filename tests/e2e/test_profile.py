"""The school profile and risk factors, in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from monitoring.demo.profile import load_demo_profiles
from monitoring.models import SchoolProfile
from roadmaps.models import Roadmap
from schools.models import Organisation, current_academic_year

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots_profile")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=True)


def test_principal_ticks_a_risk_in_place_and_the_school_sees_it_covered(login, portal):
    # Transactional tests start from a flushed database: the catalogue comes with the demo data.
    load_demo_profiles()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="3.1")

    page = login("principal")
    page.goto(f"{portal}/monitoring/schools/{school.pk}/risks/")
    coverage = page.locator("#risk-coverage")
    r02 = coverage.locator('[data-factor="R02"]')
    expect(r02).to_contain_text("Не покрыт ни одним мероприятием")
    expect(coverage).to_contain_text("Не покрыто мероприятиями: 1 из 5")

    page.goto(f"{portal}/monitoring/activities/{activity.pk}/risks/")
    page.get_by_label("R02. Дефицит педагогических кадров").check()
    page.get_by_role("button", name="Сохранить факторы риска").click()
    block = page.locator(f"#activity-risks-{activity.pk}")
    expect(block.get_by_role("status")).to_have_text("Сохранено.")  # swapped in place by htmx
    expect(page.get_by_text("Факторы риска мероприятия сохранены.")).to_have_count(0)
    _shot(page, "e2e_activity_tagged.png")

    page.goto(f"{portal}/monitoring/schools/{school.pk}/risks/")
    expect(r02).not_to_contain_text("Не покрыт ни одним мероприятием")
    expect(r02).to_contain_text("Отчёт о реализации антирисковой программы")
    expect(coverage).to_contain_text("Все риски высокого и среднего уровня покрыты мероприятиями.")
    _shot(page, "e2e_risks_covered.png")


def test_the_activity_page_loads_the_risk_panel_and_it_saves_in_place(login, portal):
    load_demo_profiles()
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="3.1")

    page = login("principal")
    page.goto(f"{portal}{activity.get_absolute_url()}")
    block = page.locator(f"#activity-risks-{activity.pk}")  # monitoring's panel, joined by htmx
    expect(block).to_contain_text("Факторы риска, на которые направлено мероприятие")
    block.get_by_label("R02. Дефицит педагогических кадров").check()
    block.get_by_role("button", name="Сохранить факторы риска").click()
    expect(block.get_by_role("status")).to_have_text("Сохранено.")
    assert page.url == f"{portal}{activity.get_absolute_url()}"
    assert list(activity.risk_links.values_list("factor__code", flat=True)) == ["R02"]
    _shot(page, "e2e_activity_page_risks.png")


def test_staff_enter_a_profile_and_a_wrong_figure_is_explained(login, portal):
    load_demo_profiles()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    year = current_academic_year() + 1  # next year: no figures yet

    page = login("uo")
    page.goto(f"{portal}/monitoring/schools/{school.pk}/profile/edit/?year={year}")
    expect(page.get_by_text(f"Поля заполнены сведениями за {year - 1}/{year}")).to_be_visible()
    page.get_by_label("Педагогов всего").fill("40")
    page.get_by_label("Обучающихся всего").fill("500")
    page.get_by_label("Обучающихся с ОВЗ").fill("650")
    page.get_by_role("button", name="Сохранить").click()
    expect(
        page.get_by_text("Обучающихся с ОВЗ не может быть больше, чем обучающихся всего (500).")
    ).to_be_visible()
    _shot(page, "e2e_profile_error.png")
    assert not SchoolProfile.objects.filter(school=school, academic_year=year).exists()

    page.get_by_label("Обучающихся с ОВЗ").fill("50")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text(f"Сведения о школе за {year}/{year + 1} учебный год сохранены.")).to_be_visible()
    expect(page.get_by_role("row", name="Доля обучающихся с ОВЗ")).to_contain_text("10 %")
    _shot(page, "e2e_profile_saved.png")


def test_the_school_page_pulls_its_roadmaps_and_risk_coverage_in_by_htmx(login, portal):
    load_demo_profiles()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")

    page = login("mentor")
    page.goto(f"{portal}/schools/{school.pk}/")
    roadmaps = page.locator("#school-roadmaps")
    expect(roadmaps.get_by_role("heading", name="Выполнение")).to_be_visible()
    expect(roadmaps).to_contain_text("Выполнено:")
    expect(roadmaps.get_by_role("link", name="Выполнение и дорожные карты школы")).to_have_count(0)
    coverage = page.locator("#school-risk-coverage #risk-coverage")
    expect(coverage).to_contain_text("Не покрыто мероприятиями: 1 из 5")
    expect(coverage.locator('[data-factor="R02"]')).to_contain_text("Не покрыт ни одним мероприятием")
    _shot(page, "e2e_school_page_panels.png")
