"""Progress dashboards: who sees which, what the figures mean, the XLSX export."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.demo.dashboards import load_demo_dashboards
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap, Section
from roadmaps.obligations import progress_by_school
from schools.models import Membership, Municipality, Organisation, Person, Region, academic_year_of

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]
TAGANROG_READERS = {"superuser", "staff", "coordinator", "region_viewer"}


@pytest.fixture
def seeded():
    taganrog = Municipality.objects.get(name="г. Таганрог")
    return {
        "rostov": taganrog.region_id,
        "taganrog": taganrog.pk,
        "kozelsk": Municipality.objects.get(name="Козельский район").pk,
        "school6": Organisation.objects.get(name="МОБУ СОШ № 6").pk,
        "lyceum7": Organisation.objects.get(name="МОБУ лицей № 7").pk,
        "school31": Organisation.objects.get(name="МОБУ СОШ № 31").pk,
        "roadmap": Roadmap.objects.get(source_key="002_taganrog").pk,
        "school_roadmap": Roadmap.objects.get(source_key="demo_school6_antirisk").pk,
    }


# (label, scope slug, object key, who may read).
DASHBOARDS = [
    ("region", "regions", "rostov", {"superuser", "region_viewer"}),
    ("municipality", "municipalities", "taganrog", TAGANROG_READERS),
    ("own school", "schools", "school6", TAGANROG_READERS | {"principal", "mentor"}),
    ("mentor school", "schools", "lyceum7", TAGANROG_READERS | {"mentor"}),
    ("other school", "schools", "school31", TAGANROG_READERS),
    ("municipal roadmap", "roadmaps", "roadmap", TAGANROG_READERS | {"principal", "mentor"}),
    ("school roadmap", "roadmaps", "school_roadmap", TAGANROG_READERS | {"principal", "mentor"}),
    ("another municipality", "municipalities", "kozelsk", {"superuser", "outsider"}),
]
PAGE_NAMES = {
    "regions": "monitoring:region_dashboard",
    "municipalities": "monitoring:municipality_dashboard",
    "schools": "monitoring:school_dashboard",
    "roadmaps": "monitoring:roadmap_dashboard",
}


def _page_url(slug: str, pk: int) -> str:
    return reverse(PAGE_NAMES[slug], args=[pk])


def _export_url(slug: str, pk: int, query: str = "") -> str:
    return reverse("monitoring:dashboard_export", args=[slug, pk]) + query


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "slug", "key", "readers"), DASHBOARDS, ids=[d[0] for d in DASHBOARDS])
def test_each_persona_opens_only_the_dashboards_of_their_scope(
    client, request, seeded, persona, label, slug, key, readers
):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(_page_url(slug, seeded[key]))
    export = client.get(_export_url(slug, seeded[key]))
    expected = 200 if persona in readers else 404
    assert (page.status_code, export.status_code) == (expected, expected)


@pytest.mark.parametrize(("label", "slug", "key", "readers"), DASHBOARDS, ids=[d[0] for d in DASHBOARDS])
def test_anonymous_users_are_sent_to_log_in(client, seeded, label, slug, key, readers):
    for url in (_page_url(slug, seeded[key]), _export_url(slug, seeded[key])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_an_unknown_export_scope_is_not_found(client, staff, seeded):
    client.force_login(staff)
    assert client.get(_export_url("countries", seeded["taganrog"])).status_code == 404


def test_the_outsider_reads_nothing_of_taganrog_in_their_own_dashboard(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("monitoring:dashboard_home"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Козельский район" in html
    assert "Таганрог" not in html
    assert "МОБУ СОШ № 6" not in html


# ---------------------------------------------------------------- the start page


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("staff", ("municipality_dashboard", "taganrog")),
        ("coordinator", ("municipality_dashboard", "taganrog")),
        ("principal", ("school_dashboard", "school6")),
        ("mentor", ("school_dashboard", "lyceum7")),
        ("region_viewer", ("region_dashboard", "rostov")),
        ("outsider", ("municipality_dashboard", "kozelsk")),
    ],
)
def test_the_start_page_sends_each_user_to_their_natural_scope(client, request, seeded, persona, target):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("monitoring:dashboard_home"))
    name, key = target
    assert response.status_code == 302
    assert response.url == reverse(f"monitoring:{name}", args=[seeded[key]])


def test_a_superuser_chooses_among_the_regions(client, superuser, seeded):
    client.force_login(superuser)
    response = client.get(reverse("monitoring:dashboard_home"))
    assert response.status_code == 200
    html = response.content.decode()
    for region in Region.objects.all():
        assert reverse("monitoring:region_dashboard", args=[region.pk]) in html


def test_a_user_with_two_roles_chooses_between_them(client, principal, seeded):
    taganrog_department = Organisation.objects.get(name="Управление образования г. Таганрога")
    Membership.objects.create(user=principal, organisation=taganrog_department, role=Membership.Role.STAFF)
    client.force_login(principal)
    response = client.get(reverse("monitoring:dashboard_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("monitoring:municipality_dashboard", args=[seeded["taganrog"]]) in html
    assert reverse("monitoring:school_dashboard", args=[seeded["school6"]]) in html


def test_a_user_without_a_role_is_told_so(client):
    user = get_user_model().objects.create_user("nobody", "nobody@example.org", "x")
    client.force_login(user)
    response = client.get(reverse("monitoring:dashboard_home"))
    assert response.status_code == 200
    assert "нет панелей мониторинга" in response.content.decode()


# ---------------------------------------------------------------- what the figures mean


@pytest.fixture
def world():
    """A municipality of its own with one roadmap whose pairs are in known states on 01.03.2026.

    Windows of one activity: January (past), 15 February – April (running), May (ahead), and a
    cancelled one. Executors: schools A and B, a person of the department, and a group that
    cannot mark.
    """
    region = Region.objects.create(name="Область для панелей")
    municipality = Municipality.objects.create(region=region, name="г. Панельск")
    place = {"region": region, "municipality": municipality}
    department = Organisation.objects.create(
        kind=Organisation.Kind.DEPARTMENT, name="УО г. Панельска", **place
    )
    school_a = Organisation.objects.create(name="МОБУ СОШ № 1 г. Панельска", short_name="СОШ № 1", **place)
    school_b = Organisation.objects.create(name="МОБУ СОШ № 2 г. Панельска", short_name="СОШ № 2", **place)
    person = Person.objects.create(full_name="Методистова А.А.", organisation=department)
    roadmap = Roadmap.objects.create(
        owner=department,
        title="Дорожная карта г. Панельска",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
        status=Roadmap.Status.APPROVED,
    )
    section = Section.objects.create(roadmap=roadmap, number="1", title="Работа со школами", order=1)
    activity = Activity.objects.create(
        roadmap=roadmap, section=section, number="1.1", content="Семинар", order=1
    )
    january = DeadlineWindow.objects.create(activity=activity, start=date(2026, 1, 1), end=date(2026, 1, 31))
    running = DeadlineWindow.objects.create(activity=activity, start=date(2026, 2, 15), end=date(2026, 4, 30))
    may = DeadlineWindow.objects.create(activity=activity, start=date(2026, 5, 1), end=date(2026, 5, 31))
    cancelled = DeadlineWindow.objects.create(activity=activity, end=date(2026, 1, 10), is_cancelled=True)
    a = Executor.objects.create(activity=activity, kind="school", label="СОШ № 1", organisation=school_a)
    b = Executor.objects.create(activity=activity, kind="school", label="СОШ № 2", organisation=school_b)
    p = Executor.objects.create(
        activity=activity, kind="person", label="Методистова А.А.", person=person, organisation=department
    )
    Executor.objects.create(activity=activity, kind="group", label="Рабочая группа")

    def mark(executor, window, status="done", completed_on=None, **fields):
        CompletionMark.objects.create(
            executor=executor, window=window, status=status, completed_on=completed_on, **fields
        )

    mark(a, january, completed_on=date(2026, 1, 20))  # on time
    mark(b, january, completed_on=date(2026, 2, 10))  # late
    mark(p, january, completed_on=date(2026, 1, 15), review="returned", reviewed_at="2026-01-16T10:00Z")
    mark(a, running, status="in_progress")
    mark(b, may, completed_on=date(2026, 2, 20))  # early: on time
    mark(a, cancelled, completed_on=date(2026, 1, 5))  # a cancelled window counts for nothing
    draft = Roadmap.objects.create(
        owner=department,
        title="Черновик",
        period_start=date(2025, 9, 1),
        period_end=date(2026, 8, 31),
        status=Roadmap.Status.DRAFT,
    )
    draft_activity = Activity.objects.create(roadmap=draft, content="Черновое мероприятие", order=1)
    DeadlineWindow.objects.create(activity=draft_activity, end=date(2026, 1, 31))
    Executor.objects.create(activity=draft_activity, kind="school", label="СОШ № 1", organisation=school_a)
    return {
        "region": region,
        "municipality": municipality,
        "department": department,
        "school_a": school_a,
        "school_b": school_b,
        "roadmap": roadmap,
        "draft": draft,
        "activity": activity,
        "running": running,
        "person": p,
    }


def _figures(response) -> dict[str, int]:
    total = response.context["total"]
    return {key: total[key] for key in ("total", "on_time", "late", "overdue", "in_progress", "not_due")}


def test_each_pair_is_counted_in_its_state_as_of_the_day(client, superuser, world):
    client.force_login(superuser)
    response = client.get(_page_url("roadmaps", world["roadmap"].pk), {"on": "2026-03-01"})
    # January: A on time, B late, the person's returned mark overdue; the running window: three in
    # progress; May: B's early mark on time, A and the person not yet due. The group and the
    # cancelled window count for nothing.
    assert _figures(response) == {
        "total": 9,
        "on_time": 2,
        "late": 1,
        "overdue": 1,
        "in_progress": 3,
        "not_due": 2,
    }


def test_a_mark_made_after_the_as_of_day_does_not_count_yet(client, superuser, world):
    client.force_login(superuser)
    response = client.get(_page_url("roadmaps", world["roadmap"].pk), {"on": "2026-02-05"})
    assert _figures(response) == {
        "total": 9,
        "on_time": 1,
        "late": 0,
        "overdue": 2,
        "in_progress": 0,
        "not_due": 6,
    }


def test_a_draft_counts_on_its_own_dashboard_only(client, superuser, world):
    client.force_login(superuser)
    on = {"on": "2026-03-01"}
    draft = client.get(_page_url("roadmaps", world["draft"].pk), on)
    assert _figures(draft)["total"] == _figures(draft)["overdue"] == 1
    for slug, key, total in [
        ("municipalities", "municipality", 9),
        ("regions", "region", 9),
        ("schools", "school_a", 3),
    ]:
        assert _figures(client.get(_page_url(slug, world[key].pk), on))["total"] == total, slug
        # Nor in history: a later day, looking back at the academic year of the draft.
        later = {"on": "2026-10-01", "year": "2025"}
        assert _figures(client.get(_page_url(slug, world[key].pk), later))["total"] == total, slug


@pytest.fixture
def archived(world):
    """Last year's roadmap of the department, archived: school A did its one row on time."""
    roadmap = Roadmap.objects.create(
        owner=world["department"],
        title="Дорожная карта г. Панельска 2024/2025",
        period_start=date(2024, 9, 1),
        period_end=date(2025, 8, 31),
        status=Roadmap.Status.ARCHIVED,
    )
    activity = Activity.objects.create(roadmap=roadmap, number="1", content="Прошлогодний семинар", order=1)
    window = DeadlineWindow.objects.create(activity=activity, start=date(2025, 3, 1), end=date(2025, 3, 31))
    executor = Executor.objects.create(
        activity=activity, kind="school", label="СОШ № 1", organisation=world["school_a"]
    )
    CompletionMark.objects.create(
        executor=executor, window=window, status="done", completed_on=date(2025, 3, 20)
    )
    return roadmap


