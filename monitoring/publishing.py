"""What leaves the portal: the public progress page of a roadmap and each user's calendar feed.

The public page shows counts, never people: no executor labels (they name people), no
comments, marks or evidence, and names written into the activity text are masked.
The unit counted is the (deadline window, executor) pair of the shared definitions.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from monitoring.models import CalendarFeed, PublicPage
from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Roadmap, Section
from roadmaps.permissions import scope_of
from schools.models import Membership, Person

# The five states of a pair, in the order the page and its bars show them.
STATES = [
    ("on_time", "выполнено в срок", "success"),
    ("late", "выполнено с опозданием", "late"),
    ("overdue", "просрочено", "danger"),
    ("in_progress", "в работе", "info"),
    ("upcoming", "срок не наступил", "secondary"),
]

# «Карлина О.А.», «Земляненко  Н.В.», «Иванова-Петрова А.Б.»
_SURNAME_FIRST = r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s*[А-ЯЁ]\."
# «В.А. Козлова», but not a school «им. А.Г. Ломакина»: a name in an organisation's name stays.
_INITIALS_FIRST = r"(?<!им\.\s)(?<!имени\s)\b[А-ЯЁ]\.\s*[А-ЯЁ]\.\s*[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
NAME_PATTERN = re.compile(f"{_SURNAME_FIRST}|{_INITIALS_FIRST}")
NAME_MASK = "[имя скрыто]"


def mask_names(text: str, known: Sequence[str] = ()) -> str:
    """The text with people's names replaced: the forms the documents use, and ``known`` names."""
    for name in known:
        text = text.replace(name, NAME_MASK)
    return NAME_PATTERN.sub(NAME_MASK, text)


def municipality_today(tz: str | None) -> date:
    return timezone.localtime(timezone=zoneinfo.ZoneInfo(tz or settings.TIME_ZONE)).date()


# Public page: publish and unpublish


def public_page_publish(*, roadmap: Roadmap, by) -> PublicPage:
    """Switch the public page on; the address stays the same across off and on, so that
    pages of school sites that embed it keep working."""
    if roadmap.status != Roadmap.Status.APPROVED:
        raise ValidationError("Опубликовать можно только утверждённую дорожную карту: сначала утвердите её.")
    with transaction.atomic():
        page, _ = PublicPage.objects.select_for_update().get_or_create(roadmap=roadmap)
        if not page.is_enabled:
            page.is_enabled = True
            page.enabled_by = by
            page.enabled_at = timezone.now()
            page.save(update_fields=["is_enabled", "enabled_by", "enabled_at"])
    return page


def public_page_unpublish(*, roadmap: Roadmap) -> bool:
    """Switch the public page off at once; return whether it was on."""
    return bool(PublicPage.objects.filter(roadmap=roadmap, is_enabled=True).update(is_enabled=False))


def load_demo_public_pages() -> PublicPage | None:
    """Publish the Таганрог roadmap (seed 002) if it is approved; running it twice changes nothing."""
    roadmap = Roadmap.objects.filter(source_key="002_taganrog", status=Roadmap.Status.APPROVED).first()
    if roadmap is None:
        return None
    page = PublicPage.objects.filter(roadmap=roadmap).first()
    if page is not None and page.is_enabled:
        return page
    staff = get_user_model().objects.filter(username="uo").first()
    return public_page_publish(roadmap=roadmap, by=staff)


def get_public_page(token: str) -> PublicPage:
    """A published page by its token; a page switched off, unknown or of a draft answers 404."""
    return get_object_or_404(
        PublicPage.objects.select_related("roadmap__owner__municipality").exclude(
            roadmap__status=Roadmap.Status.DRAFT
        ),
        token=token,
        is_enabled=True,
    )


# Public page: the figures


@dataclass
class Counts:
    total: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    in_progress: int = 0
    upcoming: int = 0
    executors: int = 0

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def percent(self) -> int | None:
        """Share of pairs done (on time or late), or None when nothing is to be done."""
        return round(100 * self.done / self.total) if self.total else None

    def add(self, other: Counts) -> None:
        for key, _, _ in STATES:
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.total += other.total

    @property
    def by_state(self) -> list[tuple[str, str, str, int]]:
        return [(key, label, css, getattr(self, key)) for key, label, css in STATES]

    @property
    def segments(self) -> list[tuple[str, str, str, int, float]]:
        """(key, label, colour, count, width in %) of each state that has pairs, for a stacked bar."""
        return [
            (key, label, css, getattr(self, key), 100 * getattr(self, key) / self.total)
            for key, label, css in STATES
            if getattr(self, key)
        ]


