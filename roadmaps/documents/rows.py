"""A roadmap read once for printing: the same handful of queries whatever its size,
then its table as a flat list of section and activity rows in document order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from roadmaps.models import Activity, CompletionMark, Executor, Roadmap, RoadmapEvent, RoadmapSchool, Section
from schools.models import Person


def fetch_roadmaps(pks: Iterable[int]) -> list[Roadmap]:
    """Roadmaps with everything the documents print, in nine queries for any number of rows."""
    marks = CompletionMark.objects.select_related("marked_by", "reviewed_by").order_by("window__end", "pk")
    executors = Executor.objects.select_related("organisation", "person").prefetch_related(
        Prefetch("marks", queryset=marks)
    )
    activities = Activity.objects.order_by("order").prefetch_related(
        "windows", Prefetch("executors", queryset=executors)
    )
    heads = Person.objects.filter(is_head=True)
    links = RoadmapSchool.objects.select_related("school").prefetch_related(
        Prefetch("school__people", queryset=heads, to_attr="heads")
    )
    roadmaps = (
        Roadmap.objects.filter(pk__in=list(pks))
        .select_related("owner__municipality", "owner__region")
        .prefetch_related(
            Prefetch("sections", queryset=Section.objects.order_by("order")),
            Prefetch("activities", queryset=activities),
            Prefetch("school_links", queryset=links.order_by("pk")),
            "indicators",
            # The printout's «в редакции приказа от … № …»: the latest revision by order.
            Prefetch(
                "events",
                queryset=RoadmapEvent.objects.filter(kind=RoadmapEvent.Kind.REVISED).order_by("-at"),
                to_attr="revisions",
            ),
        )
        .order_by("owner__name", "-period_start", "title")
    )
    return list(roadmaps)


@dataclass
class TableRow:
    """One printed row: a section (stage, heading) or an activity (maybe a sub-row)."""

    section: Section | None = None
    activity: Activity | None = None
    depth: int = 0  # sections: 0 for a top-level section, 1 for a heading inside a stage
    children: list[Activity] = field(default_factory=list)

    @property
    def is_section(self) -> bool:
        return self.section is not None

    @property
    def is_child(self) -> bool:
        return self.activity is not None and self.activity.parent_id is not None


def table_rows(roadmap: Roadmap) -> list[TableRow]:
    """The roadmap table in document order; a section goes before its first row.

    Sections that hold no row at all are printed where their order puts them, so that a
    stage with only a heading inside it keeps its place.
    """
    sections = list(roadmap.sections.all())
    by_pk = {s.pk: s for s in sections}
    activities = list(roadmap.activities.all())
    children: dict[int, list[Activity]] = {}
    for activity in activities:
        if activity.parent_id:
            children.setdefault(activity.parent_id, []).append(activity)

    def depth(section: Section) -> int:
        d = 0
        while section.parent_id and section.parent_id in by_pk:
            section = by_pk[section.parent_id]
            d += 1
        return d

    rows: list[TableRow] = []
    shown: set[int] = set()

    def show(section: Section | None) -> None:
        chain = []
        while section is not None and section.pk not in shown:
            chain.append(section)
            section = by_pk.get(section.parent_id)
        for s in reversed(chain):
            # Empty sections ordered before this one come first.
            for earlier in sections:
                if earlier.order < s.order and earlier.pk not in shown and earlier.parent_id == s.parent_id:
                    shown.add(earlier.pk)
                    rows.append(TableRow(section=earlier, depth=depth(earlier)))
            shown.add(s.pk)
            rows.append(TableRow(section=s, depth=depth(s)))

    for activity in activities:
        if activity.section_id:
            show(by_pk.get(activity.section_id))
        rows.append(TableRow(activity=activity, children=children.get(activity.pk, [])))
    for s in sections:
        if s.pk not in shown:
            show(s)
    return rows


def top_level(roadmap: Roadmap) -> list[Activity]:
    return [a for a in roadmap.activities.all() if a.parent_id is None]
