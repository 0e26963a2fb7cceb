"""Which reminders are due: a set-based scan that reads, never writes.

What is owed, by whom and who watches it are the obligation's rules in
``roadmaps.obligations``: the obligations of today's work (approved roadmaps; no trashed
rows, cancelled windows or dropped executors) not done by the recipient's day, who acts on
each (``executor_users``) and the coordinator who watches it (``watched_by``). This module
adds when to remind (``schedule``) and who gets which list.

A fixed number of queries whatever the number of activities: the reminder policies, the
people behind the roles (four), then one query for the obligations not done on exactly the
window ends that can have a step today (``schedule.candidate_ends``, answered by the index on
live window ends), and on digest days three more. Everything else is arithmetic in Python.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import F, Q

from monitoring.models import (
    DEFAULT_DAYS_BEFORE,
    DEFAULT_SEND_HOUR,
    NotificationSettings,
    Reminder,
    ReminderPolicy,
)
from monitoring.reminders.schedule import (
    ESCALATE_AFTER_DAYS,
    OVERDUE,
    Step,
    candidate_ends,
    digest_week,
    window_step,
)
from roadmaps.models import Activity, CompletionMark
from roadmaps.obligations import (
    DONE_CODES,
    Where,
    counted,
    executor_users,
    is_done,
    obligations,
    watched_by,
)
from schools.models import CoordinatorAssignment, Membership, Person


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

    def sort(self) -> None:
        """Earliest deadline first: the database returns obligations in no particular order."""
        for items in (self.overdue, self.this_week, self.next_week):
            items.sort(key=lambda window: (window.end, window.id))
        self.escalated = dict(sorted(self.escalated.items(), key=lambda item: (item[0].end, item[0].id)))
        self.to_accept.sort(key=lambda item: (item[0].end, item[0].id, item[1]))


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
    # A mark of it was returned by the reviewer: owed again.
    returned: bool = False
    digest: Digest | None = None

    @property
    def key(self) -> tuple:
        if self.kind == Reminder.Kind.DIGEST:
            return (self.kind, self.recipient_id, self.week)
        return (self.kind, self.recipient_id, self.window.id, self.window.end, self.days)


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
        # (school, academic year) -> its coordinators, as ``watched_by`` reads them.
        self.coordinators: dict[tuple[int, int], list[int]] = defaultdict(list)
        # A coordinator's schools in any year: narrows the query of marks to accept.
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


# What a reminder needs of an obligation: its window (the fields of WindowInfo, in order), who
# must act, and the mark, which the recipient's own day reads with ``is_done``.
PENDING_FIELDS = (
    "activity__windows__id",
    "activity__windows__start",
    "activity__windows__end",
    "activity_id",
    "activity__number",
    "activity__content",
    "activity__roadmap_id",
    "activity__roadmap__title",
    "activity__roadmap__owner_id",
    "label",
    "organisation_id",
    "person_id",
    "person__user_id",
    "organisation__short_name",
    "organisation__name",
    "mark__status",
    "mark__review",
    "mark__completed_on",
)


def pending_pairs(condition: Q, *, on: date):
    """The obligations of today's work matching ``condition`` (a Q on Executor, the window
    reached as ``activity__windows``) not done by ``on``: rows of ``PENDING_FIELDS``."""
    return (
        obligations(condition, on=on, where=Where.TODAY)
        .filter(~Q(state__in=DONE_CODES))
        .values_list(*PENDING_FIELDS)
    )


def awaiting_review(condition: Q, *, on: date):
    """The obligations matching ``condition`` done by ``on`` whose mark waits for acceptance."""
    return (
        obligations(condition, on=on, where=Where.TODAY)
        # Through an annotation: a filter on ``mark__`` itself would join the windows a second time.
        .annotate(review=F("mark__review"))
        .filter(state__in=DONE_CODES, review=CompletionMark.Review.PENDING)
        .values_list(*PENDING_FIELDS)
    )


@dataclass(frozen=True)
class Pending:
    """One obligation of a row of ``pending_pairs``, as the scan reads it."""

    window: WindowInfo
    organisation_id: int | None
    person_user_id: int | None
    name: str  # who must act, as a message names them
    mark: CompletionMark | None

    @property
    def returned(self) -> bool:
        return self.mark is not None and self.mark.review == CompletionMark.Review.RETURNED

    def is_done(self, on: date) -> bool:
        return is_done(self.mark, on)


def executor_name(
    label: str, organisation_id: int | None, person_id: int | None, short: str, name: str
) -> str:
    """A person as written in the roadmap, a school by its name (not «Руководители ОУ»)."""
    if organisation_id and not person_id:
        return short or name
    return label


class Scan:
    def __init__(self, *, at: datetime | None = None, day: date | None = None) -> None:
        assert (at is None) != (day is None), "a pass runs either at a moment or for a whole day"
        self.people = People()
        self.clock = Clock(at=at, day=day, people=self.people)
        self.policies = {p.organisation_id: (p.offsets, p.send_hour) for p in ReminderPolicy.objects.all()}
        self.windows: dict[int, WindowInfo] = {}

    def policy(self, owner_id: int) -> tuple[tuple[int, ...], int]:
        return self.policies.get(owner_id, (DEFAULT_DAYS_BEFORE, DEFAULT_SEND_HOUR))

    def all_offsets(self) -> set[int]:
        offsets = set(DEFAULT_DAYS_BEFORE)
        for policy_offsets, _ in self.policies.values():
            offsets.update(policy_offsets)
        return offsets

    def due(self) -> list[Due]:
        todays = self.clock.todays()
        ends: set[date] = set()
        for today in todays:
            ends |= candidate_ends(today, self.all_offsets())
        # Not done by the earliest of the recipients' days; each one's own day is read below.
        rows = pending_pairs(Q(activity__windows__end__in=sorted(ends)), on=min(todays))
        actors, watchers = self._recipients(rows)
        found = []
        for (window_id, user_id), owed in actors.items():
            if now := self._step(self.windows[window_id], user_id, owed):
                today, step, owed = now
                found.append(
                    Due(
                        step.kind,
                        user_id,
                        today,
                        step.days,
                        self.windows[window_id],
                        executors=[p.name for p in owed],
                        returned=any(p.returned for p in owed),
                    )
                )
        for (window_id, user_id), owed in watchers.items():
            if now := self._step(self.windows[window_id], user_id, owed):
                today, step, owed = now
                if step.kind != OVERDUE or step.days <= ESCALATE_AFTER_DAYS:
                    continue
                found.append(
                    Due(
                        Reminder.Kind.ESCALATION,
                        user_id,
                        today,
                        step.days,
                        self.windows[window_id],
                        executors=[p.name for p in owed],
                    )
                )
        found.extend(self._digests())
        found.sort(key=lambda due: (due.recipient_id, due.kind, due.window.end if due.window else date.min))
        return found

    def _step(
        self, window: WindowInfo, user_id: int, owed: list[Pending]
    ) -> tuple[date, Step, list[Pending]] | None:
        """The step of ``window`` due to ``user_id`` now, with what of it is still owed on their day."""
        offsets, hour = self.policy(window.owner_id)
        today, now_hour = self.clock.local(user_id)
        if now_hour < hour:
            return None
        step = window_step(window.end, today, offsets)
        owed = [p for p in owed if not p.is_done(today)]
        return (today, step, owed) if step and owed else None

    def _pending(self, row) -> Pending:
        window = self.windows.get(row[0])
        if window is None:
            window = self.windows[row[0]] = WindowInfo(*row[:9])
        label, organisation_id, person_id, person_user_id, short_name, name = row[9:15]
        status, review, completed_on = row[15:18]
        mark = CompletionMark(status=status, review=review, completed_on=completed_on) if status else None
        return Pending(
            window,
            organisation_id,
            person_user_id,
            executor_name(label, organisation_id, person_id, short_name, name),
            mark,
        )

    def acting(self, pending: Pending) -> list[int]:
        """Who must act on it: ``obligations.executor_users``."""
        return executor_users(
            organisation_id=pending.organisation_id,
            person_user_id=pending.person_user_id,
            principals=self.people.principals,
            staff=self.people.staff,
        )

    def coordinating(self, pending: Pending) -> list[int]:
        """The coordinators of the school that must act, for the academic year its window ends in.

        Of who watches (``obligations.watched_by``) only the coordinator answers for the
        school: escalations and marks to accept are theirs; the mentor school hears nothing.
        """
        if pending.organisation_id is None:
            return []
        return watched_by(
            pending.organisation_id, pending.window.end, coordinators=self.people.coordinators, mentors={}
        )

    def _recipients(self, rows) -> tuple[dict, dict]:
        """Who must act on each window, and the coordinators who watch the schools that must."""
        actors: dict[tuple[int, int], list[Pending]] = defaultdict(list)
        watchers: dict[tuple[int, int], list[Pending]] = defaultdict(list)
        for row in rows:
            pending = self._pending(row)
            for user_id in self.acting(pending):
                actors[(pending.window.id, user_id)].append(pending)
            for user_id in self.coordinating(pending):
                watchers[(pending.window.id, user_id)].append(pending)
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
        earliest = min(today for today, _ in weeks.values())
        digests: dict[int, Digest] = defaultdict(Digest)
        for row in pending_pairs(Q(activity__windows__end__lte=horizon), on=earliest):
            pending = self._pending(row)
            for user_id in self.acting(pending):
                if user_id in weeks and not pending.is_done(weeks[user_id][0]):
                    self._file(digests[user_id], pending.window, *weeks[user_id])
            for user_id in self.coordinating(pending):
                today = weeks.get(user_id, (None,))[0]
                if (
                    today
                    and not pending.is_done(today)
                    and (today - pending.window.end).days > ESCALATE_AFTER_DAYS
                ):
                    digests[user_id].escalated.setdefault(pending.window, []).append(pending.name)
        self._reviews(digests, weeks)
        self._undated(digests, weeks)
        for digest in digests.values():
            digest.sort()
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
        """Marks done and waiting for the school's coordinator of that academic year to accept them."""
        coordinators = {user_id for user_id in self.people.coordinated if user_id in weeks}
        if not coordinators:
            return
        schools = set().union(*(self.people.coordinated[user_id] for user_id in coordinators))
        # Done by the latest of their days; each coordinator's own day is read below.
        latest = max(weeks[user_id][0] for user_id in coordinators)
        for row in awaiting_review(Q(organisation__in=schools), on=latest):
            pending = self._pending(row)
            for user_id in self.coordinating(pending):
                if user_id in coordinators and pending.is_done(weeks[user_id][0]):
                    digests[user_id].to_accept.append((pending.window, pending.name))

    def _undated(self, digests: dict[int, Digest], weeks: dict) -> None:
        """Activities whose deadline could not be read: the roadmap's owners must set a date."""
        owners = {o: [u for u in users if u in weeks] for o, users in self.people.staff.items()}
        owners = {o: users for o, users in owners.items() if users}
        if not owners:
            return
        earliest_today = min(today for today, _ in weeks.values())
        activities = (
            Activity.objects.filter(
                counted(Where.TODAY, roadmap="roadmap"),
                needs_date=True,
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