@pytest.mark.parametrize(
    ("slug", "key"), [("municipalities", "municipality"), ("regions", "region"), ("schools", "school_a")]
)
def test_an_archived_roadmap_counts_only_for_a_past_academic_year(
    client, superuser, world, archived, slug, key
):
    client.force_login(superuser)
    url = _page_url(slug, world[key].pk)
    today = _figures(client.get(url, {"on": "2026-03-01"}))
    this_year = _figures(client.get(url, {"on": "2026-03-01", "year": "2025"}))
    last_year = _figures(client.get(url, {"on": "2026-03-01", "year": "2024"}))
    assert today["total"] == this_year["total"] == (3 if slug == "schools" else 9)
    assert last_year == {"total": 1, "on_time": 1, "late": 0, "overdue": 0, "in_progress": 0, "not_due": 0}


def test_an_archived_roadmap_counts_on_its_own_dashboard(client, superuser, archived):
    client.force_login(superuser)
    assert _figures(client.get(_page_url("roadmaps", archived.pk), {"on": "2026-03-01"}))["on_time"] == 1


def test_a_returned_mark_is_owed_again_and_reads_returned(client, superuser, world):
    # A second returned mark, in the running window: in progress, not done.
    CompletionMark.objects.create(
        executor=world["person"],
        window=world["running"],
        status="done",
        completed_on=date(2026, 2, 20),
        review="returned",
        reviewed_at="2026-02-21T10:00Z",
    )
    client.force_login(superuser)
    response = client.get(_page_url("roadmaps", world["roadmap"].pk), {"on": "2026-03-01"})
    # Both marks say «done» with a date before the day; neither counts as done.
    assert _figures(response) == {
        "total": 9,
        "on_time": 2,
        "late": 1,
        "overdue": 1,
        "in_progress": 3,
        "not_due": 2,
    }
    assert response.context["total"]["returned"] == 2
    html = response.content.decode()
    assert re.search(r'data-state="returned">2<', html)
    [january] = response.context["overdue"]
    assert (january["executors"], january["returned"]) == (1, 1)
    assert "возвращено: 1" in _section(html, "overdue")
    book = _workbook(client.get(_export_url("roadmaps", world["roadmap"].pk, "?on=2026-03-01")))
    summary = {row[0]: row[1] for row in _rows(book["Сводка"]) if row and row[0]}
    assert summary["Возвращено на доработку (не выполнено)"] == 2
    overdue = _rows(book["Просроченные"])
    assert overdue[0][6] == "Из них возвращено на доработку" and overdue[1][6] == 1


