"""Each role's start page, and the query counts of the main pages at two data sizes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps.models import Roadmap
from roadmaps.services.editing import ActivityText, activity_create, roadmap_copy

pytestmark = pytest.mark.django_db


# Queries per page, whatever the data size (measured: 9, 12, 12, 16, 15; the school page 12 and
# its roadmaps panel 7 since the panel is pulled by htmx), with room for a few.
BUDGET = {
    "principal": 12,
    "coordinator": 15,
    "mentor": 15,
    "activity": 20,
    "school": 18,
    "school roadmaps": 10,
}
HTMX = {"HX-Request": "true"}


def queries(client, url: str, headers: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def within(django_assert_max_num_queries):
    """The page's query count, checked against its budget."""

    def count(client, url: str, page: str, headers: dict | None = None) -> int:
        with django_assert_max_num_queries(BUDGET[page]):
            return queries(client, url, headers)

    return count


@pytest.fixture
def school_roadmap():
    return Roadmap.objects.get(source_key="demo_school6_antirisk")


def test_the_principal_starts_on_my_activities(client, principal):
    client.force_login(principal)
    html = client.get("/").content.decode()
    assert "Мои мероприятия" in html
    assert "Возвращено на доработку" in html or "Просрочено" in html
    assert "Анализ результатов ВПР" in html or "Диагностика профессиональных дефицитов" in html
    # Never another school's work.
    assert "Организация цикла вебинаров" not in html


def test_overdue_comes_before_this_month_and_later(client, principal):
    client.force_login(principal)
    html = client.get("/").content.decode()
    assert html.index("Просрочено") < html.index("В этом месяце") < html.index("Позже")


