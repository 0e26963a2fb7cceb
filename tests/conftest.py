"""Personas and the seeded database shared by the whole suite."""

from __future__ import annotations

import asyncio
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from tests.smtp import SmtpSink


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` run in the PostgreSQL pass of .ci/run; on SQLite they are
    deselected (not skipped: they are not meant to run there)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, for the tests that ask for one.

    1. The five seed roadmaps and demo users, loaded once; each test runs in a transaction
       that is rolled back, so tests see the seed data unchanged.
    2. When the run ends, whatever still holds the PostgreSQL test database is ended, so that
       it can be dropped: a live-server request thread of the browser tests can keep its
       connection after its last request, and pytest then warns that ``test_test`` "is being
       accessed by other users" and leaves it behind.
    """
    with django_db_blocker.unblock():
        call_command(
            "seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO()
        )
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


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


@pytest.fixture
def region_staff(db):
    """Region staff of Минобразование Ростовской области: run every municipality of the region
    (Таганрог among them), its schools and its people; see nothing of another region."""
    return _user("region_staff")


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()
    asyncio.set_event_loop(None)


@pytest.fixture
def sink(smtp_sink):
    smtp_sink.reset()
    yield smtp_sink
    smtp_sink.reset()


@pytest.fixture
def revising(db):
    """The approved seed roadmaps with a revision open («Внести изменения»), as staff edit them."""
    from roadmaps.models import Roadmap
    from roadmaps.services.approval import roadmap_revision_open

    by = _user("admin")
    for roadmap in Roadmap.objects.filter(status=Roadmap.Status.APPROVED, open_revision__isnull=True):
        roadmap_revision_open(roadmap=roadmap, by=by)
