"""Every dashboard and export costs the same number of queries with the seed data and with
many more schools, activities, executors and marks."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap, Section
from schools.models import MentorPair, Municipality, Organisation, academic_year_of

pytestmark = pytest.mark.django_db

# The most any dashboard page or export may cost, whatever the data.
MAX_QUERIES = 20

SCHOOLS = 45
SECTIONS = 15
ACTIVITIES = 150
EXECUTORS_PER_ACTIVITY = 8


def grow_taganrog() -> dict[str, int]:
    """Bulk-add to Таганрог: 45 schools, 15 sections and 150 activities in the municipal roadmap,
    two windows each, eight school executors each (МОБУ СОШ № 6 among them on every fifth), marks
    on about half of the pairs, 25 mentor pairs this academic year (the dashboards' default).
    Every table of every dashboard then has several pages."""
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    department = roadmap.owner
    school6 = Organisation.objects.get(name="МОБУ СОШ № 6")
    schools = Organisation.objects.bulk_create(
        Organisation(
            region_id=department.region_id,
            municipality_id=department.municipality_id,
            name=f"МОБУ СОШ № {100 + i}",
        )
        for i in range(SCHOOLS)
    )
    sections = Section.objects.bulk_create(
        Section(roadmap=roadmap, number=str(20 + i), title=f"Направление {i}", order=100 + i)
        for i in range(SECTIONS)
    )
    activities = Activity.objects.bulk_create(
        Activity(
            roadmap=roadmap, section=sections[i % SECTIONS], number=f"{20 + i}.1", content=f"Мероприятие {i}", order=1000 + i
        )
        for i in range(ACTIVITIES)
    )  # fmt: skip
    start = date(2022, 9, 1)
    windows = DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=activity, start=start + timedelta(days=7 * i + 30 * k), end=start + timedelta(days=7 * i + 30 * k + 20))
        for i, activity in enumerate(activities)
        for k in range(2)
    )  # fmt: skip
    cycle = itertools.cycle(schools)
    executors = []
    for i, activity in enumerate(activities):
        chosen = [next(cycle) for _ in range(EXECUTORS_PER_ACTIVITY)]
        if i % 5 == 0:
            chosen[0] = school6
        executors += [
            Executor(activity=activity, kind="school", label=str(school), organisation=school, order=n)
            for n, school in enumerate(chosen)
        ]
    executors = Executor.objects.bulk_create(executors)
    by_activity = {}
    for window in windows:
        by_activity.setdefault(window.activity_id, []).append(window)
    marks = [
        CompletionMark(
            executor=executor,
            window=window,
            status="done",
            completed_on=window.end + timedelta(days=(executor.pk + window.pk) % 30 - 10),
        )
        for executor in executors
        for window in by_activity[executor.activity_id]
        if (executor.pk + window.pk) % 2
    ]
    CompletionMark.objects.bulk_create(marks)
    this_year = academic_year_of(timezone.localdate())
    MentorPair.objects.bulk_create(
        MentorPair(mentor=schools[i], mentee=schools[i + 20], academic_year=this_year) for i in range(25)
    )
    return {"marks": len(marks), "pairs": len(executors) * 2}


def _urls(seeded: dict[str, int]) -> list[tuple[str, str]]:
    pages = [
        ("region_viewer", reverse("monitoring:region_dashboard", args=[seeded["region"]])),
        ("staff", reverse("monitoring:municipality_dashboard", args=[seeded["municipality"]])),
        ("coordinator", reverse("monitoring:municipality_dashboard", args=[seeded["municipality"]])),
        ("principal", reverse("monitoring:school_dashboard", args=[seeded["school"]])),
        ("staff", reverse("monitoring:roadmap_dashboard", args=[seeded["roadmap"]])),
    ]
    exports = [
        ("region_viewer", reverse("monitoring:dashboard_export", args=["regions", seeded["region"]])),
        ("staff", reverse("monitoring:dashboard_export", args=["municipalities", seeded["municipality"]])),
        ("principal", reverse("monitoring:dashboard_export", args=["schools", seeded["school"]])),
        ("staff", reverse("monitoring:dashboard_export", args=["roadmaps", seeded["roadmap"]])),
    ]
    return pages + exports


@pytest.fixture
def seeded():
    taganrog = Municipality.objects.get(name="г. Таганрог")
    return {
        "region": taganrog.region_id,
        "municipality": taganrog.pk,
        "school": Organisation.objects.get(name="МОБУ СОШ № 6").pk,
        "roadmap": Roadmap.objects.get(source_key="002_taganrog").pk,
    }


def _count(client, request, persona: str, url: str, assert_max) -> int:
    client.force_login(request.getfixturevalue(persona))
    with assert_max(MAX_QUERIES) as captured:
        response = client.get(url)
        if response.streaming:
            load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert response.status_code == 200
    return len(captured)


def with_one_school_row() -> None:
    """The seed's Таганрог roadmap names its schools' directors, not the schools, so its «by
    school» table (and so its heatmap, whose rows they are) is empty: one school executor gives
    the small size every table, like the large one."""
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    school6 = Organisation.objects.get(name="МОБУ СОШ № 6")
    activity = roadmap.activities.filter(windows__isnull=False).order_by("order").first()
    Executor.objects.create(
        activity=activity, kind="school", label=str(school6), organisation=school6, order=99
    )


def test_each_dashboard_and_export_costs_the_same_queries_at_two_sizes(
    client, request, seeded, django_assert_max_num_queries
):
    with_one_school_row()
    urls = _urls(seeded)
    small = [_count(client, request, persona, url, django_assert_max_num_queries) for persona, url in urls]
    grown = grow_taganrog()
    assert grown["pairs"] == ACTIVITIES * EXECUTORS_PER_ACTIVITY * 2
    large = [_count(client, request, persona, url, django_assert_max_num_queries) for persona, url in urls]
    assert large == small, list(zip(urls, small, large, strict=True))


def test_later_pages_cost_the_same_as_the_first(client, staff, seeded, django_assert_max_num_queries):
    grow_taganrog()
    client.force_login(staff)
    url = reverse("monitoring:municipality_dashboard", args=[seeded["municipality"]])
    counts = []
    for query in ({}, {"s_page": 2, "sec_page": 2, "e_page": 2, "o_page": 3, "mp_page": 2, "sort": "name"}):
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            response = client.get(url, query)
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert response.context["schools"].number == 2
    assert response.context["schools"].paginator.num_pages == 3  # 45 new schools and 5 seeded ones
    assert response.context["overdue"].number == 3
    names = [row["name"] for row in response.context["schools"]]
    assert names == sorted(names)


def test_a_page_past_the_end_shows_the_last_one(client, staff, seeded):
    grow_taganrog()
    client.force_login(staff)
    url = reverse("monitoring:municipality_dashboard", args=[seeded["municipality"]])
    response = client.get(url, {"s_page": 99})
    assert response.status_code == 200
    assert response.context["schools"].number == response.context["schools"].paginator.num_pages == 3
