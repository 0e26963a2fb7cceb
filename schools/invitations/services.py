"""Accounts by invitation: department and region staff give people their logins themselves.

An invitation is a one-time link by e-mail (``links.py``); accepting it makes the account
(login = the e-mail in lower case) with the invitation's role. An address that already has an
account gets the role on that account once its owner has logged in with it: the link alone
never hands a role to an existing account.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from schools.audit import access_record, role_text
from schools.invitations.links import token_hash, token_new
from schools.invitations.mail import disabled_account, existing_account
from schools.invitations.queries import directors_to_invite
from schools.invitations.tasks import invitation_send
from schools.models import AccessEvent, Invitation, Membership, Municipality, Organisation, Person
from schools.permissions import roles_grantable
from schools.services import director_set

# The backend that logs in the account an invitation has just made (it has no password typed
# at a login form, so django-axes' backend has nothing to count).
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


class InvitationClosed(Exception):
    """The link was used, revoked or has expired: the accept page says whom to ask."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__(str(invitation))
        self.invitation = invitation


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by", "person")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _require_grantable(by, role: str, organisation: Organisation) -> None:
    if by is not None and role not in roles_grantable(by, organisation):
        label = Membership.Role(role).label
        raise PermissionDenied(f"Вы не можете выдать роль «{label}» в организации «{organisation}».")


def _link_renew(invitation: Invitation, now) -> str:
    """A new link (the old one stops working) valid for INVITATION_VALID_DAYS; not yet sent."""
    token = token_new()
    invitation.token_hash = token_hash(token)
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_at = None
    invitation.send_error = ""
    return token


def _send_later(invitation: Invitation, token: str, *, by, request: HttpRequest | None) -> None:
    access_record(
        request=request,
        user=by,
        kind=AccessEvent.Kind.INVITATION_SENT,
        obj=invitation,
        detail=f"Приглашение для {invitation.email}: {invitation.get_role_display()} — {invitation.organisation}",
    )
    pk = invitation.pk
    transaction.on_commit(lambda: invitation_send.delay(pk, token))


def invitation_create(
    *,
    email: str,
    full_name: str,
    role: str,
    organisation: Organisation,
    person: Person | None = None,
    invited_by,
    request: HttpRequest | None = None,
) -> Invitation:
    """Invite ``email`` to ``role`` in ``organisation``. An invitation still open for the same
    address, organisation and role is sent again (with a new link) instead of a second one.
    ``invited_by`` None: a management command, which may give any role."""
    email = email.strip().lower()
    full_name = " ".join(full_name.split())
    _require_grantable(invited_by, role, organisation)
    with transaction.atomic():
        now = timezone.now()
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email=email, organisation=organisation, role=role, accepted_at=None, revoked_at=None)
            .first()
        )
        if invitation is None:
            invitation = Invitation(
                email=email, role=role, organisation=organisation, invited_by=invited_by, created_at=now
            )
        invitation.full_name = full_name
        invitation.person = person or invitation.person
        invitation.invited_by = invited_by or invitation.invited_by
        token = _link_renew(invitation, now)
        invitation.save()
        _send_later(invitation, token, by=invited_by, request=request)
    return invitation


def invitation_resend(*, invitation: Invitation, by, request: HttpRequest | None = None) -> Invitation:
    """A new link by mail, valid again for INVITATION_VALID_DAYS; the old link stops working."""
    _require_grantable(by, invitation.role, invitation.organisation)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        )
        if invitation.accepted_at or invitation.revoked_at:
            raise ValidationError("Приглашение уже принято или отозвано: отправить его ещё раз нельзя.")
        token = _link_renew(invitation, timezone.now())
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at", "send_error"])
        _send_later(invitation, token, by=by, request=request)
    return invitation


def invitation_revoke(*, invitation: Invitation, by, request: HttpRequest | None = None) -> None:
    """The link stops working at once. Guarded: an invitation accepted meanwhile stays accepted."""
    _require_grantable(by, invitation.role, invitation.organisation)
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    if taken != 1:
        raise ValidationError("Приглашение уже принято или отозвано.")
    access_record(
        request=request,
        user=by,
        kind=AccessEvent.Kind.INVITATION_REVOKED,
        obj=invitation,
        detail=f"Приглашение для {invitation.email} отозвано: {invitation.get_role_display()} — {invitation.organisation}",
    )


