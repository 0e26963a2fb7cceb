"""A generated school's monitoring data: ВПР, ОГЭ and ЕГЭ results and olympiads for three years,
its profile for the current year and a level for every risk factor of the catalogue.

The figures follow the school's ``strength``: supervised schools score lower, have more vacancies
and more high risks, and improve a little year by year."""

from __future__ import annotations

import math
from decimal import Decimal

from monitoring.demo.country.generator import Generator, School
from monitoring.demo.country.names import EXAM_YEARS, EXAMS
from monitoring.models import ExamResult, OlympiadResult, SchoolProfile, SchoolRisk


def school_results(gen: Generator, school: School) -> None:
    rng = gen.rng
    grade = max(5, school.pupils // 11)  # pupils in one grade
    for back in range(EXAM_YEARS - 1, -1, -1):
        year = gen.year - back  # the spring of the academic year (year - 1)/year
        q = school.strength + (EXAM_YEARS - 1 - back) * (0.15 if school.role == "supervised" else 0.03)
        for exam, level, subject in EXAMS:
            if exam == ExamResult.Exam.EGE and school.kind == "ООШ":
                continue  # a basic school ends with grade 9
            x = q + rng.gauss(0, 0.3)
            if exam == ExamResult.Exam.EGE:
                average = min(95.0, max(30.0, (66 if subject == "Русский язык" else 52) + 8 * x))
                failed = min(60.0, max(0.0, 4 - 4 * x))
                high = min(100.0, max(0.0, 12 + 9 * x))
                share = 0.55 if subject == "Русский язык" else 0.3
                participants = max(1, int(grade * share * rng.uniform(0.8, 1.1)))
            else:
                average = min(4.9, max(2.3, 3.7 + 0.35 * x))
                failed = min(70.0, max(0.0, 10 - 8 * x))
                high = min(100.0 - failed, max(0.0, 45 + 15 * x))
                participants = max(1, int(grade * rng.uniform(0.8, 1.05)))
            gen.add(
                ExamResult, school.id, year, exam, subject, level, participants, Decimal(f"{average:.2f}"),
                Decimal(f"{failed:.2f}"), Decimal(f"{high:.2f}"), gen.stamp,
            )  # fmt: skip
    stages = (
        (OlympiadResult.Level.SCHOOL, 1.0),
        (OlympiadResult.Level.MUNICIPAL, 0.12),
        (OlympiadResult.Level.REGIONAL, 0.015),
    )
    for year in range(gen.year - EXAM_YEARS + 1, gen.year + 1):
        participants = int(school.pupils * rng.uniform(0.2, 0.45))
        for level, share in stages:
            n = int(participants * share * math.exp(0.4 * school.strength))
            if n:
                winners = rng.randint(0, n // 10)
                prize_winners = rng.randint(0, (n - winners) // 5)
                gen.add(OlympiadResult, school.id, year, level, n, winners, prize_winners, gen.stamp)


def school_profile(gen: Generator, school: School) -> None:
    """The profile and the risk levels; the high and medium risks go to ``school.risks``."""
    rng, pupils, weak = gen.rng, school.pupils, school.role == "supervised"
    teachers = max(6, pupils // rng.randint(12, 16))
    premises = rng.choices(["good", "needs_repair", "emergency"], [70, 27, 3] if weak else [85, 14, 1])[0]
    other = "Удалённость от районного центра, подвоз обучающихся." if weak and rng.random() < 0.3 else ""
    gen.add(
        SchoolProfile, school.id, gen.year,
        teachers, rng.randint(1, 5) if weak else rng.randint(0, 2), int(teachers * rng.uniform(0.05, 0.25)),
        int(teachers * rng.uniform(0.15, 0.4)), int(teachers * rng.uniform(0.0, 0.3 if weak else 0.1)),
        pupils, int(pupils * rng.uniform(0.02, 0.08)), int(pupils * rng.uniform(0.0, 0.15)),
        int(pupils * rng.uniform(0.05, 0.35 if weak else 0.15)), int(pupils * rng.uniform(0.0, 0.03)),
        rng.randint(80 if weak else 92, 100), 2 if weak and rng.random() < 0.4 else 1, premises,
        pupils // rng.randint(8, 20), rng.random() < (0.8 if weak else 0.95), other, gen.stamp,
    )  # fmt: skip
    levels = rng.choices(
        ["high", "medium", "low", "none"], [25, 35, 25, 15] if weak else [3, 12, 35, 50], k=len(gen.factors)
    )
    for factor, level in zip(gen.factors, levels, strict=True):
        gen.add(SchoolRisk, school.id, factor, gen.year, level, gen.stamp)
        if level in (SchoolRisk.Level.HIGH, SchoolRisk.Level.MEDIUM):
            school.risks.append(factor)