def _section(html: str, anchor: str) -> str:
    found = re.search(rf'<section id="{anchor}"[^>]*>(.*?)</section>', html, re.S)
    assert found, f"no section {anchor}"
    return found.group(1)


def test_a_schools_dashboard_equals_its_card_on_the_start_pages(client, superuser, world):
    """The card counts ``progress_by_school``: the school's part — the rows naming the school and
    those naming its people (Таганрог names the directors) — not drafts, nor rows in other
    municipalities' roadmaps."""
    school_a = world["school_a"]
    director = Person.objects.create(full_name="Директорова В.В.", organisation=school_a)
    Executor.objects.create(
        activity=world["activity"],
        kind="person",
        label="Директорова В.В.",
        person=director,
        organisation=school_a,
    )
    client.force_login(superuser)
    on = date(2026, 3, 1)
    cards = progress_by_school([school_a.pk, world["school_b"].pk], on=on)
    for school in (school_a, world["school_b"]):
        page = client.get(_page_url("schools", school.pk), {"on": on.isoformat()})
        assert _figures(page) == {key: cards[school.pk][key] for key in _figures(page)}
        assert page.context["total"]["done"] == cards[school.pk]["done"]
    # Three windows for the school and three for its director named in the same row.
    assert cards[school_a.pk]["total"] == 6


