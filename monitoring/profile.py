"""A school's profile and its «500+» risk factors: reading them, saving them, and which
activities of the school's roadmaps address its risks (coverage)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import timezone

from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolProfile, SchoolRisk
from roadmaps.models import Activity, Executor, Roadmap, RoadmapSchool
from roadmaps.permissions import can_edit_roadmap, visible_schools
from schools.models import Organisation, academic_year_label

CATALOGUE = Path(settings.BASE_DIR) / "fixtures" / "risk_factors.json"
FIRST_YEAR = 2000
# Levels that call for action: the coverage lists only these.
ACTION_LEVELS = (SchoolRisk.Level.HIGH, SchoolRisk.Level.MEDIUM)
LEVEL_CSS = {"high": "danger", "medium": "warning", "low": "info", "none": "secondary"}


def current_academic_year(today: date | None = None) -> int:
    """The academic year under way (2026 for 2026/2027): a year runs 1 September – 31 August."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def academic_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


def risk_factors_load() -> int:
    """Create or update the catalogue from fixtures/risk_factors.json (as migration 0003 does)."""
    items = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for item in items:
        RiskFactor.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "description": item["description"], "order": item["order"]},
        )
    return len(items)


# --- The profile, as the page shows it -------------------------------------------------------


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def _ratio(a: int | None, b: int | None) -> float | None:
    return None if a is None or not b else round(a / b, 1)


def _vacancy_share(p: SchoolProfile) -> float | None:
    if p.teachers_total is None or p.teacher_vacancies is None:
        return None
    return _share(p.teacher_vacancies, p.teachers_total + p.teacher_vacancies)


@dataclass(frozen=True)
class Figure:
    """A figure derived from one profile: a share or a ratio of two of its fields."""

    label: str
    compute: Callable[[SchoolProfile], float | None]
    kind: str  # "percent" or "ratio"
    better: int = 0  # +1: the higher the better, -1: the higher the worse, 0: neither


# The five groups of seed 000, row 3, with the fields entered and the figures that matter.
CATEGORIES: list[tuple[str, list[str], list[Figure]]] = [
    (
        "Кадровый состав",
        ["teachers_total", "teacher_vacancies", "teachers_young", "teachers_pension_age",
         "teachers_without_training", "staff_notes"],
        [
            Figure("доля вакансий от числа мест педагогов", _vacancy_share, "percent", -1),
            Figure("доля педагогов до 35 лет", lambda p: _share(p.teachers_young, p.teachers_total), "percent", 1),
            Figure("доля педагогов пенсионного возраста",
                   lambda p: _share(p.teachers_pension_age, p.teachers_total), "percent", -1),
            Figure("доля педагогов без повышения квалификации за 3 года",
                   lambda p: _share(p.teachers_without_training, p.teachers_total), "percent", -1),
        ],
    ),
    (
        "Контингент обучающихся",
        ["pupils_total", "pupils_disabled", "pupils_non_native_russian", "pupils_low_income",
         "pupils_registered", "pupils_notes"],
        [
            Figure("обучающихся на одного педагога", lambda p: _ratio(p.pupils_total, p.teachers_total), "ratio", -1),
            Figure("доля обучающихся с ОВЗ", lambda p: _share(p.pupils_disabled, p.pupils_total), "percent"),
            Figure("доля обучающихся, для которых русский язык не родной",
                   lambda p: _share(p.pupils_non_native_russian, p.pupils_total), "percent"),
            Figure("доля обучающихся из малообеспеченных семей",
                   lambda p: _share(p.pupils_low_income, p.pupils_total), "percent"),
            Figure("доля обучающихся на профилактическом учёте",
                   lambda p: _share(p.pupils_registered, p.pupils_total), "percent", -1),
        ],
    ),
    ("Учебно-методическое обеспечение", ["textbooks_percent", "materials_notes"], []),
    (
        "Материально-техническая база",
        ["shifts", "premises_condition", "computers_for_pupils", "has_broadband", "premises_notes"],
        [
            Figure("обучающихся на один компьютер",
                   lambda p: _ratio(p.pupils_total, p.computers_for_pupils), "ratio", -1),
        ],
    ),
    ("Дополнительные факторы", ["other_factors"], []),
]  # fmt: skip
PROFILE_FIELDS = [name for _, names, _ in CATEGORIES for name in names]
BETTER = {"teachers_young": 1, "teacher_vacancies": -1, "teachers_without_training": -1,
          "textbooks_percent": 1, "computers_for_pupils": 1, "pupils_registered": -1}  # fmt: skip


