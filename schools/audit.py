"""The access log (``AccessEvent``): one function records an event, the auth signals record
logins, failed logins and logouts, and a nightly task forgets events past the retention period.

A record is written in the caller's transaction and an error is raised, not swallowed: an
admin's role change and its record commit together or not at all, and an access the portal
cannot record (the database refuses one INSERT) should fail rather than go unseen.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from schools.models import AccessEvent


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes resolves it (its trusted-proxy rule lives in the
    settings, in one place). Imported here: axes.helpers loads axes' models."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def access_record(
    *,
    request: HttpRequest | None = None,
    user=None,
    kind: AccessEvent.Kind,
    obj: models.Model | None = None,
    detail: str = "",
    username: str = "",
) -> AccessEvent:
    """Record one access event. ``user`` defaults to the request's user; ``username`` is the
    login as typed for a failed login; ``detail`` a short Russian description.

    Invitations (issue 15) call ``access_record(request=..., kind=AccessEvent.Kind.INVITATION_SENT,
    obj=invitation, detail="Приглашение для ivanov@example.org")`` when one is sent, and
    ``INVITATION_ACCEPTED`` with the new user when it is accepted."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AccessEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        address=client_address(request),
        object_type=obj._meta.label if obj is not None else "",
        object_pk=str(obj.pk) if obj is not None else "",
        detail=detail[:500],
    )


def access_events_purge(*, now=None) -> int:
    """Delete the events older than AUDIT_RETENTION_DAYS; return how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AccessEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


# Django's own login events (connected in ``SchoolsConfig.ready``).


def on_logged_in(sender, request, user, **kwargs) -> None:
    access_record(request=request, user=user, kind=AccessEvent.Kind.LOGIN)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    access_record(
        request=request,
        kind=AccessEvent.Kind.LOGIN_FAILED,
        username=str(credentials.get("username", "")),
        detail="Неверный логин или пароль",
    )


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        access_record(request=request, user=user, kind=AccessEvent.Kind.LOGOUT)
