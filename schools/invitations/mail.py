"""The invitation's mail, sent by the worker (the task ``schools.invitation_send`` in tasks.py)."""

from __future__ import annotations

import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schools.invitations.links import accept_url, token_hash
from schools.models import Invitation

SEND_ERRORS = (smtplib.SMTPException, OSError)


def existing_account(email: str):
    """The active account an address already has (its login or its e-mail), if any: the
    invitation then adds the role to it, once its owner has logged in."""
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email), is_active=True)
        .order_by("pk")
        .first()
    )


def disabled_account(email: str):
    """A switched-off account the address has (its login or its e-mail), if any: it comes back
    with «Вернуть доступ»; a second account cannot take the address."""
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email), is_active=False)
        .order_by("pk")
        .first()
    )


def invitation_mail_send(*, invitation_id: int, token: str, now=None) -> bool:
    """Send the invitation's mail with the link of ``token``; record when the mail server took
    it, or why not (the users page shows it, with «Отправить ещё раз»).

    Nothing is sent for a link that is no longer the invitation's (resent since: a newer
    mail carries the live link) or an invitation accepted, revoked or expired meanwhile.
    The record is guarded on the same link, so a late task cannot overwrite a newer one's."""
    now = now or timezone.now()
    this_link = Invitation.objects.filter(pk=invitation_id, token_hash=token_hash(token))
    invitation = this_link.select_related("organisation", "invited_by").first()
    if invitation is None or not invitation.is_open(now):
        return False
    try:
        _message(invitation, token).send()
    except SEND_ERRORS as error:
        this_link.update(sent_at=None, send_error=f"{type(error).__name__}: {error}"[:500])
        return False
    this_link.update(sent_at=now, send_error="")
    return True


def _message(invitation: Invitation, token: str) -> EmailMultiAlternatives:
    inviter = invitation.invited_by
    account = existing_account(invitation.email)
    context = {
        "invitation": invitation,
        "inviter_name": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
        "inviter_email": inviter.email if inviter else "",
        "role": invitation.get_role_display(),
        "organisation": invitation.organisation.name,
        "link": accept_url(token),
        "expires": timezone.localtime(invitation.expires_at),
        "account": account,
        "login_url": settings.SITE_URL + reverse("login"),
        "site_url": settings.SITE_URL,
    }
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject="Приглашение на портал «Дорожные карты»",
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.email],
        headers={"Message-ID": f"<invitation-{invitation.pk}.{invitation.token_hash[:12]}@{domain}>"},
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    return message
