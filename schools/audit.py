"""The access log (``AccessEvent``): one function records an event, the auth signals record
logins, failed logins and logouts, and a nightly task forgets events past the retention period.

Who may do what is changed in the admin, so the admin records it (``schools.admin``'s
``AccessRecordedAdmin`` and ``RecordedExportMixin`` call the functions below): a role given,
changed or taken away, also by an import or along with a deleted user or organisation; a
user's rights; every export. Files leave the portal through the views that serve them, which
record the export or the evidence download once the file is in hand. Not model signals: the
project writes nothing from signals (STYLE.md), a signal does not know who acted or from
where, and the seed and the tests would fill the log with roles nobody gave. What a shell or
a management command changes is therefore not in this log (the change history has it).

A record is written in the caller's transaction and an error is raised, not swallowed: an
admin's role change and its record commit together or not at all, and an access the portal
cannot record (the database refuses one INSERT) should fail rather than go unseen.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CASCADE, Q
from django.http import HttpRequest
from django.utils import timezone

from schools.models import AccessEvent, CoordinatorAssignment, Membership, MentorPair


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


# --- Roles: what gives a user access to municipalities and schools (``permissions.scope_of``).

ROLE_MODELS = (Membership, MentorPair, CoordinatorAssignment)


def is_role(model) -> bool:
    return isinstance(model, type) and issubclass(model, ROLE_MODELS)


def role_text(obj) -> str:
    """«Роль пользователя: principal: Директор школы — МОБУ СОШ № 6»."""
    return f"{obj._meta.verbose_name.capitalize()}: {obj}"


def role_saved_text(obj) -> str | None:
    """The role as the database holds it now (before a save), None for a new one. Read again:
    by the time the admin saves, the form has already written the new values into ``obj``."""
    if obj.pk is None:
        return None
    saved = type(obj)._default_manager.select_related().filter(pk=obj.pk).first()
    return role_text(saved) if saved is not None else None


def role_saved(request: HttpRequest, obj, before: str | None) -> None:
    """Record a role just saved: given when ``before`` is None, changed (old → new) when its
    text changed, nothing when it did not."""
    after = role_text(obj)
    if before is None:
        access_record(request=request, kind=AccessEvent.Kind.MEMBERSHIP_CREATED, obj=obj, detail=after)
    elif before != after:
        access_record(
            request=request,
            kind=AccessEvent.Kind.MEMBERSHIP_CHANGED,
            obj=obj,
            detail=f"{before} → {after.split(': ', 1)[1]}",
        )


def roles_deleted(request: HttpRequest, model, pks) -> None:
    """Record the roles that deleting these rows of ``model`` takes away: the rows themselves
    when they are roles, and the roles that point at them with CASCADE (a user's memberships,
    an organisation's memberships, mentor pairs and coordinator assignments, a person's
    assignments). Called before the delete, in its transaction. One level is enough: what
    stands between (a person of a deleted organisation) is kept with SET_NULL, not deleted."""
    pks = list(pks)
    for role_model in ROLE_MODELS:
        if role_model is model:
            going = Q(pk__in=pks)
        else:
            going = Q()
            for field in role_model._meta.concrete_fields:
                if (
                    field.is_relation
                    and field.related_model is model
                    and field.remote_field.on_delete is CASCADE
                ):
                    going |= Q(**{f"{field.name}__in": pks})
            if not going:
                continue
        for role in role_model._default_manager.select_related().filter(going):
            access_record(
                request=request, kind=AccessEvent.Kind.MEMBERSHIP_DELETED, obj=role, detail=role_text(role)
            )


# --- A user's own rights (the admin's flags, groups and permissions).

RIGHTS_FLAGS = {"is_active": "Активен", "is_staff": "Доступ к админке", "is_superuser": "Суперпользователь"}
RIGHTS_SETS = {"groups": "Группы", "user_permissions": "Права"}


def _yes_no(value) -> str:
    return "да" if value else "нет"


def rights_changes(before: dict, after: dict) -> str:
    """«Суперпользователь: нет → да; Группы: + Методисты, − Наблюдатели» for the rights that
    differ between two snapshots (a flag's bool, or a group's or permission's set of names)."""
    changes = []
    for name, label in RIGHTS_FLAGS.items():
        if name in before and before[name] != after[name]:
            changes.append(f"{label}: {_yes_no(before[name])} → {_yes_no(after[name])}")
    for name, label in RIGHTS_SETS.items():
        if name in before and set(before[name]) != set(after[name]):
            added = [f"+ {v}" for v in sorted(set(after[name]) - set(before[name]))]
            removed = [f"− {v}" for v in sorted(set(before[name]) - set(after[name]))]
            changes.append(f"{label}: {', '.join(added + removed)}")
    return "; ".join(changes)


def rights_record(request: HttpRequest, account, before: dict, after: dict) -> None:
    """Record a change of ``account``'s rights, if there is one."""
    changes = rights_changes(before, after)
    if changes:
        access_record(
            request=request,
            kind=AccessEvent.Kind.USER_RIGHTS_CHANGED,
            obj=account,
            detail=f"{account.get_username()}: {changes}",
        )


def account_record(request: HttpRequest, account, what: str) -> None:
    """Record an account created or deleted: «ivanov: учётная запись создана»."""
    access_record(
        request=request,
        kind=AccessEvent.Kind.USER_RIGHTS_CHANGED,
        obj=account,
        detail=f"{account.get_username()}: {what}",
    )


def person_user_id(person) -> int | None:
    """The account a person's row is linked to in the database now (before a save)."""
    if person.pk is None:
        return None
    return type(person)._default_manager.filter(pk=person.pk).values_list("user_id", flat=True).first()


def person_link_saved(request: HttpRequest, person, before: int | None) -> None:
    """Record a person's row linked to an account or unlinked from one: the account then marks
    (or no longer marks) the activities that name this person (``permissions.can_mark``)."""
    if person.user_id == before:
        return
    where = (
        f"«{person.full_name}» ({person.organisation})" if person.organisation_id else f"«{person.full_name}»"
    )
    accounts = get_user_model()._default_manager.in_bulk([pk for pk in (before, person.user_id) if pk])
    if before in accounts:
        account_record(request, accounts[before], f"больше не связан с сотрудником {where}")
    if person.user_id in accounts:
        account_record(
            request, accounts[person.user_id], f"связан с сотрудником {where}: отмечает его мероприятия"
        )


# --- Files that leave the portal.


def export_record(request: HttpRequest, *, obj: models.Model | None = None, detail: str) -> AccessEvent:
    """Record a file of data given to the user: ``detail`` names the file (its kind and scope)."""
    return access_record(request=request, kind=AccessEvent.Kind.EXPORT, obj=obj, detail=detail)


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
