"""Password reset: a link by mail that works once, the same answer whatever the address, and
limits per address typed and per client, every request in the access log."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from schools.accounts import password_reset_allowed
from schools.models import AccessEvent

pytestmark = pytest.mark.django_db

EMAIL = "ivanova@example.org"
NEW_PASSWORD = "новый-пароль-2026"


@pytest.fixture
def mail(sink, settings):
    """The real SMTP sink, and the reset mail's task run in this process even when the
    PostgreSQL/Redis pass points Celery at Redis (no worker runs there for it)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    yield sink
    app.conf.task_always_eager = previous


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "ivanova", email=EMAIL, password="старый-пароль-2024", first_name="Анна", last_name="Иванова"
    )


def ask(client, email, ip="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def answer(client, response) -> tuple[int, str, str]:
    """What the person sees: the status, where it sends them and the text of that page."""
    page = client.get(response["Location"])
    main = re.search(r"<main.*?</main>", page.content.decode(), re.S).group(0)
    return response.status_code, response["Location"], re.sub(r"<[^>]+>|\s+", " ", main).strip()


def link_in(message) -> str:
    return re.search(r"https?://\S+/reset/\S+/", message.get_content()).group(0)


def test_a_known_address_gets_one_mail_whose_link_sets_a_new_password_once(client, mail, user, settings):
    settings.SITE_URL = "https://roadmaps.example.ru"
    response = ask(client, EMAIL)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [message] = mail.wait_for(1)
    assert message["To"] == EMAIL
    # The parser keeps the space of a folded encoded header: compare words.
    assert " ".join(str(message["Subject"]).split()) == "Сброс пароля на портале «Дорожные карты»"
    text = message.get_content()
    assert "Здравствуйте, Иванова Анна!" in text and "«ivanova»" in text and "3 дня" in text
    # The link is the portal's address, never the Host header the request came with.
    link = link_in(message)
    assert link.startswith("https://roadmaps.example.ru/accounts/reset/")

    form_page = client.get(urlsplit(link).path, follow=True)
    assert "Новый пароль" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert "Новый пароль сохранён" in client.get(done["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    again = client.get(urlsplit(link).path, follow=True).content.decode()
    assert "Ссылка недействительна" in again and "уже использована или устарела" in again
    assert reverse("password_reset") in again and 'name="new_password1"' not in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mail, user):
    known = answer(client, ask(client, EMAIL))
    unknown = answer(client, ask(client, "nobody@example.org"))
    assert unknown == known
    assert "Проверьте почту" in unknown[2]
    assert len(mail.wait_for(1)) == 1
    assert mail.to("nobody@example.org") == []


def test_after_the_limit_the_known_address_gets_no_more_mail_but_the_same_answer(
    client, mail, user, settings
):
    assert settings.PASSWORD_RESET_LIMIT_PER_EMAIL == 3
    answers = [answer(client, ask(client, EMAIL, ip=f"10.0.0.{i}")) for i in range(3)]
    mail.wait_for(3)
    # Another client, the address typed otherwise: the same address, the same count.
    answers.append(answer(client, ask(client, " IVANOVA@Example.org ", ip="10.9.9.9")))
    assert len(set(answers)) == 1
    assert len(mail.wait_for(4, timeout=2)) == 3


def test_the_limit_opens_again_when_the_window_has_passed(user, settings):
    later = timezone.now() + timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES + 1)
    for _ in range(3):
        AccessEvent.objects.create(kind=AccessEvent.Kind.PASSWORD_RESET, username=EMAIL, address="10.0.0.1")
    assert not password_reset_allowed(email=EMAIL, address="10.0.0.2")
    assert password_reset_allowed(email=EMAIL, address="10.0.0.2", now=later)


def test_one_client_address_may_ask_only_so_many_times(client, mail, user, settings, django_user_model):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    django_user_model.objects.create_user("petrov", email="petrov@example.org", password="x-2024-пароль")
    first = [answer(client, ask(client, f"someone{i}@example.org", ip="10.1.1.1")) for i in range(3)]
    limited = answer(client, ask(client, "petrov@example.org", ip="10.1.1.1"))
    assert limited == first[0]
    assert mail.wait_for(1, timeout=2) == []
    # The same request from another address sends the mail.
    ask(client, "petrov@example.org", ip="10.2.2.2")
    assert [m["To"] for m in mail.wait_for(1)] == ["petrov@example.org"]


def test_the_client_address_behind_a_trusted_proxy_is_the_forwarded_one(client, mail, user, settings):
    settings.TRUSTED_PROXIES = ["192.0.2.10"]
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    forwarded = {"REMOTE_ADDR": "192.0.2.10"}
    client.post(
        reverse("password_reset"), {"email": "a@example.org"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **forwarded
    )
    # Another client behind the same proxy is not held back by the first one's request.
    client.post(reverse("password_reset"), {"email": EMAIL}, HTTP_X_FORWARDED_FOR="203.0.113.6", **forwarded)
    assert len(mail.wait_for(1)) == 1
    addresses = set(AccessEvent.objects.values_list("address", flat=True))
    assert addresses == {"203.0.113.5", "203.0.113.6"}


def test_each_request_is_in_the_access_log(client, mail, user, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    ask(client, EMAIL, ip="10.0.0.7")
    ask(client, "nobody@example.org", ip="10.0.0.7")
    ask(client, EMAIL.upper(), ip="10.0.0.7")
    events = AccessEvent.objects.filter(kind=AccessEvent.Kind.PASSWORD_RESET).order_by("at", "pk")
    assert [(e.username, e.address, e.user) for e in events] == [
        (EMAIL, "10.0.0.7", None),
        ("nobody@example.org", "10.0.0.7", None),
        (EMAIL, "10.0.0.7", None),
    ]
    assert [e.detail for e in events] == [
        f"Сброс пароля для {EMAIL}: отправлено письмо со ссылкой",
        "Сброс пароля для nobody@example.org: адрес не найден у активных пользователей, письмо не отправлено",
        f"Сброс пароля для {EMAIL}: превышен лимит запросов, письмо не отправлено",
    ]


def test_a_mail_server_that_refuses_changes_nothing_in_the_answer(client, mail, user):
    unknown = answer(client, ask(client, "nobody@example.org"))
    mail.refuse_to = {EMAIL}
    assert answer(client, ask(client, EMAIL)) == unknown


def test_an_address_that_is_not_an_address_is_asked_again_in_russian(client, mail):
    response = client.post(reverse("password_reset"), {"email": "не адрес"})
    assert response.status_code == 200
    assert "Введите правильный адрес электронной почты." in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_the_login_page_links_to_the_reset_page_and_back(client):
    login = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">Забыли пароль?</a>' in login
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert f'href="{reverse("login")}"' in client.get(reverse(name)).content.decode()


def test_the_reset_pages_are_the_portals_own_in_russian(client):
    form = client.get(reverse("password_reset")).content.decode()
    assert '<html lang="ru">' in form and "Сброс пароля" in form and "Получить ссылку" in form
    # Nothing the Content-Security-Policy forbids: no inline script, no on*= handlers.
    assert "Django" not in form and not re.search(r"<script>|\son[a-z]+=", form)
    invalid = client.get(reverse("password_reset_confirm", args=["MQ", "set-password"])).content.decode()
    assert "Ссылка недействительна" in invalid and '<html lang="ru">' in invalid
