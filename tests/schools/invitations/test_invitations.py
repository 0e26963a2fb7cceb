"""An invitation by e-mail: the link reaches the mailbox, sets a password once, and dies when
it is used, resent, revoked or expired; who may invite whom."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from schools.invitations.services import invitation_create
from schools.models import AccessEvent, Invitation, Membership, Organisation
from tests.schools.invitations.conftest import link_in, path_of, text_of

pytestmark = pytest.mark.django_db

EMAIL = "Makarenya@Example.org"
PASSWORD = "дорожная-карта-2026"


def invite(
    client,
    municipality,
    organisation,
    *,
    email=EMAIL,
    role=Membership.Role.PRINCIPAL,
    name="Макареня Наталья Петровна",
):
    return client.post(
        reverse("schools:invitation_create", args=[municipality.pk]),
        {"email": email, "full_name": name, "role": role, "organisation": organisation.pk},
    )


def accept(client, link, password=PASSWORD):
    return client.post(path_of(link), {"password1": password, "password2": password})


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_invitation_reaches_the_mailbox_and_its_link_sets_a_password_once(
    client, staff, taganrog, school16, mail, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, taganrog, school16)
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:users_municipality", args=[taganrog.pk])
    [message] = mail.wait_for(1)
    assert message["To"] == "makarenya@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "Здравствуйте, Макареня Наталья Петровна!" in text
    assert "Яковенко" in text and "uo@example.org" in text
    assert "Директор школы" in text and "МОБУ СОШ № 16" in text
    assert "Логин — ваш адрес электронной почты: makarenya@example.org" in text
    assert "Ссылка действует до" in text
    link = link_in(message)
    assert link.startswith("https://roadmaps.example.ru/schools/users/invite/")
    invitation = Invitation.objects.get(email="makarenya@example.org")
    assert invitation.sent_at is not None and invitation.send_error == ""
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash  # only its SHA-256 is kept

    visitor = client.__class__()
    page = visitor.get(path_of(link))
    assert page.status_code == 200
    assert "Макареня Наталья Петровна" in text_of(page) and "МОБУ СОШ № 16" in text_of(page)
    done = accept(visitor, link)
    assert done.status_code == 302 and done["Location"] == reverse("home")
    account = get_user_model().objects.get(username="makarenya@example.org")
    assert (account.last_name, account.first_name) == ("Макареня", "Наталья Петровна")
    assert Membership.objects.filter(
        user=account, organisation=school16, role=Membership.Role.PRINCIPAL
    ).exists()
    assert int(visitor.session["_auth_user_id"]) == account.pk
    kinds = set(AccessEvent.objects.filter(user=account).values_list("kind", flat=True))
    assert {AccessEvent.Kind.INVITATION_ACCEPTED, AccessEvent.Kind.MEMBERSHIP_CREATED} <= kinds

    again = client.__class__()
    assert again.get(path_of(link)).status_code == 410
    assert accept(again, link, "другой-пароль-2026").status_code == 410
    assert "уже принято" in text_of(again.get(path_of(link)))
    # The password set through the link is the account's: one logs in with it.
    fresh = client.__class__()
    assert log_in(fresh, "makarenya@example.org").status_code == 302
    assert int(fresh.session["_auth_user_id"]) == account.pk


def test_a_weak_or_mistyped_password_is_refused_in_russian(client, staff, school16, invited):
    invitation, link = invited(staff, school16)
    weak = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400 and "слишком" in text_of(weak).lower()
    typo = client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert typo.status_code == 400 and "Пароли не совпадают" in text_of(typo)
    assert not get_user_model().objects.filter(username=invitation.email).exists()


@pytest.fixture
def invited(mail, django_capture_on_commit_callbacks):
    """Invite through the service; return the invitation and the path of its mail's link."""

    def make(by, organisation, role=Membership.Role.PRINCIPAL, email="novikova@example.org"):
        before = len(mail.messages)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_create(
                email=email,
                full_name="Новикова Ольга Ивановна",
                role=role,
                organisation=organisation,
                invited_by=by,
            )
        message = mail.wait_for(before + 1)[-1]
        return invitation, path_of(link_in(message))

    return make


