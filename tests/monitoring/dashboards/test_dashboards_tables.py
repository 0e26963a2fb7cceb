"""A page of one dashboard table, asked by htmx, computes and returns only that table: the same
rows as the whole page at that page, in fewer queries, as many at two data sizes."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from monitoring.dashboards import page as dashboard_page
from roadmaps.models import Activity, DeadlineWindow, Executor, Roadmap
from schools.models import Municipality, Organisation
from tests.monitoring.dashboards.test_dashboards_queries import grow_taganrog, with_one_school_row

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Small pages, so that every table of the seed and of the grown data has a second page.
PAGE_SIZE = 3

# (persona, dashboard, table, its page parameter, the id of its section on the page).
TABLES = [
    ("region_viewer", "region", "municipalities", "m_page", "by-municipality"),
    ("region_viewer", "region", "schools", "s_page", "by-school"),
    ("staff", "municipality", "schools", "s_page", "by-school"),
    ("staff", "municipality", "sections", "sec_page", "by-section"),
    ("staff", "municipality", "roadmaps", "r_page", "by-roadmap"),
    ("staff", "municipality", "executors", "e_page", "by-executor"),
    ("staff", "municipality", "mentors", "mp_page", "mentors"),
    ("staff", "municipality", "overdue", "o_page", "overdue"),
    ("principal", "school", "overdue", "o_page", "overdue"),
    ("staff", "roadmap", "sections", "sec_page", "by-section"),
]
IDS = [f"{t[1]}-{t[2]}" for t in TABLES]
URL_NAMES = {
    "region": "monitoring:region_dashboard",
    "municipality": "monitoring:municipality_dashboard",
    "school": "monitoring:school_dashboard",
    "roadmap": "monitoring:roadmap_dashboard",
}


def _roadmap_of(owner: Organisation, title: str) -> None:
    """An approved roadmap of one activity with one deadline, carried out by its owner."""
    roadmap = Roadmap.objects.create(
        owner=owner,
        title=title,
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
        status=Roadmap.Status.APPROVED,
    )
    activity = Activity.objects.create(roadmap=roadmap, number="1.1", content="Совещание", order=1)
    DeadlineWindow.objects.create(activity=activity, start=date(2025, 10, 1), end=date(2025, 10, 31))
    Executor.objects.create(activity=activity, kind="organisation", label=str(owner), organisation=owner)


def grow_rostov(count: int = 8) -> None:
    """Таганрог grown (``grow_taganrog``) with ``count`` more roadmaps of its department, and
    ``count`` more municipalities in the region, each with a roadmap of its department: every
    table of every dashboard then has several pages."""
    grow_taganrog()
    taganrog = Municipality.objects.get(name="г. Таганрог")
    department = Roadmap.objects.get(source_key="002_taganrog").owner
    for i in range(count):
        _roadmap_of(department, f"Дорожная карта {i:02}")
        municipality = Municipality.objects.create(region_id=taganrog.region_id, name=f"Район {i:02}")
        other = Organisation.objects.create(
            region_id=taganrog.region_id,
            municipality=municipality,
            kind=Organisation.Kind.DEPARTMENT,
            name=f"Отдел образования района {i:02}",
        )
        _roadmap_of(other, f"Дорожная карта района {i:02}")


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(dashboard_page, "PAGE_SIZE", PAGE_SIZE)
    monkeypatch.setattr(dashboard_page, "SECTION_PAGE_SIZE", PAGE_SIZE)


@pytest.fixture
def urls():
    taganrog = Municipality.objects.get(name="г. Таганрог")
    pks = {
        "region": taganrog.region_id,
        "municipality": taganrog.pk,
        "school": Organisation.objects.get(name="МОБУ СОШ № 6").pk,
        "roadmap": Roadmap.objects.get(source_key="002_taganrog").pk,
    }
    return {kind: reverse(URL_NAMES[kind], args=[pk]) for kind, pk in pks.items()}


def _section(html: str, anchor: str) -> str:
    """The inside of the page's ``<section id=anchor>``."""
    found = re.search(rf'<section id="{anchor}" class="dash-section mb-4"[^>]*>(.*?)</section>', html, re.S)
    assert found, f"no section {anchor}"
    return found.group(1)


