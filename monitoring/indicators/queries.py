"""Reading target indicators: the latest values with their progress between baseline and target,
the history, and the cards of the roadmap's indicators page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Cast, NullIf, RowNumber

from monitoring.models import IndicatorValue
from roadmaps.models import Roadmap, RoadmapSchool, TargetIndicator
from schools.models import Organisation

# How many of the latest values each indicator shows on the roadmap's page; the rest is paged.
HISTORY_SIZE = 8


def _with_progress(values: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Each value's place between baseline and target (0–100 %) and whether the target is reached."""
    baseline = Cast(F("indicator__baseline_value"), FloatField())
    target = Cast(F("indicator__target_value"), FloatField())
    raw = (Cast(F("value"), FloatField()) - baseline) * 100.0 / NullIf(target - baseline, 0.0)
    return values.annotate(
        progress_raw=raw,
        progress=Case(
            When(progress_raw__lt=0, then=Value(0.0)),
            When(progress_raw__gt=100, then=Value(100.0)),
            default=F("progress_raw"),
            output_field=FloatField(),
        ),
        achieved=Case(
            When(Q(value__isnull=True) | Q(indicator__target_value__isnull=True), then=Value(None)),
            When(
                indicator__higher_is_better=True,
                value__gte=F("indicator__target_value"),
                then=Value(True),
            ),
            When(
                indicator__higher_is_better=False,
                value__lte=F("indicator__target_value"),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(null=True),
        ),
    )


def indicator_latest_values(roadmap: Roadmap) -> QuerySet[IndicatorValue]:
    """The latest value of every indicator for every school (and the roadmap as a whole): one query."""
    ranked = IndicatorValue.objects.filter(indicator__roadmap=roadmap).annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("indicator_id"), F("school_id")],
            order_by=[F("as_of").desc(), F("pk").desc()],
        )
    )
    return _with_progress(ranked.filter(rank=1)).select_related("school")


def indicator_recent_values(roadmap: Roadmap, size: int = HISTORY_SIZE) -> QuerySet[IndicatorValue]:
    """The last ``size`` values entered for each indicator, newest first: one query."""
    ranked = IndicatorValue.objects.filter(indicator__roadmap=roadmap).annotate(
        rank=Window(
            RowNumber(), partition_by=[F("indicator_id")], order_by=[F("as_of").desc(), F("pk").desc()]
        )
    )
    return (
        _with_progress(ranked.filter(rank__lte=size))
        .select_related("school", "entered_by")
        .order_by("indicator_id", "-as_of", "-pk")
    )


def indicator_history(indicator: TargetIndicator) -> QuerySet[IndicatorValue]:
    return (
        _with_progress(indicator.values.all())
        .select_related("school", "entered_by")
        .order_by("-as_of", "school__name", "-pk")
    )


@dataclass
class SchoolLine:
    """One line of an indicator: a school (or the roadmap as a whole) and its latest value."""

    school: Organisation | None
    latest: IndicatorValue | None


@dataclass
class IndicatorCard:
    indicator: TargetIndicator
    lines: list[SchoolLine] = field(default_factory=list)
    recent: list[IndicatorValue] = field(default_factory=list)

    @property
    def reached(self) -> int:
        return sum(1 for line in self.lines if line.latest is not None and line.latest.achieved)

    @property
    def measured(self) -> int:
        return sum(1 for line in self.lines if line.latest is not None and line.latest.achieved is not None)


def indicator_cards(roadmap: Roadmap, schools: list[Organisation]) -> list[IndicatorCard]:
    """Every indicator with a line per school of the roadmap: four queries whatever the data."""
    indicators = roadmap.indicators.annotate(value_count=Count("values")).order_by("order", "pk")
    cards = {i.pk: IndicatorCard(i) for i in indicators}
    latest = {(v.indicator_id, v.school_id): v for v in indicator_latest_values(roadmap)}
    extra = sorted(
        {v.school for v in latest.values() if v.school_id and v.school_id not in {s.pk for s in schools}},
        key=lambda s: s.name,
    )
    for pk, card in cards.items():
        if (pk, None) in latest:
            card.lines.append(SchoolLine(None, latest[(pk, None)]))
        for school in [*schools, *extra]:
            value = latest.get((pk, school.pk))
            # Indicators are about the supervised schools: a mentor school shows once it has a value.
            if value is not None or getattr(school, "roadmap_role", "") != RoadmapSchool.Role.MENTOR:
                card.lines.append(SchoolLine(school, value))
    for value in indicator_recent_values(roadmap):
        cards[value.indicator_id].recent.append(value)
    return list(cards.values())


def roadmap_schools(roadmap: Roadmap) -> list[Organisation]:
    """The roadmap's schools, supervised ones first."""
    links = roadmap.school_links.select_related("school").order_by(
        Case(When(role=RoadmapSchool.Role.SUPERVISED, then=0), default=1), "school__name"
    )
    schools = []
    for link in links:
        link.school.roadmap_role = link.role
        schools.append(link.school)
    return schools
