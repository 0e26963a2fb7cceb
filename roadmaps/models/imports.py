"""An import between the upload and its confirmation: the file as read, kept in the database
so that every web worker and the Celery worker see the same draft, and confirmed once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from roadmaps.models.roadmap import Roadmap
from schools.models import Organisation
from schools.uploads import Kind

# A draft nobody confirmed is forgotten after a week; a confirmed one is kept as long, so that
# a late second click still finds it confirmed.
DRAFT_LIFETIME = timedelta(days=7)


class ImportDraftQuerySet(models.QuerySet):
    def stale(self, *, now=None) -> ImportDraftQuerySet:
        return self.filter(updated_at__lt=(now or timezone.now()) - DRAFT_LIFETIME)


class ImportDraft(models.Model):
    """One upload of a roadmap file: read (at once or by a worker), corrected page by page on
    the preview, then confirmed into a roadmap."""

    class State(models.TextChoices):
        READING = "reading", "Файл обрабатывается"
        READY = "ready", "Прочитан, ждёт проверки"
        FAILED = "failed", "Не прочитан"
        CONFIRMED = "confirmed", "Загружен"

    token = models.UUIDField("ключ", default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="кто загрузил"
    )
    owner = models.ForeignKey(
        Organisation, models.CASCADE, related_name="+", verbose_name="чья дорожная карта"
    )
    file_name = models.CharField("файл", max_length=255)
    kind = models.CharField("формат", max_length=10, choices=[(k.value, k.value) for k in Kind], blank=True)
    # The file while a worker has yet to read it (a name in default storage), removed once read.
    stored_file = models.CharField("файл в хранилище", max_length=255, blank=True)
    # The structure of fixtures/seeds/*.json, with the user's corrections; a row the user
    # removed keeps its place with "removed": true, so that rows never shift between pages.
    data = models.JSONField("прочитанное", default=dict, blank=True)
    # importer.summary() of the rows kept, counted when the data changes: the preview shows it
    # on every page, and counting 5,000 rows takes a second.
    summary = models.JSONField("итоги", default=dict, blank=True)
    state = models.CharField("состояние", max_length=10, choices=State.choices, default=State.READING)
    error = models.TextField("почему не прочитан", blank=True)
    roadmap = models.ForeignKey(
        Roadmap,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="созданная дорожная карта",
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = ImportDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "загрузка дорожной карты"
        verbose_name_plural = "загрузки дорожных карт"
        ordering = ["-created_at"]
        indexes = [
            # The purge at each upload: ImportDraft.objects.stale().
            models.Index(fields=["updated_at"], name="importdraft_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["reading", "ready", "failed", "confirmed"]),
                name="importdraft_state_known",
            ),
            # A draft that could not be read says why.
            models.CheckConstraint(
                condition=~models.Q(state="failed") | ~models.Q(error=""), name="importdraft_failed_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"
