"""Logins: the lockout after repeated wrong passwords (django-axes), per account and address."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "верный-пароль-2024"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("ivanova", password=PASSWORD, is_staff=True)


def post_login(client, url, username, password, ip="10.0.0.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_five_wrong_passwords_lock_the_right_one_out(client, user, url):
    for _ in range(4):
        assert post_login(client, url, "ivanova", "не тот").status_code == 200
    # The fifth wrong password already answers with the lockout page.
    assert post_login(client, url, "ivanova", "не тот").status_code == 429
    response = post_login(client, url, "ivanova", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Вход временно заблокирован" in html and "30 мин." in html
    assert f'href="{reverse("password_reset")}"' in html  # a forgotten password has a way out
    assert "_auth_user_id" not in client.session


def test_one_users_failures_do_not_lock_a_colleague_at_the_same_address(client, user, django_user_model):
    django_user_model.objects.create_user("petrov", password=PASSWORD)
    for _ in range(6):
        post_login(client, reverse("login"), "ivanova", "не тот")
    assert post_login(client, reverse("login"), "petrov", PASSWORD).status_code == 302


def test_the_same_account_from_another_address_is_not_locked(client, user):
    for _ in range(6):
        post_login(client, reverse("login"), "ivanova", "не тот")
    assert post_login(client, reverse("login"), "ivanova", PASSWORD, ip="10.0.0.2").status_code == 302


def test_a_successful_login_clears_the_failures(client, user):
    for _ in range(4):
        post_login(client, reverse("login"), "ivanova", "не тот")
    assert post_login(client, reverse("login"), "ivanova", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        post_login(client, reverse("login"), "ivanova", "не тот")
    assert post_login(client, reverse("login"), "ivanova", PASSWORD).status_code == 302


def test_staff_unlock_with_the_command(client, user):
    for _ in range(5):
        post_login(client, reverse("login"), "ivanova", "не тот")
    assert AccessAttempt.objects.filter(username="ivanova").exists()
    call_command("axes_reset_username", "ivanova")
    assert post_login(client, reverse("login"), "ivanova", PASSWORD).status_code == 302


def test_the_address_is_remote_addr_unless_the_proxy_is_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_client_ip_address(request) == "192.0.2.10"
    with override_settings(TRUSTED_PROXIES=["192.0.2.10"]):
        assert get_client_ip_address(request) == "203.0.113.5"
        # What the client wrote left of the proxy's own entry is not believed.
        forged = RequestFactory().get(
            "/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5"
        )
        assert get_client_ip_address(forged) == "203.0.113.5"


def test_a_trusted_proxy_may_be_named_by_its_network():
    """docker-compose trusts the proxy by the compose network's subnet: its address there is
    not fixed. A header that is not an address is not believed."""
    request = RequestFactory().get("/", REMOTE_ADDR="172.30.0.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    with override_settings(TRUSTED_PROXIES=["172.30.0.0/24"]):
        assert get_client_ip_address(request) == "203.0.113.5"
        garbage = RequestFactory().get("/", REMOTE_ADDR="172.30.0.7", HTTP_X_FORWARDED_FOR="<script>")
        assert get_client_ip_address(garbage) == "172.30.0.7"
    outside = RequestFactory().get("/", REMOTE_ADDR="172.31.0.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    with override_settings(TRUSTED_PROXIES=["172.30.0.0/24"]):
        assert get_client_ip_address(outside) == "172.31.0.7"
