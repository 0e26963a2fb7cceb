"""The «Школы» pages: who lands where, the region's municipalities, the municipality's list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import Membership, MentorPair, Municipality, Organisation, Person, SchoolStatus

pytestmark = pytest.mark.django_db


def test_department_staff_land_on_their_municipalitys_registry(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("schools:registry"))
    assert response.status_code == 302
    assert response.url == reverse("schools:registry_municipality", args=[taganrog.pk])


def test_region_staff_see_the_regions_municipalities_with_their_schools(client, region_staff, taganrog):
    client.force_login(region_staff)
    response = client.get(reverse("schools:registry"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "г. Таганрог" in page
    assert reverse("schools:registry_region", args=[taganrog.region_id]) in page
    assert "Козельский" not in page


def test_a_user_who_runs_nothing_is_told_so(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("schools:registry"))
    assert response.status_code == 403
    assert "нет муниципалитета, реестр которого вы ведёте" in response.content.decode()


def test_the_region_page_counts_schools_and_department_staff(client, region_staff, taganrog):
    client.force_login(region_staff)
    response = client.get(reverse("schools:registry_region", args=[taganrog.region_id]))
    row = next(m for m in response.context["municipalities"] if m.pk == taganrog.pk)
    assert row.school_count == Organisation.objects.schools().filter(municipality=taganrog).count()
    assert row.staff_count == 1  # uo
    assert "Добавить муниципалитет" in response.content.decode()


def test_region_staff_add_a_municipality_with_its_department(client, region_staff, taganrog):
    client.force_login(region_staff)
    url = reverse("schools:registry_municipality_create", args=[taganrog.region_id])
    data = {
        "name": "г. Азов",
        "timezone": "Europe/Moscow",
        "department_name": "Управление образования г. Азова",
    }
    response = client.post(url, data)
    azov = Municipality.objects.get(region=taganrog.region, name="г. Азов")
    assert response.url == reverse("schools:registry_municipality", args=[azov.pk])
    department = azov.organisations.get()
    assert (department.kind, department.name) == (
        Organisation.Kind.DEPARTMENT,
        "Управление образования г. Азова",
    )
    assert department.history.get().history_user == region_staff


def test_a_municipality_of_the_same_name_is_refused(client, region_staff, taganrog):
    client.force_login(region_staff)
    url = reverse("schools:registry_municipality_create", args=[taganrog.region_id])
    data = {"name": "г. Таганрог", "timezone": "Europe/Moscow", "department_name": "Управление"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "уже есть муниципалитет с таким названием" in response.content.decode()


def test_department_staff_do_not_run_the_region(client, staff, taganrog):
    client.force_login(staff)
    assert client.get(reverse("schools:registry_region", args=[taganrog.region_id])).status_code == 404


def test_the_municipality_page_shows_directors_statuses_pairs_and_coordinators(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]), {"year": 2026})
    page = response.content.decode()
    assert "Земляненко Н.В." in page  # the director of лицей № 7, who has a login not used yet
    lyceum = next(r for r in response.context["rows"] if r.school.name == "МОБУ лицей № 7")
    assert lyceum.stage == "invited" and "ещё не входил" in page
    row = next(r for r in response.context["rows"] if r.school.name == "МОБУ СОШ № 6")
    assert [badge for badge, _css, _label in row.statuses] == ["ШНОР"]
    assert [m.name for m in row.mentors] == ["МОБУ лицей № 7"]
    assert [c.full_name for c in row.coordinators] == ["Баркалова Е.В."]


def test_the_list_filters_by_status_and_searches_names_and_inn(client, staff, taganrog):
    client.force_login(staff)
    url = reverse("schools:registry_municipality", args=[taganrog.pk])
    rows = client.get(url, {"year": 2026, "status": SchoolStatus.Kind.LOW_RESULTS}).context["rows"]
    assert [r.school.name for r in rows] == ["МОБУ СОШ № 6"]
    Organisation.objects.filter(name="МОБУ СОШ № 16").update(inn="6154000016")
    assert [r.school.name for r in client.get(url, {"q": "61540000"}).context["rows"]] == ["МОБУ СОШ № 16"]
    assert [r.school.name for r in client.get(url, {"q": "лицей"}).context["rows"]] == ["МОБУ лицей № 7"]


def _more_schools(municipality, n: int) -> None:
    for i in range(n):
        school = Organisation.objects.create(
            region_id=municipality.region_id, municipality=municipality, name=f"МБОУ ООШ № {500 + i}"
        )
        Person.objects.create(organisation=school, full_name=f"Директоров {i} А.А.", is_head=True)
        SchoolStatus.objects.create(school=school, academic_year=2026, kind=SchoolStatus.Kind.RISK)
        MentorPair.objects.create(
            mentor=Organisation.objects.get(name="МОБУ лицей № 7"), mentee=school, academic_year=2026
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_the_municipality_page_costs_the_same_queries_whatever_its_rows(
    client, staff, taganrog, django_assert_max_num_queries, extra
):
    _more_schools(taganrog, extra)
    client.force_login(staff)
    url = reverse("schools:registry_municipality", args=[taganrog.pk])
    with django_assert_max_num_queries(22):
        response = client.get(url, {"year": 2026})
    assert len(response.context["rows"]) == 12 + extra


@pytest.mark.parametrize("extra", [0, 30])
def test_the_region_page_costs_the_same_queries_whatever_its_municipalities(
    client, region_staff, taganrog, django_assert_max_num_queries, extra
):
    for i in range(extra):
        m = Municipality.objects.create(region=taganrog.region, name=f"Район {i}")
        Organisation.objects.create(region=taganrog.region, municipality=m, name=f"Школа {i}")
        user = Membership.user.field.related_model.objects.create_user(f"staff-{i}")
        dep = Organisation.objects.create(
            region=taganrog.region, municipality=m, name=f"Отдел {i}", kind=Organisation.Kind.DEPARTMENT
        )
        Membership.objects.create(user=user, organisation=dep, role=Membership.Role.STAFF)
    client.force_login(region_staff)
    with django_assert_max_num_queries(10):
        client.get(reverse("schools:registry_region", args=[taganrog.region_id]))
    with django_assert_max_num_queries(10):
        client.get(reverse("schools:registry"))


def test_the_list_is_paged_by_fifty(client, staff, taganrog):
    _more_schools(taganrog, 45)
    client.force_login(staff)
    url = reverse("schools:registry_municipality", args=[taganrog.pk])
    first, second = client.get(url), client.get(url, {"page": 2})
    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 7)
    assert "Страница 1 из 2" in first.content.decode()


def test_the_registry_and_the_users_page_tell_the_same_of_each_director(client, staff, principal, taganrog):
    """One rule (``schools.adoption``): the badge beside each director on «Школы» and the stage
    of the same school on «Пользователи»."""
    from datetime import timedelta

    from django.utils import timezone

    from schools.invitations.queries import adoption_of
    from schools.models import Invitation, Membership, Organisation

    client.force_login(principal)  # МОБУ СОШ № 6's director has logged in
    Invitation.objects.create(
        email="makarenya@school16.ru",
        full_name="Макареня Н.П.",
        role=Membership.Role.PRINCIPAL,
        organisation=Organisation.objects.get(name="МОБУ СОШ № 16"),
        invited_by=staff,
        expires_at=timezone.now() + timedelta(days=7),
        token_hash="0" * 64,
    )
    client.force_login(staff)
    response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]))
    registry = {row.school.name: row.stage for row in response.context["rows"]}
    users = {row.school.name: row.stage for row in adoption_of(taganrog).rows}
    assert registry == users
    assert {registry["МОБУ СОШ № 6"], registry["МОБУ СОШ № 16"], registry["МОБУ СОШ № 20"]} == {
        "logged_in",
        "invited",
        "no_account",
    }
    page = response.content.decode()
    assert "входил " in page and "нет учётной записи" in page


def test_the_schools_come_in_the_order_people_count_them(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]))
    names = [row.school.name for row in response.context["rows"]]
    numbered = [n for n in names if n.startswith("МОБУ СОШ №")]
    assert numbered.index("МОБУ СОШ № 6") < numbered.index("МОБУ СОШ № 16") < numbered.index("МОБУ СОШ № 38")
    assert names.index("МАОУ СОШ № 39") < names.index("МОБУ СОШ № 6")  # the type of school first
