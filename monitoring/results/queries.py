"""Reading school results: a school's series over the years against the municipal average, the
municipality's schools side by side, olympiad participation, and the getters of a result to change.

The municipal average of an exam, subject, grade and year is weighted by participants: the sum
of (score × participants) over the municipality's schools divided by their participants, counting
only the schools that gave that figure. It is always computed by the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, FloatField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Cast, NullIf
from django.shortcuts import get_object_or_404

from monitoring.models import ExamResult, OlympiadResult
from monitoring.permissions import can_edit_school_data
from schools.models import Municipality, Organisation
from schools.permissions import visible_schools

EXAM_ORDER = Case(
    When(exam=ExamResult.Exam.VPR, then=Value(0)),
    When(exam=ExamResult.Exam.OGE, then=Value(1)),
    default=Value(2),
)


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool
    ege_label: str = ""

    def label_for(self, exam: str | None) -> str:
        return self.ege_label if exam == ExamResult.Exam.EGE and self.ege_label else self.label


METRICS = {
    m.key: m
    for m in [
        Metric("average_score", "Средний балл", True),
        Metric("failed_percent", "Доля «2», %", False, "Не преодолели минимальный порог, %"),
        Metric("high_percent", "Доля «4» и «5», %", True, "81 балл и выше, %"),
    ]
}


# --- Who may change a result --------------------------------------------------------------


def get_exam_result_for_user(user, pk: int) -> ExamResult:
    """A result to correct or delete: 404 unseen, 403 when the user may not change the school's data."""
    result = get_object_or_404(
        ExamResult.objects.filter(school__in=visible_schools(user)).select_related("school"), pk=pk
    )
    if not can_edit_school_data(user, result.school):
        raise PermissionDenied("Результаты школы меняют управление образования и директор школы.")
    return result


def get_olympiad_result_for_user(user, pk: int) -> OlympiadResult:
    result = get_object_or_404(
        OlympiadResult.objects.filter(school__in=visible_schools(user)).select_related("school"), pk=pk
    )
    if not can_edit_school_data(user, result.school):
        raise PermissionDenied("Результаты школы меняют управление образования и директор школы.")
    return result


# --- Reading ------------------------------------------------------------------------------


def _weighted(field_name: str):
    return Sum(Cast(F(field_name), FloatField()) * F("participants"), output_field=FloatField()) / NullIf(
        Cast(Sum("participants"), FloatField()), Value(0.0)
    )


def municipal_average(field_name: str, municipality_id: int) -> Subquery:
    """The participants-weighted average of the same exam, subject, grade and year over the
    municipality's schools, as a correlated subquery of an ExamResult queryset."""
    peers = (
        ExamResult.objects.filter(
            school__municipality_id=municipality_id,
            exam=OuterRef("exam"),
            subject=OuterRef("subject"),
            grade=OuterRef("grade"),
            year=OuterRef("year"),
            **{f"{field_name}__isnull": False},
        )
        .order_by()
        .values("exam")
    )
    return Subquery(peers.annotate(avg=_weighted(field_name)).values("avg")[:1], output_field=FloatField())


def school_series(school: Organisation, exam: str = "") -> QuerySet:
    """The school's (exam, subject, grade) series, ВПР first: page through these."""
    results = ExamResult.objects.filter(school=school)
    if exam:
        results = results.filter(exam=exam)
    return (
        results.annotate(exam_order=EXAM_ORDER)
        .values("exam_order", "exam", "subject", "grade")
        .distinct()
        .order_by("exam_order", "subject", "grade")
    )


def school_exam_results(school: Organisation, series: list[dict]) -> QuerySet[ExamResult]:
    """All years of the given series with the municipal averages beside them: one query."""
    if not series:
        return ExamResult.objects.none()
    wanted = Q()
    for s in series:
        wanted |= Q(exam=s["exam"], subject=s["subject"], grade=s["grade"])
    averages = {f"municipal_{key}": municipal_average(key, school.municipality_id) for key in METRICS}
    return ExamResult.objects.filter(wanted, school=school).annotate(**averages).order_by("year")


@dataclass
class Cell:
    result: ExamResult
    value: Decimal | None
    municipal: float | None
    trend: str = ""  # "better" / "worse" than the year before
    direction: str = ""  # "up" / "down": which way the figure moved since the year before
    against: str = ""  # "better" / "worse" / "same" than the municipal average


