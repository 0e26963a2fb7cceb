"""Writing target indicators: values per school and date, and the numeric targets."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from monitoring.models import IndicatorValue
from roadmaps.models import TargetIndicator
from schools.models import Organisation


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
