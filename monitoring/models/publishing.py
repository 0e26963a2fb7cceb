"""What leaves the portal: a roadmap's public progress page and each user's calendar feed."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from roadmaps.models import Roadmap


def new_token() -> str:
    return secrets.token_urlsafe(32)


class PublicPage(models.Model):
    """The read-only progress of an approved roadmap, published by staff («информирование общественности»)."""

    roadmap = models.OneToOneField(
        Roadmap, models.CASCADE, related_name="public_page", verbose_name="дорожная карта"
    )
    # Hard to guess, so that a page switched off and on again is not found by counting ids.
    token = models.CharField("адрес страницы", max_length=64, unique=True, default=new_token, editable=False)
    is_enabled = models.BooleanField("опубликована", default=False)
    enabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто опубликовал",
    )
    enabled_at = models.DateTimeField("когда опубликована", null=True, blank=True)

    class Meta:
        verbose_name = "публичная страница"
        verbose_name_plural = "публичные страницы"

    def __str__(self) -> str:
        return f"Публичная страница: {self.roadmap}"


class CalendarFeed(models.Model):
    """An iCalendar feed of a user's deadlines at a secret URL; revoked feeds answer 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feeds", verbose_name="пользователь"
    )
    token = models.CharField("секретный ключ", max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)
    last_used_at = models.DateTimeField("последнее обращение", null=True, blank=True)

    class Meta:
        verbose_name = "календарная подписка"
        verbose_name_plural = "календарные подписки"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_live_per_user"
            ),
        ]

    def __str__(self) -> str:
        state = "отозвана" if self.revoked_at else "действует"
        return f"Календарь {self.user} ({state})"
