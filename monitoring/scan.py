"""Which reminders are due: a set-based scan that reads, never writes.

A fixed number of queries whatever the number of activities: the reminder policies,
the people behind the roles, the earliest live window, then one query for the
(window, executor) pairs not yet done on exactly the window ends that can have a step
today (``schedule.candidate_ends``, answered by the index on live window ends), and on
digest days three more. Everything else is arithmetic in Python.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q

from monitoring.models import (
    DEFAULT_DAYS_BEFORE,
    DEFAULT_SEND_HOUR,
    NotificationSettings,
    Reminder,
    ReminderPolicy,
)
from monitoring.schedule import (
    ESCALATE_AFTER_DAYS,
    OVERDUE,
    candidate_ends,
    digest_week,
    window_step,
)
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Roadmap
from schools.models import CoordinatorAssignment, Membership, Person, academic_year_of


@dataclass(frozen=True)
class WindowInfo:
    """A deadline window with what a message about it must say."""

    id: int
    start: date | None
    end: date
    activity_id: int
    activity_number: str
    activity_content: str
    roadmap_id: int
    roadmap_title: str
    owner_id: int

    @property
    def label(self) -> str:
        if self.start and self.start != self.end:
            return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"
        return f"{self.end:%d.%m.%Y}"


@dataclass(frozen=True)
class ActivityInfo:
    id: int
    number: str
    content: str
    roadmap_title: str


@dataclass
class Digest:
    overdue: list[WindowInfo] = field(default_factory=list)
    this_week: list[WindowInfo] = field(default_factory=list)
    next_week: list[WindowInfo] = field(default_factory=list)
    # A coordinator's schools overdue for more than a week: window -> school names.
    escalated: dict[WindowInfo, list[str]] = field(default_factory=dict)
    to_accept: list[tuple[WindowInfo, str]] = field(default_factory=list)
    needs_date: list[ActivityInfo] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            [self.overdue, self.this_week, self.next_week, self.escalated, self.to_accept, self.needs_date]
        )


@dataclass
class Due:
    kind: str
    recipient_id: int
    today: date  # the recipient's local date: messages count days from it
    days: int = 0
    window: WindowInfo | None = None
    week: date | None = None
    # Who must act: the schools or people the recipient answers for (escalation: the
    # schools that are late).
    executors: list[str] = field(default_factory=list)
    digest: Digest | None = None

    @property
    def key(self) -> tuple:
        if self.kind == Reminder.Kind.DIGEST:
            return (self.kind, self.recipient_id, self.week)
        return (self.kind, self.recipient_id, self.window.id, self.days)


class People:
    """Who stands behind executors and schools, and where they live (four small queries).

    These tables grow with the number of users and schools, not with activities.
    """

    def __init__(self) -> None:
        self.principals: dict[int, list[int]] = defaultdict(list)
        self.staff: dict[int, list[int]] = defaultdict(list)
        self.timezone: dict[int, str] = {}
        # Everybody with a role or a name in a roadmap: the candidates for a digest.
        self.users: set[int] = set()
        memberships = Membership.objects.filter(user__is_active=True).values_list(
            "user_id", "role", "organisation_id", "organisation__municipality__timezone"
        )
        for user_id, role, organisation_id, tz in memberships.order_by("pk"):
            self.users.add(user_id)
            if role == Membership.Role.PRINCIPAL:
                self.principals[organisation_id].append(user_id)
            elif role == Membership.Role.STAFF:
                self.staff[organisation_id].append(user_id)
            if tz:
                self.timezone.setdefault(user_id, tz)
        people = Person.objects.filter(user__is_active=True).values_list(
            "user_id", "organisation__municipality__timezone"
        )
        for user_id, tz in people:
            self.users.add(user_id)
            if tz:
                self.timezone.setdefault(user_id, tz)
        self.coordinators: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.coordinated: dict[int, set[int]] = defaultdict(set)
        assignments = CoordinatorAssignment.objects.filter(coordinator__user__is_active=True).values_list(
            "school_id", "academic_year", "coordinator__user_id"
        )
        for school_id, year, user_id in assignments:
            self.coordinators[(school_id, year)].append(user_id)
            self.coordinated[user_id].add(school_id)
        self.digest_off = set(
            NotificationSettings.objects.filter(weekly_digest=False).values_list("user_id", flat=True)
        )


class Clock:
    """Each recipient's local date and hour: reminders go out at their local morning.

    With a ``day`` every recipient is on that day and every hour counts: a whole-day
    pass (the management command, catch-up runs).
    """

    def __init__(self, *, at: datetime | None, day: date | None, people: People) -> None:
        self.day = day
        self.at = at
        self.people = people
        self._local: dict[str, tuple[date, int]] = {}

    def local(self, user_id: int) -> tuple[date, int]:
        if self.day is not None:
            return self.day, 24
        tz = self.people.timezone.get(user_id, settings.TIME_ZONE)
        if tz not in self._local:
            moment = self.at.astimezone(zoneinfo.ZoneInfo(tz))
            self._local[tz] = (moment.date(), moment.hour)
        return self._local[tz]

    def todays(self) -> set[date]:
        if self.day is not None:
            return {self.day}
        zones = set(self.people.timezone.values()) | {settings.TIME_ZONE}
        return {self.at.astimezone(zoneinfo.ZoneInfo(tz)).date() for tz in zones}


def pending_pairs(where: Q):
    """(window, executor) pairs of approved roadmaps whose executor has not marked the window done."""
    done = CompletionMark.objects.filter(
        window=OuterRef("pk"), executor=OuterRef("executor_id"), status=CompletionMark.Status.DONE
    )
    return (
        DeadlineWindow.objects.filter(
            where, is_cancelled=False, activity__roadmap__status=Roadmap.Status.APPROVED
        )
        .annotate(
            executor_id=F("activity__executors__id"),
            executor_label=F("activity__executors__label"),
            executor_organisation=F("activity__executors__organisation_id"),
            executor_user=F("activity__executors__person__user_id"),
            executor_person=F("activity__executors__person_id"),
            executor_short_name=F("activity__executors__organisation__short_name"),
            executor_name=F("activity__executors__organisation__name"),
        )
        .filter(executor_id__isnull=False)
        .filter(~Exists(done))
        .order_by()
        .values_list(
            "pk",
            "start",
            "end",
            "activity_id",
            "activity__number",
            "activity__content",
            "activity__roadmap_id",
            "activity__roadmap__title",
            "activity__roadmap__owner_id",
            "executor_label",
            "executor_organisation",
            "executor_user",
            "executor_person",
            "executor_short_name",
            "executor_name",
        )
    )


def executor_name(row) -> str:
    """A person as written in the roadmap, a school by its name (not «Руководители ОУ»)."""
    label, organisation_id, _, person_id, short_name, name = row[9:15]
    if organisation_id and not person_id:
        return short_name or name
    return label


class Scan:
    def __init__(self, *, at: datetime | None = None, day: date | None = None) -> None:
        assert (at is None) != (day is None), "a pass runs either at a moment or for a whole day"
        self.people = People()
        self.clock = Clock(at=at, day=day, people=self.people)
        self.policies = {p.organisation_id: (p.offsets, p.send_hour) for p in ReminderPolicy.objects.all()}
        self.windows: dict[int, WindowInfo] = {}
        self.organisation_names: dict[int, str] = {}

    def policy(self, owner_id: int) -> tuple[tuple[int, ...], int]:
        return self.policies.get(owner_id, (DEFAULT_DAYS_BEFORE, DEFAULT_SEND_HOUR))

    def all_offsets(self) -> set[int]:
        offsets = set(DEFAULT_DAYS_BEFORE)
        for policy_offsets, _ in self.policies.values():
            offsets.update(policy_offsets)
        return offsets

    def due(self) -> list[Due]:
        earliest = DeadlineWindow.objects.filter(is_cancelled=False).aggregate(Min("end"))["end__min"]
        ends: set[date] = set()
        for today in self.clock.todays():
            ends |= candidate_ends(today, self.all_offsets(), earliest)
        rows = pending_pairs(Q(end__in=sorted(ends)))
        actors, watchers = self._recipients(rows)
        found = []
        for (window_id, user_id), executors in actors.items():
            window = self.windows[window_id]
            offsets, hour = self.policy(window.owner_id)
            today, now_hour = self.clock.local(user_id)
            if now_hour < hour:
                continue
            step = window_step(window.end, today, offsets)
            if step is not None:
                found.append(Due(step.kind, user_id, today, step.days, window, executors=executors))
        for (window_id, user_id), schools in watchers.items():
            window = self.windows[window_id]
            offsets, hour = self.policy(window.owner_id)
            today, now_hour = self.clock.local(user_id)
            step = window_step(window.end, today, offsets)
            if now_hour >= hour and step and step.kind == OVERDUE and step.days > ESCALATE_AFTER_DAYS:
                found.append(
                    Due(Reminder.Kind.ESCALATION, user_id, today, step.days, window, executors=schools)
                )
        found.extend(self._digests())
        found.sort(key=lambda due: (due.recipient_id, due.kind, due.window.end if due.window else date.min))
        return found

    def _window(self, row) -> WindowInfo:
        window = self.windows.get(row[0])
        if window is None:
            window = self.windows[row[0]] = WindowInfo(*row[:9])
        return window

    def _recipients(self, rows) -> tuple[dict, dict]:
        """Who must act on each window (the principal of an executor school, a person named)
        and which coordinators watch the schools that must."""
        actors: dict[tuple[int, int], list[str]] = defaultdict(list)
        watchers: dict[tuple[int, int], list[str]] = defaultdict(list)
        for row in rows:
            window = self._window(row)
            organisation_id, person_user = row[10:12]
            name = executor_name(row)
            users = [person_user] if person_user else self.people.principals.get(organisation_id, [])
            for user_id in users:
                actors[(window.id, user_id)].append(name)
            if organisation_id:
                for user_id in self.people.coordinators.get(
                    (organisation_id, academic_year_of(window.end)), []
                ):
                    watchers[(window.id, user_id)].append(name)
        return actors, watchers

    def _digests(self) -> list[Due]:
        """The Monday digest of each user who has something in it and has not switched it off."""
        weeks: dict[int, tuple[date, date]] = {}
        for user_id in self.people.users:
            if user_id in self.people.digest_off:
                continue
            today, now_hour = self.clock.local(user_id)
            week = digest_week(today)
            if week is not None and now_hour >= DEFAULT_SEND_HOUR:
                weeks[user_id] = (today, week)
        if not weeks:
            return []
        horizon = max(week for _, week in weeks.values()) + timedelta(days=13)
        digests: dict[int, Digest] = defaultdict(Digest)
        for row in pending_pairs(Q(end__lte=horizon)):
            window = self._window(row)
            organisation_id, person_user = row[10:12]
            for user_id in [person_user] if person_user else self.people.principals.get(organisation_id, []):
                if user_id in weeks:
                    self._file(digests[user_id], window, *weeks[user_id])
            if organisation_id:
                for user_id in self.people.coordinators.get(
                    (organisation_id, academic_year_of(window.end)), []
                ):
                    today = weeks.get(user_id, (None,))[0]
                    if today and (today - window.end).days > ESCALATE_AFTER_DAYS:
                        digests[user_id].escalated.setdefault(window, []).append(executor_name(row))
        self._reviews(digests, weeks)
        self._undated(digests, weeks)
        return [
            Due(Reminder.Kind.DIGEST, user_id, weeks[user_id][0], week=weeks[user_id][1], digest=digest)
            for user_id, digest in digests.items()
            if digest
        ]

    @staticmethod
    def _file(digest: Digest, window: WindowInfo, today: date, week: date) -> None:
        sunday = week + timedelta(days=6)
        lists = [
            (window.end < today, digest.overdue),
            (today <= window.end <= sunday, digest.this_week),
            (sunday < window.end <= sunday + timedelta(days=7), digest.next_week),
        ]
        for applies, items in lists:
            if applies and window not in items:
                items.append(window)

    def _reviews(self, digests: dict[int, Digest], weeks: dict) -> None:
        """Marks done and waiting for the coordinator of the school to accept them."""
        coordinators = {u: s for u, s in self.people.coordinated.items() if u in weeks}
        if not coordinators:
            return
        schools = set().union(*coordinators.values())
        marks = CompletionMark.objects.filter(
            status=CompletionMark.Status.DONE,
            review=CompletionMark.Review.PENDING,
            executor__organisation_id__in=schools,
            window__is_cancelled=False,
        ).values_list(
            "window_id",
            "window__start",
            "window__end",
            "window__activity_id",
            "window__activity__number",
            "window__activity__content",
            "window__activity__roadmap_id",
            "window__activity__roadmap__title",
            "window__activity__roadmap__owner_id",
            "executor__label",
            "executor__organisation_id",
            "executor__person__user_id",
            "executor__person_id",
            "executor__organisation__short_name",
            "executor__organisation__name",
        )
        for row in marks:
            window = self._window(row)
            for user_id, their_schools in coordinators.items():
                if row[10] in their_schools:
                    digests[user_id].to_accept.append((window, executor_name(row)))

    def _undated(self, digests: dict[int, Digest], weeks: dict) -> None:
        """Activities whose deadline could not be read: the roadmap's owners must set a date."""
        owners = {o: [u for u in users if u in weeks] for o, users in self.people.staff.items()}
        owners = {o: users for o, users in owners.items() if users}
        if not owners:
            return
        earliest_today = min(today for today, _ in weeks.values())
        activities = (
            Activity.objects.filter(
                needs_date=True,
                roadmap__status=Roadmap.Status.APPROVED,
                roadmap__owner_id__in=owners,
                # A roadmap whose period is over no longer needs dates.
                roadmap__period_end__gte=earliest_today,
            )
            .order_by("roadmap_id", "order")
            .values_list(
                "pk", "number", "content", "roadmap__title", "roadmap__owner_id", "roadmap__period_end"
            )
        )
        for pk, number, content, roadmap_title, owner_id, period_end in activities:
            for user_id in owners[owner_id]:
                if period_end >= weeks[user_id][0]:
                    digests[user_id].needs_date.append(ActivityInfo(pk, number, content, roadmap_title))
