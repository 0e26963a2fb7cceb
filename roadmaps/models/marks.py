"""Over the year: the schools' completion marks with their evidence, and comments on
activities."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from roadmaps.models.rows import Activity, DeadlineWindow, Executor
from schools.limits import TEXT_LIMIT


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
    comment = models.TextField("комментарий", max_length=TEXT_LIMIT, blank=True)
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
    review_comment = models.TextField("комментарий координатора", max_length=TEXT_LIMIT, blank=True)
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
    text = models.TextField("текст", max_length=TEXT_LIMIT)
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
