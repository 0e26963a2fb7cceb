"""The consent to the processing of personal data: asked at the first login, recorded with its
date, time and address, not asked again, asked again after a new version, and declining logs out."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.consent.queries import current_text
from schools.consent.services import consent_text_publish
from schools.models import ConsentAcceptance, ConsentText

pytestmark = pytest.mark.django_db

PASSWORD = "пароль-для-проверки-2026"
CONSENT = reverse("schools:consent")


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        "sidorova", email="sidorova@example.org", password=PASSWORD, first_name="Анна", last_name="Сидорова"
    )


def asked(response, back: str) -> bool:
    return response.status_code == 302 and response["Location"] == f"{CONSENT}?{urlencode({'next': back})}"


def accept(client, back="/roadmaps/", ip="10.1.2.3"):
    text = current_text()
    return client.post(CONSENT, {"text": text.pk, "agree": "on", "next": back}, REMOTE_ADDR=ip)


def test_the_portal_has_a_consent_text_in_russian_from_the_start():
    text = current_text()
    assert text is not None
    for words in ("152-ФЗ", "фамилия, имя, отчество", "IP-адрес", "отозвано", "[наименование"):
        assert words in text.text


def test_the_first_login_leads_to_the_consent_and_back_to_the_page_asked_for(client, person):
    response = client.post(
        reverse("login"), {"username": "sidorova", "password": PASSWORD, "next": "/roadmaps/"}
    )
    assert response["Location"] == "/roadmaps/"
    assert asked(client.get("/roadmaps/"), "/roadmaps/")
    page = client.get(f"{CONSENT}?next=/roadmaps/").content.decode()
    assert "Я даю согласие на обработку моих персональных данных" in page
    assert "Не согласен" in page and "152-ФЗ" in page


def test_accepting_records_the_date_time_and_address_and_goes_on_to_next(client, person):
    client.force_login(person)
    before = timezone.now()
    response = accept(client, back="/roadmaps/?status=approved", ip="10.1.2.3")
    assert response.status_code == 302 and response["Location"] == "/roadmaps/?status=approved"
    [acceptance] = ConsentAcceptance.objects.filter(user=person)
    assert acceptance.text == current_text()
    assert before <= acceptance.accepted_at <= timezone.now()
    assert acceptance.address == "10.1.2.3"
    assert client.get("/roadmaps/").status_code == 200


def test_it_is_not_asked_again_even_in_a_new_session(client, person):
    client.force_login(person)
    accept(client)
    client.logout()
    client.force_login(person)
    assert client.get("/roadmaps/").status_code == 200
    accept(client)  # a second click changes nothing
    assert ConsentAcceptance.objects.filter(user=person).count() == 1


def test_without_the_tick_nothing_is_recorded(client, person):
    client.force_login(person)
    response = client.post(CONSENT, {"text": current_text().pk, "next": "/roadmaps/"})
    assert response.status_code == 400
    assert "Отметьте, что вы даёте согласие" in response.content.decode()
    assert not ConsentAcceptance.objects.filter(user=person).exists()


def test_a_foreign_next_is_not_followed(client, person):
    client.force_login(person)
    assert accept(client, back="https://evil.example/steal")["Location"] == "/"


def test_a_text_published_while_the_user_read_the_old_one_is_shown_first(
    client, person, superuser, django_capture_on_commit_callbacks
):
    client.force_login(person)
    old = current_text()
    with django_capture_on_commit_callbacks(execute=True):
        consent_text_publish(version=ConsentText(text=old.text + "\nДополнение."), by=superuser)
    response = client.post(CONSENT, {"text": old.pk, "agree": "on", "next": "/roadmaps/"})
    assert response.status_code == 200 and "Дополнение." in response.content.decode()
    assert not ConsentAcceptance.objects.filter(user=person).exists()


def test_a_new_version_is_asked_again(client, person, superuser, django_capture_on_commit_callbacks):
    client.force_login(person)
    accept(client)
    assert client.get("/roadmaps/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        consent_text_publish(version=ConsentText(text="Новая редакция согласия."), by=superuser)
    assert asked(client.get("/roadmaps/"), "/roadmaps/")
    accept(client)
    assert ConsentAcceptance.objects.filter(user=person).count() == 2


def test_declining_logs_out_and_says_why_and_whom_to_ask(client, person):
    client.force_login(person)
    response = client.post(CONSENT, {"decline": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    page = response.content.decode()
    assert "без него порталом пользоваться нельзя" in page
    assert "управление образования" in page
    assert "_auth_user_id" not in client.session
    assert not ConsentAcceptance.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("password_reset"),
        reverse("password_change"),
        reverse("schools:consent_text"),
        "/static/css/portal.css",
    ],
)
def test_the_consent_does_not_stand_before_leaving_the_passwords_and_static_files(client, person, url):
    client.force_login(person)
    response = client.get(url)
    assert not (response.status_code == 302 and response["Location"].startswith(CONSENT))


def test_logging_out_is_possible_without_consent(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 200 and "Вы вышли" in response.content.decode()


def test_an_htmx_request_is_refused_and_sent_to_the_consent_as_a_page(client, person):
    client.force_login(person)
    response = client.get(
        "/roadmaps/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/roadmaps/?q=1"}
    )
    assert response.status_code == 403
    assert "согласие на обработку персональных данных" in response.content.decode()
    assert response["HX-Redirect"] == f"{CONSENT}?{urlencode({'next': '/roadmaps/?q=1'})}"


def test_a_request_for_data_gets_a_refusal_not_a_page(client, person):
    client.force_login(person)
    response = client.get("/roadmaps/", headers={"Accept": "application/json"})
    assert response.status_code == 403


def test_a_form_sent_without_consent_comes_back_to_its_page(client, person):
    client.force_login(person)
    response = client.post(
        reverse("monitoring:notifications_read"), headers={"Referer": "http://testserver/roadmaps/"}
    )
    assert asked(response, "/roadmaps/")


def test_superusers_are_not_asked(client, superuser):
    client.force_login(superuser)
    assert client.get("/roadmaps/").status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_accepted_consent_costs_no_query_per_request(client, staff, settings):
    client.force_login(staff)
    accept(client)
    url = reverse("roadmaps:roadmap_list")
    client.get(url)  # the process reads the text in force once
    with CaptureQueriesContext(connection) as on:
        assert client.get(url).status_code == 200
    settings.PERSONAL_DATA_CONSENT_REQUIRED = False
    with CaptureQueriesContext(connection) as off:
        assert client.get(url).status_code == 200
    assert len(on) == len(off)


def test_the_text_page_shows_the_date_of_the_users_acceptance(client, person):
    client.force_login(person)
    assert "ещё не дали согласие" in client.get(reverse("schools:consent_text")).content.decode()
    accept(client)
    acceptance = ConsentAcceptance.objects.get(user=person)
    page = client.get(reverse("schools:consent_text")).content.decode()
    assert f"Вы дали согласие {timezone.localtime(acceptance.accepted_at):%d.%m.%Y в %H:%M}" in page


def test_the_consent_page_of_an_accepted_text_goes_on(client, person):
    client.force_login(person)
    accept(client)
    assert client.get(f"{CONSENT}?next=/roadmaps/")["Location"] == "/roadmaps/"
    assert client.get(CONSENT)["Location"] == reverse("schools:consent_text")


def test_the_login_page_links_to_the_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "Забыли пароль?" in page
    assert "Сброс пароля" in client.get(reverse("password_reset")).content.decode()
