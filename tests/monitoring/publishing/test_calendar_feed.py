"""The calendar feed: an iCalendar file of a user's deadlines at a secret, revocable URL."""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from monitoring.models import CalendarFeed
from monitoring.publishing.calendar import calendar_events, calendar_feed_create
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap, TrashEntry
from schools.models import CoordinatorAssignment, Organisation, Person, academic_year_bounds, academic_year_of

pytestmark = pytest.mark.django_db

UID = re.compile(r"window-(\d+)-executor-(\d+)@")


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def school6_roadmap():
    return Roadmap.objects.get(source_key="demo_school6_antirisk")


@pytest.fixture
def today(taganrog):
    return timezone.localtime(timezone=zoneinfo.ZoneInfo(taganrog.owner.municipality.timezone)).date()


def school(name: str) -> Organisation:
    return Organisation.objects.get(name=name, municipality__name="г. Таганрог")


@pytest.fixture
def deadlines_now(taganrog, today):
    """Taganrog's windows ended in 2023, outside any feed: give each row a window in ten days,
    and make МАОУ СОШ № 12 and the department executors of row 1 as well."""
    DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=a, start=today, end=today + timedelta(days=10))
        for a in taganrog.activities.all()
    )
    first = taganrog.activities.get(number="1.", section__order=taganrog.sections.order_by("order")[0].order)
    Executor.objects.create(
        activity=first, kind="school", label="МАОУ СОШ № 12", organisation=school("МАОУ СОШ № 12")
    )
    Executor.objects.create(
        activity=first, kind="organisation", label="Управление образования", organisation=taganrog.owner
    )
    return taganrog


def fetch(client, user) -> tuple[CalendarFeed, Calendar]:
    feed = calendar_feed_create(user=user)
    response = client.get(reverse("monitoring:calendar_feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return feed, Calendar.from_ical(response.content)


def pairs(calendar: Calendar) -> set[tuple[int, int]]:
    return {tuple(map(int, UID.search(str(e["UID"])).groups())) for e in calendar.walk("VEVENT")}


def events_by_pair(calendar: Calendar) -> dict[tuple[int, int], object]:
    return {tuple(map(int, UID.search(str(e["UID"])).groups())): e for e in calendar.walk("VEVENT")}


def expected_pairs(executors, today, year: int | None = None) -> set[tuple[int, int]]:
    """The live windows of approved roadmaps in the feed's range (``year``: ending in that
    academic year) for these executors."""
    windows = DeadlineWindow.objects.filter(
        is_cancelled=False,
        activity__roadmap__status=Roadmap.Status.APPROVED,
        activity__trash__isnull=True,
        end__gte=today - timedelta(days=365),
        end__lte=today + timedelta(days=730),
    )
    if year is not None:
        windows = windows.filter(end__range=academic_year_bounds(year))
    executors = [e for e in executors if not e.is_dropped]
    return {(w.pk, e.pk) for e in executors for w in windows.filter(activity=e.activity_id)}


def test_the_principal_feed_holds_the_school_deadlines_on_the_right_days(
    client, principal, school6_roadmap, deadlines_now, today
):
    _, calendar = fetch(client, principal)
    six = school("МОБУ СОШ № 6")
    # The school's rows, and the people of the school named without a login of their own.
    nobody_to_log_in = Q(person__isnull=True) | Q(person__user__isnull=True)
    mine = Executor.objects.filter(Q(organisation=six) & nobody_to_log_in | Q(person__user=principal))
    expected = expected_pairs(mine, today)
    assert len(expected) >= 10
    assert pairs(calendar) == expected
    for (window_id, _), event in events_by_pair(calendar).items():
        window = DeadlineWindow.objects.get(pk=window_id)
        assert event.decoded("DTSTART") == window.end
        assert event.decoded("DTEND") == window.end + timedelta(days=1)
        assert str(event["SUMMARY"]).lstrip("✓ ").startswith("Срок: ")
        assert event["DTSTAMP"] is not None
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Moscow"
    assert "Дорожные карты" in str(calendar["X-WR-CALNAME"])


def test_no_other_school_is_in_the_principal_feed(client, principal, deadlines_now):
    _, calendar = fetch(client, principal)
    executor_ids = {executor for _, executor in pairs(calendar)}
    assert executor_ids
    six = school("МОБУ СОШ № 6")
    for executor in Executor.objects.filter(pk__in=executor_ids):
        assert executor.organisation_id == six.pk or executor.person.user == principal
    twelve = Executor.objects.get(organisation=school("МАОУ СОШ № 12"), activity__roadmap=deadlines_now)
    assert twelve.pk not in executor_ids


def test_an_event_tells_the_deadline_the_roadmap_and_links_to_the_activity(
    client, principal, school6_roadmap, deadlines_now
):
    _, calendar = fetch(client, principal)
    for (window_id, _), event in events_by_pair(calendar).items():
        activity = Activity.objects.select_related("roadmap").get(windows=window_id)
        description = str(event["DESCRIPTION"])
        link = f"http://testserver/roadmaps/activities/{activity.pk}/"
        assert link in description and str(event["URL"]) == link
        assert activity.roadmap.title in description
        if activity.deadline_text:
            assert activity.deadline_text in description
        number = activity.number.rstrip(".")
        assert str(event["SUMMARY"]).lstrip("✓ ").startswith(f"Срок: {number}")


def school6_executor(roadmap) -> Executor:
    return Executor.objects.filter(
        activity__roadmap=roadmap, organisation=school("МОБУ СОШ № 6"), person=None
    ).first()


def test_done_windows_are_ticked_and_cancelled_ones_left_out(client, principal, school6_roadmap, today):
    executor = school6_executor(school6_roadmap)
    done, returned, cancelled, open_, returned_ahead = DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=executor.activity, start=None, end=today + timedelta(days=days))
        for days in [-30, -20, 15, 25, 35]
    )
    CompletionMark.objects.create(executor=executor, window=done, status="done", completed_on=done.end)
    for window in (returned, returned_ahead):
        CompletionMark.objects.create(
            executor=executor,
            window=window,
            status="done",
            completed_on=today - timedelta(days=21),
            review="returned",
            reviewed_at=timezone.now(),
        )
    DeadlineWindow.objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    _, calendar = fetch(client, principal)
    events = events_by_pair(calendar)
    assert str(events[(done.pk, executor.pk)]["SUMMARY"]).startswith("✓ Срок:")
    assert "Отмечено выполненным" in str(events[(done.pk, executor.pk)]["DESCRIPTION"])
    assert str(events[(returned.pk, executor.pk)]["SUMMARY"]).startswith("Срок:")
    assert "Отметка возвращена на доработку" in str(events[(returned.pk, executor.pk)]["DESCRIPTION"])
    assert str(events[(open_.pk, executor.pk)]["SUMMARY"]).startswith("Срок:")
    assert "возвращена" not in str(events[(open_.pk, executor.pk)]["DESCRIPTION"])
    assert (cancelled.pk, executor.pk) not in events


