"""Roadmaps as the documents have them: header, sections, activity rows, deadlines,
executors and, over the year, completion marks with evidence."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from schools.models import Organisation, Person, academic_year_of
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
    return (
        Q(owner__in=schools)
        | Q(pk__in=RoadmapSchool.objects.filter(school__in=schools).values("roadmap"))
        | Q(pk__in=Executor.objects.filter(organisation__in=schools).values("activity__roadmap"))
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

    goal = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True, help_text="Каждая задача с новой строки.")
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
    reason = models.TextField("причина, комментарий", blank=True)
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
    name = models.TextField("показатель")
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


class TrashEntry(models.Model):
    """«Корзина»: a row or a section with its rows, deleted by staff and restorable.

    The rows stay in their tables with ``trash`` set (their windows, executors, marks and
    evidence untouched); restoring clears it. Emptying the trash deletes them for good, and
    only then do evidence files leave the disk.
    """

    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="trash_entries", verbose_name="дорожная карта"
    )
    label = models.CharField("что удалено", max_length=300)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто удалил",
    )
    deleted_at = models.DateTimeField("когда удалено", auto_now_add=True)

    class Meta:
        verbose_name = "удалённое (корзина)"
        verbose_name_plural = "корзина"
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return self.label


class OutsideTrashManager(models.Manager):
    """Rows in the trash are not part of the roadmap: every page, count and export leaves them out."""

    def get_queryset(self):
        return super().get_queryset().filter(trash__isnull=True)


class Section(models.Model):
    class Kind(models.TextChoices):
        SECTION = "section", "Раздел"
        STAGE = "stage", "Этап"
        HEADING = "heading", "Подзаголовок"

    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="sections", verbose_name="дорожная карта"
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="subsections",
        verbose_name="входит в",
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices, default=Kind.SECTION)
    order = models.PositiveIntegerField("порядок", default=0)
    number = models.CharField("номер", max_length=20, blank=True)
    title = models.TextField("название")
    # No plain index: every page asks for rows NOT in the trash (almost all of them), and an
    # index on trash_id would only mislead the planner there; see the partial index below.
    trash = models.ForeignKey(
        TrashEntry,
        models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="sections",
        verbose_name="в корзине",
    )
    history = HistoricalRecords(verbose_name="история раздела")

    objects = OutsideTrashManager()
    with_trash = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        verbose_name = "раздел"
        verbose_name_plural = "разделы"
        ordering = ["roadmap", "order"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="section_title_not_empty"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="section_not_own_parent"),
        ]
        indexes = [
            # The roadmap table: a roadmap's sections in document order.
            models.Index(fields=["roadmap", "order"], name="section_roadmap_order_idx"),
            # The trash page and a restore: the sections of one trash entry.
            models.Index(fields=["trash"], condition=Q(trash__isnull=False), name="section_in_trash_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


class ActivityQuerySet(models.QuerySet):
    """Read vocabulary of activities. ``Activity.objects`` leaves the trash out."""

    def visible_to(self, user) -> ActivityQuerySet:
        return self.filter(roadmap__in=Roadmap.objects.visible_to(user).values("pk"))

    def top_level(self) -> ActivityQuerySet:
        return self.filter(parent__isnull=True)

    def needing_date(self) -> ActivityQuerySet:
        return self.filter(needs_date=True)


class Activity(models.Model):
    roadmap = models.ForeignKey(
        Roadmap, models.CASCADE, related_name="activities", verbose_name="дорожная карта"
    )
    section = models.ForeignKey(
        Section,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="раздел",
    )
    # A sub-row with its own deadline and executors (001 row 7.2, 002 row 6); top-level rows have none.
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="входит в мероприятие",
    )
    number = models.CharField(
        "№ п/п", max_length=20, blank=True, help_text="Как в документе: «5.10», «2.», пусто."
    )
    order = models.PositiveIntegerField("порядок", default=0, help_text="Место строки в документе.")
    content = models.TextField("мероприятие (содержание)")
    deadline_text = models.TextField("сроки (как в документе)", blank=True)
    responsible_text = models.TextField("ответственный (как в документе)", blank=True)
    expected_result = models.TextField("ожидаемый результат", blank=True)
    needs_date = models.BooleanField(
        "нужна дата", default=False, help_text="Срок не удалось понять из текста: дату задаёт сотрудник."
    )
    # Bumped on every edit so that a stale form can be refused instead of overwriting.
    version = models.PositiveIntegerField("версия", default=1)
    # No plain index: every page asks for rows NOT in the trash (almost all of them), and an
    # index on trash_id would only mislead the planner there; see the partial index below.
    trash = models.ForeignKey(
        TrashEntry,
        models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="activities",
        verbose_name="в корзине",
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    updated_at = models.DateTimeField("изменено", auto_now=True)
    history = HistoricalRecords(verbose_name="история мероприятия")

    objects = OutsideTrashManager.from_queryset(ActivityQuerySet)()
    with_trash = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["roadmap", "order"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="activity_content_not_empty"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="activity_not_own_parent"),
        ]
        indexes = [
            # The roadmap table: every row of one roadmap in document order.
            models.Index(fields=["roadmap", "order"], name="activity_roadmap_order_idx"),
            # The trash page and a restore: the rows of one trash entry.
            models.Index(fields=["trash"], condition=Q(trash__isnull=False), name="activity_in_trash_idx"),
        ]

    def __str__(self) -> str:
        prefix = f"{self.number} " if self.number else ""
        return f"{prefix}{self.content[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("roadmaps:activity_detail", args=[self.pk])


class DeadlineWindow(models.Model):
    class Source(models.TextChoices):
        PARSED = "parsed", "Из текста срока"
        MANUAL = "manual", "Задано вручную"

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="windows", verbose_name="мероприятие")
    start = models.DateField("начало", null=True, blank=True)
    end = models.DateField("срок")
    source = models.CharField("источник", max_length=10, choices=Source.choices, default=Source.PARSED)
    # Cancelled by staff, or no longer in the deadline text but kept for its marks (read again
    # from the text, it comes back with them). Either way it is not an obligation.
    is_cancelled = models.BooleanField("отменён", default=False)

    class Meta:
        verbose_name = "срок исполнения"
        verbose_name_plural = "сроки исполнения"
        ordering = ["activity", "end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lte=F("end")), name="window_start_before_end"
            ),
            models.UniqueConstraint(fields=["activity", "start", "end"], name="window_unique_per_activity"),
        ]
        indexes = [
            # The reminder scan: live windows ending on given days.
            models.Index(fields=["end"], condition=Q(is_cancelled=False), name="window_live_end_idx"),
        ]

    def __str__(self) -> str:
        if self.start and self.start != self.end:
            return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"
        if self.start is None:
            return f"до {self.end:%d.%m.%Y}"
        return f"{self.end:%d.%m.%Y}"

    def is_overdue(self, on: date) -> bool:
        return not self.is_cancelled and self.end < on


class Executor(models.Model):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Организация"
        SCHOOL = "school", "Школа"
        PERSON = "person", "Сотрудник"
        ROLE = "role", "Должность"
        GROUP = "group", "Группа организаций"

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="executors", verbose_name="мероприятие"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    label = models.CharField("как написано", max_length=500)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="executor_roles",
        verbose_name="организация",
    )
    person = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="executor_roles", verbose_name="сотрудник"
    )
    role = models.CharField("должность", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)
    # No longer named in the responsible text, kept for its marks until staff decide;
    # named again, it comes back with them.
    is_dropped = models.BooleanField("больше не указан в тексте", default=False)

    class Meta:
        verbose_name = "исполнитель"
        verbose_name_plural = "исполнители"
        ordering = ["activity", "order"]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="executor_label_not_empty"),
            # Each school that must act marks its own part: one executor per organisation.
            models.UniqueConstraint(
                fields=["activity", "organisation"],
                condition=Q(person__isnull=True, organisation__isnull=False),
                name="executor_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="executor_one_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(kind="school") | Q(organisation__isnull=False),
                name="executor_school_has_organisation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="person") | Q(person__isnull=False),
                name="executor_person_has_person",
            ),
        ]
        indexes = [
            # «Мои мероприятия»: everything a school must do.
            models.Index(fields=["organisation", "activity"], name="executor_org_activity_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.PERSON and self.person_id:
            return f"{self.person.full_name}, {self.role}" if self.role else str(self.person)
        if self.kind in (self.Kind.SCHOOL, self.Kind.ORGANISATION) and self.organisation_id:
            return str(self.organisation)
        return self.label


class CompletionMark(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "В работе"
        DONE = "done", "Выполнено"
        NOT_DONE = "not_done", "Не выполнено"

    class Review(models.TextChoices):
        PENDING = "pending", "Ждёт проверки"
        ACCEPTED = "accepted", "Принято"
        RETURNED = "returned", "Возвращено на доработку"

    # A mark is the school's record of work done: nothing deletes it by cascade. Windows and
    # executors that leave the text are kept (cancelled, dropped) while they have marks.
    executor = models.ForeignKey(Executor, models.PROTECT, related_name="marks", verbose_name="исполнитель")
    window = models.ForeignKey(DeadlineWindow, models.PROTECT, related_name="marks", verbose_name="срок")
    status = models.CharField("отметка", max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    completed_on = models.DateField("дата выполнения", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто отметил",
    )
    # Set by the school's own save only: a review never moves it (not auto_now).
    marked_at = models.DateTimeField("когда отмечено", default=timezone.now)
    review = models.CharField("проверка", max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто проверил",
    )
    reviewed_at = models.DateTimeField("когда проверено", null=True, blank=True)
    review_comment = models.TextField("комментарий координатора", blank=True)
    version = models.PositiveIntegerField("версия", default=1)
    history = HistoricalRecords(verbose_name="история отметки")

    class Meta:
        verbose_name = "отметка о выполнении"
        verbose_name_plural = "отметки о выполнении"
        ordering = ["window__end"]
        constraints = [
            models.UniqueConstraint(fields=["executor", "window"], name="mark_one_per_executor_window"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="mark_done_has_date"
            ),
            models.CheckConstraint(
                condition=Q(review="pending") | Q(reviewed_at__isnull=False), name="mark_review_has_time"
            ),
        ]
        indexes = [
            # A coordinator's queue: marks waiting for acceptance.
            models.Index(fields=["review", "status"], name="mark_review_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.executor}: {self.get_status_display()} ({self.window})"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # A random name nobody can guess; the original name is kept in the row.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    mark = models.ForeignKey(CompletionMark, models.PROTECT, related_name="evidence", verbose_name="отметка")
    file = models.FileField("файл", upload_to=evidence_upload_to, blank=True, max_length=200)
    url = models.URLField("ссылка", blank=True, max_length=1000)
    original_name = models.CharField("имя файла", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    content_type = models.CharField("тип содержимого", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто загрузил",
    )
    uploaded_at = models.DateTimeField("когда загружено", auto_now_add=True)

    class Meta:
        verbose_name = "подтверждение"
        verbose_name_plural = "подтверждения"
        ordering = ["uploaded_at"]
        constraints = [
            # Either a file or a link, never both, never neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_file_xor_url",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url


class Comment(models.Model):
    """A remark on an activity: a mentor school's advice, a coordinator's question."""

    activity = models.ForeignKey(
        Activity, models.CASCADE, related_name="comments", verbose_name="мероприятие"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name="автор"
    )
    text = models.TextField("текст")
    created_at = models.DateTimeField("когда", auto_now_add=True)

    class Meta:
        verbose_name = "комментарий"
        verbose_name_plural = "комментарии"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty"),
        ]
        indexes = [
            # The activity page: its comments in order.
            models.Index(fields=["activity", "created_at"], name="comment_activity_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]