def _number(value: float, kind: str, signed: bool = False) -> str:
    """12.5 -> «12,5 %», a change of -2.0 -> «−2 п.п.»: Russian decimal comma, no trailing «,0»."""
    text = f"{value:+.1f}" if signed else f"{value:.1f}"
    text = text.removesuffix(".0").replace(".", ",").replace("-", "−")
    if kind == "percent":
        return f"{text} {'п.п.' if signed else '%'}"
    return text


@dataclass
class ProfileRow:
    label: str
    current: object
    previous: object
    kind: str  # "number", "percent" (a share or a stored one), "ratio", "text", "note" (free text)
    better: int = 0
    derived: bool = False

    def show(self, value) -> str:
        if value is None or value == "":
            return "—"
        return value if self.kind in ("text", "note") else _number(value, self.kind)

    @property
    def current_display(self) -> str:
        return self.show(self.current)

    @property
    def previous_display(self) -> str:
        return self.show(self.previous)

    @property
    def change(self) -> float | None:
        if self.kind in ("text", "note") or self.current is None or self.previous is None:
            return None
        return round(self.current - self.previous, 1)

    @property
    def change_display(self) -> str:
        if self.change is None:
            return ""
        return _number(self.change, self.kind, signed=True) if self.change else "0"

    @property
    def tone(self) -> str:
        """success when the change is for the better, danger when for the worse."""
        if not self.change or not self.better:
            return ""
        return "success" if (self.change > 0) == (self.better > 0) else "danger"


@dataclass
class ProfileSection:
    title: str
    rows: list[ProfileRow]

    @property
    def has_figures(self) -> bool:
        return any(row.kind != "note" for row in self.rows)


def _field_value(profile: SchoolProfile | None, name: str):
    if profile is None:
        return None
    value = getattr(profile, name)
    if name == "has_broadband":
        return None if value is None else ("есть" if value else "нет")
    if name == "premises_condition":
        return profile.get_premises_condition_display() or None
    return value


def profile_sections(current: SchoolProfile | None, previous: SchoolProfile | None) -> list[ProfileSection]:
    """The five groups, each field and derived figure with this year's and last year's value."""
    sections = []
    for title, names, figures in CATEGORIES:
        rows = []
        for name in names:
            model_field = SchoolProfile._meta.get_field(name)
            internal = model_field.get_internal_type()
            if internal.endswith("IntegerField"):
                kind = "percent" if name == "textbooks_percent" else "number"
            else:
                kind = "note" if internal == "TextField" else "text"
            label = str(model_field.verbose_name).split(": ")[-1]
            values = _field_value(current, name), _field_value(previous, name)
            if kind == "note" and not any(values):
                continue
            rows.append(ProfileRow(label, *values, kind, BETTER.get(name, 0)))
        for figure in figures:
            values = [figure.compute(p) if p else None for p in (current, previous)]
            rows.append(ProfileRow(figure.label, *values, figure.kind, figure.better, derived=True))
        sections.append(ProfileSection(title, rows))
    return sections


# --- Writes ----------------------------------------------------------------------------------


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


# --- Queries ---------------------------------------------------------------------------------


def school_risk_levels(school: Organisation, academic_year: int) -> list[RiskFactor]:
    """Every factor of the catalogue with the school's ``level`` (and its label and colour) and
    ``note`` for the year, in one query; ``level`` is None where the factor was not assessed."""
    factors = list(
        RiskFactor.objects.annotate(
            assessed=FilteredRelation(
                "school_levels",
                condition=Q(school_levels__school=school, school_levels__academic_year=academic_year),
            )
        ).annotate(level=F("assessed__level"), note=F("assessed__note"))
    )
    labels = dict(SchoolRisk.Level.choices)
    for factor in factors:
        factor.level_label = labels.get(factor.level, "")
        factor.level_css = LEVEL_CSS.get(factor.level, "")
    return factors


