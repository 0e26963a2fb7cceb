from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmaps.models import Activity, Roadmap

pytestmark = pytest.mark.django_db


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def taganrog_activity(taganrog):
    return taganrog.activities.get(number="5.")


def test_anonymous_users_are_sent_to_the_login_page(client, taganrog, taganrog_activity):
    for url in [
        reverse("roadmaps:roadmap_list"),
        taganrog.get_absolute_url(),
        taganrog_activity.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_the_login_page_speaks_russian(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Вход в портал" in response.content.decode()


def test_demo_user_logs_in_with_the_demo_password(client):
    response = client.post("/accounts/login/", {"username": "principal", "password": "demo-2026"})
    assert response.status_code == 302
    assert client.get(reverse("roadmaps:roadmap_list")).status_code == 200


def test_the_outsider_gets_404_for_every_taganrog_page(client, outsider, taganrog, taganrog_activity):
    client.force_login(outsider)
    assert client.get(taganrog.get_absolute_url()).status_code == 404
    assert client.get(taganrog_activity.get_absolute_url()).status_code == 404
    for child in Activity.objects.filter(roadmap=taganrog, parent__isnull=False):
        assert client.get(child.get_absolute_url()).status_code == 404
    listed = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert "Таганрог" not in listed
    assert "План по сопровождению общеобразовательных организаций" in listed


@pytest.mark.parametrize("persona", ["staff", "coordinator", "principal", "mentor"])
def test_taganrog_personas_see_the_taganrog_roadmap(client, request, persona, taganrog, taganrog_activity):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(taganrog.get_absolute_url())
    assert page.status_code == 200
    assert "Проектно-деятельностный этап" in page.content.decode()
    assert client.get(taganrog_activity.get_absolute_url()).status_code == 200
    listed = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert taganrog.title in listed
    assert "Козельский" not in listed


def test_taganrog_staff_do_not_see_other_municipalities(client, staff):
    client.force_login(staff)
    kozelsk = Roadmap.objects.get(source_key="003_kozelsk")
    assert client.get(kozelsk.get_absolute_url()).status_code == 404


def test_the_roadmap_page_shows_the_table_as_the_document_has_it(client, superuser, taganrog):
    client.force_login(superuser)
    html = client.get(taganrog.get_absolute_url()).content.decode()
    assert taganrog.approval_text in html
    assert (
        html.index("Проектно-деятельностный этап")
        < html.index("Организация деятельности в рамках")
        < html.index("Итоговый этап")
    )
    assert "Апрель - май 2023 г." in html
    assert "27.04.2023" in html  # a webinar's understood date


def test_the_activity_page_shows_understood_dates_and_executors(client, staff):
    client.force_login(staff)
    activity = Activity.objects.get(roadmap__source_key="002_taganrog", number="3.")
    html = client.get(activity.get_absolute_url()).content.decode()
    assert "до 10.03.2023" in html
    assert "Баркалова Е.В." in html


def test_an_activity_without_a_date_says_so(client, superuser):
    client.force_login(superuser)
    activity = Activity.objects.get(roadmap__source_key="001_ivanteevka", number="9.1")
    assert "нужна дата" in client.get(activity.get_absolute_url()).content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_roadmap_page_query_count_does_not_grow_with_its_rows(
    client, superuser, taganrog, django_assert_max_num_queries
):
    client.force_login(superuser)
    ivanteevka = Roadmap.objects.get(source_key="001_ivanteevka")
    assert taganrog.activities.count() < ivanteevka.activities.count()
    with django_assert_max_num_queries(18):  # measured: 14
        small = _queries(client, taganrog.get_absolute_url())
    with django_assert_max_num_queries(18):
        large = _queries(client, ivanteevka.get_absolute_url())
    assert small == large


def test_search_finds_roadmaps_by_title(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("roadmaps:roadmap_list"), {"q": "Сарове"}).content.decode()
    assert "по развитию в Сарове" in html
    assert "Таганрог" not in html
