from __future__ import annotations

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm

from schools.audit import access_events_purge
from schools.russian import plural


@shared_task(name="schools.tasks.purge_access_events")
def purge_access_events() -> int:
    return access_events_purge()


@shared_task(name="schools.tasks.password_reset_send")
def password_reset_send(email: str) -> None:
    """Send the reset link to the active accounts of ``email``, if there are any (Django's
    ``PasswordResetForm`` finds them and logs a mail server's refusal). Run by the worker for
    every request the reset page lets through, known address or not, so that the page answers
    in the same time either way (``accounts.PasswordResetView``).

    The link is built from SITE_URL, never from a request's Host header."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    valid_for = (
        f"{hours // 24} {plural(hours // 24, 'день', 'дня', 'дней')}"
        if hours % 24 == 0
        else f"{hours} {plural(hours, 'час', 'часа', 'часов')}"
    )
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="registration/password_reset_subject.txt",
        email_template_name="registration/password_reset_email.html",
        extra_email_context={"site_url": settings.SITE_URL, "valid_for": valid_for},
    )