def risk_factor_counts(user, academic_year: int) -> list[RiskFactor]:
    """The catalogue, each factor with how many schools of the user's scope have it high or medium.

    Two queries: the catalogue, and one aggregate grouped by factor. Aggregating from the
    assessments rather than joining them to the factors lets a municipality's count use the
    index on the school (milliseconds), not scan the whole region's assessments.
    """
    counts = {
        row["factor_id"]: row
        for row in SchoolRisk.objects.filter(
            academic_year=academic_year,
            level__in=ACTION_LEVELS,
            school__in=visible_schools(user).values("pk"),
        )
        .order_by()
        .values("factor_id")
        .annotate(
            high=Count("pk", filter=Q(level=SchoolRisk.Level.HIGH)),
            medium=Count("pk", filter=Q(level=SchoolRisk.Level.MEDIUM)),
        )
    }
    factors = list(RiskFactor.objects.all())
    for factor in factors:
        row = counts.get(factor.pk, {})
        factor.high_schools, factor.medium_schools = row.get("high", 0), row.get("medium", 0)
    return factors


def school_roadmaps(school: Organisation, academic_year: int) -> QuerySet[Roadmap]:
    """Roadmaps running in the academic year that the school owns, takes part in or executes."""
    start, end = academic_year_bounds(academic_year)
    return Roadmap.objects.filter(period_start__lte=end, period_end__gte=start).filter(
        Q(owner=school)
        | Exists(RoadmapSchool.objects.filter(roadmap=OuterRef("pk"), school=school))
        | Exists(Executor.objects.filter(activity__roadmap=OuterRef("pk"), organisation=school))
    )


@dataclass
class CoverageRow:
    risk: SchoolRisk
    # Tag rows with ``activity`` and ``roadmap`` loaded and ``school_executes``: the school must act.
    links: list[ActivityRiskFactor] = field(default_factory=list)

    @property
    def factor(self) -> RiskFactor:
        return self.risk.factor

    @property
    def level_css(self) -> str:
        return LEVEL_CSS[self.risk.level]

    @property
    def is_covered(self) -> bool:
        return bool(self.links)


@dataclass
class RiskCoverage:
    """A school's high and medium risks of a year, each with the activities that address it."""

    school: Organisation
    academic_year: int
    rows: list[CoverageRow]
    assessed: int  # factors with any level for the year, to tell «not assessed» from «no risks»

    def __iter__(self) -> Iterator[CoverageRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def year_label(self) -> str:
        return academic_year_label(self.academic_year)

    @property
    def uncovered(self) -> int:
        return sum(not row.is_covered for row in self.rows)


def risk_coverage(school: Organisation, academic_year: int, *, user=None) -> RiskCoverage:
    """Two queries whatever the data: the school's levels, then the tagged activities.

    With ``user``, only the roadmaps that user may open count, so no link leads to a 404.
    """
    risks = list(
        SchoolRisk.objects.filter(school=school, academic_year=academic_year)
        .select_related("factor")
        .order_by("factor__order", "factor__code")
    )
    rows = {r.factor_id: CoverageRow(r) for r in risks if r.level in ACTION_LEVELS}
    if rows:
        roadmaps = school_roadmaps(school, academic_year)
        if user is not None:
            roadmaps = roadmaps.filter(pk__in=Roadmap.objects.visible_to(user).values("pk"))
        links = (
            ActivityRiskFactor.objects.filter(
                factor__in=list(rows), activity__roadmap__in=roadmaps.values("pk")
            )
            .select_related("activity__roadmap")
            .only(
                "factor_id",
                "activity__number",
                "activity__content",
                "activity__roadmap__title",
                "activity__roadmap__owner_id",
            )
            .annotate(
                school_executes=Exists(
                    Executor.objects.filter(activity=OuterRef("activity"), organisation=school)
                )
            )
            .order_by("activity__roadmap__period_start", "activity__roadmap_id", "activity__order")
        )
        for link in links:
            rows[link.factor_id].links.append(link)
    return RiskCoverage(school, academic_year, list(rows.values()), assessed=len(risks))


@dataclass
class ActivityRisks:
    """What the activity page's «Факторы риска» block shows (``_activity_risks.html``)."""

    activity: Activity
    factors: list[RiskFactor]  # the catalogue, each with ``tagged``
    can_edit: bool
    saved: bool = False
    error: str = ""

    @property
    def tagged(self) -> list[RiskFactor]:
        return [f for f in self.factors if f.tagged]


def activity_risks_for(activity: Activity, *, user) -> ActivityRisks:
    """The catalogue with the activity's tags (one query); ``activity.roadmap.owner`` must be loaded."""
    factors = list(
        RiskFactor.objects.annotate(
            tagged=Exists(ActivityRiskFactor.objects.filter(activity=activity, factor=OuterRef("pk")))
        )
    )
    return ActivityRisks(activity, factors, can_edit_roadmap(user, activity.roadmap))


# --- Demo data -------------------------------------------------------------------------------

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