def test_an_expired_link_is_refused_and_names_whom_to_ask(client, staff, school16, invited):
    invitation, link = invited(staff, school16)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(link)
    assert page.status_code == 410
    assert "Срок действия ссылки истёк" in text_of(page)
    assert "Яковенко" in text_of(page) and "uo@example.org" in text_of(page)
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert not get_user_model().objects.filter(username=invitation.email).exists()


def test_an_unknown_link_gets_the_same_page_whatever_the_token(client):
    pages = [client.get(reverse("schools:invitation_accept", args=[t])) for t in ("abc", "x" * 43)]
    assert {p.status_code for p in pages} == {404}
    assert text_of(pages[0]) == text_of(pages[1])


def test_resend_makes_the_old_link_dead_and_the_new_one_works(
    client, staff, school16, mail, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, school16.municipality, school16)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        resent = client.post(reverse("schools:invitation_resend", args=[invitation.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        # Inviting the same address to the same role again is a resend, not a second invitation.
        invite(client, school16.municipality, school16)
    assert resent.status_code == 302
    assert Invitation.objects.count() == 1
    first, second, third = (link_in(m) for m in mail.wait_for(3))
    visitor = client.__class__()
    assert visitor.get(path_of(first)).status_code == 404
    assert visitor.get(path_of(second)).status_code == 404
    assert accept(visitor, third).status_code == 302


def test_a_revoked_link_no_longer_works(client, staff, school16, invited):
    invitation, link = invited(staff, school16)
    client.force_login(staff)
    assert client.post(reverse("schools:invitation_revoke", args=[invitation.pk])).status_code == 302
    # The access log says who revoked it.
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.INVITATION_REVOKED, object_pk=str(invitation.pk))
    assert event.user == staff and "novikova@example.org" in event.detail
    visitor = client.__class__()
    page = visitor.get(link)
    assert page.status_code == 410 and "отозвано" in text_of(page)


def test_staff_of_another_municipality_reach_nothing_of_taganrog(
    client, outsider, staff, taganrog, school16, invited
):
    invitation, _ = invited(staff, school16)
    client.force_login(outsider)
    assert client.get(reverse("schools:users_municipality", args=[taganrog.pk])).status_code == 404
    assert invite(client, taganrog, school16, email="spy@example.org").status_code == 404
    assert client.post(reverse("schools:invitation_resend", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("schools:invitation_revoke", args=[invitation.pk])).status_code == 404
    assert client.get(reverse("schools:director_replace", args=[school16.pk])).status_code == 404
    # Nor through their own municipality's form with Таганрог's school in it.
    kozelsk = Organisation.objects.get(memberships__user=outsider).municipality
    assert invite(client, kozelsk, school16, email="spy@example.org").status_code == 400
    assert not Invitation.objects.filter(email="spy@example.org").exists()
    with pytest.raises(PermissionDenied):
        invitation_create(
            email="spy@example.org",
            full_name="Шпионов",
            role="principal",
            organisation=school16,
            invited_by=outsider,
        )


def test_a_principal_cannot_invite_anyone(client, principal, school16):
    client.force_login(principal)
    assert client.get(reverse("schools:users")).status_code == 403
    assert "специалистов управления образования" in client.get(reverse("schools:users")).content.decode()
    assert invite(client, school16.municipality, school16).status_code in (403, 404)
    own = Organisation.objects.get(name="МОБУ СОШ № 6")
    with pytest.raises(PermissionDenied):
        invitation_create(
            email="x@example.org",
            full_name="Иванов",
            role="principal",
            organisation=own,
            invited_by=principal,
        )
    assert not Invitation.objects.exists()


def test_who_gives_which_role_where(staff, region_staff, department, school16):
    ministry = Organisation.objects.get(region=department.region, municipality=None)
    for by, role, where, allowed in [
        (staff, "principal", school16, True),
        (staff, "coordinator", department, True),
        (staff, "staff", department, True),
        (staff, "principal", department, False),
        (staff, "staff", school16, False),
        (staff, "region_staff", ministry, False),
        (region_staff, "staff", department, True),
        (region_staff, "principal", school16, True),
        (region_staff, "region_staff", ministry, True),
        (region_staff, "regional_viewer", ministry, True),
        (region_staff, "principal", ministry, False),
    ]:
        email = f"{by.username}-{role}-{where.pk}@example.org"
        if allowed:
            invitation_create(email=email, full_name="Петров", role=role, organisation=where, invited_by=by)
        else:
            with pytest.raises(PermissionDenied):
                invitation_create(
                    email=email, full_name="Петров", role=role, organisation=where, invited_by=by
                )


def test_an_existing_account_gets_the_role_after_logging_in_with_it(
    client, coordinator, staff, school16, invited, mail
):
    coordinator.email = "barkalova@example.org"
    coordinator.save()
    _, link = invited(staff, school16, email="Barkalova@example.org")
    assert (
        "уже есть учётная запись на портале (логин «coordinator»)"
        in mail.messages[-1].get_body(("plain",)).get_content()
    )
    page = client.get(link)
    assert "уже есть учётная запись" in text_of(page) and 'name="password1"' not in page.content.decode()
    # The link alone does not hand the role to the existing account.
    assert client.post(link, {"password1": PASSWORD, "password2": PASSWORD}).status_code == 400
    assert not coordinator.memberships.filter(organisation=school16).exists()
    client.force_login(coordinator)
    assert client.post(link).status_code == 302
    assert coordinator.memberships.filter(organisation=school16, role="principal").exists()
    assert coordinator.memberships.filter(role="coordinator").exists()


def test_the_superuser_revokes_an_invitation_in_the_admin_and_its_link_dies(
    client, superuser, staff, school16, invited
):
    invitation, link = invited(staff, school16)
    client.force_login(superuser)
    listing = client.get(reverse("admin:schools_invitation_changelist"))
    assert listing.status_code == 200 and "novikova@example.org" in listing.content.decode()
    assert (
        "token_hash"
        not in client.get(reverse("admin:schools_invitation_change", args=[invitation.pk])).content.decode()
    )
    done = client.post(
        reverse("admin:schools_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk]},
        follow=True,
    )
    assert "Отозвано приглашений: 1." in done.content.decode()
    page = client.__class__().get(link)
    assert page.status_code == 410 and "отозвано" in text_of(page)


def test_a_link_to_an_address_whose_account_is_switched_off_says_whom_to_ask_and_makes_no_account(
    client, staff, school16, invited, django_user_model
):
    """Made before the account was switched off (or by a command): the link refuses in Russian,
    naming the inviter, rather than failing on the address the old account holds."""
    _, link = invited(staff, school16, email="old-director@example.org")
    django_user_model.objects.create_user(
        "old-director@example.org", email="old-director@example.org", is_active=False
    )
    response = accept(client.__class__(), link)
    assert response.status_code == 400
    assert "Учётная запись адреса old-director@example.org отключена" in text_of(response)
    assert staff.email in text_of(response) or staff.get_username() in text_of(response)
    assert django_user_model.objects.filter(username__iexact="old-director@example.org").count() == 1


@pytest.mark.parametrize("by_command", [False, True])
def test_the_mail_says_who_invites_in_plain_russian(
    staff, school16, mail, django_capture_on_commit_callbacks, by_command
):
    """From «Пользователи» the mail names the inviter; from ``import_schools --invite`` nobody."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            email="novikova@example.org",
            full_name="Новикова Ольга Ивановна",
            role=Membership.Role.PRINCIPAL,
            organisation=school16,
            invited_by=None if by_command else staff,
        )
    message = mail.wait_for(1)[-1]
    for body in (message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()):
        if by_command:
            assert "Вас приглашают на портал «Дорожные карты»" in body
        else:
            assert f"({staff.email}) приглашает вас на портал «Дорожные карты»" in body
        assert "вас на портал" not in body.replace("приглашает вас на портал", "")