def invitation_is_for(account, invitation: Invitation) -> bool:
    email = invitation.email.lower()
    return account.get_username().lower() == email or (account.email or "").lower() == email


def names_of(full_name: str) -> tuple[str, str]:
    """«Иванова Анна Петровна» -> («Анна Петровна», «Иванова»): first and last name."""
    last, _, first = full_name.partition(" ")
    return first[:150], last[:150]


def invitation_accept(*, token: str, password: str | None, request: HttpRequest):
    """Accept an invitation once; return the account, logged in.

    1. A logged-in visitor accepts for their own account (its login or e-mail is the
       invitation's address), without a password; anyone else sets a password, and the account
       is made, unless the address already has one: then they must log in with it first.
    2. The invitation is taken by a guarded update (not accepted, not revoked, not expired):
       two clicks, or a click racing a revoke, accept it once.
    3. The role, the link to the registry's person (a school's director) when that person has
       no account yet, and the access log's records follow in the same transaction.
    """
    invitation = invitation_by_token(token)
    if invitation is None:
        raise Invitation.DoesNotExist
    now = timezone.now()
    if not invitation.is_open(now):
        raise InvitationClosed(invitation)
    account = request.user if request.user.is_authenticated else None
    if account is not None and not invitation_is_for(account, invitation):
        raise ValidationError(
            f"Вы вошли как «{account.get_username()}», а приглашение — для {invitation.email}. "
            "Выйдите и откройте ссылку ещё раз."
        )
    if account is None:
        if existing_account(invitation.email) is not None:
            raise ValidationError(
                f"У адреса {invitation.email} уже есть учётная запись: войдите в неё, "
                "и роль будет добавлена к ней."
            )
        if disabled_account(invitation.email) is not None:
            inviter = invitation.invited_by
            whom = (
                f"{inviter.get_full_name() or inviter.get_username()} ({inviter.email})"
                if inviter
                else "управление образования"
            )
            raise ValidationError(
                f"Учётная запись адреса {invitation.email} отключена. Попросите {whom} вернуть ей "
                "доступ: новая учётная запись не нужна, отметки остались за прежней."
            )
        first_name, last_name = names_of(invitation.full_name)
        account = get_user_model()(
            username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name
        )
        validate_password(password or "", user=account)
        account.set_password(password)
    with transaction.atomic():
        taken = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now)
        if taken != 1:
            raise InvitationClosed(invitation)
        if account.pk is None:
            account.save()
        Invitation.objects.filter(pk=invitation.pk).update(user=account)
        membership, created = Membership.objects.get_or_create(
            user=account, organisation=invitation.organisation, role=invitation.role
        )
        person = invitation.person
        if person is not None and person.user_id is None and not Person.objects.filter(user=account).exists():
            person.user = account
            if not person.email:
                person.email = invitation.email
            person.save(update_fields=["user", "email"])
        access_record(
            request=request,
            user=account,
            kind=AccessEvent.Kind.INVITATION_ACCEPTED,
            obj=invitation,
            detail=f"Приглашение для {invitation.email} принято",
        )
        if created:
            access_record(
                request=request,
                user=account,
                kind=AccessEvent.Kind.MEMBERSHIP_CREATED,
                obj=membership,
                detail=role_text(membership),
            )
    if not request.user.is_authenticated:
        login(request, account, backend=LOGIN_BACKEND)
    return account


def directors_invite(*, municipality: Municipality, invited_by=None) -> int:
    """Invite, as principals, the municipality's school directors of the registry who have an
    e-mail, no account and no invitation waiting (``queries.directors_to_invite``); return how
    many were invited. A director whose invitation expired is invited again, with a new link.
    Called by the users page and by ``manage.py import_schools --invite``."""
    count = 0
    with transaction.atomic():
        for person in directors_to_invite(municipality):
            invitation_create(
                email=person.email,
                full_name=person.full_name,
                role=Membership.Role.PRINCIPAL,
                organisation=person.organisation,
                person=person,
                invited_by=invited_by,
            )
            count += 1
    return count


