"""The registry's XLSX import between its preview and its confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from schools.models.places import Municipality


class RegistryImport(models.Model):
    """A schools registry file a user has previewed: kept until confirmed or abandoned, so that
    the confirmation imports exactly the file the preview showed."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="registry_imports", verbose_name="муниципалитет"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="registry_imports",
        verbose_name="загрузил",
    )
    created_at = models.DateTimeField("загружено", default=timezone.now)
    file_name = models.CharField("файл", max_length=255)
    content = models.BinaryField("содержимое")
    confirmed_at = models.DateTimeField("подтверждено", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка реестра школ"
        verbose_name_plural = "загрузки реестра школ"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.municipality})"
