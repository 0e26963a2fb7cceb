"""The access log: each event is recorded by the path a user takes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from schools.models import AccessEvent
from schools.tasks import purge_access_events

pytestmark = pytest.mark.django_db


def test_a_wrong_then_right_password_and_a_logout_are_recorded(client, principal):
    principal.set_password("Верный-пароль-2026")
    principal.save()
    client.post("/accounts/login/", {"username": "principal", "password": "неверный"})
    client.post("/accounts/login/", {"username": "principal", "password": "Верный-пароль-2026"})
    client.post("/accounts/logout/")
    events = list(AccessEvent.objects.order_by("at", "pk").values_list("kind", "username", "address"))
    assert events == [
        (AccessEvent.Kind.LOGIN_FAILED, "principal", "127.0.0.1"),
        (AccessEvent.Kind.LOGIN, "principal", "127.0.0.1"),
        (AccessEvent.Kind.LOGOUT, "principal", "127.0.0.1"),
    ]


def test_the_purge_deletes_only_events_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old = AccessEvent.objects.create(kind=AccessEvent.Kind.LOGIN, at=now - timedelta(days=31))
    kept = AccessEvent.objects.create(kind=AccessEvent.Kind.LOGIN, at=now - timedelta(days=29))
    assert purge_access_events() == 1
    assert list(AccessEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessEvent.objects.filter(pk=old.pk).exists()


def test_the_superuser_reads_the_log_in_russian_and_staff_cannot(client, superuser, staff):
    AccessEvent.objects.create(
        kind=AccessEvent.Kind.LOGIN_FAILED, username="ivanov", detail="Неверный логин или пароль"
    )
    client.force_login(superuser)
    page = client.get("/admin/schools/accessevent/").content.decode()
    assert "Неудачный вход" in page and "ivanov" in page
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/schools/accessevent/").status_code == 403
