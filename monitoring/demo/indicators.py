"""Demo numbers and values for the target indicators of the seed roadmaps."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from monitoring.models import IndicatorValue
from roadmaps.models import Roadmap, TargetIndicator
from schools.models import Organisation

DEMO_INDICATORS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "indicators.json"


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
