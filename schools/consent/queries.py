"""The read side of the consent slice: which consent text is in force (without a query once it
is known), whether a user has accepted it, and whom a user with no role (``schools.permissions.
has_no_role``) should ask for one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from schools.models import ConsentAcceptance, ConsentText, Invitation, Membership, Municipality, Organisation

CACHE_KEY = "schools.consent.current_text_id"
# Each process keeps the id it read for this long before asking the shared cache again. The
# shared cache is the database's table on the embedded default, so reading it on every request
# would be the very query the middleware must not add. The process that publishes a version
# forgets at once; the other workers ask again within this time.
MEMO_SECONDS = 30

_memo: tuple[float, int] | None = None

# Mail services whose addresses tell nothing about where their owner works.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "bk.ru",
        "gmail.com",
        "hotmail.com",
        "icloud.com",
        "inbox.ru",
        "list.ru",
        "mail.ru",
        "outlook.com",
        "rambler.ru",
        "ya.ru",
        "yahoo.com",
        "yandex.com",
        "yandex.ru",
    }
)
CONTACTS_LIMIT = 10


def current_text_id() -> int:
    """The id of the consent text in force, 0 when none is published. No query while it is known."""
    global _memo
    now = time.monotonic()
    if _memo is not None and _memo[0] > now:
        return _memo[1]
    value = cache.get(CACHE_KEY)
    if value is None:
        value = ConsentText.objects.order_by("-published_at", "-pk").values_list("pk", flat=True).first() or 0
        cache.set(CACHE_KEY, value, timeout=None)
    _memo = (now + MEMO_SECONDS, value)
    return value


def forget_current_text() -> None:
    """After a new version is published: the next request of every process reads it again."""
    global _memo
    _memo = None
    cache.delete(CACHE_KEY)


def current_text() -> ConsentText | None:
    pk = current_text_id()
    return ConsentText.objects.filter(pk=pk).first() if pk else None


def acceptance_of(user, text: ConsentText | None) -> ConsentAcceptance | None:
    if text is None:
        return None
    return ConsentAcceptance.objects.filter(user=user, text=text).first()


# --- Whom a user with no role asks ---------------------------------------------------------


@dataclass
class Contact:
    name: str
    email: str


@dataclass
class Contacts:
    """Whom to ask for a role: ``how`` says what told the municipality (``invitation``,
    ``domain``) or is empty when nothing did."""

    municipality: Municipality | None = None
    how: str = ""
    invited_by: Contact | None = None
    staff: list[Contact] = field(default_factory=list)


def _contact(user) -> Contact:
    # As the registry writes people: «Яковенко Т.К.», surname first.
    name = f"{user.last_name} {user.first_name}".strip()
    return Contact(name=name or user.get_username(), email=user.email)


def department_staff(municipality: Municipality, *, limit: int = CONTACTS_LIMIT) -> list[Contact]:
    """The active department staff of the municipality, by name: one query."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Membership.Role.STAFF,
            memberships__organisation__municipality=municipality,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")[:limit]
    )
    return [_contact(u) for u in users]


def _invitation_of(user) -> Invitation | None:
    """The newest invitation made for this account or sent to its address, accepted or still
    open (a revoked or expired one tells nothing any more)."""
    now = timezone.now()
    live = Q(accepted_at__isnull=False) | Q(revoked_at__isnull=True, expires_at__gt=now)
    mine = Q(user=user)
    if user.email:
        mine |= Q(email_lower=user.email.lower())
    return (
        Invitation.objects.alias(email_lower=Lower("email"))
        .filter(mine, live)
        .select_related("organisation__municipality", "invited_by")
        .order_by("-created_at")
        .first()
    )


def municipality_of_domain(domain: str) -> Municipality | None:
    """The one municipality whose organisations' addresses or department staff's addresses are
    at ``domain``; None when there are none, or several (a shared or public mail service).

    Two queries, each a scan of ``LIKE '%@domain'`` that no index serves: of the organisations
    (about 45,000 rows in a country of 40,000 schools) and of the department staff's accounts
    (memberships of role «staff», a few thousand). Only a user with no role reaches it, once
    per visit of that page; an index for it would be paid on every write of the registry."""
    suffix = "@" + domain
    found = set(
        Organisation.objects.filter(email__iendswith=suffix, municipality__isnull=False)
        .values_list("municipality", flat=True)
        .distinct()[:2]
    )
    if len(found) < 2:
        found |= set(
            Membership.objects.filter(
                role=Membership.Role.STAFF,
                user__email__iendswith=suffix,
                organisation__municipality__isnull=False,
            )
            .values_list("organisation__municipality", flat=True)
            .distinct()[:2]
        )
    if len(found) != 1:
        return None
    return Municipality.objects.get(pk=found.pop())


def whom_to_ask(user) -> Contacts:
    """1. An invitation for the user tells the municipality, and who invited them.
    2. Else the domain of the user's address, when it belongs to one municipality alone.
    3. Else nothing: the page says to ask the education department of one's municipality."""
    invitation = _invitation_of(user)
    if invitation is not None and invitation.organisation.municipality is not None:
        municipality = invitation.organisation.municipality
        invited_by = _contact(invitation.invited_by) if invitation.invited_by else None
        staff = [
            c for c in department_staff(municipality) if invited_by is None or c.email != invited_by.email
        ]
        return Contacts(municipality=municipality, how="invitation", invited_by=invited_by, staff=staff)
    if invitation is not None and invitation.invited_by is not None:
        # An invitation of a regional body: who sent it is the one to ask.
        return Contacts(how="invitation", invited_by=_contact(invitation.invited_by))
    domain = user.email.rpartition("@")[2].strip().lower() if "@" in user.email else ""
    if domain and domain not in PUBLIC_MAIL_DOMAINS:
        municipality = municipality_of_domain(domain)
        if municipality is not None:
            return Contacts(municipality=municipality, how="domain", staff=department_staff(municipality))
    return Contacts()
