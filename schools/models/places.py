"""Who takes part and where: regions, municipalities, organisations, people, their roles,
school statuses, mentor pairs and coordinators; and the academic year."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from simple_history.models import HistoricalRecords


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError("Неизвестный часовой пояс: %(value)s", params={"value": value})


def academic_year_of(day: date) -> int:
    """The academic year a day falls in, by the year it starts: 2026 for 2026/2027.

    ``academic_year_expression`` says the same in SQL: the two must agree
    (tests/schools/test_academic_year.py)."""
    return day.year if day.month >= 9 else day.year - 1


def academic_year_expression(field: str) -> Case:
    """``academic_year_of`` of the date field ``field``, as a database expression: for
    annotating, ordering and grouping rows by academic year in SQL. The two must agree."""
    start = ExtractYear(field)
    return Case(When(**{f"{field}__month__gte": 9}, then=start), default=start - 1)


def current_academic_year(today: date | None = None) -> int:
    """The academic year under way (2026 for 2026/2027): a year runs 1 September – 31 August."""
    return academic_year_of(today or timezone.localdate())


def academic_year_bounds(start_year: int) -> tuple[date, date]:
    """1 September – 31 August of the academic year starting in ``start_year``."""
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def academic_year_label(start_year: int) -> str:
    """2022 -> «2022/2023»: an academic year runs 1 September – 31 August."""
    return f"{start_year}/{start_year + 1}"


def validate_inn(value: str) -> None:
    """An ИНН is 10 digits (an organisation) or 12 (a person), with its check digits."""
    # ASCII digits only: «²».isdigit() is true, and int("٣") is 3.
    if not re.fullmatch(r"[0-9]{10}|[0-9]{12}", value):
        raise ValidationError("ИНН — 10 цифр (у организации) или 12 (у физического лица).")
    digits = [int(c) for c in value]

    def check(weights: list[int]) -> int:
        return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10

    if len(value) == 10:
        valid = check([2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9]
    else:
        valid = check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10] and (
            check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11]
        )
    if not valid:
        raise ValidationError("В ИНН ошибка: не сходится контрольная цифра. Проверьте его по выписке ЕГРЮЛ.")


class Region(models.Model):
    name = models.CharField("название", max_length=200, unique=True)
    code = models.CharField("код региона", max_length=3, blank=True)

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)


class Municipality(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities", verbose_name="регион")
    name = models.CharField("название", max_length=200)
    # Reminders go out at the recipient's local morning; Russia spans eleven time zones.
    timezone = models.CharField(
        "часовой пояс", max_length=64, default="Europe/Moscow", validators=[validate_timezone]
    )

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def schools(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.SCHOOL)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Орган управления образованием"
        METHODOLOGICAL = "methodological", "Методическая служба"
        SCHOOL = "school", "Школа"
        OTHER = "other", "Другая организация"

    region = models.ForeignKey(Region, models.PROTECT, related_name="organisations", verbose_name="регион")
    # Empty for regional bodies (министерство, институт развития образования).
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name="муниципалитет",
    )
    kind = models.CharField("тип", max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    name = models.CharField("полное название", max_length=500)
    short_name = models.CharField("краткое название", max_length=200, blank=True)
    # ИНН: 10 digits for an organisation (12 would be a person's; schools are organisations).
    inn = models.CharField("ИНН", max_length=12, blank=True, validators=[validate_inn])
    address = models.CharField("адрес", max_length=500, blank=True)
    email = models.EmailField("электронная почта", blank=True)
    website = models.URLField("сайт", blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="история организации")

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                condition=Q(municipality__isnull=False),
                name="organisation_unique_name_in_municipality",
            ),
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=Q(municipality__isnull=True),
                name="organisation_unique_name_in_region",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.municipality_id and self.region_id and self.municipality.region_id != self.region_id:
            raise ValidationError({"municipality": "Муниципалитет относится к другому региону."})

    @property
    def school_number(self) -> str | None:
        """«МОБУ СОШ № 8 им. А.Г. Ломакина» -> «8», to match the same school written differently."""
        match = re.search(r"№\s*(\d+)", self.name)
        return match.group(1) if match else None


class Person(models.Model):
    full_name = models.CharField("ФИО", max_length=200, help_text="Как в документах: «Баркалова Е.В.»")
    position = models.CharField("должность", max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name="организация",
    )
    is_head = models.BooleanField("руководитель организации", default=False)
    email = models.EmailField("электронная почта", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="пользователь",
    )

    history = HistoricalRecords(verbose_name="история сотрудника")

    class Meta:
        verbose_name = "сотрудник"
        verbose_name_plural = "сотрудники"
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "full_name"],
                condition=Q(organisation__isnull=False),
                name="person_unique_name_in_organisation",
            ),
            # An organisation has one director at a time.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_head=True),
                name="person_one_head_per_organisation",
            ),
            models.CheckConstraint(condition=~Q(full_name=""), name="person_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.position}" if self.position else self.full_name


class SchoolStatus(models.Model):
    class Kind(models.TextChoices):
        LOW_RESULTS = "low_results", "ШНОР — школа с низкими образовательными результатами"
        UNFAVOURABLE = "unfavourable", "ШНСУ — школа в неблагоприятных социальных условиях"
        MENTOR = "mentor", "Школа-наставник"
        RISK = "risk", "Риск снижения образовательных результатов"

    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="statuses",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    academic_year = models.PositiveSmallIntegerField(
        "учебный год", help_text="Год начала: 2022 означает 2022/2023 учебный год."
    )
    kind = models.CharField("статус", max_length=20, choices=Kind.choices)

    history = HistoricalRecords(verbose_name="история статусов")

    class Meta:
        verbose_name = "статус школы"
        verbose_name_plural = "статусы школ"
        ordering = ["-academic_year", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "academic_year", "kind"], name="school_status_unique"),
            models.CheckConstraint(
                condition=Q(academic_year__gte=2000, academic_year__lte=2100),
                name="school_status_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_kind_display()} ({academic_year_label(self.academic_year)})"


class MentorPair(models.Model):
    mentor = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="mentee_pairs",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа-наставник",
    )
    mentee = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="mentor_pairs",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="курируемая школа",
    )
    academic_year = models.PositiveSmallIntegerField("учебный год", help_text="Год начала учебного года.")

    history = HistoricalRecords(verbose_name="история пар наставничества")

    class Meta:
        verbose_name = "пара наставничества"
        verbose_name_plural = "пары наставничества"
        ordering = ["-academic_year", "mentor__name"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "mentee", "academic_year"], name="mentor_pair_unique"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentor_pair_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({academic_year_label(self.academic_year)})"


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", "Специалист управления образования"
        COORDINATOR = "coordinator", "Муниципальный координатор"
        PRINCIPAL = "principal", "Директор школы"
        MENTOR = "mentor", "Школа-наставник"
        REGIONAL_VIEWER = "regional_viewer", "Наблюдатель региона"
        # Of the region's ministry or institute: runs the region's municipalities and their
        # department staff, as department staff run their schools and people.
        REGION_STAFF = "region_staff", "Специалист региона"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name="пользователь"
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="memberships", verbose_name="организация"
    )
    role = models.CharField("роль", max_length=20, choices=Role.choices)

    history = HistoricalRecords(verbose_name="история ролей")

    class Meta:
        verbose_name = "роль пользователя"
        verbose_name_plural = "роли пользователей"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} — {self.organisation}"


class CoordinatorAssignment(models.Model):
    coordinator = models.ForeignKey(
        Person, models.CASCADE, related_name="assignments", verbose_name="координатор"
    )
    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="coordinator_assignments",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    academic_year = models.PositiveSmallIntegerField("учебный год", help_text="Год начала учебного года.")

    history = HistoricalRecords(verbose_name="история закреплений")

    class Meta:
        verbose_name = "закрепление координатора"
        verbose_name_plural = "закрепления координаторов"
        ordering = ["-academic_year", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "school", "academic_year"], name="coordinator_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator.full_name} — {self.school} ({academic_year_label(self.academic_year)})"