@dataclass
class Series:
    exam: str
    subject: str
    grade: int
    cells: dict[int, Cell] = field(default_factory=dict)
    line: list[Cell | None] = field(default_factory=list)  # the cells in the table's year columns

    @property
    def exam_label(self) -> str:
        return ExamResult.Exam(self.exam).label

    @property
    def title(self) -> str:
        return f"{self.exam_label}, {self.subject}, {self.grade} класс"


def _compare(a, b, higher_is_better: bool) -> str:
    if a is None or b is None:
        return ""
    diff = float(a) - float(b)
    if abs(diff) < 0.005:
        return "same"
    return "better" if (diff > 0) == higher_is_better else "worse"


def build_series(series: list[dict], results, metric: Metric) -> tuple[list[Series], list[int]]:
    """The page's series as rows of cells by year, each read against the year before and the
    municipal average (presentation of the figures the query computed)."""
    by_key = {
        (s["exam"], s["subject"], s["grade"]): Series(s["exam"], s["subject"], s["grade"]) for s in series
    }
    years: set[int] = set()
    for r in results:
        years.add(r.year)
        by_key[(r.exam, r.subject, r.grade)].cells[r.year] = Cell(
            r, getattr(r, metric.key), getattr(r, f"municipal_{metric.key}")
        )
    for row in by_key.values():
        previous = None
        for year in sorted(row.cells):
            cell = row.cells[year]
            cell.against = _compare(cell.value, cell.municipal, metric.higher_is_better)
            if previous is not None:
                cell.trend = _compare(cell.value, previous.value, metric.higher_is_better)
                if cell.trend and cell.trend != "same":
                    cell.direction = "up" if (cell.trend == "better") == metric.higher_is_better else "down"
            previous = cell
    columns = sorted(years)
    for row in by_key.values():
        row.line = [row.cells.get(year) for year in columns]
    return list(by_key.values()), columns


def chart_data(rows: list[Series], years: list[int], metric: Metric) -> list[dict[str, Any]]:
    """What the line charts draw: the school and the municipal average per year."""

    def number(value):
        return None if value is None else round(float(value), 2)

    return [
        {
            "title": row.title,
            "metric": metric.label_for(row.exam),
            "years": years,
            "school": [number(row.cells[y].value) if y in row.cells else None for y in years],
            "municipal": [number(row.cells[y].municipal) if y in row.cells else None for y in years],
        }
        for row in rows
    ]


def school_olympiads(school: Organisation) -> QuerySet[OlympiadResult]:
    stages = [When(level=level, then=Value(i)) for i, level in enumerate(OlympiadResult.Level.values)]
    return school.olympiad_results.order_by("-academic_year", Case(*stages, default=Value(99)))


def municipality_filters(municipality: Municipality) -> tuple[list[int], list[tuple[str, str, int]]]:
    """The years and the (exam, subject, grade) series the municipality has results for: two queries."""
    results = ExamResult.objects.filter(school__municipality=municipality).order_by()
    years = list(results.values_list("year", flat=True).distinct().order_by("-year"))
    series = list(
        results.annotate(exam_order=EXAM_ORDER)
        .values_list("exam_order", "exam", "subject", "grade")
        .distinct()
        .order_by("exam_order", "subject", "grade")
    )
    return years, [(exam, subject, grade) for _, exam, subject, grade in series]


def municipality_average(municipality: Municipality, **chosen) -> dict[str, Any]:
    """The municipal average of one exam, subject, grade and year: one aggregate query."""
    results = ExamResult.objects.filter(school__municipality=municipality, **chosen)
    aggregates = {
        key: Sum(Cast(F(key), FloatField()) * F("participants"), output_field=FloatField())
        / NullIf(
            Cast(Sum("participants", filter=Q(**{f"{key}__isnull": False})), FloatField()),
            Value(0.0),
        )
        for key in METRICS
    }
    return results.aggregate(
        **aggregates, schools=Count("school", distinct=True), participants=Sum("participants")
    )


def municipality_school_results(municipality: Municipality, metric: Metric, **chosen) -> QuerySet[ExamResult]:
    """Every school's result in one exam, subject, grade and year, the weakest first, with its own
    figure a year before."""
    previous = ExamResult.objects.filter(
        school=OuterRef("school"),
        exam=OuterRef("exam"),
        subject=OuterRef("subject"),
        grade=OuterRef("grade"),
        year=OuterRef("year") - 1,
    ).values(metric.key)[:1]
    weakest = (
        F(metric.key).asc(nulls_last=True) if metric.higher_is_better else F(metric.key).desc(nulls_last=True)
    )
    return (
        ExamResult.objects.filter(school__municipality=municipality, **chosen)
        .select_related("school")
        .annotate(previous=Subquery(previous))
        .order_by(weakest, "school__name")
    )
