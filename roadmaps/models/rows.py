"""The roadmap's table: sections and activity rows, their deadlines and executors, and the
trash that keeps deleted rows restorable."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from roadmaps.models.roadmap import Roadmap
from schools.limits import LINE_LIMIT, TEXT_LIMIT
from schools.models import Organisation, Person


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
    title = models.TextField("название", max_length=LINE_LIMIT)
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
    content = models.TextField("мероприятие (содержание)", max_length=TEXT_LIMIT)
    deadline_text = models.TextField("сроки (как в документе)", max_length=LINE_LIMIT, blank=True)
    responsible_text = models.TextField("ответственный (как в документе)", max_length=LINE_LIMIT, blank=True)
    expected_result = models.TextField("ожидаемый результат", max_length=TEXT_LIMIT, blank=True)
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
