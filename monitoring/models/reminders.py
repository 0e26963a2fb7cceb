"""Reminders about deadlines and the in-app notifications that go with them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from schools.models import Organisation

DEFAULT_DAYS_BEFORE = (14, 3, 1)
DEFAULT_SEND_HOUR = 9


def parse_days_before(value: str) -> tuple[int, ...]:
    """«14, 3, 1» -> (14, 3, 1): the days before a window ends when a reminder goes out."""
    try:
        days = {int(part) for part in value.replace(";", ",").split(",") if part.strip()}
    except ValueError:
        raise ValidationError("Перечислите числа дней через запятую, например: 14, 3, 1.") from None
    if not days or min(days) < 1 or max(days) > 365:
        raise ValidationError("Каждое число — от 1 до 365 дней.")
    return tuple(sorted(days, reverse=True))


def validate_days_before(value: str) -> None:
    parse_days_before(value)


class ReminderPolicy(models.Model):
    """How the organisation that owns a roadmap wants its executors reminded."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="reminder_policy", verbose_name="организация"
    )
    days_before = models.CharField(
        "напоминать за (дней)",
        max_length=100,
        default="14, 3, 1",
        validators=[validate_days_before],
        help_text="Через запятую: за сколько дней до окончания срока напоминать исполнителям.",
    )
    send_hour = models.PositiveSmallIntegerField(
        "час отправки",
        default=DEFAULT_SEND_HOUR,
        help_text="По местному времени муниципалитета получателя, 0–23.",
    )

    class Meta:
        verbose_name = "настройка напоминаний"
        verbose_name_plural = "настройки напоминаний"
        constraints = [
            models.CheckConstraint(condition=Q(send_hour__lte=23), name="reminder_policy_hour_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: за {self.days_before} дн., в {self.send_hour}:00"

    @property
    def offsets(self) -> tuple[int, ...]:
        return parse_days_before(self.days_before)


class Reminder(models.Model):
    """One reminder to one user, claimed in the database before it is sent.

    The unique keys make the claim: (window, its end, recipient, kind, days) for deadline
    reminders, (recipient, week) for the weekly digest. Whoever inserts the row first
    sends it; everybody else finds it taken.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", "До срока"
        DUE = "due", "В день срока"
        OVERDUE = "overdue", "Просрочено"
        ESCALATION = "escalation", "Просрочено: координатору"
        DIGEST = "digest", "Еженедельная сводка"

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Ожидает отправки"
        SENT = "sent", "Отправлено"
        FAILED = "failed", "Ошибка отправки"

    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminders", verbose_name="получатель"
    )
    window = models.ForeignKey(
        "roadmaps.DeadlineWindow",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name="срок",
    )
    # Before: the configured offset (14, 3, 1); due: 0; overdue and escalation: the step
    # (1, 8, 15 and 22 days overdue, ``schedule.LAST_OVERDUE_STEP``). Each step is its own
    # reminder, sent once.
    days = models.SmallIntegerField("шаг, дней", default=0)
    # The deadline the step counted from: a window moved to a new date («Февраль» → «Март»)
    # keeps its identity and its marks, and its steps are owed again for the new date.
    window_end = models.DateField("срок, от которого считали", null=True, blank=True)
    week = models.DateField("неделя (понедельник)", null=True, blank=True)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.CLAIMED)
    attempts = models.PositiveSmallIntegerField("попыток отправки", default=0)
    last_error = models.TextField("последняя ошибка", blank=True)
    # After a failed attempt: when the retry is due (``services.retry_delays``). Every path
    # (the hourly pass, the retry sweep, the command) sends what is due; until then, nobody.
    next_try_at = models.DateTimeField("следующая попытка", null=True, blank=True)
    # While set and in the future, one sender holds the row: it is talking to the mail server.
    locked_until = models.DateTimeField("занято до", null=True, blank=True)
    # Which pass inserted the row: a pass sends only the rows it claimed itself.
    claim_token = models.UUIDField("пакет", db_index=True, editable=False)
    email = models.EmailField("адрес", blank=True)
    subject = models.CharField("тема", max_length=300, blank=True)
    body_text = models.TextField("текст письма", blank=True)
    body_html = models.TextField("HTML письма", blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)

    class Meta:
        verbose_name = "напоминание"
        verbose_name_plural = "напоминания"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "window_end", "recipient", "kind", "days"],
                condition=Q(window__isnull=False),
                name="reminder_once_per_window_step",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "week"],
                condition=Q(week__isnull=False),
                name="reminder_once_per_week",
            ),
            models.CheckConstraint(
                condition=(Q(kind="digest", window__isnull=True, week__isnull=False))
                | (~Q(kind="digest") & Q(window__isnull=False, week__isnull=True)),
                name="reminder_digest_has_week_others_window",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]
        indexes = [
            # The admin's failed list and the pass's sweep of claimed rows nobody sent.
            models.Index(fields=["status", "created_at"], name="reminder_status_created_idx"),
            # The retry sweep, every minute: claimed rows whose next try has come.
            models.Index(
                fields=["next_try_at"], condition=Q(status="claimed"), name="reminder_retry_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.get_kind_display()} — {self.recipient}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", "Скоро срок"
        DUE = "due", "Сегодня срок"
        OVERDUE = "overdue", "Просрочено"
        ESCALATION = "escalation", "Просрочено в школе"
        DIGEST = "digest", "Еженедельная сводка"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="пользователь"
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    title = models.CharField("заголовок", max_length=300)
    body = models.TextField("текст", blank=True)
    url = models.CharField("ссылка", max_length=500, blank=True)
    # The reminder this notification came with: created in the same transaction as its claim.
    reminder = models.OneToOneField(
        Reminder,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
        verbose_name="напоминание",
    )
    created_at = models.DateTimeField("создано", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header counter: a user's unread notifications.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            # The notifications page: a user's list, newest first.
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A user's choices; a user without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notification_settings",
        verbose_name="пользователь",
    )
    weekly_digest = models.BooleanField(
        "еженедельная сводка по понедельникам",
        default=True,
        help_text="Письмо со сроками на эту и следующую неделю, просрочками и отметками на проверку.",
    )

    class Meta:
        verbose_name = "настройки уведомлений"
        verbose_name_plural = "настройки уведомлений"

    def __str__(self) -> str:
        return f"{self.user}: сводка {'вкл.' if self.weekly_digest else 'выкл.'}"