def test_a_returned_mark_is_owed_again_and_reads_returned(client, principal, school6_roadmap, today):
    executor = school6_executor(school6_roadmap)
    overdue, running = DeadlineWindow.objects.bulk_create(
        [
            DeadlineWindow(
                activity=executor.activity, start=today - timedelta(days=30), end=today - timedelta(days=5)
            ),
            DeadlineWindow(activity=executor.activity, start=today - timedelta(days=5), end=today),
        ]
    )
    for window in (overdue, running):
        CompletionMark.objects.create(
            executor=executor,
            window=window,
            status="done",
            completed_on=today - timedelta(days=6),
            review="returned",
            reviewed_at=timezone.now(),
        )
    events = {(e.window_id, e.executor_id): e for e in calendar_events(principal, today)}
    for window, label in [(overdue, "Просрочено, возвращено"), (running, "В работе, возвращено")]:
        event = events[(window.pk, executor.pk)]
        assert (event.is_done, event.returned, event.done_on, event.reading.label) == (
            False,
            True,
            None,
            label,
        )
    _, calendar = fetch(client, principal)
    assert not str(events_by_pair(calendar)[(running.pk, executor.pk)]["SUMMARY"]).startswith("✓")
    # The settings page lists the nearest open deadlines: the one ending today first.
    client.force_login(principal)
    calendar_feed_create(user=principal)
    page = client.get(reverse("monitoring:calendar_settings")).content.decode()
    assert "В работе, возвращено" in page


def test_a_mark_dated_after_today_is_not_ticked_yet(client, principal, school6_roadmap, today):
    executor = school6_executor(school6_roadmap)
    window = DeadlineWindow.objects.create(
        activity=executor.activity, start=None, end=today + timedelta(days=20)
    )
    CompletionMark.objects.create(
        executor=executor, window=window, status="done", completed_on=today + timedelta(days=3)
    )
    _, calendar = fetch(client, principal)
    assert str(events_by_pair(calendar)[(window.pk, executor.pk)]["SUMMARY"]).startswith("Срок:")


