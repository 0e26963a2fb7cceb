"""Writes of a school's profile, its risk levels and an activity's risk factors."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolProfile, SchoolRisk
from monitoring.profile.figures import PROFILE_FIELDS
from roadmaps.models import Activity
from schools.models import Organisation


def school_profile_save(*, school: Organisation, academic_year: int, data: dict, by) -> SchoolProfile:
    values = {name: data[name] for name in PROFILE_FIELDS if name in data}
    profile, _ = SchoolProfile.objects.update_or_create(
        school=school, academic_year=academic_year, defaults={**values, "updated_by": by}
    )
    return profile


@transaction.atomic
def school_risks_save(
    *, school: Organisation, academic_year: int, levels: dict[int, tuple[str, str]], by
) -> int:
    """Set the school's level of each factor for the year; an empty level removes the assessment.

    ``levels`` maps a factor id to (level, note). Returns how many assessments changed.
    """
    existing = {
        r.factor_id: r
        for r in SchoolRisk.objects.select_for_update().filter(school=school, academic_year=academic_year)
    }
    now = timezone.now()
    create, update, delete = [], [], []
    for factor_id, (level, note) in levels.items():
        row = existing.get(factor_id)
        if not level:
            if row is not None:
                delete.append(row.pk)
        elif row is None:
            create.append(
                SchoolRisk(
                    school=school, factor_id=factor_id, academic_year=academic_year,
                    level=level, note=note, assessed_by=by,
                )
            )  # fmt: skip
        elif (row.level, row.note) != (level, note):
            row.level, row.note, row.assessed_by, row.assessed_at = level, note, by, now
            update.append(row)
    SchoolRisk.objects.bulk_create(create)
    SchoolRisk.objects.bulk_update(update, ["level", "note", "assessed_by", "assessed_at"])
    SchoolRisk.objects.filter(pk__in=delete).delete()
    return len(create) + len(update) + len(delete)


@transaction.atomic
def activity_risks_save(*, activity: Activity, factors: Iterable[RiskFactor]) -> None:
    wanted = {f.pk for f in factors}
    ActivityRiskFactor.objects.filter(activity=activity).exclude(factor__in=wanted).delete()
    ActivityRiskFactor.objects.bulk_create(
        [ActivityRiskFactor(activity=activity, factor_id=pk) for pk in sorted(wanted)], ignore_conflicts=True
    )
