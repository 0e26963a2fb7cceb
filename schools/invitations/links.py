"""An invitation's link: a random token in the mail, only its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def accept_url(token: str) -> str:
    """Built from SITE_URL, never from a request's Host header (as the password reset's link)."""
    return settings.SITE_URL + reverse("schools:invitation_accept", args=[token])