def test_a_dropped_executor_and_a_row_in_the_trash_owe_nothing(
    client, principal, staff, school6_roadmap, today
):
    executor = school6_executor(school6_roadmap)
    window = DeadlineWindow.objects.create(
        activity=executor.activity, start=None, end=today + timedelta(days=20)
    )
    other = (
        Executor.objects.filter(
            activity__roadmap=school6_roadmap, organisation=executor.organisation, person=None
        )
        .exclude(activity=executor.activity)
        .first()
    )
    other_window = DeadlineWindow.objects.create(
        activity=other.activity, start=None, end=today + timedelta(days=20)
    )
    _, calendar = fetch(client, principal)
    assert {(window.pk, executor.pk), (other_window.pk, other.pk)} <= pairs(calendar)
    Executor.objects.filter(pk=executor.pk).update(is_dropped=True)
    entry = TrashEntry.objects.create(roadmap=school6_roadmap, label="Строка", deleted_by=staff)
    Activity.with_trash.filter(pk=other.activity_id).update(trash=entry)
    _, calendar = fetch(client, principal)
    left = {executor for _, executor in pairs(calendar)}
    assert executor.pk not in left and other.pk not in left


def test_the_coordinator_feed_holds_the_schools_assigned_for_the_year(
    client, coordinator, school6_roadmap, deadlines_now, today
):
    """The seed assigns her МОБУ СОШ № 6 this academic year and МАОУ СОШ № 12 (with the other
    supervised schools) in 2022/2023 only."""
    six = school("МОБУ СОШ № 6")
    this_year = academic_year_of(today)
    _, calendar = fetch(client, coordinator)
    events = events_by_pair(calendar)
    six_rows = Executor.objects.filter(organisation=six)
    assert expected_pairs(six_rows, today, this_year) <= set(events)
    school_rows = {e.pk for e in six_rows if e.person_id is None}
    watched = [event for (_, executor), event in events.items() if executor in school_rows]
    name = six.short_name or six.name
    assert watched and all(str(event["SUMMARY"]).endswith(f"— {name}") for event in watched)
    twelve = Executor.objects.get(organisation=school("МАОУ СОШ № 12"), activity__roadmap=deadlines_now)
    assert twelve.pk not in {executor for _, executor in events}
    # And what she must do herself, by name: most Taganrog rows name Баркалова Е.В.
    own = Executor.objects.filter(person__user=coordinator)
    assert expected_pairs(own, today) <= set(events)


def test_a_coordinator_watches_a_school_only_in_the_years_of_the_assignment(
    client, coordinator, school6_roadmap, deadlines_now, today
):
    twelve = Executor.objects.get(organisation=school("МАОУ СОШ № 12"), activity__roadmap=deadlines_now)
    this_year = academic_year_of(today)
    next_year_window = DeadlineWindow.objects.create(
        activity=twelve.activity, start=None, end=academic_year_bounds(this_year + 1)[0] + timedelta(days=30)
    )
    barkalova = Person.objects.get(user=coordinator)
    CoordinatorAssignment.objects.create(
        coordinator=barkalova, school=twelve.organisation, academic_year=this_year
    )
    _, calendar = fetch(client, coordinator)
    watched = {window for window, executor in pairs(calendar) if executor == twelve.pk}
    assert watched == {w for w, _ in expected_pairs([twelve], today, this_year)} and watched
    assert next_year_window.pk not in watched
    CoordinatorAssignment.objects.create(
        coordinator=barkalova, school=twelve.organisation, academic_year=this_year + 1
    )
    _, calendar = fetch(client, coordinator)
    assert next_year_window.pk in {window for window, executor in pairs(calendar) if executor == twelve.pk}


def test_the_staff_feed_holds_what_the_department_must_do(client, staff, deadlines_now, today):
    _, calendar = fetch(client, staff)
    # The department's own rows, and its people named without a login of their own.
    department = Executor.objects.filter(organisation=deadlines_now.owner).filter(
        Q(person__isnull=True) | Q(person__user__isnull=True)
    )
    own = Executor.objects.filter(person__user=staff)
    assert pairs(calendar) == expected_pairs(department, today) | expected_pairs(own, today)
    assert len(pairs(calendar)) >= 2


def test_the_outsider_feed_holds_nothing_of_taganrog(client, outsider, deadlines_now, today):
    kozelsk = Roadmap.objects.get(source_key="003_kozelsk")
    DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=a, start=None, end=today + timedelta(days=3))
        for a in kozelsk.activities.all()
    )
    feed = calendar_feed_create(user=outsider)
    body = client.get(reverse("monitoring:calendar_feed", args=[feed.token])).content.decode()
    calendar = Calendar.from_ical(body)
    assert calendar.walk("VEVENT"), "the outsider has deadlines of their own"
    assert "Таганрог" not in body
    taganrog_windows = set(
        DeadlineWindow.objects.filter(activity__roadmap=deadlines_now).values_list("pk", flat=True)
    )
    assert not {window for window, _ in pairs(calendar)} & taganrog_windows