def test_the_academic_year_keeps_the_deadlines_of_that_year(client, superuser, world):
    client.force_login(superuser)
    url = _page_url("municipalities", world["municipality"].pk)
    assert _figures(client.get(url, {"on": "2026-03-01", "year": "2025"}))["total"] == 9
    assert _figures(client.get(url, {"on": "2026-03-01", "year": "2024"}))["total"] == 0


def test_a_schools_dashboard_matches_its_row_on_the_municipality_dashboard(client, superuser, world):
    client.force_login(superuser)
    on = {"on": "2026-03-01"}
    municipality = client.get(_page_url("municipalities", world["municipality"].pk), on)
    rows = {row["organisation"]: row for row in municipality.context["schools"]}
    for school in (world["school_a"], world["school_b"]):
        school_page = client.get(_page_url("schools", school.pk), on)
        row = rows[school.pk]
        assert _figures(school_page) == {key: row[key] for key in _figures(school_page)}
    assert rows[world["school_a"].pk]["on_time"] == 1
    assert rows[world["school_b"].pk]["late"] == 1


def test_the_page_shows_the_breakdowns_and_the_overdue_activity(client, superuser, world):
    client.force_login(superuser)
    response = client.get(_page_url("roadmaps", world["roadmap"].pk), {"on": "2026-03-01"})
    html = response.content.decode()
    assert "СОШ № 1" in html and "СОШ № 2" in html
    assert "1. Работа со школами" in html
    assert "Методистова А.А." in html
    overdue = list(response.context["overdue"])
    assert [(row["number"], row["end"], row["executors"]) for row in overdue] == [
        ("1.1", date(2026, 1, 31), 1)
    ]
    assert reverse("roadmaps:activity_detail", args=[overdue[0]["activity_pk"]]) in html


