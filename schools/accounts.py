"""Who is logging in and from where: the client's address that the lockout (django-axes) and
the audit log read, behind the proxies the settings trust; and the password reset, limited per
address typed and per client so that it can neither flood a mailbox nor tell who has an account."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from schools.audit import access_record
from schools.models import AccessEvent
from schools.tasks import password_reset_send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _is_proxy(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: list[Network]) -> bool:
    return any(ip in network for network in proxies)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless it is a trusted proxy (settings.TRUSTED_PROXIES,
    addresses or networks such as 172.30.0.0/24); then the right-most address of X-Forwarded-For
    that is not a trusted proxy itself (the ones left of it were written by the client and may
    be forged). Anything in the header that is not an address ends the walk at the proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]
    try:
        if not _is_proxy(ipaddress.ip_address(remote), proxies):
            return remote
    except ValueError:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return remote
        if not _is_proxy(ip, proxies):
            return address
    return remote


def password_reset_allowed(*, email: str, address: str, now=None) -> bool:
    """Whether one more reset request for ``email`` (as typed, lower-case) from ``address`` may
    send mail: fewer than PASSWORD_RESET_LIMIT_PER_EMAIL requests for that e-mail and fewer than
    PASSWORD_RESET_LIMIT_PER_ADDRESS from that client in the last PASSWORD_RESET_WINDOW_MINUTES.

    The requests are counted in the access log, which records each of them anyway: one home for
    the data, shared by every gunicorn worker through the database, with no cache table that
    some way of starting the portal might not have created. Refused requests count too (as in
    any rate limit): whoever keeps asking keeps the door closed, and the window slides."""
    since = (now or timezone.now()) - timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES)
    recent = AccessEvent.objects.filter(kind=AccessEvent.Kind.PASSWORD_RESET, at__gte=since)
    if recent.filter(username=email).count() >= settings.PASSWORD_RESET_LIMIT_PER_EMAIL:
        return False
    return not address or recent.filter(address=address).count() < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the limits of ``password_reset_allowed`` and a record of every
    request in the access log. Whatever happens — mail sent, no such address, limit reached,
    mail server down — the answer is the same redirect to the same «done» page, so that the page
    never tells whether an address has an account.

    Nor does its timing: every request within the limits, known address or not, queues the
    same task (``tasks.password_reset_send``), which looks the address up and sends the mail
    from the worker; the request itself makes the same queries and one enqueue either way."""

    def form_valid(self, form) -> HttpResponse:
        typed = form.cleaned_data["email"]
        email = typed.strip().lower()[:150]  # the log keeps 150 characters
        if not password_reset_allowed(email=email, address=client_ip(self.request)):
            outcome = "превышен лимит запросов, письмо не отправлено"
        else:
            known = any(form.get_users(typed))
            password_reset_send.delay(typed)
            outcome = (
                "отправлено письмо со ссылкой"
                if known
                else "адрес не найден у активных пользователей, письмо не отправлено"
            )
        access_record(
            request=self.request,
            kind=AccessEvent.Kind.PASSWORD_RESET,
            username=email,
            detail=f"Сброс пароля для {email}: {outcome}",
        )
        return HttpResponseRedirect(self.get_success_url())


# --- The lockout, as the department sees it («Пользователи») --------------------------------


def locked_out(usernames) -> set[str]:
    """Which of these logins (lower case) are locked out now, from any address: django-axes
    counts AXES_FAILURE_LIMIT wrong passwords for a login and an address, locked until
    AXES_COOLOFF_MINUTES after the last one. One query, whatever the number of logins."""
    from axes.models import AccessAttempt
    from django.db.models.functions import Lower

    wanted = {name.lower() for name in usernames}
    if not wanted:
        return set()
    since = timezone.now() - timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    attempts = AccessAttempt.objects.annotate(login=Lower("username")).filter(
        login__in=wanted, failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )
    return set(attempts.values_list("login", flat=True))


def lockout_reset(*, account, by, request: HttpRequest | None = None) -> int:
    """The login's lockout lifted at once, from every address (a principal who mistyped the
    password five times calls the department rather than waiting half an hour); recorded in
    the access log. The number of lockout records removed."""
    from axes.models import AccessAttempt

    removed, _ = AccessAttempt.objects.filter(username__iexact=account.get_username()).delete()
    if removed:
        access_record(
            request=request,
            user=by,
            kind=AccessEvent.Kind.LOCKOUT_RESET,
            obj=account,
            detail=f"Снята блокировка входа: {account.get_username()}",
        )
    return removed
