from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Notification, NotificationSettings, ReminderPolicy
from monitoring.reminders.context_processors import notifications as notifications_context

pytestmark = pytest.mark.django_db

PAGE = reverse("monitoring:notifications")


def notify(user, n: int = 1, **fields) -> list[Notification]:
    return [
        Notification.objects.create(user=user, kind="due", title=f"Сегодня срок: дело {i}", url="/", **fields)
        for i in range(n)
    ]


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_user_sees_only_their_own_notifications_newest_first(client, principal, outsider):
    notify(principal, 2)
    Notification.objects.create(user=outsider, kind="due", title="Чужое уведомление")
    client.force_login(principal)
    page = client.get(PAGE).content.decode()
    assert "Чужое уведомление" not in page
    assert page.index("дело 1") < page.index("дело 0")
    assert "2 непрочитанных" in page and "list-group-item-primary" in page


def test_the_outsider_cannot_open_someone_elses_notification(client, principal, outsider):
    [theirs] = notify(principal)
    client.force_login(outsider)
    assert client.post(reverse("monitoring:notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, principal):
    [mine] = notify(principal)
    client.force_login(principal)
    response = client.post(reverse("monitoring:notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_mark_all_read_touches_only_the_users_own(client, principal, outsider):
    notify(principal, 3)
    [theirs] = notify(outsider)
    client.force_login(principal)
    assert client.get(reverse("monitoring:notifications_read")).status_code == 405
    response = client.post(reverse("monitoring:notifications_read"), follow=True)
    assert "Все уведомления отмечены как прочитанные" in response.content.decode()
    assert not Notification.objects.for_user(principal).unread().exists()
    assert Notification.objects.for_user(outsider).unread().get() == theirs


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client, principal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(principal)
    client.get(PAGE)
    notify(principal, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    notify(principal, 60, read_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        page = client.get(PAGE).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert "Страница 1 из 3" in page
    assert "Страница 3 из 3" in client.get(PAGE + "?page=3").content.decode()


def test_a_user_switches_the_weekly_digest_off_and_on(client, principal):
    client.force_login(principal)
    assert "checked" in client.get(PAGE).content.decode()
    response = client.post(reverse("monitoring:settings_update"), {}, follow=True)
    assert "Еженедельная сводка отключена" in response.content.decode()
    assert NotificationSettings.objects.get(user=principal).weekly_digest is False
    client.post(reverse("monitoring:settings_update"), {"weekly_digest": "on"})
    assert NotificationSettings.objects.get(user=principal).weekly_digest is True


def test_the_header_counter_counts_unread_notifications(principal, django_assert_num_queries):
    notify(principal, 2)
    notify(principal, 1, read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = principal
    context = notifications_context(request)
    with django_assert_num_queries(1):
        rendered = Template("{{ unread_notifications_count }}").render(Context(context))
    assert rendered == "2"


def test_the_admin_edits_an_organisations_reminder_offsets(admin_client):
    from schools.models import Organisation

    department = Organisation.objects.get(name="Управление образования г. Таганрога")
    response = admin_client.post(
        "/admin/monitoring/reminderpolicy/add/",
        {"organisation": department.pk, "days_before": "10, 5, 2", "send_hour": "8"},
    )
    assert response.status_code == 302
    assert ReminderPolicy.objects.get(organisation=department).offsets == (10, 5, 2)
    bad = admin_client.post(
        "/admin/monitoring/reminderpolicy/add/", {"organisation": department.pk, "days_before": "завтра"}
    )
    assert "Перечислите числа дней через запятую" in bad.content.decode()