def test_a_revoked_url_answers_404_at_once(client, principal):
    client.force_login(principal)
    client.post(reverse("monitoring:calendar_create"))
    old = CalendarFeed.objects.get(user=principal, revoked_at=None)
    old_url = reverse("monitoring:calendar_feed", args=[old.token])
    assert client.get(old_url).status_code == 200
    client.post(reverse("monitoring:calendar_renew"))
    assert client.get(old_url).status_code == 404
    new = CalendarFeed.objects.get(user=principal, revoked_at=None)
    assert new.token != old.token
    assert client.get(reverse("monitoring:calendar_feed", args=[new.token])).status_code == 200
    client.post(reverse("monitoring:calendar_revoke"))
    assert client.get(reverse("monitoring:calendar_feed", args=[new.token])).status_code == 404
    assert not CalendarFeed.objects.filter(user=principal, revoked_at=None).exists()


def test_an_unknown_token_answers_404(client):
    assert client.get(reverse("monitoring:calendar_feed", args=["not-a-token"])).status_code == 404


def test_the_feed_of_a_deactivated_user_answers_404(client, principal):
    feed = calendar_feed_create(user=principal)
    principal.is_active = False
    principal.save()
    assert client.get(reverse("monitoring:calendar_feed", args=[feed.token])).status_code == 404


def test_creating_twice_keeps_one_live_feed(client, principal):
    client.force_login(principal)
    client.post(reverse("monitoring:calendar_create"))
    client.post(reverse("monitoring:calendar_create"))
    assert CalendarFeed.objects.filter(user=principal, revoked_at=None).count() == 1


def test_the_settings_page_shows_both_urls_and_the_instructions(client, principal):
    client.force_login(principal)
    page = client.get(reverse("monitoring:calendar_settings")).content.decode()
    assert "Создать ссылку на календарь" in page
    client.post(reverse("monitoring:calendar_create"))
    feed = CalendarFeed.objects.get(user=principal, revoked_at=None)
    page = client.get(reverse("monitoring:calendar_settings")).content.decode()
    assert f"webcal://testserver/calendar/{feed.token}.ics" in page
    assert f"http://testserver/calendar/{feed.token}.ics" in page
    for name in ["Outlook", "Яндекс Календарь", "Google Календарь"]:
        assert name in page
    assert "Отозвать и выпустить новую" in page


def test_the_settings_page_needs_a_login_and_writes_need_post(client, principal):
    response = client.get(reverse("monitoring:calendar_settings"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(principal)
    for name in ["calendar_create", "calendar_renew", "calendar_revoke"]:
        assert client.get(reverse(f"monitoring:{name}")).status_code == 405


def test_last_used_is_noted_at_most_hourly(client, principal):
    feed = calendar_feed_create(user=principal)
    url = reverse("monitoring:calendar_feed", args=[feed.token])
    client.get(url)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None
    client.get(url)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=first - timedelta(hours=2))
    client.get(url)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at > first - timedelta(hours=2)


def add_windows(roadmap, count: int, today) -> None:
    activities = list(roadmap.activities.filter(executors__organisation__name="МОБУ СОШ № 6").distinct())
    DeadlineWindow.objects.bulk_create(
        DeadlineWindow(
            activity=activities[i % len(activities)], start=None, end=today + timedelta(days=40 + i)
        )
        for i in range(count)
    )


@pytest.mark.parametrize("persona", ["principal", "coordinator", "staff"])
def test_the_feed_asks_a_fixed_number_of_queries(
    client, request, persona, school6_roadmap, deadlines_now, today, django_assert_max_num_queries
):
    feed = calendar_feed_create(user=request.getfixturevalue(persona))
    url = reverse("monitoring:calendar_feed", args=[feed.token])
    with django_assert_max_num_queries(8):
        small = client.get(url)
    add_windows(school6_roadmap, 200, today)
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=None)
    with django_assert_max_num_queries(8):
        large = client.get(url)
    if persona != "staff":
        grown = len(Calendar.from_ical(large.content).walk("VEVENT"))
        assert grown >= len(Calendar.from_ical(small.content).walk("VEVENT")) + 200


def test_the_settings_page_asks_a_fixed_number_of_queries(
    client, principal, school6_roadmap, today, django_assert_max_num_queries
):
    client.force_login(principal)
    calendar_feed_create(user=principal)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("monitoring:calendar_settings")).status_code == 200
    add_windows(school6_roadmap, 200, today)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("monitoring:calendar_settings")).status_code == 200
