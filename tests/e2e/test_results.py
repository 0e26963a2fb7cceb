"""School results and target indicators in a real browser: the chart is drawn, values are entered."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from monitoring.demo.indicators import load_demo_indicators
from monitoring.demo.results import load_demo_results
from monitoring.models import IndicatorValue
from roadmaps.models import Roadmap
from schools.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_school_results_chart_draws_the_school_against_the_municipal_average(login, portal):
    load_demo_results()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    page = login("principal")
    page.goto(f"{portal}/monitoring/schools/{school.pk}/results/?exam=oge")
    canvas = page.locator("#results-chart")
    expect(canvas).to_have_attribute("data-drawn", "true")
    drawn = page.evaluate(
        "() => { const c = Chart.getChart('results-chart');"
        " return {labels: c.data.labels, sets: c.data.datasets.map(d => [d.label, d.data.length]),"
        " title: c.options.plugins.title.text}; }"
    )
    assert drawn["labels"] == [2022, 2023, 2024, 2025, 2026]
    assert drawn["sets"] == [["Школа", 5], ["Среднее по муниципалитету", 5]]
    assert drawn["title"] == "Средний балл"
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    page.get_by_label("Предмет на графике").select_option(label="ОГЭ, Русский язык, 9 класс")
    school_line = page.evaluate("() => Chart.getChart('results-chart').data.datasets[0].data")
    russian = school.exam_results.filter(exam="oge", subject="Русский язык").order_by("year")
    assert school_line == [float(r.average_score) for r in russian]
    page.screenshot(path="/tmp/shots_results/e2e_school_results.png", full_page=True)


def test_a_principal_enters_an_indicator_value_for_their_school(login, portal):
    load_demo_indicators()
    roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    indicator = roadmap.indicators.get(name__startswith="Доля обучающихся 9-х классов")
    page = login("principal")
    page.goto(f"{portal}/monitoring/roadmaps/{roadmap.pk}/indicators/")
    card = page.locator(f"#indicator-{indicator.pk}")
    card.get_by_text("Внести значение").click()
    card.get_by_label("Школа").select_option(label="МОБУ СОШ № 6")
    card.get_by_label("Значение, %", exact=True).fill("91,5")
    card.get_by_label("Комментарий").fill("пробный ОГЭ")
    card.get_by_role("button", name="Сохранить").first.click()
    expect(page.get_by_text("внесено")).to_be_visible()
    expect(card.get_by_text("достигнуто").first).to_be_visible()
    assert IndicatorValue.objects.filter(indicator=indicator, value=91.5, comment="пробный ОГЭ").exists()
    page.screenshot(path="/tmp/shots_results/e2e_indicators.png", full_page=True)
