"""What a department collects about a school (seed 000, row 3: «кадровый состав; контингент
обучающихся; учебно-методическое обеспечение; материально-техническая база; дополнительные
факторы»), and the risk factors of the «500+» project with each school's level."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from roadmaps.models import Activity
from schools.limits import TEXT_LIMIT
from schools.models import Organisation


class SchoolProfile(models.Model):
    class Premises(models.TextChoices):
        GOOD = "good", "Удовлетворительное"
        NEEDS_REPAIR = "needs_repair", "Требует ремонта"
        EMERGENCY = "emergency", "Аварийное"

    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="profiles",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    academic_year = models.PositiveSmallIntegerField("учебный год", help_text="Год начала учебного года.")

    # Кадровый состав
    teachers_total = models.PositiveIntegerField("педагогов всего", null=True, blank=True)
    teacher_vacancies = models.PositiveIntegerField("вакансий", null=True, blank=True)
    teachers_young = models.PositiveIntegerField("педагогов до 35 лет", null=True, blank=True)
    teachers_pension_age = models.PositiveIntegerField(
        "педагогов пенсионного возраста", null=True, blank=True
    )
    teachers_without_training = models.PositiveIntegerField(
        "без повышения квалификации за 3 года", null=True, blank=True
    )
    staff_notes = models.TextField("кадровый состав: примечания", max_length=TEXT_LIMIT, blank=True)

    # Контингент обучающихся
    pupils_total = models.PositiveIntegerField("обучающихся всего", null=True, blank=True)
    pupils_disabled = models.PositiveIntegerField("обучающихся с ОВЗ", null=True, blank=True)
    pupils_non_native_russian = models.PositiveIntegerField(
        "обучающихся, для которых русский язык не родной", null=True, blank=True
    )
    pupils_low_income = models.PositiveIntegerField("из малообеспеченных семей", null=True, blank=True)
    pupils_registered = models.PositiveIntegerField(
        "состоящих на профилактическом учёте", null=True, blank=True
    )
    pupils_notes = models.TextField("контингент: примечания", max_length=TEXT_LIMIT, blank=True)

    # Учебно-методическое обеспечение
    textbooks_percent = models.PositiveSmallIntegerField(
        "обеспеченность учебниками, %", null=True, blank=True
    )
    materials_notes = models.TextField(
        "учебно-методическое обеспечение: примечания", max_length=TEXT_LIMIT, blank=True
    )

    # Материально-техническая база
    shifts = models.PositiveSmallIntegerField("смен", null=True, blank=True)
    premises_condition = models.CharField(
        "состояние здания", max_length=20, choices=Premises.choices, blank=True
    )
    computers_for_pupils = models.PositiveIntegerField("компьютеров для обучающихся", null=True, blank=True)
    has_broadband = models.BooleanField("скоростной интернет", null=True, blank=True)
    premises_notes = models.TextField(
        "материально-техническая база: примечания", max_length=TEXT_LIMIT, blank=True
    )

    # Дополнительные факторы
    other_factors = models.TextField("дополнительные факторы", max_length=TEXT_LIMIT, blank=True)

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто изменил",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "сведения о школе"
        verbose_name_plural = "сведения о школах"
        ordering = ["school", "-academic_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year"], name="school_profile_one_per_year"),
            models.CheckConstraint(
                condition=Q(textbooks_percent__isnull=True) | Q(textbooks_percent__lte=100),
                name="school_profile_textbooks_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}, {self.academic_year}/{self.academic_year + 1}"


class RiskFactor(models.Model):
    """A risk factor of the «500+» catalogue («Дефицит педагогических кадров», …)."""

    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("название", max_length=300)
    description = models.TextField("описание", max_length=TEXT_LIMIT, blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "фактор риска"
        verbose_name_plural = "факторы риска"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class SchoolRisk(models.Model):
    class Level(models.TextChoices):
        HIGH = "high", "Высокий"
        MEDIUM = "medium", "Средний"
        LOW = "low", "Низкий"
        NONE = "none", "Не выявлен"

    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="risks",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    factor = models.ForeignKey(
        RiskFactor, models.PROTECT, related_name="school_levels", verbose_name="фактор риска"
    )
    academic_year = models.PositiveSmallIntegerField("учебный год", help_text="Год начала учебного года.")
    level = models.CharField("уровень", max_length=10, choices=Level.choices)
    note = models.TextField("примечание", max_length=TEXT_LIMIT, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто оценил",
    )
    assessed_at = models.DateTimeField("когда оценено", auto_now=True)

    class Meta:
        verbose_name = "уровень риска школы"
        verbose_name_plural = "уровни рисков школ"
        ordering = ["school", "-academic_year", "factor__order"]
        constraints = [
            models.UniqueConstraint(fields=["school", "factor", "academic_year"], name="school_risk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.factor} — {self.get_level_display()}"


class ActivityRiskFactor(models.Model):
    """An activity tagged with the risk factor it addresses."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="risk_links", verbose_name="мероприятие"
    )
    factor = models.ForeignKey(
        RiskFactor, models.PROTECT, related_name="activity_links", verbose_name="фактор риска"
    )

    class Meta:
        verbose_name = "фактор риска мероприятия"
        verbose_name_plural = "факторы риска мероприятий"
        constraints = [
            models.UniqueConstraint(fields=["activity", "factor"], name="activity_risk_unique"),
        ]
        indexes = [
            # A school's page: which of its risks its roadmaps' activities address.
            models.Index(fields=["factor", "activity"], name="activity_risk_factor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.factor}"
