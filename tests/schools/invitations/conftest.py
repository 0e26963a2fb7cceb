"""The invitations' tests: Таганрог's department invites, mail goes to the real SMTP sink."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from config.celery import app
from schools.models import Municipality, Organisation

TAGANROG_DEPARTMENT = "Управление образования г. Таганрога"


@pytest.fixture
def mail(sink, settings):
    """The real SMTP sink, and the invitation's task run in this process even when the
    PostgreSQL/Redis pass points Celery at Redis (no worker runs there for it)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://roadmaps.example.ru"
    yield sink
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def taganrog(db) -> Municipality:
    return Organisation.objects.get(name=TAGANROG_DEPARTMENT).municipality


@pytest.fixture
def department(db) -> Organisation:
    return Organisation.objects.get(name=TAGANROG_DEPARTMENT)


@pytest.fixture
def school16(taganrog) -> Organisation:
    return Organisation.objects.get(name="МОБУ СОШ № 16", municipality=taganrog)


def link_in(message) -> str:
    return re.search(
        r"https?://\S+/schools/users/invite/\S+/", message.get_body(("plain",)).get_content()
    ).group(0)


def path_of(link: str) -> str:
    return urlsplit(link).path


def text_of(response) -> str:
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r"<[^>]+>|\s+", " ", main).replace("&quot;", '"')
