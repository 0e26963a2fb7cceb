"""Each user's calendar feed: a secret, revocable URL and the deadlines it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils import timezone

from monitoring.models import CalendarFeed
from roadmaps.obligations import Reading, Where, acted_by, obligations, reading_of_row, watched_condition
from schools.models import CoordinatorAssignment, Membership, Person
from schools.permissions import scope_of

# Calendar feed: create, renew, revoke


def calendar_feed_create(*, user) -> CalendarFeed:
    """The user's live feed, created if there is none (two clicks make one feed)."""
    feed = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user)
    except IntegrityError:
        # A parallel request created it first: the constraint allows one live feed.
        return CalendarFeed.objects.get(user=user, revoked_at__isnull=True)


def calendar_feed_revoke(*, user) -> bool:
    """Revoke the live feed: its URL answers 404 from now on. Return whether there was one."""
    return bool(
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """Revoke the live feed and issue a new secret URL, in one transaction."""
    calendar_feed_revoke(user=user)
    return CalendarFeed.objects.create(user=user)


# Refreshing last_used_at on every poll would write on every calendar refresh of every user.
LAST_USED_EVERY = timedelta(hours=1)


def calendar_feed_touch(*, feed: CalendarFeed, now: datetime | None = None) -> None:
    """Note that the feed was read, at most once an hour (no query in between)."""
    now = now or timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at >= LAST_USED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now


# Calendar feed: the events

# The feed holds the windows ending from a year ago to two years ahead.
FEED_PAST = timedelta(days=365)
FEED_AHEAD = timedelta(days=730)


@dataclass(frozen=True)
class CalendarEvent:
    window_id: int
    executor_id: int
    start: date | None
    end: date
    activity_id: int
    activity_number: str
    activity_content: str
    deadline_text: str
    roadmap_title: str
    executor_name: str
    # The obligation's state as of the day the feed is read (``roadmaps.obligations``).
    reading: Reading
    # The day it was completed, when it counts as done that day.
    done_on: date | None
    # True when the user watches the executor (a coordinator's school) rather than acts.
    watched: bool

    @property
    def is_done(self) -> bool:
        return self.reading.is_done

    @property
    def returned(self) -> bool:
        """The reviewer returned the mark: it is owed again."""
        return self.reading.returned


def user_timezone(user) -> str:
    """The time zone of the user's municipality (their first role, else their organisation)."""
    tz = (
        Membership.objects.filter(user=user, organisation__municipality__isnull=False)
        .order_by("pk")
        .values_list("organisation__municipality__timezone", flat=True)
        .first()
    )
    if tz is None:
        tz = (
            Person.objects.filter(user=user, organisation__municipality__isnull=False)
            .values_list("organisation__municipality__timezone", flat=True)
            .first()
        )
    return tz or settings.TIME_ZONE


def calendar_events(user, today: date) -> list[CalendarEvent]:
    """The obligations of today's work (``Where.TODAY``) the user must act on or watch, as the
    reminders decide:

    - what the user acts on (``acted_by``): their school as its principal, their own name, their
      department's own rows as its staff;
    - as a coordinator, the schools assigned to them, each in the academic years of its
      assignments (``watched_condition``): a window counts in the year it ends in.

    Windows ending from a year ago to two years ahead, each with its state as of ``today``: one
    query for the obligations, plus the user's roles and a coordinator's assignments.
    """
    scope = scope_of(user)
    acts = scope.principal_schools or scope.staff_organisations or scope.person_id
    if not acts and not scope.assigned_schools:
        return []
    mine = acted_by(scope)
    watched = Q(pk__in=[])
    if scope.assigned_schools:
        assignments = CoordinatorAssignment.objects.filter(coordinator_id=scope.person_id)
        watched = watched_condition(assignments.values_list("school_id", "academic_year"))
    # In the same condition as the rest (one filter() call): one join of the windows.
    feed = Q(activity__windows__end__range=(today - FEED_PAST, today + FEED_AHEAD))
    rows = (
        obligations((mine | watched) & feed, on=today, where=Where.TODAY)
        .annotate(
            watched=Case(When(mine, then=Value(False)), default=Value(True), output_field=BooleanField())
        )
        .order_by("activity__windows__end", "activity__roadmap_id", "activity__order", "pk")
        .values(
            "pk",
            "state",
            "watched",
            "label",
            "organisation",
            "person",
            "organisation__short_name",
            "organisation__name",
            "activity_id",
            "activity__number",
            "activity__content",
            "activity__deadline_text",
            "activity__roadmap__title",
            "mark__completed_on",
            "mark__review",
            window=F("activity__windows"),
            start=F("activity__windows__start"),
            end=F("activity__windows__end"),
        )
    )
    events = []
    for row in rows:
        reading = reading_of_row(row["state"], row["mark__review"])
        is_school = row["organisation"] is not None and row["person"] is None
        events.append(
            CalendarEvent(
                window_id=row["window"],
                executor_id=row["pk"],
                start=row["start"],
                end=row["end"],
                activity_id=row["activity_id"],
                activity_number=row["activity__number"],
                activity_content=row["activity__content"],
                deadline_text=row["activity__deadline_text"],
                roadmap_title=row["activity__roadmap__title"],
                # A school by its name, a person as the roadmap writes them (as the reminders do).
                executor_name=(
                    (row["organisation__short_name"] or row["organisation__name"])
                    if is_school
                    else row["label"]
                ),
                reading=reading,
                done_on=row["mark__completed_on"] if reading.is_done else None,
                watched=row["watched"],
            )
        )
    return events
