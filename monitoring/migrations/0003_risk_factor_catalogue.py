"""The «500+» risk factor catalogue (fixtures/risk_factors.json), so that every installation has it.

Keyed by code: running it again, or on a database that already holds some factors, updates the
names and descriptions and creates nothing twice. Going back leaves the rows: schools' levels and
activity tags point at them.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "risk_factors.json"


def load_catalogue(apps, schema_editor):
    RiskFactor = apps.get_model("monitoring", "RiskFactor")
    for item in json.loads(CATALOGUE.read_text(encoding="utf-8")):
        RiskFactor.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "description": item["description"], "order": item["order"]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_monitoring_data"),
    ]

    operations = [
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
