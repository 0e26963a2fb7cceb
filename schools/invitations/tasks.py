from __future__ import annotations

from celery import shared_task

from schools.invitations.mail import invitation_mail_send


@shared_task(name="schools.invitation_send")
def invitation_send(invitation_id: int, token: str) -> bool:
    """Send an invitation's mail (``invitations.mail.invitation_mail_send``). The raw token of
    the link passes through the broker this once, to be put in the mail; it is never stored
    (the database keeps its SHA-256 only). A mail server that is down is recorded on the
    invitation, not retried here: the users page offers «Отправить ещё раз»."""
    return invitation_mail_send(invitation_id=invitation_id, token=token)
