"""An export job between the request that asks for a file and its download, kept in the
database so that every web worker and the Celery worker see the same job, with or without
Redis (a cache may forget an entry at any time; a worker's own memory is its own)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

# A job and its file are kept a day: long enough to come back for the download.
JOB_LIFETIME = timedelta(days=1)


def job_expiry() -> timezone.datetime:
    return timezone.now() + JOB_LIFETIME


class ExpiringQuerySet(models.QuerySet):
    """Rows kept until their ``expires_at``: an export job here, a results-import preview in
    monitoring. ``live`` for the pages, ``expired`` for the purges."""

    def expired(self, *, now=None) -> ExpiringQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())

    def live(self, *, now=None) -> ExpiringQuerySet:
        return self.filter(expires_at__gt=now or timezone.now())


class ExportJob(models.Model):
    """A DOCX or XLSX file asked for: what to build (``documents.build.Job``), then where the
    built file lies in default storage, or why it could not be built."""

    job_id = models.CharField("номер задания", max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name="кто запросил"
    )
    # The job as documents.build.Job has it, less the path and the error below.
    data = models.JSONField("что сформировать", default=dict)
    path = models.CharField("файл в хранилище", max_length=255, blank=True)
    error = models.TextField("почему не сформирован", blank=True)
    created_at = models.DateTimeField("запрошен", auto_now_add=True)
    expires_at = models.DateTimeField("хранится до", default=job_expiry)

    objects = ExpiringQuerySet.as_manager()

    class Meta:
        verbose_name = "задание на выгрузку"
        verbose_name_plural = "задания на выгрузку"
        indexes = [
            # The nightly purge: ExportJob.objects.expired().
            models.Index(fields=["expires_at"], name="exportjob_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} ({self.data.get('kind', '')})"
