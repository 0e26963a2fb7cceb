"""«Корзина»: deleting a row or a section puts it in the roadmap's trash, restorable.

Deleting is not destroying: the rows stay in their tables with ``trash`` set, with their
windows, executors, marks and evidence untouched, and every page, count and export leaves
them out (``Activity.objects``, ``Section.objects``). Restoring clears ``trash``. Only an
explicit, confirmed purge (one entry, or the whole trash) deletes them for good, and only
then do marks, evidence rows and evidence files go. Nothing is purged automatically: an
entry stays restorable for as long as nobody empties it (at least the 30 days promised).

Putting in the trash and restoring are recorded in the rows' history, with who did it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import Truncator
from simple_history.utils import bulk_update_with_history

from roadmaps.models import Activity, CompletionMark, Evidence, Roadmap, Section, TrashEntry
from roadmaps.services.editing import activity_rederive, roadmap_reorder
from roadmaps.services.loading import ExecutorResolver, Rederived

TO_TRASH = "Перенесено в корзину"
FROM_TRASH = "Восстановлено из корзины"


def _label(prefix: str, text: str) -> str:
    return Truncator(f"{prefix}«{' '.join(text.split())}»").chars(300)


def _descendants(activities: list[Activity]) -> list[Activity]:
    """Sub-rows of the rows, at any depth, that are not in the trash yet."""
    found: list[Activity] = []
    parents = [a.pk for a in activities]
    while parents:
        children = list(Activity.objects.filter(parent__in=parents))
        found.extend(children)
        parents = [c.pk for c in children]
    return found


def _set_trash(model, rows: list, entry: TrashEntry | None, *, by, reason: str) -> None:
    for row in rows:
        row.trash = entry
    bulk_update_with_history(
        rows, model, ["trash"], default_user=by, default_change_reason=reason, manager=model.with_trash
    )


@transaction.atomic
def activity_trash(*, activity: Activity, by) -> TrashEntry:
    """Put a row (with its sub-rows) in the trash."""
    number = f"{activity.number} " if activity.number else ""
    entry = TrashEntry.objects.create(
        roadmap=activity.roadmap, label=_label(f"Мероприятие {number}", activity.content), deleted_by=by
    )
    rows = [activity, *_descendants([activity])]
    _set_trash(Activity, rows, entry, by=by, reason=TO_TRASH)
    roadmap_reorder(roadmap=activity.roadmap)
    return entry


@transaction.atomic
def section_trash(*, section: Section, by) -> TrashEntry:
    """Put a section in the trash with its subsections and every row in them."""
    sections = [section]
    parents = [section.pk]
    while parents:
        subsections = list(Section.objects.filter(parent__in=parents))
        sections.extend(subsections)
        parents = [s.pk for s in subsections]
    rows = list(Activity.objects.filter(section__in=sections))
    rows += [row for row in _descendants(rows) if row not in rows]
    title = f"{section.get_kind_display()} {section.number + ' ' if section.number else ''}"
    entry = TrashEntry.objects.create(
        roadmap=section.roadmap,
        label=_label(title, section.title) + (f" и его мероприятия ({len(rows)})" if rows else ""),
        deleted_by=by,
    )
    _set_trash(Section, sections, entry, by=by, reason=TO_TRASH)
    _set_trash(Activity, rows, entry, by=by, reason=TO_TRASH)
    roadmap_reorder(roadmap=section.roadmap)
    return entry


@transaction.atomic
def trash_restore(*, entry: TrashEntry, by) -> Rederived:
    """Take an entry out of the trash: its rows come back in their places with their marks.

    The rows are re-read against the roadmap's period and schools as they are now (they may
    have changed meanwhile), in place as always. Refused while what they belong to (the row of
    a sub-row, the section of a row) is itself in another trash entry: that comes back first.
    """
    sections = list(Section.with_trash.filter(trash=entry))
    rows = list(Activity.with_trash.filter(trash=entry).select_related("parent", "section", "roadmap"))
    for row in rows:
        if row.parent is not None and row.parent.trash_id not in (None, entry.pk):
            raise ValidationError(
                f"Строка входит в мероприятие, которое тоже в корзине: сначала восстановите «{row.parent}»."
            )
        if row.section is not None and row.section.trash_id not in (None, entry.pk):
            raise ValidationError(f"Сначала восстановите раздел «{row.section}»: строка входит в него.")
    for section in sections:
        parent = section.parent
        if parent is not None and parent.trash_id not in (None, entry.pk):
            raise ValidationError(f"Сначала восстановите раздел «{parent}»: этот раздел входит в него.")
    _set_trash(Section, sections, None, by=by, reason=FROM_TRASH)
    _set_trash(Activity, rows, None, by=by, reason=FROM_TRASH)
    entry.delete()
    roadmap = entry.roadmap
    roadmap_reorder(roadmap=roadmap)
    changes = Rederived()
    resolver = ExecutorResolver(roadmap)
    parents = set(Activity.objects.filter(parent__in=rows).values_list("parent", flat=True))
    for row in rows:
        changes += activity_rederive(activity=row, resolver=resolver, has_children=row.pk in parents)
    return changes


@dataclass(frozen=True)
class Purged:
    rows: int
    marks: int
    files: int


def _purge(roadmap: Roadmap, entry_ids: list[int]) -> Purged:
    rows = list(Activity.with_trash.filter(trash__in=entry_ids))
    # The database takes sub-rows with their row: their marks must go first, whichever entry
    # (or none) they are in.
    parents = [row.pk for row in rows]
    while parents:
        children = list(Activity.with_trash.filter(parent__in=parents).exclude(trash__in=entry_ids))
        rows.extend(children)
        parents = [c.pk for c in children]
    touched = {row.trash_id for row in rows} - set(entry_ids) - {None}
    marks = CompletionMark.objects.filter(executor__activity__in=rows)
    evidence = Evidence.objects.filter(mark__in=marks)
    files = list(evidence.exclude(file="").values_list("file", flat=True))
    storage = Evidence._meta.get_field("file").storage
    evidence.delete()
    mark_count = marks.count()
    marks.delete()
    Activity.with_trash.filter(pk__in=[r.pk for r in rows]).delete()
    Section.with_trash.filter(trash__in=entry_ids).delete()
    TrashEntry.objects.filter(pk__in=entry_ids).delete()
    TrashEntry.objects.filter(pk__in=touched, activities=None, sections=None).delete()
    roadmap_reorder(roadmap=roadmap)  # the places the rows kept are given up

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    # The files leave the disk only once nothing can point at them again.
    transaction.on_commit(delete_files)
    return Purged(rows=len(rows), marks=mark_count, files=len(files))


@transaction.atomic
def trash_purge(*, entry: TrashEntry) -> Purged:
    """Delete one entry for good: its rows, their marks, evidence rows and evidence files."""
    return _purge(entry.roadmap, [entry.pk])


@transaction.atomic
def trash_empty(*, roadmap: Roadmap) -> Purged:
    """«Очистить корзину»: every entry of the roadmap, for good."""
    return _purge(roadmap, list(roadmap.trash_entries.values_list("pk", flat=True)))


def trash_entries(roadmap: Roadmap) -> QuerySet[TrashEntry]:
    """The roadmap's trash, newest first, each entry with how many rows, marks and files it
    holds (one query, whatever the number of entries)."""

    def count(queryset, path: str) -> Coalesce:
        counted = queryset.filter(**{path: OuterRef("pk")}).order_by().values(path)
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0, output_field=IntegerField())

    return (
        roadmap.trash_entries.select_related("deleted_by")
        .annotate(
            n_rows=count(Activity.with_trash.all(), "trash"),
            n_marks=count(CompletionMark.objects.all(), "executor__activity__trash"),
            n_files=count(Evidence.objects.exclude(file=""), "mark__executor__activity__trash"),
        )
        .order_by("-deleted_at", "-pk")
    )
