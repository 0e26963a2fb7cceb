"""The dashboards draw their charts in a real browser (Chart.js, vendored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from monitoring.demo.dashboards import load_demo_dashboards
from tests.monitoring.dashboards.test_dashboards_queries import grow_taganrog

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots_dashboards")
CHARTS = ["chart-states", "chart-trend", "chart-sections"]

# For a canvas: its Chart.js instance, how many data points it plots, and how many of its
# pixels are drawn (not transparent).
CHART_STATE = """
(id) => {
  const canvas = document.getElementById(id);
  if (!canvas) return null;
  const chart = Chart.getChart(canvas);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
  return {
    chart: chart !== undefined,
    type: chart ? chart.config.type : null,
    points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v).length, 0) : 0,
    drawn: drawn,
    share: drawn / (canvas.width * canvas.height),
  };
}
"""


def _charts_drawn(page, name: str) -> dict[str, dict]:
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-states'))")
    page.wait_for_timeout(600)  # the short animation, so that the screenshot shows whole charts
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    return {chart: page.evaluate(CHART_STATE, chart) for chart in CHARTS}


def _assert_drawn(state: dict) -> None:
    assert state is not None, "no canvas"
    assert state["chart"], "no Chart.js instance on the canvas"
    assert state["points"] > 0
    assert state["drawn"] > 500 and state["share"] > 0.01


def test_department_staff_see_the_municipality_charts(login, portal):
    load_demo_dashboards()
    page = login("uo")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{portal}/monitoring/")
    expect(page.get_by_role("heading", name="г. Таганрог")).to_be_visible()
    states = _charts_drawn(page, "uo_municipality")
    for chart in CHARTS:
        _assert_drawn(states[chart])
    assert states["chart-states"]["type"] == "doughnut"
    expect(page.get_by_role("heading", name="Школы × разделы: доля выполненного")).to_be_visible()
    assert errors == []

    page.get_by_role("link", name="Муниципальная дорожная карта организационно-методического").first.click()
    expect(page.get_by_text("Мониторинг дорожной карты")).to_be_visible()
    states = _charts_drawn(page, "uo_roadmap")
    for chart in CHARTS:
        _assert_drawn(states[chart])


def test_the_principal_sees_their_school_and_can_change_the_day(login, portal):
    page = login("principal")
    page.goto(f"{portal}/monitoring/")
    expect(page.get_by_role("heading", name="МОБУ СОШ № 6")).to_be_visible()
    states = _charts_drawn(page, "principal_school")
    for chart in CHARTS:
        _assert_drawn(states[chart])
    assert int(page.locator("[data-state=overdue]").inner_text()) > 0

    # A year earlier nothing of the current school roadmap is due or done yet (windows written
    # «до …», without a start, count as in progress).
    page.get_by_label("На дату").fill("2025-11-23")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_text("Выполнение на 23.11.2025")).to_be_visible()
    _charts_drawn(page, "principal_school_a_year_earlier")
    figure = {
        key: int(page.locator(f"[data-state={key}]").inner_text())
        for key in ("total", "overdue", "on_time", "not_due", "in_progress")
    }
    assert figure["overdue"] == figure["on_time"] == 0
    assert figure["not_due"] > 0
    assert figure["not_due"] + figure["in_progress"] == figure["total"]


TABLE_SHOTS = Path("/tmp/shots_tables")


def test_the_next_page_of_schools_replaces_only_that_table(login, portal):
    grow_taganrog()  # 50 schools in Таганрог: three pages of them
    page = login("uo")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{portal}/monitoring/")
    _charts_drawn(page, "uo_municipality_grown")
    schools = page.locator("#by-school")
    expect(schools.get_by_text("1 из 3")).to_be_visible()
    first_before = schools.locator("tbody tr").first.inner_text()
    heatmap_before = page.locator("#heatmap tbody tr").first.inner_text()
    # Marks on the page that a reload (or a redrawn chart) would lose.
    page.evaluate("""() => {
        window.notReloaded = true;
        window.statesCanvas = document.getElementById("chart-states");
        window.statesChart = Chart.getChart(window.statesCanvas);
        document.getElementById("summary").dataset.marker = "kept";
    }""")
    schools.scroll_into_view_if_needed()
    TABLE_SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(TABLE_SHOTS / "before_next.png"))

    schools.get_by_role("navigation", name="Страницы: школы").get_by_role("link", name="Вперёд ›").click()
    expect(schools.get_by_text("2 из 3")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]s_page=2"))
    assert "table=" not in page.url
    page.wait_for_timeout(300)
    page.screenshot(path=str(TABLE_SHOTS / "after_next.png"))
    kept = page.evaluate("""() => ({
        notReloaded: window.notReloaded === true,
        sameCanvas: document.getElementById("chart-states") === window.statesCanvas,
        sameChart: Chart.getChart("chart-states") === window.statesChart,
        marker: document.getElementById("summary").dataset.marker,
    })""")
    assert kept == {"notReloaded": True, "sameCanvas": True, "sameChart": True, "marker": "kept"}
    assert schools.locator("tbody tr").first.inner_text() != first_before
    # The heatmap follows: its rows are the schools of the new page.
    assert page.locator("#heatmap tbody tr").first.inner_text() != heatmap_before
    assert schools.locator("tbody tr").first.locator("td").first.inner_text().split("(школа)")[0].strip() in (
        page.locator("#heatmap tbody tr").first.inner_text()
    )

    # Back: the first page again, the whole page loaded from its address.
    page.go_back()
    expect(schools.get_by_text("1 из 3")).to_be_visible()
    assert "s_page=2" not in page.url
    assert schools.locator("tbody tr").first.inner_text() == first_before
    _charts_drawn(page, "uo_municipality_back")
    assert errors == []
