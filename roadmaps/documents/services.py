"""Saving an imported roadmap: the seed loader, pointed at an owner the user chose."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from roadmaps.models import Activity, Roadmap, check_period
from roadmaps.services.loading import roadmap_load
from schools.models import Organisation


class ImportRefused(ValueError):
    """The import cannot be saved as asked; the message is for the user."""


@transaction.atomic
def roadmap_import(*, data: dict[str, Any], owner: Organisation) -> Roadmap:
    """Save a roadmap read by ``importer.import_roadmap`` as a draft of ``owner``, all or nothing.

    Every import is a new roadmap: its source key is fresh, so importing the same file
    twice gives two drafts rather than silently returning the first.
    """
    if owner.municipality_id is None:
        raise ImportRefused("Загружать дорожные карты можно только для организаций муниципалитета.")
    try:
        check_period(date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"]))
    except ValidationError as error:
        raise ImportRefused(" ".join(error.messages)) from None
    payload = {
        **data,
        "key": f"import-{uuid.uuid4().hex}",
        "region": owner.region.name,
        "municipality": owner.municipality.name,
        "owner": {"name": owner.name, "short_name": owner.short_name, "kind": owner.kind},
        "level": Roadmap.Level.SCHOOL if owner.kind == Organisation.Kind.SCHOOL else data.get("level"),
    }
    roadmap, _ = roadmap_load(data=payload, status=Roadmap.Status.DRAFT)
    if data.get("activities") and data.get("sections"):
        # The loader numbers sections' rows first; rows above the first section came first.
        rows = list(roadmap.activities.order_by("order"))
        rows.sort(key=lambda a: a.section_id is not None)
        for order, activity in enumerate(rows, start=1):
            activity.order = order
        Activity.objects.bulk_update(rows, ["order"])
    return roadmap
