"""The writes of the consent slice: a new version of the text, and a user's acceptance of one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from schools.consent.queries import forget_current_text
from schools.models import ConsentAcceptance, ConsentText


def consent_text_publish(*, version: ConsentText, by) -> ConsentText:
    """Publish ``version`` (new, unsaved) as the text in force: from the next request every
    user who has not accepted it is asked again."""
    if version.pk is not None:
        raise ValueError("A published version is never changed: publish a new one.")
    with transaction.atomic():
        version.published_at = timezone.now()
        version.published_by = by
        version.save()
        transaction.on_commit(forget_current_text)
    return version


def consent_accept(*, user, text: ConsentText, address: str | None) -> ConsentAcceptance:
    """Record that ``user`` accepted ``text``, once: a second acceptance of the same version
    (two tabs, a double click) keeps the first date and address."""
    with transaction.atomic():
        acceptance, _ = ConsentAcceptance.objects.get_or_create(
            user=user, text=text, defaults={"accepted_at": timezone.now(), "address": address or None}
        )
    return acceptance
