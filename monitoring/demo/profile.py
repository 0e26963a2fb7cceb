"""Demo profiles and risk levels of the Таганрог supervised schools, and risk tags on demo activities."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolProfile, SchoolRisk
from monitoring.profile.catalogue import risk_factors_load
from roadmaps.models import Activity, Roadmap
from schools.models import current_academic_year

# Levels of the Таганрог supervised schools, by school number; the other factors are «не выявлен».
DEMO_RISKS = {
    "6": {"R02": "high", "R03": "medium", "R06": "high", "R10": "medium", "R11": "high", "R01": "low"},
    "12": {"R06": "high", "R03": "medium", "R08": "medium", "R11": "low"},
    "31": {"R01": "high", "R02": "medium", "R06": "medium", "R10": "high"},
    "16": {"R07": "high", "R06": "medium", "R10": "medium"},
    "20": {"R09": "high", "R04": "medium", "R02": "low"},
    "34": {"R02": "high", "R05": "medium", "R11": "medium"},
    "39": {"R06": "high", "R11": "high", "R08": "low"},
}
DEMO_OTHER_FACTORS = {
    6: "Школа на окраине города, высокая доля семей в трудной жизненной ситуации; "
    "часть педагогов совмещает два предмета.",
    31: "Здание 1962 года постройки; спортивный зал на капитальном ремонте.",
}
# Activity number -> the factors it addresses, in the demo school roadmap and in the Таганрог one.
DEMO_TAGS = {
    "demo_school6_antirisk": {
        "1.1": ["R06"],
        "1.2": ["R03", "R05"],
        "1.3": ["R05"],
        "2.1": ["R06", "R11"],
        "2.2": ["R10"],
        "2.3": ["R06"],
    },
    "002_taganrog": {"6.": ["R03"], "7.": ["R06", "R05"], "11.": ["R06"], "12.": ["R05"]},
}


def _demo_profile(number: int, year: int) -> dict:
    """Plausible figures for a school, varying a little from year to year (no randomness)."""
    step = year - 2022
    teachers = 30 + number % 17 + step
    pupils = 420 + 23 * (number % 19) + 12 * step
    return {
        "teachers_total": teachers,
        "teacher_vacancies": max(0, 3 + number % 4 - step),
        "teachers_young": 4 + number % 5 + step,
        "teachers_pension_age": 6 + number % 7,
        "teachers_without_training": max(0, 5 + number % 3 - step),
        "pupils_total": pupils,
        "pupils_disabled": 8 + number % 11 + step,
        "pupils_non_native_russian": 5 + number % 13,
        "pupils_low_income": 40 + 3 * (number % 9),
        "pupils_registered": max(0, 6 + number % 5 - step),
        "textbooks_percent": min(100, 88 + number % 7 + step),
        "shifts": 2 if number % 3 == 0 else 1,
        "premises_condition": SchoolProfile.Premises.NEEDS_REPAIR
        if number % 4 == 2
        else SchoolProfile.Premises.GOOD,
        "computers_for_pupils": 20 + number % 10 + 4 * step,
        "has_broadband": number % 5 != 3,
        "other_factors": DEMO_OTHER_FACTORS.get(number, ""),
    }


@transaction.atomic
def load_demo_profiles(today: date | None = None) -> dict[str, int]:
    """Profiles and risk levels of the Таганрог supervised schools and risk tags on demo
    activities. Loading twice changes nothing; what users changed since is kept."""
    risk_factors_load()
    current = current_academic_year(today)
    factors = {f.code: f for f in RiskFactor.objects.all()}
    created = {"profiles": 0, "risks": 0, "tags": 0}
    taganrog = Roadmap.objects.filter(source_key="002_taganrog").first()
    if taganrog is None:
        return created
    schools = [
        link.school for link in taganrog.school_links.filter(role="supervised").select_related("school")
    ]
    for school in schools:
        number = school.school_number or "0"
        for year in sorted({taganrog.academic_year, current - 1, current}):
            _, made = SchoolProfile.objects.get_or_create(
                school=school, academic_year=year, defaults=_demo_profile(int(number), year)
            )
            created["profiles"] += made
        for year in sorted({taganrog.academic_year, current}):
            levels = DEMO_RISKS.get(number, {})
            for code, factor in factors.items():
                _, made = SchoolRisk.objects.get_or_create(
                    school=school, factor=factor, academic_year=year,
                    defaults={"level": levels.get(code, SchoolRisk.Level.NONE)},
                )  # fmt: skip
                created["risks"] += made
    for source_key, tags in DEMO_TAGS.items():
        activities = Activity.objects.filter(
            roadmap__source_key=source_key, parent__isnull=True, number__in=list(tags)
        ).order_by("order")
        seen = set()
        for activity in activities:
            if activity.number in seen:  # «1.» of a later stage: tag the first only
                continue
            seen.add(activity.number)
            for code in tags[activity.number]:
                _, made = ActivityRiskFactor.objects.get_or_create(activity=activity, factor=factors[code])
                created["tags"] += made
    return created
