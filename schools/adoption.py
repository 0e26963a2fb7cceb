"""How far a school's director has come in: logged in, invited (or holding an account not used
yet), or without an account. The one rule of «Пользователи» (its summary and its list) and of
the «Школы» page's badge beside each director."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from schools.models import Invitation, Membership


class Stage:
    LOGGED_IN = "logged_in"
    INVITED = "invited"
    NO_ACCOUNT = "no_account"

    LABELS = {
        LOGGED_IN: "Директор входил на портал",
        INVITED: "Директор приглашён или ещё не входил",
        NO_ACCOUNT: "У директора нет учётной записи",
    }


# The roles a school's director holds: a mentor school's director may hold the mentor's.
DIRECTOR_ROLES = (Membership.Role.PRINCIPAL, Membership.Role.MENTOR)


def director_stages(school_ids, *, now=None) -> dict[int, tuple[str, datetime | None]]:
    """(stage, last login) of each school: logged in when a principal's or mentor's active
    account of the school has a last login; invited when such an account never logged in or
    a principal's invitation is open and not expired; else no account. Two queries, whatever
    the number of schools."""
    now = now or timezone.now()
    school_ids = list(school_ids)
    logins: dict[int, list] = {}
    for school_id, last_login in Membership.objects.filter(
        organisation__in=school_ids, role__in=DIRECTOR_ROLES, user__is_active=True
    ).values_list("organisation", "user__last_login"):
        logins.setdefault(school_id, []).append(last_login)
    invited = set(
        Invitation.objects.filter(
            organisation__in=school_ids,
            role=Membership.Role.PRINCIPAL,
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=now,
        ).values_list("organisation", flat=True)
    )
    stages = {}
    for school_id in school_ids:
        seen = [at for at in logins.get(school_id, []) if at is not None]
        if seen:
            stages[school_id] = (Stage.LOGGED_IN, max(seen))
        elif school_id in logins or school_id in invited:
            stages[school_id] = (Stage.INVITED, None)
        else:
            stages[school_id] = (Stage.NO_ACCOUNT, None)
    return stages
