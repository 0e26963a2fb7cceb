"""The users pages of a municipality's department: accounts and invitations, the directors'
adoption, the bulk invitation, deactivation, a new director, and a mail server that is down."""

from __future__ import annotations

import re
import socket
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from roadmaps.models import CompletionMark, DeadlineWindow, Executor
from schools.invitations.queries import Stage, adoption_of
from schools.invitations.services import directors_invite
from schools.models import Invitation, Membership, Organisation, Person
from tests.schools.invitations.conftest import link_in, path_of, text_of

pytestmark = pytest.mark.django_db

PASSWORD = "дорожная-карта-2026"


def page(client, municipality, **query):
    return client.get(reverse("schools:users_municipality", args=[municipality.pk]), query)


def directors_with_email(municipality, count: int | None = None) -> list[Person]:
    heads = list(
        Person.objects.filter(organisation__municipality=municipality, is_head=True, user=None).order_by("pk")
    )[:count]
    for i, person in enumerate(heads):
        person.email = f"director{i}@example.org"
        person.save()
    return heads


def test_one_managed_municipality_leads_straight_to_its_page(client, staff, taganrog):
    client.force_login(staff)
    response = client.get(reverse("schools:users"))
    assert response.status_code == 302
    assert response["Location"] == reverse("schools:users_municipality", args=[taganrog.pk])


