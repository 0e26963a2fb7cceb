"""The public progress page of a roadmap.

It shows counts, never people: no executor labels (they name people), no comments, marks
or evidence, and names, phones and e-mail addresses written into the text are masked
(``schools.russian.mask_names``). The unit counted is the obligation
(``roadmaps.obligations``), with its states and their labels and colours, as on the
roadmap's own dashboard.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from monitoring.models import PublicPage
from roadmaps.models import Activity, Roadmap, Section
from roadmaps.obligations import (
    DONE_CODES,
    RETURNED,
    STATES,
    State,
    Where,
    counts,
    obligations,
    returned_condition,
)
from schools.models import Person
from schools.russian import mask_names


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


# Public page: the figures


@dataclass
class Counts:
    """How many obligations are in each state (by ``State.key``), how many of them were returned
    (not done, owed again), and by how many executors."""

    by_key: dict[str, int] = field(default_factory=lambda: {state.key: 0 for state in STATES})
    total: int = 0
    returned: int = 0
    executors: int = 0

    returned_label = RETURNED

    @property
    def done(self) -> int:
        return sum(self.by_key[state.key] for state in STATES if state.code in DONE_CODES)

    @property
    def percent(self) -> int | None:
        """Share of obligations done (on time or late), or None when nothing is to be done."""
        return round(100 * self.done / self.total) if self.total else None

    def add(self, other: Counts) -> None:
        for key, count in other.by_key.items():
            self.by_key[key] += count
        self.total += other.total
        self.returned += other.returned

    @property
    def by_state(self) -> list[tuple[State, int]]:
        return [(state, self.by_key[state.key]) for state in STATES]

    @property
    def segments(self) -> list[tuple[State, int, float]]:
        """(state, count, width in %) of each state that has obligations, for a stacked bar."""
        return [
            (state, self.by_key[state.key], 100 * self.by_key[state.key] / self.total)
            for state in STATES
            if self.by_key[state.key]
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


def obligation_counts(roadmap: Roadmap, today: date) -> dict[int, Counts]:
    """Per activity, how many obligations are in each state as of ``today``: one query.

    They are the obligations of the roadmap's own page (``Where.OWN_PAGE``), so the public page
    and the roadmap's dashboard show the same figures.
    """
    rows = (
        obligations(Q(activity__roadmap=roadmap), on=today, where=Where.OWN_PAGE)
        .values("activity")
        .annotate(
            **counts(),
            returned=Count("pk", filter=returned_condition()),
            executors=Count("pk", distinct=True),
        )
    )
    return {
        row["activity"]: Counts(
            by_key={state.key: row[state.key] for state in STATES},
            total=row["total"],
            returned=row["returned"],
            executors=row["executors"],
        )
        for row in rows
    }


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
    per_activity = obligation_counts(roadmap, today)
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
        row_counts = per_activity.get(pk, Counts())
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
