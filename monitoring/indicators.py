"""Target indicators of a roadmap («Важнейшие целевые индикаторы»): the values entered per school
and date, read against the baseline and the target.

Who enters values: department staff of the roadmap's municipality for any school of the roadmap,
a principal for their own school only; a value for the roadmap as a whole by whoever may edit the
roadmap. Everyone who sees the roadmap reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Case, Count, F, FloatField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Cast, NullIf, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from monitoring.models import IndicatorValue
from roadmaps.models import Roadmap, RoadmapSchool, TargetIndicator
from roadmaps.permissions import can_edit_roadmap
from schools.models import Organisation
from schools.permissions import scope_of

# How many of the latest values each indicator shows on the roadmap's page; the rest is paged.
HISTORY_SIZE = 8
DEMO_INDICATORS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "indicators.json"


# --- Who may do what ---------------------------------------------------------------------


def can_enter_indicator_value(user, roadmap: Roadmap, school: Organisation | None) -> bool:
    scope = scope_of(user)
    if scope.is_superuser or roadmap.owner.municipality_id in scope.staff_municipalities:
        return True
    if school is None:
        return can_edit_roadmap(user, roadmap)
    return school.pk in scope.principal_schools


def get_indicator_for_user(user, pk: int, write: bool = False) -> TargetIndicator:
    indicator = get_object_or_404(
        TargetIndicator.objects.filter(roadmap__in=Roadmap.objects.visible_to(user)).select_related(
            "roadmap__owner__municipality"
        ),
        pk=pk,
    )
    if write and not can_edit_roadmap(user, indicator.roadmap):
        raise PermissionDenied("Базовое и целевое значения меняют владельцы дорожной карты.")
    return indicator


def get_indicator_value_for_user(user, pk: int, write: bool = False) -> IndicatorValue:
    value = get_object_or_404(
        IndicatorValue.objects.filter(indicator__roadmap__in=Roadmap.objects.visible_to(user)).select_related(
            "indicator__roadmap__owner", "school"
        ),
        pk=pk,
    )
    if write and not can_enter_indicator_value(user, value.indicator.roadmap, value.school):
        raise PermissionDenied("Это значение может изменить управление образования или директор школы.")
    return value


# --- Reading -----------------------------------------------------------------------------


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


# --- Writing -----------------------------------------------------------------------------


def indicator_value_save(
    *,
    indicator: TargetIndicator,
    school: Organisation | None,
    as_of: date,
    value: Decimal | None,
    text: str,
    comment: str,
    user,
) -> tuple[IndicatorValue, bool]:
    """Enter a value; a second value for the same school and date corrects the first."""
    return IndicatorValue.objects.update_or_create(
        indicator=indicator,
        school=school,
        as_of=as_of,
        defaults={"value": value, "text": text, "comment": comment, "entered_by": user},
    )


def indicator_value_delete(*, value: IndicatorValue) -> None:
    value.delete()


def indicator_targets_update(
    *,
    indicator: TargetIndicator,
    unit: str,
    baseline_value: Decimal | None,
    target_value: Decimal | None,
    higher_is_better: bool,
) -> TargetIndicator:
    indicator.unit = unit
    indicator.baseline_value = baseline_value
    indicator.target_value = target_value
    indicator.higher_is_better = higher_is_better
    indicator.save(update_fields=["unit", "baseline_value", "target_value", "higher_is_better"])
    return indicator


# --- Demo data ---------------------------------------------------------------------------


@transaction.atomic
def load_demo_indicators() -> int:
    """Numbers and values for the indicators of the Ивантеевка roadmap, of the Таганрог roadmap
    and of the school roadmap of МОБУ СОШ № 6; return how many values were added now.

    The seed documents give the indicators in words; the numbers are demo data. Loading twice
    adds nothing; numbers a user has set are left alone.
    """
    data = json.loads(DEMO_INDICATORS.read_text(encoding="utf-8"))
    added = 0
    for block in data["roadmaps"]:
        roadmap = Roadmap.objects.filter(source_key=block["roadmap"]).select_related("owner").first()
        if roadmap is None:
            continue
        schools = {
            s.name: s for s in Organisation.objects.schools().filter(municipality=roadmap.owner.municipality)
        }
        for order, spec in enumerate(block["indicators"], start=100):
            indicator = _demo_indicator(roadmap, spec, order)
            for row in spec.get("values", []):
                school = schools[row["school"]] if row.get("school") else None
                _, created = IndicatorValue.objects.get_or_create(
                    indicator=indicator,
                    school=school,
                    as_of=_demo_date(roadmap, row),
                    defaults={
                        "value": Decimal(str(row["value"])) if row.get("value") is not None else None,
                        "text": row.get("text", ""),
                        "comment": row.get("comment", ""),
                    },
                )
                added += created
    return added


def _demo_date(roadmap: Roadmap, row: dict) -> date:
    if "as_of" in row:
        return date.fromisoformat(row["as_of"])
    # The demo school roadmap runs in the current academic year: its dates follow the period.
    return min(roadmap.period_start + timedelta(days=row["offset_days"]), timezone.localdate())


def _demo_indicator(roadmap: Roadmap, spec: dict, order: int) -> TargetIndicator:
    # An indicator of the seed is found by the start of its name; a new one is added at the end.
    indicator = roadmap.indicators.filter(name__startswith=spec["name"]).first()
    if indicator is None:
        indicator = TargetIndicator.objects.create(
            roadmap=roadmap,
            order=order,
            name=spec["name"],
            unit=spec.get("unit", ""),
            baseline=spec.get("baseline", ""),
            target=spec.get("target", ""),
            target_date=date.fromisoformat(spec["target_date"]) if spec.get("target_date") else None,
        )
    if "target_value" in spec and indicator.target_value is None and indicator.baseline_value is None:
        indicator.unit = indicator.unit or spec.get("unit", "")
        indicator.baseline_value = Decimal(str(spec["baseline_value"]))
        indicator.target_value = Decimal(str(spec["target_value"]))
        indicator.higher_is_better = spec.get("higher_is_better", True)
        indicator.save(update_fields=["unit", "baseline_value", "target_value", "higher_is_better"])
    return indicator