def test_region_staff_choose_among_the_regions_municipalities_and_their_region(
    client, region_staff, taganrog
):
    client.force_login(region_staff)
    response = client.get(reverse("schools:users"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("schools:users_region", args=[taganrog.region_id]) in html
    assert reverse("schools:users_municipality", args=[taganrog.pk]) in html


def test_the_page_lists_accounts_with_their_last_login(client, staff, taganrog, principal):
    client.force_login(staff)
    text = text_of(page(client, taganrog))
    assert "Яковенко" in text and "Муразян" in text
    assert "Ни разу не входил" in text  # the demo principal has never logged in here
    never = text_of(page(client, taganrog, filter="never"))
    assert "Муразян" in never and "Яковенко" in text
    # The staff's own login (force_login sets it) takes them out of «Не входили».
    assert "uo " not in never.replace("uo@", "")


def test_bulk_invite_invites_each_director_once(
    client, staff, taganrog, mail, django_capture_on_commit_callbacks
):
    heads = directors_with_email(taganrog)
    client.force_login(staff)
    assert f"Пригласить директоров ({len(heads)})" in text_of(page(client, taganrog))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schools:invitation_bulk", args=[taganrog.pk]))
    assert response.status_code == 302
    assert sorted(m["To"] for m in mail.wait_for(len(heads))) == sorted(p.email for p in heads)
    assert Invitation.objects.filter(role=Membership.Role.PRINCIPAL).count() == len(heads)
    assert {i.person_id for i in Invitation.objects.all()} == {p.pk for p in heads}
    assert directors_invite(municipality=taganrog, invited_by=staff) == 0
    assert "Пригласить директоров (0)" in text_of(page(client, taganrog))


def test_a_deactivated_user_keeps_their_marks_and_can_no_longer_log_in(client, staff, principal):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    executor = Executor.objects.filter(organisation=school).first()
    window = DeadlineWindow.objects.filter(
        activity=executor.activity
    ).first() or DeadlineWindow.objects.create(activity=executor.activity, end=date(2026, 3, 31))
    mark, _ = CompletionMark.objects.update_or_create(
        executor=executor,
        window=window,
        defaults={
            "status": CompletionMark.Status.DONE,
            "completed_on": date(2026, 3, 20),
            "marked_by": principal,
        },
    )
    principal.set_password(PASSWORD)
    principal.save()
    signed_in = Client()
    signed_in.force_login(principal)

    client.force_login(staff)
    response = client.post(reverse("schools:user_deactivate", args=[principal.pk, school.pk]))
    assert response.status_code == 302
    principal.refresh_from_db()
    assert not principal.is_active and not principal.memberships.exists()
    mark.refresh_from_db()
    assert mark.marked_by_id == principal.pk
    assert Membership.history.filter(user_id=principal.pk, history_type="-").exists()
    # The open session is over, and the password no longer opens the portal.
    assert signed_in.get(reverse("home")).status_code == 302
    login = Client().post(reverse("login"), {"username": "principal", "password": PASSWORD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session
    assert "Отключён" in text_of(page(client, school.municipality))

    assert client.post(reverse("schools:user_reactivate", args=[principal.pk, school.pk])).status_code == 302
    principal.refresh_from_db()
    assert principal.is_active
    assert principal.memberships.filter(organisation=school, role=Membership.Role.PRINCIPAL).exists()


def test_staff_cannot_deactivate_themselves(client, staff, department):
    client.force_login(staff)
    response = client.post(reverse("schools:user_deactivate", args=[staff.pk, department.pk]), follow=True)
    assert "Свою учётную запись отключить нельзя" in text_of(response)
    staff.refresh_from_db()
    assert staff.is_active


def test_a_new_director_replaces_the_old_one_and_is_invited(
    client, staff, principal, mail, django_capture_on_commit_callbacks
):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    old = Person.objects.get(organisation=school, is_head=True)
    client.force_login(staff)
    form = client.get(reverse("schools:director_replace", args=[school.pk]))
    assert form.status_code == 200 and old.full_name in text_of(form)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schools:director_replace", args=[school.pk]),
            {"full_name": "Сидорова Мария Ивановна", "email": "sidorova@example.org"},
        )
    assert response.status_code == 302
    old.refresh_from_db()
    principal.refresh_from_db()
    assert not old.is_head and old.user_id == principal.pk
    assert not principal.is_active
    new = Person.objects.get(organisation=school, is_head=True)
    assert (new.full_name, new.email) == ("Сидорова Мария Ивановна", "sidorova@example.org")
    [message] = mail.wait_for(1)
    visitor = Client()
    assert (
        visitor.post(path_of(link_in(message)), {"password1": PASSWORD, "password2": PASSWORD}).status_code
        == 302
    )
    new.refresh_from_db()
    assert new.user.username == "sidorova@example.org"
    assert (
        adoption_of(school.municipality)
        .rows[[r.school for r in adoption_of(school.municipality).rows].index(school)]
        .stage
        == Stage.LOGGED_IN
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_that_is_down_is_shown_and_resend_works_when_it_is_up(
    client, staff, school16, mail, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = _closed_port()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("schools:invitation_create", args=[school16.municipality_id]),
            {
                "email": "down@example.org",
                "full_name": "Почтова А.А.",
                "role": "principal",
                "organisation": school16.pk,
            },
        )
    invitation = Invitation.objects.get(email="down@example.org")
    assert invitation.sent_at is None and "ConnectionRefused" in invitation.send_error
    text = text_of(page(client, school16.municipality))
    assert "Не отправлено: ConnectionRefused" in text and "Отправить ещё раз" in text

    settings.EMAIL_PORT = mail.port
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("schools:invitation_resend", args=[invitation.pk]))
    [message] = mail.wait_for(1)
    assert message["To"] == "down@example.org"
    invitation.refresh_from_db()
    assert invitation.sent_at is not None and invitation.send_error == ""
    assert "Не отправлено" not in text_of(page(client, school16.municipality))


def test_the_adoption_summary_and_the_list_say_the_same(
    client, staff, taganrog, django_capture_on_commit_callbacks
):
    heads = directors_with_email(taganrog, 3)
    with django_capture_on_commit_callbacks(execute=True):
        directors_invite(municipality=taganrog, invited_by=staff)
    mentor = get_user_model().objects.get(username="mentor")
    client.force_login(mentor)  # the mentor school's director has logged in
    client.force_login(staff)
    html = page(client, taganrog).content.decode()
    summary = {stage: int(count) for stage, count in re.findall(r'data-stage="(\w+)">(\d+)</div>', html)}
    listed = re.findall(r'<tr data-stage="(\w+)">', html)
    expected = adoption_of(taganrog).counts
    assert summary == expected == {stage: listed.count(stage) for stage in Stage.LABELS}
    assert expected[Stage.LOGGED_IN] >= 1 and expected[Stage.INVITED] >= len(heads)
    assert sum(expected.values()) == Organisation.objects.schools().filter(municipality=taganrog).count()


def _grow(municipality, n: int, staff) -> None:
    """n more schools with a director, an account that logged in, and an invitation each."""
    from django.utils import timezone

    from schools.invitations.services import invitation_create

    User = get_user_model()
    for i in range(n):
        school = Organisation.objects.create(
            name=f"МОБУ СОШ № {500 + i + n * 10}", region=municipality.region, municipality=municipality
        )
        Person.objects.create(full_name=f"Директоров{i} А.А.", organisation=school, is_head=True)
        user = User.objects.create_user(f"d{n}-{i}", last_login=timezone.now())
        Membership.objects.create(user=user, organisation=school, role=Membership.Role.PRINCIPAL)
        invitation_create(
            email=f"t{n}-{i}@example.org",
            full_name="Учителев",
            role="coordinator",
            organisation=Organisation.objects.get(name="Управление образования г. Таганрога"),
            invited_by=staff,
        )


def test_the_users_page_costs_the_same_queries_with_more_rows(
    client, staff, taganrog, django_assert_max_num_queries
):
    client.force_login(staff)
    page(client, taganrog)
    _grow(taganrog, 2, staff)
    with django_assert_max_num_queries(20) as small:
        assert page(client, taganrog).status_code == 200
    _grow(taganrog, 12, staff)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert page(client, taganrog).status_code == 200


def test_the_region_page_costs_the_same_queries_with_more_rows(
    client, region_staff, taganrog, django_assert_max_num_queries
):
    from schools.models import Municipality

    client.force_login(region_staff)
    url = reverse("schools:users_region", args=[taganrog.region_id])
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for i in range(5):
        m = Municipality.objects.create(region=taganrog.region, name=f"Тестовский район {i}")
        dept = Organisation.objects.create(
            region=taganrog.region, municipality=m, kind=Organisation.Kind.DEPARTMENT, name=f"Отдел {i}"
        )
        u = get_user_model().objects.create_user(f"s{i}")
        Membership.objects.create(user=u, organisation=dept, role=Membership.Role.STAFF)
    with django_assert_max_num_queries(len(small.captured_queries)):
        text = text_of(client.get(url))
    assert "Тестовский район 4" in text and "s4" in text


def test_region_staff_invite_a_municipalitys_staff_from_the_region_page(
    client, region_staff, department, mail, django_capture_on_commit_callbacks
):
    client.force_login(region_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schools:invitation_create_region", args=[department.region_id]),
            {
                "email": "uo2@example.org",
                "full_name": "Второва Б.Б.",
                "role": "staff",
                "organisation": department.pk,
            },
        )
    assert response.status_code == 302
    assert [m["To"] for m in mail.wait_for(1)] == ["uo2@example.org"]
    refused = client.post(
        reverse("schools:invitation_create_region", args=[department.region_id]),
        {
            "email": "x@example.org",
            "full_name": "Третьев",
            "role": "region_staff",
            "organisation": department.pk,
        },
    )
    assert refused.status_code == 400 and "не выдаётся" in text_of(refused)


def test_an_address_whose_account_is_switched_off_is_given_its_access_back_not_a_new_invitation(
    client, staff, principal
):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    principal.email = "murazyan@school6.ru"
    principal.save()
    client.force_login(staff)
    client.post(reverse("schools:user_deactivate", args=[principal.pk, school.pk]))
    response = client.post(
        reverse("schools:invitation_create", args=[school.municipality_id]),
        {
            "email": "Murazyan@School6.ru",
            "full_name": "Муразян Ольга Викторовна",
            "role": Membership.Role.PRINCIPAL,
            "organisation": school.pk,
        },
    )
    assert response.status_code == 400
    assert "есть отключённая учётная запись" in text_of(response) and "Вернуть доступ" in text_of(response)
    assert not Invitation.objects.filter(email="murazyan@school6.ru").exists()


def test_the_directors_list_downloads_with_the_pages_figures_those_without_an_account_first(
    client, staff, principal
):
    import io

    from openpyxl import load_workbook

    from schools.models import AccessEvent

    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    Client().force_login(principal)  # the director of № 6 has logged in
    client.force_login(staff)
    response = client.get(reverse("schools:users_adoption_xlsx", args=[school.municipality_id]))
    assert (
        response["Content-Disposition"] == f'attachment; filename="directors-{school.municipality_id}.xlsx"'
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Школа", "Директор", "Электронная почта", "Вход на портал", "Последний вход")
    by_school = {r[0]: r for r in rows[1:]}
    adoption = adoption_of(school.municipality)
    # The file and the page's one rule agree, school by school.
    assert {name: r[3] for name, r in by_school.items()} == {r.school.name: r.label for r in adoption.rows}
    assert by_school["МОБУ СОШ № 6"][3] == Stage.LABELS[Stage.LOGGED_IN] and by_school["МОБУ СОШ № 6"][4]
    stages = [r[3] for r in rows[1:]]
    assert stages == sorted(
        stages,
        key=[
            Stage.LABELS[Stage.NO_ACCOUNT],
            Stage.LABELS[Stage.INVITED],
            Stage.LABELS[Stage.LOGGED_IN],
        ].index,
    )
    assert AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT, user=staff).exists()


def test_the_directors_list_is_not_for_outsiders(client, outsider, coordinator):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    url = reverse("schools:users_adoption_xlsx", args=[school.municipality_id])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 403
