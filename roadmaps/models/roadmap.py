"""The roadmap as its header has it: who sees it, its period, its decisions (approval,
revisions, archive), the schools taking part and its target indicators."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from schools.limits import LINE_LIMIT, TEXT_LIMIT
from schools.models import Organisation, academic_year_of
from schools.permissions import scope_of


def _user_scope(user) -> Q:
    """Which roadmaps a user may see, as a condition on Roadmap.

    Department staff and coordinators see their municipality, regional viewers their
    region, a principal the roadmaps of their school (its own, the ones it takes part
    in, the ones naming it as an executor), a mentor school also those of the schools
    it mentors.

    The user's roles are read first (``scope_of``, cached per request), so the condition
    holds plain ids and uncorrelated subqueries: PostgreSQL then runs each subquery once,
    where correlated EXISTS clauses joined by OR were evaluated for every roadmap of the
    country (15 s for a department's roadmap list with 2,000,000 activities).
    """
    scope = scope_of(user)
    condition = Q(owner__municipality__in=scope.municipalities) | Q(owner__region__in=scope.regions)
    schools = scope.principal_schools | scope.mentor_schools | scope.mentee_schools
    if schools:
        condition |= _of_schools(schools)
    return condition


def _of_schools(schools) -> Q:
    """Roadmaps the schools own, take part in or must act in, with uncorrelated subqueries."""
    # By name from the registry: Executor's module imports this one (its rows point at Roadmap).
    executors = apps.get_model("roadmaps", "Executor").objects
    return (
        Q(owner__in=schools)
        | Q(pk__in=RoadmapSchool.objects.filter(school__in=schools).values("roadmap"))
        | Q(pk__in=executors.filter(organisation__in=schools).values("activity__roadmap"))
    )


# A real roadmap spans a school year or a few (the seeds: 1 to 3 years; national programmes
# up to about seven); a date outside these years is a typing mistake («0001», «20223»).
PERIOD_YEARS = (2000, 2100)
MAX_PERIOD_YEARS = 7


def check_period(start: date | None, end: date | None) -> None:
    """Refuse a period no roadmap has, with the reason in Russian (``ValidationError`` by field)."""
    errors = {}
    for name, day in (("period_start", start), ("period_end", end)):
        if day is not None and not PERIOD_YEARS[0] <= day.year <= PERIOD_YEARS[1]:
            errors[name] = f"Год {day.year} вне допустимого: период дорожной карты — между 2000 и 2100 годом."
    if not errors and start and end:
        if start > end:
            errors["period_end"] = "Конец периода не может быть раньше его начала."
        elif (end - start).days > 366 * MAX_PERIOD_YEARS:
            errors["period_end"] = f"Период длиннее {MAX_PERIOD_YEARS} лет: проверьте годы начала и конца."
    if errors:
        raise ValidationError(errors)


class RoadmapQuerySet(models.QuerySet):
    def visible_to(self, user) -> RoadmapQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(_user_scope(user))

    def of_schools(self, schools) -> RoadmapQuerySet:
        """Roadmaps the schools (ids or a queryset) own, take part in or execute activities of."""
        return self.filter(_of_schools(schools))


class Roadmap(models.Model):
    class Level(models.TextChoices):
        REGIONAL = "regional", "Региональная"
        MUNICIPAL = "municipal", "Муниципальная"
        SCHOOL = "school", "Школьная"

    class Status(models.TextChoices):
        DRAFT = "draft", "Черновик"
        APPROVED = "approved", "Утверждена"
        ARCHIVED = "archived", "В архиве"

    class ApprovalKind(models.TextChoices):
        ORDER = "order", "Приказ"
        DECREE = "decree", "Распоряжение"
        LETTER = "letter", "Письмо"
        PROTOCOL = "protocol", "Протокол"
        OTHER = "other", "Другой документ"

    owner = models.ForeignKey(
        Organisation, models.PROTECT, related_name="roadmaps", verbose_name="организация-владелец"
    )
    level = models.CharField("уровень", max_length=20, choices=Level.choices, default=Level.MUNICIPAL)
    title = models.CharField("название", max_length=1000)
    period_start = models.DateField("начало периода")
    period_end = models.DateField("конец периода")
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.DRAFT)

    approval_kind = models.CharField(
        "вид документа об утверждении", max_length=20, choices=ApprovalKind.choices, blank=True
    )
    approval_number = models.CharField("номер документа", max_length=50, blank=True)
    approval_date = models.DateField("дата документа", null=True, blank=True)
    approved_by = models.CharField("кем утверждена", max_length=300, blank=True)
    approval_text = models.CharField(
        "гриф утверждения",
        max_length=500,
        blank=True,
        help_text="Как напечатано в документе: «Приложение к приказу … от … № …»",
    )

    goal = models.TextField("цель", max_length=TEXT_LIMIT, blank=True)
    tasks = models.TextField(
        "задачи", max_length=TEXT_LIMIT, blank=True, help_text="Каждая задача с новой строки."
    )
    column_titles = models.JSONField(
        "заголовки столбцов", default=list, blank=True, help_text="Как в исходном документе."
    )
    schools = models.ManyToManyField(
        Organisation,
        through="RoadmapSchool",
        related_name="participating_roadmaps",
        blank=True,
        verbose_name="школы-участники",
    )
    # Stable identity for the seed loader and imports: loading the same source twice is a no-op.
    source_key = models.CharField("ключ источника", max_length=100, blank=True)
    # An approved roadmap changes only through «Внести изменения»: while a revision is open
    # its text can be edited, and closing it records the order that made the changes.
    open_revision = models.ForeignKey(
        "RoadmapEvent",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="открытое внесение изменений",
    )

    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    history = HistoricalRecords(verbose_name="история дорожной карты")

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="roadmap_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(
                    period_start__gte=date(PERIOD_YEARS[0], 1, 1),
                    period_end__lte=date(PERIOD_YEARS[1], 12, 31),
                ),
                name="roadmap_period_years",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="roadmap_title_not_empty"),
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="roadmap_unique_source_key"
            ),
        ]
        indexes = [
            # The roadmap list of a department: its own roadmaps, newest first.
            models.Index(fields=["owner", "-period_start"], name="roadmap_owner_period_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:roadmap_detail", args=[self.pk])

    def clean(self) -> None:
        check_period(self.period_start, self.period_end)

    @property
    def approval_line(self) -> str:
        """«Приложение к приказу от 16.02.2023 № 206»: as printed in the document, else from the
        approval's data."""
        if self.approval_text:
            return self.approval_text
        if not (self.approval_number or self.approval_date):
            return ""
        text = f"Приложение к {DOCUMENT_CASES.get(self.approval_kind, DOCUMENT_CASES[''])[0]}"
        if self.approval_date:
            text += f" от {self.approval_date:%d.%m.%Y}"
        if self.approval_number:
            text += f" № {self.approval_number}"
        return text

    @property
    def is_locked(self) -> bool:
        """Approved (and not being revised) or archived: its text, period and schools stay as
        the order approved them. Marks go on as always."""
        if self.status == self.Status.ARCHIVED:
            return True
        return self.status == self.Status.APPROVED and self.open_revision_id is None

    @property
    def task_list(self) -> list[str]:
        return [line.strip() for line in self.tasks.splitlines() if line.strip()]

    @property
    def academic_year(self) -> int:
        """The academic year the period starts in (2022 for 2022/2023)."""
        return academic_year_of(self.period_start)


# A document's name after «Приложение к …» (dative) and «в редакции …» (genitive).
DOCUMENT_CASES = {
    Roadmap.ApprovalKind.ORDER: ("приказу", "приказа"),
    Roadmap.ApprovalKind.DECREE: ("распоряжению", "распоряжения"),
    Roadmap.ApprovalKind.LETTER: ("письму", "письма"),
    Roadmap.ApprovalKind.PROTOCOL: ("протоколу", "протокола"),
    "": ("документу", "документа"),
}


class RoadmapEvent(models.Model):
    """The roadmap's decisions, with the document behind each: approval, revisions by order,
    renumbering, archive, back to draft. The roadmap's history page reads them with the
    change history of its rows, grouped by revision."""

    class Kind(models.TextChoices):
        APPROVED = "approved", "Утверждена"
        REVISION_OPENED = "revision_opened", "Начато внесение изменений"
        REVISED = "revised", "Внесены изменения"
        RENUMBERED = "renumbered", "Строки перенумерованы"
        ARCHIVED = "archived", "Перенесена в архив"
        BACK_TO_DRAFT = "back_to_draft", "Возвращена в черновик"

    roadmap = models.ForeignKey(Roadmap, models.CASCADE, related_name="events", verbose_name="дорожная карта")
    kind = models.CharField("событие", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("когда", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="кто"
    )
    document_kind = models.CharField(
        "вид документа", max_length=20, choices=Roadmap.ApprovalKind.choices, blank=True
    )
    document_number = models.CharField("номер документа", max_length=50, blank=True)
    document_date = models.DateField("дата документа", null=True, blank=True)
    approved_by = models.CharField("кем подписан", max_length=300, blank=True)
    reason = models.TextField("причина, комментарий", max_length=TEXT_LIMIT, blank=True)
    # What the event changed, for the history page: renumbering's [old, new] pairs.
    details = models.JSONField("подробности", default=dict, blank=True)

    class Meta:
        verbose_name = "событие дорожной карты"
        verbose_name_plural = "события дорожных карт"
        ordering = ["roadmap", "at", "pk"]
        constraints = [
            # Approval and revisions name their order; going back to draft says why.
            models.CheckConstraint(
                condition=~Q(kind__in=["approved", "revised"])
                | (~Q(document_number="") & Q(document_date__isnull=False)),
                name="roadmap_event_order_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="back_to_draft") | ~Q(reason=""), name="roadmap_event_draft_has_reason"
            ),
        ]
        indexes = [
            # The roadmap's history page: its events in order.
            models.Index(fields=["roadmap", "at"], name="roadmap_event_roadmap_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d.%m.%Y}"

    @property
    def document(self) -> str:
        """«приказа от 16.02.2023 № 206», as the printout's «в редакции …» needs it."""
        genitive = DOCUMENT_CASES.get(self.document_kind, DOCUMENT_CASES[""])[1]
        when = f" от {self.document_date:%d.%m.%Y}" if self.document_date else ""
        return f"{genitive}{when} № {self.document_number}"


class RoadmapSchool(models.Model):
    class Role(models.TextChoices):
        SUPERVISED = "supervised", "Курируемая школа (ШНОР/ШНСУ)"
        MENTOR = "mentor", "Школа-наставник"
        PARTICIPANT = "participant", "Участник"

    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="school_links", verbose_name="дорожная карта"
    )
    school = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="roadmap_links",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
        verbose_name="школа",
    )
    role = models.CharField("роль", max_length=20, choices=Role.choices, default=Role.SUPERVISED)

    class Meta:
        verbose_name = "школа-участник"
        verbose_name_plural = "школы-участники"
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "school"], name="roadmap_school_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school} ({self.get_role_display()})"


class TargetIndicator(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="indicators", verbose_name="дорожная карта"
    )
    order = models.PositiveIntegerField("порядок", default=0)
    name = models.TextField("показатель", max_length=LINE_LIMIT)
    unit = models.CharField("единица измерения", max_length=50, blank=True)
    # Text, not numbers: the documents write «не ниже среднего по району», «100% в этих школах».
    baseline = models.CharField("базовое значение", max_length=200, blank=True)
    target = models.CharField("целевое значение", max_length=200, blank=True)
    target_date = models.DateField("достичь к", null=True, blank=True)
    # Numbers for monitoring, where the text has them: values are shown against these.
    baseline_value = models.DecimalField(
        "базовое значение (число)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_value = models.DecimalField(
        "целевое значение (число)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    higher_is_better = models.BooleanField(
        "чем больше, тем лучше", default=True, help_text="Снимите, если показатель должен снижаться."
    )

    class Meta:
        verbose_name = "целевой показатель"
        verbose_name_plural = "целевые показатели"
        ordering = ["roadmap", "order"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="indicator_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name[:100]