def test_the_charts_get_the_figures_from_a_json_script(client, superuser, world):
    client.force_login(superuser)
    response = client.get(_page_url("roadmaps", world["roadmap"].pk), {"on": "2026-03-01"})
    html = response.content.decode()
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(found.group(1))
    assert data["states"]["values"] == [2, 1, 1, 3, 2]
    assert data["trend"]["labels"][:6] == ["09.2025", "10.2025", "11.2025", "12.2025", "01.2026", "02.2026"]
    january = data["trend"]["labels"].index("01.2026")
    assert data["trend"]["due"][january] == 3
    assert data["trend"]["share"][january] == pytest.approx(66.7)
    found = re.search(r'<script id="sections-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(found.group(1))["labels"] == ["1. Работа со школами"]
    assert "vendor/chartjs-4.6.1/chart.umd.min.js" in html
    assert "js/dashboards.js" in html


def test_bad_parameters_get_a_russian_message_not_an_error(client, staff, seeded):
    client.force_login(staff)
    url = _page_url("municipalities", seeded["taganrog"])
    response = client.get(url, {"on": "31.02.2026", "year": "abc", "s_page": "999", "sort": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Введите дату в формате ГГГГ-ММ-ДД" in html
    assert "Такого учебного года в списке нет; показаны все годы." in html
    assert response.context["schools"].number == response.context["schools"].paginator.num_pages
    assert response.context["filters"].on == timezone.localdate()
    assert client.get(url, {"on": "1812-09-07"}).status_code == 200
    assert client.get(_export_url("municipalities", seeded["taganrog"], "?on=nonsense")).status_code == 200


def test_a_coordinator_starts_with_their_own_schools(client, coordinator, seeded):
    client.force_login(coordinator)
    url = _page_url("municipalities", seeded["taganrog"])
    mine = client.get(url)
    everything = client.get(url, {"schools": "all"})
    assigned = {
        o.pk for o in Organisation.objects.filter(coordinator_assignments__coordinator__user=coordinator)
    }
    assert mine.context["filters"].mine is True
    assert {row["organisation"] for row in mine.context["schools"]} <= assigned
    assert 0 < mine.context["total"]["total"] < everything.context["total"]["total"]


def test_the_staff_cannot_narrow_to_assigned_schools(client, staff, seeded):
    client.force_login(staff)
    response = client.get(_page_url("municipalities", seeded["taganrog"]), {"schools": "mine"})
    assert response.context["filters"].mine is False


def test_the_mentor_sees_the_schools_it_mentors_with_their_progress(client, mentor, seeded):
    client.force_login(mentor)
    url = _page_url("schools", seeded["lyceum7"])
    # This academic year the lyceum mentors МОБУ СОШ № 6 (the seed); in 2022/2023, two schools.
    response = client.get(url)
    pairs = response.context["mentor_pairs"]
    assert {pair.academic_year for pair, _ in pairs} == {academic_year_of(timezone.localdate())}
    assert {pair.mentee.name for pair, _ in pairs} == {"МОБУ СОШ № 6"}
    progress = {pair.mentee.name: row for pair, row in pairs}
    assert progress["МОБУ СОШ № 6"]["total"] > 0
    html = response.content.decode()
    assert reverse("monitoring:school_dashboard", args=[seeded["school6"]]) in html
    earlier = client.get(url, {"year": "2022"}).context["mentor_pairs"]
    assert {pair.mentee.name for pair, _ in earlier} == {"МОБУ СОШ № 6", "МОБУ СОШ № 34"}


def test_links_lead_to_the_school_and_roadmap_pages(client, staff, seeded):
    client.force_login(staff)
    school = client.get(_page_url("schools", seeded["school6"])).content.decode()
    roadmap = client.get(_page_url("roadmaps", seeded["roadmap"])).content.decode()
    municipality = client.get(_page_url("municipalities", seeded["taganrog"])).content.decode()
    assert reverse("schools:school_detail", args=[seeded["school6"]]) in school
    assert reverse("roadmaps:roadmap_detail", args=[seeded["roadmap"]]) in roadmap
    assert reverse("monitoring:roadmap_dashboard", args=[seeded["roadmap"]]) in municipality
    assert reverse("monitoring:school_dashboard", args=[seeded["school6"]]) in municipality


def test_a_principal_is_not_linked_to_dashboards_they_cannot_open(client, principal, seeded):
    client.force_login(principal)
    html = client.get(_page_url("roadmaps", seeded["roadmap"])).content.decode()
    assert "МОБУ лицей № 7" in html  # in the tables, as an executor and a mentor
    assert reverse("monitoring:municipality_dashboard", args=[seeded["taganrog"]]) not in html
    assert reverse("monitoring:school_dashboard", args=[seeded["lyceum7"]]) not in html


# ---------------------------------------------------------------- the XLSX export


def _workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def _rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_holds_the_figures_the_page_shows(client, superuser, world):
    client.force_login(superuser)
    query = {"on": "2026-03-01"}
    page = client.get(_page_url("municipalities", world["municipality"].pk), query)
    book = _workbook(client.get(_export_url("municipalities", world["municipality"].pk, "?on=2026-03-01")))
    assert book.sheetnames == [
        "Сводка",
        "По школам",
        "По разделам",
        "По дорожным картам",
        "По исполнителям",
        "Наставничество",
        "По месяцам",
        "Тепловая карта",
        "Просроченные",
    ]
    summary = {row[0]: row[1] for row in _rows(book["Сводка"]) if row and row[0]}
    assert summary["Муниципалитет"] == "г. Панельск"
    assert summary["На дату"] == "01.03.2026"
    total = page.context["total"]
    assert summary["Выполнено в срок"] == total["on_time"] == 2
    assert summary["Выполнено с опозданием"] == total["late"] == 1
    assert summary["Просрочено"] == total["overdue"] == 1
    assert summary["В работе"] == total["in_progress"] == 3
    assert summary["Срок не наступил"] == total["not_due"] == 2
    assert summary["Всего"] == total["total"] == 9
    schools = {row[0]: row[2:8] for row in _rows(book["По школам"])[1:]}
    for row in page.context["schools"]:
        assert schools[row["name"]] == (
            row["total"],
            row["on_time"],
            row["late"],
            row["overdue"],
            row["in_progress"],
            row["not_due"],
        )
    overdue = _rows(book["Просроченные"])
    assert overdue[0][:5] == ("Дорожная карта", "№", "Мероприятие", "Срок", "Дней просрочки")
    assert overdue[1][:5] == ("Дорожная карта г. Панельска", "1.1", "Семинар", "31.01.2026", 29)
    heatmap = _rows(book["Тепловая карта"])
    assert heatmap[0][1:] == ("Муниципалитет", "Работа со школами")
    assert {row[:3] for row in heatmap[1:]} == {
        ("СОШ № 1", "г. Панельск", 33.3),
        ("СОШ № 2", "г. Панельск", 66.7),
    }


@pytest.mark.parametrize("slug", ["regions", "schools", "roadmaps"])
def test_every_scope_exports_a_workbook_that_opens(client, superuser, world, slug):
    client.force_login(superuser)
    pk = {"regions": world["region"], "schools": world["school_a"], "roadmaps": world["roadmap"]}[slug].pk
    book = _workbook(client.get(_export_url(slug, pk, "?on=2026-03-01")))
    summary = {row[0]: row[1] for row in _rows(book["Сводка"]) if row and row[0]}
    assert summary["Всего"] == (3 if slug == "schools" else 9)
    assert ("По муниципалитетам" in book.sheetnames) == (slug == "regions")


# ---------------------------------------------------------------- demo data


def test_the_demo_marks_load_once_and_show_every_kind_of_done(client, staff, seeded):
    load_demo_dashboards()  # seed_demo may have loaded them already
    marks = CompletionMark.objects.count()
    assert load_demo_dashboards() == 0
    assert CompletionMark.objects.count() == marks
    client.force_login(staff)
    figures = _figures(client.get(_page_url("roadmaps", seeded["roadmap"])))
    assert figures["on_time"] > 0 and figures["late"] > 0 and figures["overdue"] > 0
