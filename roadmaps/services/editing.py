"""What department staff (and principals, for their school's own roadmap) do to a roadmap."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F, Max

from roadmaps.models import (
    Activity,
    DeadlineWindow,
    Roadmap,
    RoadmapSchool,
    Section,
    TargetIndicator,
)
from roadmaps.services.loading import (
    ExecutorResolver,
    Rederived,
    activity_set_executors,
    activity_set_windows,
)
from schools.models import Organisation


class StaleEdit(Exception):
    """Somebody else saved the object after this form was opened."""

    def __init__(self, current: Activity) -> None:
        super().__init__("Мероприятие уже изменил другой пользователь.")
        self.current = current


@dataclass(frozen=True)
class ActivityText:
    number: str
    content: str
    deadline_text: str
    responsible_text: str
    expected_result: str


def _shift_years(text: str, years: int = 1) -> str:
    """«Май 2023 г.» -> «Май 2024 г.»; «16.02.23» -> «16.02.24»."""
    text = re.sub(r"(?<!\d)((?:19|20)\d{2})(?!\d)", lambda m: str(int(m.group(1)) + years), text)
    return re.sub(
        r"(?<!\d)(\d{1,2}\.\d{1,2}\.)(\d{2})(?!\d)",
        lambda m: f"{m.group(1)}{(int(m.group(2)) + years) % 100:02d}",
        text,
    )


def _next_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def activity_rederive(
    *, activity: Activity, resolver: ExecutorResolver | None = None, has_children: bool | None = None
) -> Rederived:
    """Re-read a row's deadline and responsible texts against its roadmap's period and schools."""
    roadmap = activity.roadmap
    changes = activity_set_windows(
        activity=activity,
        period_start=roadmap.period_start,
        period_end=roadmap.period_end,
        has_children=has_children,
    )
    changes += activity_set_executors(activity=activity, resolver=resolver or ExecutorResolver(roadmap))
    Activity.with_trash.filter(pk=activity.pk).update(needs_date=activity.needs_date)
    return changes


@transaction.atomic
def activity_update(*, activity: Activity, expected_version: int, text: ActivityText) -> Rederived:
    """Save new texts unless someone saved first; re-derive windows and executors in place.

    The version is bumped with a guarded UPDATE before anything else is written, so of
    two editors who opened the same version exactly one succeeds. Returns what the re-reading
    did to the row's windows and executors (a window moved, one kept for its marks), so the
    user can be told; no mark is ever deleted.
    """
    claimed = Activity.objects.filter(pk=activity.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEdit(Activity.objects.get(pk=activity.pk))
    activity.refresh_from_db(fields=["version"])
    deadline_changed = activity.deadline_text != text.deadline_text
    responsible_changed = activity.responsible_text != text.responsible_text
    for name, value in text.__dict__.items():
        setattr(activity, name, value)
    activity.save()
    roadmap = activity.roadmap
    changes = Rederived()
    if deadline_changed:
        changes += activity_set_windows(
            activity=activity, period_start=roadmap.period_start, period_end=roadmap.period_end
        )
        Activity.objects.filter(pk=activity.pk).update(needs_date=activity.needs_date)
    if responsible_changed:
        changes += activity_set_executors(activity=activity, resolver=ExecutorResolver(roadmap))
    return changes


@transaction.atomic
def activity_set_manual_window(*, activity: Activity, start: date | None, end: date) -> DeadlineWindow:
    """Staff set the date the text does not give («По отдельному графику»)."""
    window, _ = DeadlineWindow.objects.get_or_create(
        activity=activity, start=start, end=end, defaults={"source": DeadlineWindow.Source.MANUAL}
    )
    Activity.objects.filter(pk=activity.pk).update(needs_date=False)
    activity.needs_date = False
    return window


@transaction.atomic
def activity_create(*, roadmap: Roadmap, section: Section | None, text: ActivityText) -> Activity:
    # After every row, those in the trash included: a new row never takes a trashed row's place.
    last = Activity.with_trash.filter(roadmap=roadmap).aggregate(last=Max("order"))["last"] or 0
    activity = Activity.objects.create(
        roadmap=roadmap,
        section=section,
        order=last + 1,
        **text.__dict__,
    )
    activity_rederive(activity=activity, has_children=False)
    roadmap_reorder(roadmap=roadmap)
    return activity


def _document_order(roadmap: Roadmap, *, with_trash: bool = False) -> list[Activity]:
    """Rows as the document prints them: by section order, then row order, sub-rows after their row.

    ``with_trash``: rows in the trash too, each in the place it had, so that a restored row
    comes back where it was.
    """
    section_rows = Section.with_trash if with_trash else Section.objects
    activity_rows = Activity.with_trash if with_trash else Activity.objects
    sections = {s.pk: s.order for s in section_rows.filter(roadmap=roadmap)}
    rows = list(activity_rows.filter(roadmap=roadmap))
    top = sorted(
        (a for a in rows if a.parent_id is None),
        key=lambda a: (sections.get(a.section_id, 0), a.order),
    )
    children: dict[int, list[Activity]] = {}
    for a in rows:
        if a.parent_id is not None:
            children.setdefault(a.parent_id, []).append(a)
    ordered = []
    for a in top:
        ordered.append(a)
        ordered.extend(sorted(children.get(a.pk, []), key=lambda c: c.order))
    return ordered


def roadmap_reorder(*, roadmap: Roadmap) -> None:
    """Give rows consecutive ``order`` values in document order; rows in the trash keep a place."""
    ordered = _document_order(roadmap, with_trash=True)
    changed = []
    for position, activity in enumerate(ordered, start=1):
        if activity.order != position:
            activity.order = position
            changed.append(activity)
    Activity.with_trash.bulk_update(changed, ["order"])


@transaction.atomic
def activity_move(*, activity: Activity, step: int) -> None:
    """Move a row up (-1) or down (+1) among its siblings: a top-level row within its section,
    a sub-row under its row (the page offers no arrows for sub-rows, but a sub-row asked to
    move is no error)."""
    siblings = list(
        activity.roadmap.activities.filter(section=activity.section, parent=activity.parent_id).order_by(
            "order"
        )
    )
    index = next(i for i, a in enumerate(siblings) if a.pk == activity.pk)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    # The two rows swap places; the places of rows in the trash stay theirs.
    mine, theirs = siblings[index], siblings[other]
    mine.order, theirs.order = theirs.order, mine.order
    Activity.objects.bulk_update([mine, theirs], ["order"])
    roadmap_reorder(roadmap=activity.roadmap)


def renumbering(roadmap: Roadmap) -> list[tuple[Activity, str, str]]:
    """The numbers documents would give the rows, as (row, old, new) for each that changes:
    «5.1», «5.2» in numbered sections, «1.», «2.» otherwise; sub-rows stay unnumbered and rows
    in the trash keep theirs. Nothing is written: the user sees the plan first."""
    counters: dict[int | None, int] = {}
    plan = []
    sections = {s.pk: s for s in roadmap.sections.all()}
    for activity in _document_order(roadmap):
        if activity.parent_id is not None:
            continue
        counters[activity.section_id] = counters.get(activity.section_id, 0) + 1
        n = counters[activity.section_id]
        section = sections.get(activity.section_id)
        number = f"{section.number}.{n}" if section and section.number else f"{n}."
        if activity.number != number:
            plan.append((activity, activity.number, number))
    return plan


@transaction.atomic
def section_create(*, roadmap: Roadmap, kind: str, number: str, title: str) -> Section:
    last = Section.with_trash.filter(roadmap=roadmap).aggregate(last=Max("order"))["last"] or 0
    return Section.objects.create(roadmap=roadmap, kind=kind, number=number, title=title, order=last + 1)


@transaction.atomic
def section_move(*, section: Section, step: int) -> None:
    sections = list(section.roadmap.sections.order_by("order", "pk"))
    index = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    other = index + step
    if not 0 <= other < len(sections):
        return
    # The two sections swap places; the places of sections in the trash stay theirs.
    mine, theirs = sections[index], sections[other]
    mine.order, theirs.order = theirs.order, mine.order
    Section.objects.bulk_update([mine, theirs], ["order"])
    roadmap_reorder(roadmap=section.roadmap)


@transaction.atomic
def roadmap_schools_set(
    *, roadmap: Roadmap, supervised: Iterable[Organisation], mentors: Iterable[Organisation]
) -> bool:
    """The roadmap's participating schools become exactly these; True when they changed (its
    executors then need ``roadmap_refresh_dates``). Links that stay keep their rows."""
    wanted = {school.pk: RoadmapSchool.Role.SUPERVISED for school in supervised}
    wanted |= {school.pk: RoadmapSchool.Role.MENTOR for school in mentors}
    current = {link.school_id: link.role for link in roadmap.school_links.all()}
    if current == wanted:
        return False
    RoadmapSchool.objects.filter(roadmap=roadmap).exclude(school__in=wanted).delete()
    for school_id, role in wanted.items():
        RoadmapSchool.objects.update_or_create(roadmap=roadmap, school_id=school_id, defaults={"role": role})
    return True


@transaction.atomic
def roadmap_refresh_dates(*, roadmap: Roadmap) -> Rederived:
    """After the period or the schools change: re-derive every row's windows and executors in
    place (no mark is deleted). Rows in the trash are re-read when they are restored."""
    resolver = ExecutorResolver(roadmap)
    parents = set(roadmap.activities.filter(parent__isnull=False).values_list("parent", flat=True))
    activities = list(roadmap.activities.all())
    changes = Rederived()
    for activity in activities:
        changes += activity_set_windows(
            activity=activity,
            period_start=roadmap.period_start,
            period_end=roadmap.period_end,
            has_children=activity.pk in parents,
        )
        changes += activity_set_executors(activity=activity, resolver=resolver)
    Activity.objects.bulk_update(activities, ["needs_date"])
    return changes


@transaction.atomic
def roadmap_copy(*, source: Roadmap, owner=None) -> Roadmap:
    """A draft copy for the next academic year: period, years in the title and in the
    deadline texts, and indicator dates move one year on; marks are not copied."""
    copy = Roadmap.objects.create(
        owner=owner or source.owner,
        level=source.level,
        title=_shift_years(source.title),
        period_start=_next_year(source.period_start),
        period_end=_next_year(source.period_end),
        status=Roadmap.Status.DRAFT,
        goal=source.goal,
        tasks=source.tasks,
        column_titles=source.column_titles,
    )
    RoadmapSchool.objects.bulk_create(
        RoadmapSchool(roadmap=copy, school_id=link.school_id, role=link.role)
        for link in source.school_links.all()
    )
    TargetIndicator.objects.bulk_create(
        TargetIndicator(
            roadmap=copy,
            order=i.order,
            name=i.name,
            unit=i.unit,
            baseline=i.baseline,
            target=i.target,
            target_date=_next_year(i.target_date),
            baseline_value=i.baseline_value,
            target_value=i.target_value,
            higher_is_better=i.higher_is_better,
        )
        for i in source.indicators.all()
    )
    section_map: dict[int, Section] = {}
    for section in source.sections.order_by("order"):
        section_map[section.pk] = Section.objects.create(
            roadmap=copy,
            parent=section_map.get(section.parent_id),
            kind=section.kind,
            order=section.order,
            number=section.number,
            title=section.title,
        )
    activity_map: dict[int, Activity] = {}
    for activity in source.activities.order_by("order"):
        activity_map[activity.pk] = Activity.objects.create(
            roadmap=copy,
            section=section_map.get(activity.section_id),
            parent=activity_map.get(activity.parent_id),
            number=activity.number,
            order=activity.order,
            content=activity.content,
            deadline_text=_shift_years(activity.deadline_text),
            responsible_text=activity.responsible_text,
            expected_result=activity.expected_result,
        )
    roadmap_refresh_dates(roadmap=copy)
    roadmap_reorder(roadmap=copy)  # the rows left in the source's trash leave no gaps
    return copy
