"""A director who typed a wrong password five times calls the department: «Пользователи» shows
the lockout and lifts it at once, instead of the half hour's wait or the superuser's admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schools.models import AccessEvent, Membership, Organisation
from tests.schools.invitations.conftest import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "верный-пароль-2026"


@pytest.fixture
def director(django_user_model):
    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    account = django_user_model.objects.create_user(
        "makarenya@school16.ru", password=PASSWORD, first_name="Н.П.", last_name="Макареня"
    )
    Membership.objects.create(user=account, organisation=school, role=Membership.Role.PRINCIPAL)
    return account, school


def login(username: str, password: str, ip: str = "10.0.0.1") -> int:
    return (
        Client()
        .post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)
        .status_code
    )


def lock_out(username: str) -> None:
    for _ in range(5):
        login(username, "не тот")
    assert login(username, PASSWORD) == 429


def unlock_url(account, school) -> str:
    return reverse("schools:user_unlock", args=[account.pk, school.pk])


def test_staff_see_the_lockout_and_lift_it_and_the_director_logs_in(client, staff, director):
    account, school = director
    lock_out("Makarenya@School16.ru")  # as typed: the lockout is the same login in any case
    client.force_login(staff)
    users = reverse("schools:users_municipality", args=[school.municipality_id])
    page = text_of(client.get(users))
    assert "Вход заблокирован" in page
    done = client.post(unlock_url(account, school), follow=True)
    assert "Макареня" in text_of(done) and "блокировка входа снята" in text_of(done)
    assert "Вход заблокирован" not in text_of(client.get(users))
    assert login("makarenya@school16.ru", PASSWORD) == 302
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.LOCKOUT_RESET)
    assert event.user == staff and event.object_pk == str(account.pk)


def test_nobody_else_lifts_it(client, outsider, principal, coordinator, director):
    account, school = director
    lock_out("makarenya@school16.ru")
    for user, status in ((outsider, 404), (principal, 404), (coordinator, 403)):
        client.force_login(user)
        assert client.post(unlock_url(account, school)).status_code == status, user
    assert login("makarenya@school16.ru", PASSWORD) == 429
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.LOCKOUT_RESET).exists()


def test_an_account_that_is_not_locked_is_told_so(client, staff, director):
    account, school = director
    client.force_login(staff)
    done = client.post(unlock_url(account, school), follow=True)
    assert "вход не был заблокирован" in text_of(done)
