"""Each user's calendar feed: a secret, revocable URL and the deadlines it holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from monitoring.models import CalendarFeed
from roadmaps.models import CompletionMark, DeadlineWindow, Roadmap
from roadmaps.permissions import scope_of
from schools.models import Membership, Person

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


def get_live_feed(token: str) -> CalendarFeed:
    return get_object_or_404(
        CalendarFeed.objects.select_related("user"),
        token=token,
        revoked_at__isnull=True,
        user__is_active=True,
    )


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
    done_on: date | None
    # True when the user watches the executor (a coordinator's school) rather than acts.
    watched: bool

    @property
    def is_done(self) -> bool:
        return self.done_on is not None


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
    """The (window, executor) pairs the user must act on or watch, like the reminders decide:

    - the user's school as a principal, the user by name, the user's department as staff;
    - as a coordinator, the schools assigned to them.

    Live windows of approved roadmaps ending from a year ago to two years ahead; one query
    for the pairs, plus the user's roles.
    """
    scope = scope_of(user)
    acting_orgs = scope.principal_schools | scope.staff_organisations
    if not acting_orgs and not scope.person_id and not scope.assigned_schools:
        return []
    mine = Q(pk__in=[])
    if acting_orgs:
        mine |= Q(executor_organisation__in=acting_orgs, executor_person__isnull=True)
    if scope.person_id:
        mine |= Q(executor_person=scope.person_id)
    # A coordinator follows the schools assigned to them, whatever the academic year of the
    # assignment: the same schools their home page lists and whose marks they may accept.
    watched = Q(executor_organisation__in=scope.assigned_schools) if scope.assigned_schools else Q(pk__in=[])
    done = CompletionMark.objects.filter(
        window=OuterRef("pk"), executor=OuterRef("executor_id"), status=CompletionMark.Status.DONE
    ).exclude(review=CompletionMark.Review.RETURNED)
    rows = (
        DeadlineWindow.objects.filter(
            is_cancelled=False,
            activity__roadmap__status=Roadmap.Status.APPROVED,
            end__range=(today - FEED_PAST, today + FEED_AHEAD),
        )
        .annotate(
            executor_id=F("activity__executors__id"),
            executor_organisation=F("activity__executors__organisation_id"),
            executor_person=F("activity__executors__person_id"),
            executor_label=F("activity__executors__label"),
            executor_short_name=F("activity__executors__organisation__short_name"),
            executor_name=F("activity__executors__organisation__name"),
        )
        .filter(mine | watched)
        .annotate(done_on=Subquery(done.values("completed_on")[:1]))
        .order_by("end", "activity__roadmap_id", "activity__order", "executor_id")
        .values(
            "pk",
            "executor_id",
            "start",
            "end",
            "activity_id",
            "activity__number",
            "activity__content",
            "activity__deadline_text",
            "activity__roadmap__title",
            "executor_label",
            "executor_organisation",
            "executor_person",
            "executor_short_name",
            "executor_name",
            "done_on",
        )
    )
    events = []
    for row in rows:
        organisation_id, person_id = row["executor_organisation"], row["executor_person"]
        acts = person_id is not None and person_id == scope.person_id
        acts = acts or (person_id is None and organisation_id in acting_orgs)
        is_school = organisation_id is not None and person_id is None
        events.append(
            CalendarEvent(
                window_id=row["pk"],
                executor_id=row["executor_id"],
                start=row["start"],
                end=row["end"],
                activity_id=row["activity_id"],
                activity_number=row["activity__number"],
                activity_content=row["activity__content"],
                deadline_text=row["activity__deadline_text"],
                roadmap_title=row["activity__roadmap__title"],
                # A school by its name, a person as the roadmap writes them (as the reminders do).
                executor_name=(
                    (row["executor_short_name"] or row["executor_name"])
                    if is_school
                    else row["executor_label"]
                ),
                done_on=row["done_on"],
                watched=not acts,
            )
        )
    return events
