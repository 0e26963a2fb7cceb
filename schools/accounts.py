"""Who is logging in and from where: the client's address that the lockout (django-axes) and
the audit log read, behind the proxies the settings trust."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless it is a trusted proxy (settings.TRUSTED_PROXIES);
    then the right-most address of X-Forwarded-For that is not a trusted proxy itself (the ones
    left of it were written by the client and may be forged)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