@dataclass
class PublicActivity:
    pk: int
    number: str
    content: str
    deadline_text: str
    is_child: bool
    counts: Counts


@dataclass
class PublicSection:
    number: str
    title: str
    kind: str
    counts: Counts = field(default_factory=Counts)
    activities: list[PublicActivity] = field(default_factory=list)


@dataclass
class PublicProgress:
    roadmap: Roadmap
    today: date
    title: str
    approval_text: str
    goal: str
    tasks: list[str]
    total: Counts
    # Rows outside any section first (a nameless section), then the sections in order.
    sections: list[PublicSection]


def pair_counts(windows, today: date) -> dict[int, Counts]:
    """Per activity, how many (window, executor) pairs are in each state as of ``today``: one query.

    ``windows`` is a DeadlineWindow queryset narrowing which activities count.
    """
    done = CompletionMark.objects.filter(
        window=OuterRef("pk"), executor=OuterRef("executor_id"), status=CompletionMark.Status.DONE
    ).exclude(review=CompletionMark.Review.RETURNED)
    on_time = Q(Exists(done.filter(completed_on__lte=OuterRef("end"))))
    late = Q(Exists(done.filter(completed_on__gt=OuterRef("end"))))
    not_done = ~on_time & ~late
    rows = (
        windows.filter(is_cancelled=False)
        .annotate(
            executor_id=F("activity__executors__id"),
            executor_organisation=F("activity__executors__organisation_id"),
            executor_person=F("activity__executors__person_id"),
        )
        # Executors that name neither an organisation nor a person cannot mark: not counted.
        .filter(Q(executor_organisation__isnull=False) | Q(executor_person__isnull=False))
        .order_by()
        .values("activity_id")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=late),
            overdue=Count("pk", filter=not_done & Q(end__lt=today)),
            in_progress=Count(
                "pk", filter=not_done & Q(end__gte=today) & (Q(start__isnull=True) | Q(start__lte=today))
            ),
            upcoming=Count("pk", filter=not_done & Q(start__gt=today)),
            executors=Count("executor_id", distinct=True),
        )
    )
    return {row.pop("activity_id"): Counts(**row) for row in rows}


def public_progress(page: PublicPage) -> PublicProgress:
    """Everything the public page shows, in four queries whatever the roadmap's size."""
    roadmap = page.roadmap
    today = municipality_today(roadmap.owner.municipality.timezone if roadmap.owner.municipality else None)
    known = sorted(
        set(
            Person.objects.filter(executor_roles__activity__roadmap=roadmap).values_list(
                "full_name", flat=True
            )
        ),
        key=len,
        reverse=True,
    )
    counts = pair_counts(DeadlineWindow.objects.filter(activity__roadmap=roadmap), today)
    loose = PublicSection(number="", title="", kind="")
    sections = {
        s.pk: PublicSection(number=s.number, title=mask_names(s.title, known), kind=s.kind)
        for s in Section.objects.filter(roadmap=roadmap).order_by("order")
    }
    activities = (
        Activity.objects.filter(roadmap=roadmap)
        .order_by("order")
        .values_list("pk", "section_id", "parent_id", "number", "content", "deadline_text")
    )
    total = Counts()
    for pk, section_id, parent_id, number, content, deadline_text in activities:
        row_counts = counts.get(pk, Counts())
        section = sections.get(section_id, loose)
        section.activities.append(
            PublicActivity(
                pk=pk,
                number=number,
                content=mask_names(content, known),
                deadline_text=mask_names(deadline_text, known),
                is_child=parent_id is not None,
                counts=row_counts,
            )
        )
        section.counts.add(row_counts)
        total.add(row_counts)
    return PublicProgress(
        roadmap=roadmap,
        today=today,
        title=mask_names(roadmap.title, known),
        approval_text=mask_names(roadmap.approval_text, known),
        goal=mask_names(roadmap.goal, known),
        tasks=[mask_names(task, known) for task in roadmap.task_list],
        total=total,
        sections=[s for s in [loose, *sections.values()] if s.activities or s.title],
    )


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