def _rows(html: str) -> list[str]:
    """The first cells of the table's rows, as text."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    cells = re.findall(r"<tr>\s*<t[dh][^>]*>(.*?)</t[dh]>", body, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in cells]


@pytest.mark.parametrize(("persona", "kind", "table", "param", "anchor"), TABLES, ids=IDS)
def test_a_table_page_from_htmx_is_that_table_of_the_whole_page(
    client, request, urls, persona, kind, table, param, anchor
):
    grow_rostov()
    client.force_login(request.getfixturevalue(persona))
    whole = client.get(urls[kind], {param: 2}).content.decode()
    response = client.get(urls[kind], {param: 2, "table": table}, headers=HTMX)
    assert response.status_code == 200
    part = response.content.decode()
    assert "<html" not in part and 'id="summary"' not in part
    assert ">2 из " in part  # the second page, not the first
    assert len(_rows(part)) == PAGE_SIZE
    table_part = part.split('<section id="heatmap"')[0]  # «schools» and «sections» bring the heatmap
    assert table_part.strip() == _section(whole, anchor).strip()


def _columns(heatmap: str) -> list[str]:
    return re.findall(r'<th class="sec" title="([^"]*)"', heatmap)


@pytest.mark.parametrize(
    ("table", "param", "turned"), [("schools", "s_page", _rows), ("sections", "sec_page", _columns)]
)
def test_a_page_of_schools_or_sections_brings_the_heatmap_of_those_rows(
    client, staff, urls, table, param, turned
):
    grow_rostov()
    client.force_login(staff)
    first = _section(client.get(urls["municipality"]).content.decode(), "heatmap")
    whole = _section(client.get(urls["municipality"], {param: 2}).content.decode(), "heatmap")
    part = client.get(urls["municipality"], {param: 2, "table": table}, headers=HTMX).content.decode()
    # htmx puts it in place of the page's heatmap, out of the table's section.
    assert '<section id="heatmap" class="dash-section mb-4" hx-swap-oob="true">' in part
    heatmap = _section(part, "heatmap")
    assert heatmap == whole
    assert turned(heatmap) != turned(first)


def test_a_page_of_sections_brings_its_chart(client, staff, urls):
    grow_rostov()
    client.force_login(staff)
    part = client.get(urls["municipality"], {"sec_page": 2, "table": "sections"}, headers=HTMX)
    html = part.content.decode()
    assert '<canvas id="chart-sections"' in html
    assert '<script id="sections-chart-data" type="application/json">' in html


def test_the_page_links_fetch_only_their_table_and_show_the_whole_address(client, staff, urls):
    grow_rostov()
    client.force_login(staff)
    html = client.get(
        urls["municipality"], {"e_page": 2, "table": "executors"}, headers=HTMX
    ).content.decode()
    links = re.findall(r'<a class="page-link" href="([^"]*)" hx-get="([^"]*)" hx-push-url="([^"]*)"', html)
    assert links, "no page links"
    for href, get, push in links:
        assert "table=" not in href and href == push
        assert "table=executors" in get
    nav = re.search(r"<nav aria-label=\"Страницы: исполнители\"([^>]*)>", html).group(1)
    assert 'hx-target="#by-executor"' in nav


def _count(client, url: str, params: dict, headers: dict, assert_max) -> int:
    with assert_max(30) as captured:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("persona", "kind", "table", "param", "anchor"), TABLES, ids=IDS)
def test_a_table_page_costs_fewer_queries_than_the_page_and_as_many_at_two_sizes(
    client, request, urls, django_assert_max_num_queries, persona, kind, table, param, anchor
):
    with_one_school_row()  # the seed's Таганрог roadmap would have no heatmap to compute
    client.force_login(request.getfixturevalue(persona))
    url, count = urls[kind], django_assert_max_num_queries
    small = _count(client, url, {"table": table}, HTMX, count)
    grow_rostov()
    large = _count(client, url, {"table": table}, HTMX, count)
    second = _count(client, url, {"table": table, param: 2}, HTMX, count)
    whole = _count(client, url, {param: 2}, {}, count)
    assert small == large == second < whole, (small, large, second, whole)


def test_without_htmx_the_same_address_is_the_whole_page(client, staff, urls):
    grow_taganrog()
    client.force_login(staff)
    response = client.get(urls["municipality"], {"s_page": 2, "table": "schools"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'id="summary"' in html and 'id="by-executor"' in html
    assert response.context["schools"].number == 2
    assert "HX-Request" in response["Vary"]


def test_going_back_to_an_address_htmx_did_not_keep_gets_the_whole_page(client, staff, urls):
    client.force_login(staff)
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get(urls["municipality"], {"s_page": 2, "table": "schools"}, headers=headers)
    assert 'id="summary"' in response.content.decode()


def test_an_unknown_table_is_refused_in_russian(client, staff, urls):
    client.force_login(staff)
    for table in ("nonsense", "municipalities"):  # a municipality's dashboard lists no municipalities
        response = client.get(urls["municipality"], {"table": table}, headers=HTMX)
        assert response.status_code == 400
        assert "На этой панели нет таблицы" in response.content.decode()


@pytest.mark.parametrize("kind", ["region", "municipality", "school", "roadmap"])
def test_the_outsider_gets_no_table_of_taganrog(client, outsider, urls, kind):
    client.force_login(outsider)
    for table in ("schools", "sections", "overdue", "mentors"):
        response = client.get(urls[kind], {"table": table, "s_page": 2}, headers=HTMX)
        assert response.status_code == 404, (kind, table)


def test_a_principal_gets_no_table_of_another_school(client, principal):
    client.force_login(principal)
    other = Organisation.objects.get(name="МОБУ СОШ № 31").pk
    url = reverse("monitoring:school_dashboard", args=[other])
    assert client.get(url, {"table": "overdue"}, headers=HTMX).status_code == 404
