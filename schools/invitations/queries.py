"""What the users pages read: the accounts of a municipality's organisations, the invitations,
and how far its schools' directors have come in (``adoption_of``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from schools.adoption import Stage, director_stages
from schools.models import Invitation, Membership, Municipality, Organisation, Person


def directors_to_invite(municipality: Municipality) -> QuerySet[Person]:
    """The registry's school directors of the municipality with an e-mail, no account and no
    invitation waiting (open and not expired): whom «Пригласить директоров» invites."""
    waiting = Invitation.objects.filter(
        organisation=OuterRef("organisation"),
        role=Membership.Role.PRINCIPAL,
        accepted_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).filter(Q(person=OuterRef("pk")) | Q(email__iexact=OuterRef("email")))
    return (
        Person.objects.filter(
            organisation__municipality=municipality,
            organisation__kind=Organisation.Kind.SCHOOL,
            is_head=True,
            user=None,
        )
        .exclude(email="")
        .exclude(Exists(waiting))
        .select_related("organisation")
        .order_by("organisation__name")
    )


@dataclass
class SchoolAdoption:
    school: Organisation
    director: str
    stage: str
    last_login: object = None
    director_email: str = ""

    @property
    def label(self) -> str:
        return Stage.LABELS[self.stage]


@dataclass
class Adoption:
    rows: list[SchoolAdoption] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.stage for row in self.rows)
        return {stage: counted.get(stage, 0) for stage in Stage.LABELS}


def adoption_of(municipality: Municipality, *, now=None) -> Adoption:
    """Each school of the municipality: its director has logged in (a principal's or mentor's
    account of the school has a last login), is invited or has an account not used yet (an invitation
    open and not expired, or a principal's account that never logged in), or has no account.
    Four queries whatever the number of schools."""
    now = now or timezone.now()
    schools = list(Organisation.objects.schools().filter(municipality=municipality).order_by("name"))
    heads = {
        p.organisation_id: p
        for p in Person.objects.filter(organisation__in=schools, is_head=True).only(
            "organisation", "full_name", "email"
        )
    }
    stages = director_stages([school.pk for school in schools], now=now)
    rows = []
    for school in schools:
        head = heads.get(school.pk)
        stage, last_login = stages[school.pk]
        name, email = (head.full_name, head.email) if head else ("", "")
        rows.append(SchoolAdoption(school, name, stage, last_login, email))
    return Adoption(rows)


def invitation_state(invitation: Invitation, now=None) -> tuple[str, str]:
    """(label, Bootstrap colour) of an invitation as the users page shows it."""
    now = now or timezone.now()
    if invitation.accepted_at:
        return "принято", "success"
    if invitation.revoked_at:
        return "отозвано", "secondary"
    if invitation.expires_at <= now:
        return "истекло", "warning"
    if invitation.send_error:
        return "не отправлено", "danger"
    if invitation.sent_at:
        return "отправлено", "info"
    return "отправляется", "light"


@dataclass
class AccountRow:
    user: object
    organisation: Organisation
    role_label: str
    active: bool


def accounts_of(organisations: QuerySet[Organisation], *, never_logged_in: bool = False) -> list[AccountRow]:
    """The roles held in these organisations, one row each, and the roles taken away there
    whose account holds none there any more (deactivated: «Вернуть доступ»). Two queries."""
    from django.contrib.auth import get_user_model

    memberships = Membership.objects.filter(organisation__in=organisations).select_related(
        "user", "organisation"
    )
    if never_logged_in:
        memberships = memberships.filter(user__last_login=None)
    rows = [
        AccountRow(m.user, m.organisation, m.get_role_display(), m.user.is_active)
        for m in memberships.order_by("organisation__name", "user__last_name", "user__first_name")
    ]
    held = {(row.user.pk, row.organisation.pk) for row in rows}
    removed = (
        Membership.history.filter(organisation__in=organisations, history_type="-")
        .exclude(
            Exists(
                Membership.objects.filter(user=OuterRef("user_id"), organisation=OuterRef("organisation_id"))
            )
        )
        .values_list("user_id", "organisation_id", "role")
        .distinct()
    )
    removed = [r for r in removed if (r[0], r[1]) not in held]
    users = get_user_model().objects.in_bulk({r[0] for r in removed})
    orgs = {o.pk: o for o in organisations} if removed else {}
    labels = dict(Membership.Role.choices)
    seen = set()
    for user_id, org_id, role in removed:
        account = users.get(user_id)
        if account is None or (user_id, org_id) in seen:
            continue
        if never_logged_in and account.last_login is not None:
            continue
        seen.add((user_id, org_id))
        rows.append(AccountRow(account, orgs[org_id], labels.get(role, role), False))
    return rows
