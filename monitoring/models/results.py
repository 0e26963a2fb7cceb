"""What defines «low results»: ВПР, ОГЭ and ЕГЭ results and olympiad participation, per school and
year; and an uploaded results file between its preview and its confirmation."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from roadmaps.models import ExpiringQuerySet
from schools.models import Municipality, Organisation


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


class PreviewEncoder(DjangoJSONEncoder):
    """Rows of a preview hold decimals (scores, percents): kept as tagged strings, read back
    as decimals, so that what is saved is what the file said."""

    def default(self, o):
        if isinstance(o, Decimal):
            return {"$decimal": str(o)}
        return super().default(o)


class PreviewDecoder(json.JSONDecoder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, object_hook=self.decimals, **kwargs)

    @staticmethod
    def decimals(value: dict):
        return Decimal(value["$decimal"]) if value.keys() == {"$decimal"} else value


# A preview nobody confirmed is forgotten after two hours: the file is to be uploaded again.
PREVIEW_LIFETIME = timedelta(hours=2)


def preview_expiry():
    return timezone.now() + PREVIEW_LIFETIME


class ResultsImportPreview(models.Model):
    """An uploaded results file as read, between the upload and «Загрузить»: kept in the
    database so that every web worker sees it, with or without Redis."""

    class Kind(models.TextChoices):
        RESULTS = "results", "Результаты ВПР, ОГЭ, ЕГЭ"
        OLYMPIAD = "olympiad", "Участие в олимпиадах"

    token = models.CharField("ключ", max_length=32, unique=True)
    kind = models.CharField("что загружено", max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="кто загрузил"
    )
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="+", verbose_name="муниципалитет"
    )
    filename = models.CharField("файл", max_length=255)
    sheet = models.CharField("лист", max_length=255, blank=True)
    rows = models.JSONField(
        "прочитанные строки", default=list, encoder=PreviewEncoder, decoder=PreviewDecoder
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    expires_at = models.DateTimeField("хранится до", default=preview_expiry)

    objects = ExpiringQuerySet.as_manager()

    class Meta:
        verbose_name = "предпросмотр загрузки результатов"
        verbose_name_plural = "предпросмотры загрузки результатов"
        indexes = [
            # The purge at each upload and nightly: ResultsImportPreview.objects.expired().
            models.Index(fields=["expires_at"], name="resultspreview_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_kind_display()})"
