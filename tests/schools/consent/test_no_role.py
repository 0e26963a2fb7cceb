"""A user with no role lands on a page that says so and names whom to ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schools.models import ConsentAcceptance, Invitation, Membership, Organisation

pytestmark = pytest.mark.django_db

NO_ROLE = reverse("schools:no_role")
TAGANROG_DEPARTMENT = "Управление образования г. Таганрога"


@pytest.fixture(autouse=True)
def consent_off(settings):
    settings.PERSONAL_DATA_CONSENT_REQUIRED = False


def newcomer(django_user_model, email: str):
    return django_user_model.objects.create_user("novikov", email=email, password="x", last_name="Новиков")


def test_a_user_with_no_role_is_sent_from_home_to_the_page_that_says_so(client, django_user_model):
    client.force_login(newcomer(django_user_model, "novikov@mail.ru"))
    assert client.get(reverse("home"))["Location"] == NO_ROLE
    page = client.get(NO_ROLE).content.decode()
    assert "ещё не назначена роль" in page
    assert "Обратитесь в управление образования вашего муниципалитета" in page and "novikov" in page


def test_an_invitation_names_who_sent_it_and_the_staff_of_its_municipality(client, django_user_model, staff):
    user = newcomer(django_user_model, "Novikov@Example.org")
    Invitation.objects.create(
        email="novikov@example.org",
        full_name="Новиков",
        role=Membership.Role.PRINCIPAL,
        organisation=Organisation.objects.get(name="МОБУ СОШ № 6"),
        invited_by=staff,
        expires_at=timezone.now() + timedelta(days=3),
        token_hash="a" * 64,
    )
    client.force_login(user)
    page = client.get(NO_ROLE).content.decode()
    assert "Вас пригласили" in page and "Таганрог" in page
    assert "Яковенко Т.К." in page and staff.email in page and "отправил приглашение" in page


def test_an_email_domain_of_one_municipality_names_its_department_staff(client, django_user_model, staff):
    Organisation.objects.filter(name=TAGANROG_DEPARTMENT).update(email="uo@tagobr.example")
    client.force_login(newcomer(django_user_model, "novikov@tagobr.example"))
    page = client.get(NO_ROLE).content.decode()
    assert "Судя по адресу вашей электронной почты" in page and "Таганрог" in page
    assert "Яковенко Т.К." in page and "uo@example.org" in page
    assert "Митина" not in page  # the other municipality's staff


def test_a_domain_shared_by_several_municipalities_tells_nothing(client, django_user_model):
    # Both the Таганрог and the Козельск staff have addresses at example.org.
    client.force_login(newcomer(django_user_model, "novikov@example.org"))
    page = client.get(NO_ROLE).content.decode()
    assert "Обратитесь в управление образования вашего муниципалитета" in page


def test_the_page_costs_the_same_queries_whatever_the_number_of_staff(
    client, django_user_model, django_assert_max_num_queries
):
    Organisation.objects.filter(name=TAGANROG_DEPARTMENT).update(email="uo@tagobr.example")
    department = Organisation.objects.get(name=TAGANROG_DEPARTMENT)
    client.force_login(newcomer(django_user_model, "novikov@tagobr.example"))
    with django_assert_max_num_queries(12):
        client.get(NO_ROLE)
    for i in range(15):
        extra = django_user_model.objects.create_user(f"uo{i}", email=f"uo{i}@tagobr.example")
        Membership.objects.create(user=extra, organisation=department, role=Membership.Role.STAFF)
    with django_assert_max_num_queries(12):
        client.get(NO_ROLE)


@pytest.mark.parametrize(
    "persona", ["staff", "coordinator", "principal", "mentor", "region_viewer", "superuser"]
)
def test_a_user_with_a_role_never_lands_there(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    home = client.get(reverse("home"))
    assert home.status_code != 302 or home["Location"] != NO_ROLE
    assert client.get(NO_ROLE)["Location"] == reverse("home")


def test_the_whole_way_of_a_newcomer_consent_first_then_whom_to_ask(client, django_user_model, settings):
    settings.PERSONAL_DATA_CONSENT_REQUIRED = True
    user = newcomer(django_user_model, "novikov@mail.ru")
    user.set_password("пароль-новичка-2026")
    user.save()
    client.post(reverse("login"), {"username": "novikov", "password": "пароль-новичка-2026"})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("schools:consent"))
    form = response.context["form"]
    response = client.post(
        reverse("schools:consent"), {"text": form.initial["text"], "agree": "on", "next": "/"}, follow=True
    )
    assert [url for url, _ in response.redirect_chain] == ["/", NO_ROLE]
    assert ConsentAcceptance.objects.filter(user=user).count() == 1
    assert "ещё не назначена роль" in response.content.decode()


def test_a_user_with_no_role_is_not_shown_the_menu_of_pages_they_cannot_use(client, django_user_model, staff):
    client.force_login(newcomer(django_user_model, "nobody@example.org"))
    page = client.get(reverse("schools:no_role")).content.decode()
    assert "Выйти" in page
    for link in (
        reverse("roadmaps:roadmap_list"),
        reverse("monitoring:dashboard_home"),
        reverse("monitoring:notifications"),
    ):
        assert f'href="{link}"' not in page
    client.force_login(staff)
    page = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert f'href="{reverse("monitoring:dashboard_home")}"' in page
