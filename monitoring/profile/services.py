"""Writes of a school's profile, its risk levels and an activity's risk factors."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolProfile, SchoolRisk
from monitoring.profile.figures import PROFILE_FIELDS
from roadmaps.models import Activity
from schools.models import Organisation


class StaleSave(Exception):
    """Someone saved the same figures after the form was opened: nothing was written."""

    def __init__(self, *, by, at, version: str) -> None:
        super().__init__("Сведения изменены после того, как форма была открыта.")
        self.by = by
        self.at = at
        self.version = version


def profile_version(profile: SchoolProfile | None) -> str:
    """What the edit form remembers of the profile it shows, to refuse a save over a newer one."""
    return profile.updated_at.isoformat() if profile is not None else ""


def risks_version(levels: Iterable) -> str:
    """The same for a school's risk levels of a year: how many are assessed and the last change.

    ``levels`` are SchoolRisk rows, or catalogue factors annotated with ``assessed_at``.
    """
    times = [row.assessed_at for row in levels if row.assessed_at is not None]
    return f"{len(times)}:{max(times).isoformat()}" if times else "0:"


@transaction.atomic
def school_profile_save(
    *, school: Organisation, academic_year: int, data: dict, by, seen: str | None = None
) -> SchoolProfile:
    """Save the profile of a year. ``seen`` is the version the form was opened on: when someone
    saved since, ``StaleSave`` is raised and nothing is written."""
    current = (
        SchoolProfile.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(school=school, academic_year=academic_year)
        .first()
    )
    if seen is not None and profile_version(current) != seen:
        raise StaleSave(by=current.updated_by, at=current.updated_at, version=profile_version(current))
    values = {name: data[name] for name in PROFILE_FIELDS if name in data}
    profile, _ = SchoolProfile.objects.update_or_create(
        school=school, academic_year=academic_year, defaults={**values, "updated_by": by}
    )
    return profile


@transaction.atomic
def school_risks_save(
    *,
    school: Organisation,
    academic_year: int,
    levels: dict[int, tuple[str, str]],
    by,
    seen: str | None = None,
) -> int:
    """Set the school's level of each factor for the year; an empty level removes the assessment.

    ``levels`` maps a factor id to (level, note). Returns how many assessments changed. With
    ``seen`` (the version the form was opened on), a save over newer levels raises ``StaleSave``.
    """
    existing = {
        r.factor_id: r
        for r in SchoolRisk.objects.select_for_update(of=("self",))
        .select_related("assessed_by")
        .filter(school=school, academic_year=academic_year)
    }
    if seen is not None and risks_version(existing.values()) != seen:
        latest = max(existing.values(), key=lambda row: row.assessed_at, default=None)
        raise StaleSave(
            by=latest.assessed_by if latest else None,
            at=latest.assessed_at if latest else None,
            version=risks_version(existing.values()),
        )
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
