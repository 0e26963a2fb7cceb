"""What defines «low results»: ВПР, ОГЭ and ЕГЭ results and olympiad participation, per school and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from schools.models import Organisation


class ExamResult(models.Model):
    class Exam(models.TextChoices):
        VPR = "vpr", "ВПР"
        OGE = "oge", "ОГЭ"
        EGE = "ege", "ЕГЭ"

    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="exam_results",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    # The calendar year the exam was written (ВПР, ОГЭ and ЕГЭ are spring exams: 2024 for 2023/2024).
    year = models.PositiveSmallIntegerField("год")
    exam = models.CharField("процедура", max_length=10, choices=Exam.choices)
    subject = models.CharField("предмет", max_length=100)
    grade = models.PositiveSmallIntegerField("класс")
    participants = models.PositiveIntegerField("участников")
    average_score = models.DecimalField("средний балл", max_digits=6, decimal_places=2, null=True, blank=True)
    # ВПР and ОГЭ: the share of «2»; ЕГЭ: the share below the minimum score.
    failed_percent = models.DecimalField(
        "не преодолели порог, %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    # ВПР and ОГЭ: the share of «4» and «5»; ЕГЭ: the share with 81 points or more.
    high_percent = models.DecimalField(
        "высокие результаты, %", max_digits=5, decimal_places=2, null=True, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    entered_at = models.DateTimeField("когда внесено", auto_now=True)

    class Meta:
        verbose_name = "результат оценочной процедуры"
        verbose_name_plural = "результаты оценочных процедур"
        ordering = ["school", "-year", "exam", "subject", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "exam", "subject", "grade"], name="exam_result_unique"
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="exam_result_subject_not_empty"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=11), name="exam_result_grade_1_11"),
            models.CheckConstraint(
                condition=Q(failed_percent__isnull=True) | Q(failed_percent__gte=0, failed_percent__lte=100),
                name="exam_result_failed_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(high_percent__isnull=True) | Q(high_percent__gte=0, high_percent__lte=100),
                name="exam_result_high_percent_0_100",
            ),
        ]
        indexes = [
            # The municipal average: every school's result in one exam, subject, grade and year.
            models.Index(fields=["exam", "subject", "grade", "year"], name="exam_result_compare_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_exam_display()} {self.subject}, {self.grade} кл., {self.year}: {self.school}"


class OlympiadResult(models.Model):
    class Level(models.TextChoices):
        SCHOOL = "school", "Школьный этап"
        MUNICIPAL = "municipal", "Муниципальный этап"
        REGIONAL = "regional", "Региональный этап"
        FINAL = "final", "Заключительный этап"
        OTHER = "other", "Другие олимпиады и конкурсы"

    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="olympiad_results",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    # The academic year's start (2024 for 2024/2025): olympiads run from autumn to spring.
    academic_year = models.PositiveSmallIntegerField("учебный год", help_text="Год начала учебного года.")
    level = models.CharField("этап", max_length=20, choices=Level.choices)
    participants = models.PositiveIntegerField("участников")
    winners = models.PositiveIntegerField("победителей", default=0)
    prize_winners = models.PositiveIntegerField("призёров", default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    entered_at = models.DateTimeField("когда внесено", auto_now=True)

    class Meta:
        verbose_name = "участие в олимпиадах"
        verbose_name_plural = "участие в олимпиадах"
        ordering = ["school", "-academic_year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "level"], name="olympiad_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=F("winners") + F("prize_winners")),
                name="olympiad_result_winners_among_participants",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}, {self.academic_year}: {self.school}"
