"""Who reached what, and how people come in: the access log, invitations, and the consent to
the processing of personal data that 152-ФЗ asks for as a document of its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from schools.models.places import Membership, Organisation, Person


class AccessEvent(models.Model):
    """Who reached what, when and from where: the access log that 152-ФЗ asks a department to
    be able to show (logins, roles, exports, downloads). Changes to data are in the change
    history (django-simple-history), not here. Written by ``schools.audit.access_record``."""

    class Kind(models.TextChoices):
        LOGIN = "login", "Вход"
        LOGIN_FAILED = "login_failed", "Неудачный вход"
        LOGOUT = "logout", "Выход"
        PASSWORD_RESET = "password_reset", "Запрос сброса пароля"
        MEMBERSHIP_CREATED = "membership_created", "Роль выдана"
        MEMBERSHIP_CHANGED = "membership_changed", "Роль изменена"
        MEMBERSHIP_DELETED = "membership_deleted", "Роль отозвана"
        USER_RIGHTS_CHANGED = "user_rights_changed", "Права пользователя изменены"
        INVITATION_SENT = "invitation_sent", "Приглашение отправлено"
        INVITATION_ACCEPTED = "invitation_accepted", "Приглашение принято"
        INVITATION_REVOKED = "invitation_revoked", "Приглашение отозвано"
        LOCKOUT_RESET = "lockout_reset", "Блокировка входа снята"
        EXPORT = "export", "Выгрузка данных"
        EVIDENCE_DOWNLOAD = "evidence_download", "Скачивание подтверждения"

    at = models.DateTimeField("когда", default=timezone.now)
    kind = models.CharField("событие", max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_events",
        verbose_name="пользователь",
    )
    # The login as typed (a failed login has no user), kept when the account is deleted.
    username = models.CharField("логин", max_length=150, blank=True)
    address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)
    object_type = models.CharField("тип объекта", max_length=100, blank=True)
    object_pk = models.CharField("номер объекта", max_length=64, blank=True)
    detail = models.CharField("описание", max_length=500, blank=True)

    class Meta:
        verbose_name = "событие доступа"
        verbose_name_plural = "журнал доступа"
        ordering = ["-at"]
        indexes = [
            # The admin's list, newest first, and the nightly purge of events older than
            # AUDIT_RETENTION_DAYS (``at < cutoff``).
            models.Index(fields=["at"], name="access_event_at"),
            # The admin's filter by user, newest first.
            models.Index(fields=["user", "at"], name="access_event_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '—'}"


class Invitation(models.Model):
    """A one-time link by e-mail to an account with a role in an organisation.

    The link's token is not stored, only its SHA-256 (``token_hash``): whoever reads the
    database cannot use the links. Resending makes a new token, so the old mail stops working."""

    email = models.EmailField("электронная почта")
    full_name = models.CharField("ФИО", max_length=200)
    role = models.CharField("роль", max_length=20, choices=Membership.Role.choices)
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="invitations", verbose_name="организация"
    )
    # The registry's row the invitation is for (a school's director): linked to the account
    # when the invitation is accepted.
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="сотрудник в реестре",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name="пригласил",
    )
    created_at = models.DateTimeField("создано", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    token_hash = models.CharField("отпечаток ссылки", max_length=64, unique=True)
    # The last sending: when the mail server took it, or why it did not.
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    send_error = models.CharField("ошибка отправки", max_length=500, blank=True)
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    # The account the invitation made, or the existing account it gave the role to.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="пользователь",
    )
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)

    class Meta:
        verbose_name = "приглашение"
        verbose_name_plural = "приглашения"
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address, organisation and role: a second is a resend.
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                "role",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_role",
            ),
        ]
        indexes = [
            # The users page: an organisation's invitations, newest first.
            models.Index(fields=["organisation", "created_at"], name="invitation_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>: {self.get_role_display()} — {self.organisation}"

    def is_open(self, now=None) -> bool:
        """Neither accepted, revoked nor expired: its link still works."""
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class ConsentText(models.Model):
    """A version of the consent to the processing of personal data. The newest is the one in
    force; a changed text is a new version, and everyone is asked again."""

    text = models.TextField("текст согласия")
    published_at = models.DateTimeField("опубликовано", default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="опубликовал",
    )

    class Meta:
        verbose_name = "текст согласия на обработку персональных данных"
        verbose_name_plural = "тексты согласия на обработку персональных данных"
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self) -> str:
        return f"Согласие от {timezone.localtime(self.published_at):%d.%m.%Y %H:%M}"


class ConsentAcceptance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="consents", verbose_name="пользователь"
    )
    text = models.ForeignKey(
        ConsentText, models.PROTECT, related_name="acceptances", verbose_name="текст согласия"
    )
    accepted_at = models.DateTimeField("принято", default=timezone.now)
    address = models.GenericIPAddressField("IP-адрес", null=True, blank=True)

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "text"], name="consent_accepted_once_per_text"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text}"