def user_deactivate(*, user, organisation: Organisation, by, request: HttpRequest | None = None) -> bool:
    """Take away the user's roles in ``organisation`` (those ``by`` gives there) and the
    invitations still open for them there; an account left without any role is deactivated
    and can no longer log in. The memberships are deleted, so the change history keeps them
    (``user_reactivate`` reads it); marks, evidence and comments keep pointing at the account.
    Returns whether the account was deactivated."""
    if by is not None and by.pk == user.pk:
        raise ValidationError("Свою учётную запись отключить нельзя.")
    grantable = roles_grantable(by, organisation) if by is not None else Membership.Role.values
    with transaction.atomic():
        memberships = list(
            Membership.objects.filter(
                user=user, organisation=organisation, role__in=grantable
            ).select_related("organisation")
        )
        if not memberships:
            raise ValidationError("У пользователя нет ролей в этой организации.")
        for membership in memberships:
            access_record(
                request=request,
                user=by,
                kind=AccessEvent.Kind.MEMBERSHIP_DELETED,
                obj=membership,
                detail=role_text(membership),
            )
            membership.delete()
        Invitation.objects.filter(
            email__iexact=user.email or user.get_username(),
            organisation=organisation,
            accepted_at=None,
            revoked_at=None,
        ).update(revoked_at=timezone.now())
        if user.is_superuser or Membership.objects.filter(user=user).exists():
            return False
        _active_set(user, False, by=by, request=request)
    return True


def user_reactivate(*, user, organisation: Organisation, by, request: HttpRequest | None = None) -> None:
    """Give back the roles ``user_deactivate`` took away in ``organisation`` (as the change
    history has them) and let the account log in again."""
    grantable = roles_grantable(by, organisation)
    with transaction.atomic():
        taken = set(
            Membership.history.filter(
                user_id=user.pk, organisation_id=organisation.pk, history_type="-", role__in=grantable
            ).values_list("role", flat=True)
        )
        held = set(
            Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True)
        )
        if not taken - held and user.is_active:
            raise ValidationError("Пользователь уже работает в этой организации: восстанавливать нечего.")
        for role in sorted(taken - held):
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
            access_record(
                request=request,
                user=by,
                kind=AccessEvent.Kind.MEMBERSHIP_CREATED,
                obj=membership,
                detail=role_text(membership),
            )
        if not user.is_active:
            _active_set(user, True, by=by, request=request)


def _active_set(user, active: bool, *, by, request: HttpRequest | None) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    was, now = ("нет", "да") if active else ("да", "нет")
    access_record(
        request=request,
        user=by,
        kind=AccessEvent.Kind.USER_RIGHTS_CHANGED,
        obj=user,
        detail=f"{user.get_username()}: Активен: {was} → {now}",
    )


def director_replace(
    *, school: Organisation, full_name: str, email: str, by, request: HttpRequest | None = None
) -> Invitation:
    """A school's new director: the old one is no longer its head in the registry and loses the
    principal's role there (their account stays, deactivated if it has no other role), the new
    one becomes the head and is invited as principal."""
    _require_grantable(by, Membership.Role.PRINCIPAL, school)
    if not full_name.strip():
        raise ValidationError("Укажите ФИО нового директора.")
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=school.pk).first()  # one change at a time
        change = director_set(school=school, full_name=full_name, email=email, by=by)
        old, new = change.former, change.head
        if old is not None and old.user_id:
            if Membership.objects.filter(user_id=old.user_id, organisation=school).exists():
                user_deactivate(user=old.user, organisation=school, by=by, request=request)
        full_name = new.full_name
        return invitation_create(
            email=email,
            full_name=full_name,
            role=Membership.Role.PRINCIPAL,
            organisation=school,
            person=new,
            invited_by=by,
            request=request,
        )
