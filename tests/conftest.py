"""Personas and the seeded database shared by the whole suite."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The five seed roadmaps and demo users, loaded once; each test runs in a
    # transaction that is rolled back, so tests see the seed data unchanged.
    with django_db_blocker.unblock():
        call_command("seed_demo", without_monitoring=True, stdout=io.StringIO())


def _user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def superuser(db):
    return _user("admin")


@pytest.fixture
def staff(db):
    """Department staff of Таганрог."""
    return _user("uo")


@pytest.fixture
def coordinator(db):
    return _user("coordinator")


@pytest.fixture
def principal(db):
    """Director of МОБУ СОШ № 6, a supervised school of Таганрог."""
    return _user("principal")


@pytest.fixture
def mentor(db):
    """Director of МОБУ лицей № 7, a Таганрог mentor school."""
    return _user("mentor")


@pytest.fixture
def outsider(db):
    """Staff of the Козельский district: must see nothing of Таганрог."""
    return _user("uo_kozelsk")


@pytest.fixture
def region_viewer(db):
    """Regional viewer of Ростовская область: reads the whole region, changes nothing."""
    return _user("region")
