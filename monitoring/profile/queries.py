"""Reading a school's risk levels, the catalogue's counts over a scope, and which activities of the
school's roadmaps address its risks (coverage)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from monitoring.models import ActivityRiskFactor, RiskFactor, SchoolRisk
from monitoring.profile.catalogue import ACTION_LEVELS, LEVEL_CSS
from roadmaps.models import Activity, Executor, Roadmap
from roadmaps.permissions import can_edit_roadmap
from schools.models import Organisation, academic_year_bounds, academic_year_label
from schools.permissions import visible_schools


def school_risk_levels(school: Organisation, academic_year: int) -> list[RiskFactor]:
    """Every factor of the catalogue with the school's ``level`` (and its label and colour) and
    ``note`` for the year, in one query; ``level`` is None where the factor was not assessed."""
    factors = list(
        RiskFactor.objects.annotate(
            assessed=FilteredRelation(
                "school_levels",
                condition=Q(school_levels__school=school, school_levels__academic_year=academic_year),
            )
        ).annotate(
            level=F("assessed__level"), note=F("assessed__note"), assessed_at=F("assessed__assessed_at")
        )
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
    return Roadmap.objects.filter(period_start__lte=end, period_end__gte=start).of_schools([school.pk])


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