def test_the_coordinator_starts_on_their_schools_and_the_queue(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "Мои школы" in html and "Ждут проверки" in html
    for school in ["МОБУ СОШ № 6", "МАОУ СОШ № 12", "МАОУ СОШ № 39"]:
        assert school in html
    assert "МОБУ лицей № 7" not in html.split("Ждут проверки")[0]  # a mentor school, not assigned


def test_the_mentor_starts_on_the_schools_it_mentors(client, mentor):
    client.force_login(mentor)
    html = client.get("/").content.decode()
    assert "МОБУ СОШ № 6" in html and "МОБУ СОШ № 34" in html
    assert "МАОУ СОШ № 12" not in html


def test_a_mentor_schools_director_mentors_with_the_one_principal_login(client, django_user_model):
    """Invited as the director of МОБУ лицей № 7, with no mentor role: the mentor pairs give the
    mentor's view on the same start page, and the mentee's page opens."""
    from schools.models import Membership, MentorPair, Organisation

    lyceum = Organisation.objects.get(name__contains="лицей № 7")
    director = django_user_model.objects.create_user("director7", password="x")
    Membership.objects.create(user=director, organisation=lyceum, role=Membership.Role.PRINCIPAL)
    mentees = Organisation.objects.filter(mentor_pairs__mentor=lyceum)
    assert mentees.exists()
    client.force_login(director)
    html = client.get("/").content.decode()
    assert "Мои мероприятия" in html
    assert "Школы, которые мы сопровождаем" in html
    for mentee in mentees:
        assert str(mentee) in html
        assert client.get(reverse("schools:school_detail", args=[mentee.pk])).status_code == 200
    unpaired = Organisation.objects.schools().exclude(
        pk__in=[lyceum.pk, *mentees.values_list("pk", flat=True)]
    )
    other = unpaired.filter(municipality=lyceum.municipality).exclude(
        pk__in=MentorPair.objects.values_list("mentor", flat=True)
    )
    assert str(other.first()) not in html.split("Школы, которые мы сопровождаем")[1]


def test_staff_start_on_the_roadmap_list(client, staff):
    client.force_login(staff)
    assert client.get("/").url == reverse("roadmaps:roadmap_list")


def test_the_school_page_shows_statuses_pairs_director_coordinator_and_progress(client, mentor):
    from schools.models import Organisation

    client.force_login(mentor)
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    html = client.get(reverse("schools:school_detail", args=[school.pk])).content.decode()
    assert "Муразян О.В." in html
    assert "Баркалова Е.В." in html
    assert "ШНОР" in html and "2022/2023" in html
    assert "МОБУ лицей № 7" in html
    # Progress and roadmaps are roadmaps' panel, pulled by htmx, with a link for no JavaScript.
    panel_url = reverse("roadmaps:school_roadmaps", args=[school.pk])
    assert f'hx-get="{panel_url}" hx-trigger="load"' in html and f'href="{panel_url}"' in html
    panel = client.get(panel_url, headers=HTMX).content.decode()
    assert "Выполнено:" in panel
    assert "Антирисковая программа" in panel
    assert "<html" not in panel


def test_the_school_roadmaps_panel_is_a_page_of_its_own_without_javascript(client, mentor):
    from schools.models import Organisation

    client.force_login(mentor)
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    response = client.get(reverse("roadmaps:school_roadmaps", args=[school.pk]))
    html = response.content.decode()
    assert "<html" in html and "Выполнено:" in html and "Антирисковая программа" in html
    assert reverse("schools:school_detail", args=[school.pk]) in html
    assert "HX-Request" in response["Vary"]


def test_list_filters_by_year_level_status_and_school(client, superuser):
    from schools.models import Organisation

    client.force_login(superuser)
    url = reverse("roadmaps:roadmap_list")
    html = client.get(url, {"year": 2020}).content.decode()
    assert "Усть-Джегутинского" in html and "Таганрога" not in html
    html = client.get(url, {"level": "school"}).content.decode()
    assert "Антирисковая программа" in html and "Сарове" not in html
    school = Organisation.objects.get(name="МОБУ СОШ № 31")
    html = client.get(url, {"school": school.pk}).content.decode()
    assert "2022-2023 учебном году" in html and "Козельск" not in html
    html = client.get(url, {"q": "вебинаров"}).content.decode()  # words of an activity, not the title
    assert "организационно-методического сопровождения" in html
    assert client.get(url, {"year": "не год"}).status_code == 200


def _grow(roadmap: Roadmap, rows: int) -> None:
    section = roadmap.sections.first()
    for n in range(rows):
        activity_create(
            roadmap=roadmap,
            section=section,
            text=ActivityText(
                number=f"9.{n}",
                content=f"Дополнительное мероприятие {n}",
                deadline_text="январь, май",
                responsible_text="Руководитель ОО",
                expected_result="",
            ),
        )


def test_the_principal_home_query_count_does_not_grow(client, principal, school_roadmap, within):
    client.force_login(principal)
    before = within(client, "/", "principal")
    _grow(school_roadmap, 10)
    assert within(client, "/", "principal") == before


def test_the_coordinator_home_query_count_does_not_grow(client, coordinator, school_roadmap, within):
    client.force_login(coordinator)
    before = within(client, "/", "coordinator")
    _grow(school_roadmap, 10)
    assert within(client, "/", "coordinator") == before


def test_the_list_query_count_does_not_grow(client, staff):
    client.force_login(staff)
    before = queries(client, reverse("roadmaps:roadmap_list"))
    roadmap_copy(source=Roadmap.objects.get(source_key="002_taganrog"))
    assert queries(client, reverse("roadmaps:roadmap_list")) == before


def test_the_activity_and_school_pages_do_not_grow_with_marks(client, superuser, school_roadmap, within):
    from schools.models import Organisation

    client.force_login(superuser)
    activity = school_roadmap.activities.get(number="2.1")  # monthly: many windows
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    activity_url = activity.get_absolute_url()
    school_url = reverse("schools:school_detail", args=[school.pk])
    panel_url = reverse("roadmaps:school_roadmaps", args=[school.pk])
    page_before, school_before, panel_before = (
        within(client, activity_url, "activity"),
        within(client, school_url, "school"),
        within(client, panel_url, "school roadmaps", HTMX),
    )
    _grow(school_roadmap, 10)
    from roadmaps.models import CompletionMark

    executor = activity.executors.get(organisation=school)
    for window in activity.windows.all():
        CompletionMark.objects.get_or_create(executor=executor, window=window)
    assert within(client, activity_url, "activity") == page_before
    assert within(client, school_url, "school") == school_before
    assert within(client, panel_url, "school roadmaps", HTMX) == panel_before


def test_people_named_as_executors_see_their_own_rows(client, coordinator, mentor):
    # Баркалова Е.В. is named in most Таганрог rows; the лицей № 7 director in a webinar row.
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "Мои мероприятия" in html and "Заседание рабочей группы" in html
    client.force_login(mentor)
    html = client.get("/").content.decode()
    assert "Мои мероприятия" in html and "Система восполнения профессиональных дефицитов" in html


def test_the_mentor_home_query_count_does_not_grow(client, mentor, school_roadmap, within):
    client.force_login(mentor)
    before = within(client, "/", "mentor")
    for n in range(5):
        activity_create(
            roadmap=school_roadmap,
            section=school_roadmap.sections.first(),
            text=ActivityText(
                number=f"8.{n}",
                content=f"Совместный семинар {n}",
                deadline_text="январь, май",
                responsible_text="Земляненко Н.В., директор МОБУ лицея № 7",
                expected_result="",
            ),
        )
    assert within(client, "/", "mentor") == before


def test_the_regional_viewer_starts_on_the_monitoring_page(client, region_viewer):
    client.force_login(region_viewer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("monitoring:dashboard_home")


def test_the_coordinators_queue_holds_only_done_marks_waiting_for_acceptance(client, coordinator, principal):
    from roadmaps.models import CompletionMark

    roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    activity = roadmap.activities.get(number="1.2")
    executor = activity.executors.get(organisation__name="МОБУ СОШ № 6")
    mark = CompletionMark.objects.create(
        executor=executor, window=activity.windows.get(), status="not_done", marked_by=principal
    )
    client.force_login(coordinator)
    waiting = list(client.get("/").context["waiting"])
    assert mark not in waiting
    assert all(m.status == "done" and m.review == "pending" for m in waiting)
    CompletionMark.objects.filter(pk=mark.pk).update(status="done", completed_on=roadmap.period_start)
    assert mark in list(client.get("/").context["waiting"])
