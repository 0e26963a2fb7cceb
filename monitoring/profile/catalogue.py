"""The «500+» risk-factor catalogue, its levels, and the academic year profiles and risks are kept by."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from monitoring.models import RiskFactor, SchoolRisk

CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "risk_factors.json"
FIRST_YEAR = 2000
# Levels that call for action: the coverage lists only these.
ACTION_LEVELS = (SchoolRisk.Level.HIGH, SchoolRisk.Level.MEDIUM)
LEVEL_CSS = {"high": "danger", "medium": "warning", "low": "info", "none": "secondary"}


def risk_factors_load() -> int:
    """Create or update the catalogue from fixtures/risk_factors.json (as migration 0003 does)."""
    items = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for item in items:
        RiskFactor.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "description": item["description"], "order": item["order"]},
        )
    return len(items)
