"""Entering, correcting and deleting school results one at a time, and what a result may be."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from monitoring.models import ExamResult, OlympiadResult
from schools.models import Organisation

# --- What a result may be -----------------------------------------------------------------

FIRST_YEAR = 2000
# Subjects offered in the form; any other may be typed.
SUBJECTS = [
    "Русский язык",
    "Математика",
    "Математика (базовый уровень)",
    "Математика (профильный уровень)",
    "Окружающий мир",
    "Физика",
    "Химия",
    "Биология",
    "География",
    "История",
    "Обществознание",
    "Информатика",
    "Литература",
    "Английский язык",
    "Немецкий язык",
    "Французский язык",
]


def normalise_subject(subject: str) -> str:
    """«  русский   язык » -> «Русский язык»: the same subject written by hand and in a file."""
    subject = " ".join(subject.split())
    return subject[:1].upper() + subject[1:]


def result_problems(
    exam: str, grade: int, average: Decimal | None, failed: Decimal | None, high: Decimal | None
) -> list[str]:
    """What is wrong with a result as a whole (each figure is already in its range)."""
    problems = []
    if exam == ExamResult.Exam.OGE and grade != 9:
        problems.append("ОГЭ сдают в 9 классе.")
    elif exam == ExamResult.Exam.EGE and grade not in (10, 11):
        problems.append("ЕГЭ сдают в 10–11 классе.")
    elif exam == ExamResult.Exam.VPR and grade < 4:
        problems.append("ВПР пишут с 4 класса.")
    if exam in (ExamResult.Exam.VPR, ExamResult.Exam.OGE) and average is not None and not 2 <= average <= 5:
        problems.append("Средний балл ВПР и ОГЭ — средняя отметка, от 2 до 5.")
    if failed is not None and high is not None and failed + high > 100:
        problems.append("Доля «2» и доля высоких результатов вместе больше 100%.")
    if average is None and failed is None and high is None:
        problems.append("Укажите хотя бы средний балл или один из процентов.")
    return problems


# --- Writing ------------------------------------------------------------------------------

EXAM_FIELDS = ["participants", "average_score", "failed_percent", "high_percent"]


def exam_result_save(
    *, school: Organisation, year: int, exam: str, subject: str, grade: int, figures: dict[str, Any], user
) -> tuple[ExamResult, bool]:
    """Enter a result; the same school, year, exam, subject and grade again corrects it."""
    return ExamResult.objects.update_or_create(
        school=school,
        year=year,
        exam=exam,
        subject=normalise_subject(subject),
        grade=grade,
        defaults={**{k: figures.get(k) for k in EXAM_FIELDS}, "entered_by": user},
    )


def exam_result_delete(*, result: ExamResult) -> None:
    result.delete()


def olympiad_result_save(
    *,
    school: Organisation,
    academic_year: int,
    level: str,
    participants: int,
    winners: int,
    prize_winners: int,
    user,
) -> tuple[OlympiadResult, bool]:
    return OlympiadResult.objects.update_or_create(
        school=school,
        academic_year=academic_year,
        level=level,
        defaults={
            "participants": participants,
            "winners": winners,
            "prize_winners": prize_winners,
            "entered_by": user,
        },
    )


def olympiad_result_delete(*, result: OlympiadResult) -> None:
    result.delete()
