"""The access log records roles, rights, exports and evidence downloads with who, from where and
what, when they are done through the real admin forms and pages; a refused action records nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.models import CompletionMark, Evidence, Roadmap
from schools.models import AccessEvent, Membership, MentorPair, Organisation
from schools.spreadsheets import TextCSV

pytestmark = pytest.mark.django_db

WHERE = {"REMOTE_ADDR": "10.20.30.40"}


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def events(kind) -> list[AccessEvent]:
    return list(AccessEvent.objects.filter(kind=kind).order_by("at", "pk"))


def form_data(response) -> dict:
    """What a browser posts back from an admin change page as it was shown: the main form and
    every inline, with their management forms."""
    forms, data = [response.context["adminform"].form], {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if field.disabled or value is None:
                continue
            if hasattr(field.widget, "widgets"):  # a date and a time
                for suffix, part in zip(
                    field.widget.widgets_names, field.widget.decompress(value), strict=True
                ):
                    data[bound.html_name + suffix] = part.isoformat() if part else ""
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)
    return data


def test_a_role_given_changed_and_taken_away_in_the_admin_is_recorded_with_who_and_where(
    admin_client, superuser, principal, school6
):
    add = reverse("admin:schools_membership_add")
    admin_client.post(add, {"user": principal.pk, "organisation": school6.pk, "role": "mentor"}, **WHERE)
    role = Membership.objects.get(user=principal, organisation=school6, role="mentor")
    change = reverse("admin:schools_membership_change", args=[role.pk])
    admin_client.post(
        change, {"user": principal.pk, "organisation": school6.pk, "role": "coordinator"}, **WHERE
    )
    admin_client.post(reverse("admin:schools_membership_delete", args=[role.pk]), {"post": "yes"}, **WHERE)

    given, changed, taken = (
        events(AccessEvent.Kind.MEMBERSHIP_CREATED)
        + events(AccessEvent.Kind.MEMBERSHIP_CHANGED)
        + events(AccessEvent.Kind.MEMBERSHIP_DELETED)
    )
    for event in (given, changed, taken):
        assert (event.user, event.address) == (superuser, "10.20.30.40")
        assert (event.object_type, event.object_pk) == ("schools.Membership", str(role.pk))
    assert given.detail == "Роль пользователя: principal: Школа-наставник — МОБУ СОШ № 6"
    assert changed.detail == (
        "Роль пользователя: principal: Школа-наставник — МОБУ СОШ № 6"
        " → principal: Муниципальный координатор — МОБУ СОШ № 6"
    )
    assert taken.detail == "Роль пользователя: principal: Муниципальный координатор — МОБУ СОШ № 6"


def test_a_form_refused_records_nothing(admin_client, principal, school6):
    response = admin_client.post(
        reverse("admin:schools_membership_add"),
        {"user": principal.pk, "organisation": school6.pk, "role": "king"},
    )
    assert response.status_code == 200 and "king" in response.content.decode()
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.MEMBERSHIP_CREATED).exists()


def test_a_role_and_rights_given_on_the_user_page_are_recorded(admin_client, superuser, principal, school6):
    methodists = Group.objects.create(name="Методисты")
    url = reverse("admin:auth_user_change", args=[principal.pk])
    data = form_data(admin_client.get(url))
    data |= {"is_staff": "on", "groups": [str(methodists.pk)]}
    new = int(data["memberships-TOTAL_FORMS"])
    data |= {
        "memberships-TOTAL_FORMS": str(new + 1),
        f"memberships-{new}-organisation": str(school6.pk),
        f"memberships-{new}-role": "mentor",
    }
    response = admin_client.post(url, data, **WHERE)
    assert response.status_code == 302, response.context["adminform"].form.errors

    (given,) = events(AccessEvent.Kind.MEMBERSHIP_CREATED)
    assert given.detail == "Роль пользователя: principal: Школа-наставник — МОБУ СОШ № 6"
    (rights,) = events(AccessEvent.Kind.USER_RIGHTS_CHANGED)
    assert (rights.user, rights.address, rights.object_pk) == (superuser, "10.20.30.40", str(principal.pk))
    assert rights.detail == "principal: Доступ к админке: нет → да; Группы: + Методисты"


def test_the_roles_of_a_deleted_account_are_recorded_as_taken_away(admin_client, school6):
    account = get_user_model().objects.create_user("temp", "temp@example.org")
    role = Membership.objects.create(user=account, organisation=school6, role="principal")
    admin_client.post(reverse("admin:auth_user_delete", args=[account.pk]), {"post": "yes"}, **WHERE)
    assert not get_user_model().objects.filter(username="temp").exists()
    (deleted,) = events(AccessEvent.Kind.USER_RIGHTS_CHANGED)
    assert deleted.detail == "temp: учётная запись удалена"
    (taken,) = events(AccessEvent.Kind.MEMBERSHIP_DELETED)
    assert (taken.object_pk, taken.detail) == (
        str(role.pk),
        "Роль пользователя: temp: Директор школы — МОБУ СОШ № 6",
    )


def test_mentor_pairs_deleted_in_bulk_are_recorded(admin_client):
    pairs = list(MentorPair.objects.all()[:2])
    assert pairs, "the seed has mentor pairs"
    admin_client.post(
        reverse("admin:schools_mentorpair_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in pairs], "post": "yes"},
        **WHERE,
    )
    recorded = events(AccessEvent.Kind.MEMBERSHIP_DELETED)
    assert sorted(e.object_pk for e in recorded) == sorted(str(p.pk) for p in pairs)
    assert all(e.detail.startswith("Пара наставничества: ") for e in recorded)


def test_roles_imported_in_the_admin_are_recorded(admin_client, superuser, principal):
    url = reverse("admin:schools_membership_import")
    content = "Логин,Муниципалитет,Организация,Роль\nprincipal,г. Таганрог,МОБУ лицей № 7,mentor\n"
    form = admin_client.get(url).context["form"]
    csv_index = next(i for i, label in form.fields["format"].choices if label == TextCSV().get_title())
    upload = SimpleUploadedFile("roles.csv", content.encode(), content_type="text/csv")
    preview = admin_client.post(url, {"format": csv_index, "resource": 0, "import_file": upload}, **WHERE)
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.MEMBERSHIP_CREATED).exists()  # a preview
    confirm = preview.context["confirm_form"]
    admin_client.post(
        reverse("admin:schools_membership_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
        **WHERE,
    )
    (given,) = events(AccessEvent.Kind.MEMBERSHIP_CREATED)
    assert (given.user, given.address) == (superuser, "10.20.30.40")
    assert given.detail == "Роль пользователя: principal: Школа-наставник — МОБУ лицей № 7"


def test_a_staff_user_without_rights_neither_imports_nor_exports_roles(client, staff):
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:schools_membership_import")).status_code == 403
    assert client.get(reverse("admin:schools_membership_export")).status_code == 403
    assert client.get(reverse("admin:schools_accessevent_export")).status_code == 403


def test_a_roadmap_export_is_recorded_and_an_outsiders_is_not(client, staff, outsider):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    url = reverse("documents:roadmap_export", args=[roadmap.pk, "xlsx"])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()

    client.force_login(staff)
    response = client.post(url, **WHERE)
    assert response.status_code == 200
    (export,) = events(AccessEvent.Kind.EXPORT)
    assert (export.user, export.address) == (staff, "10.20.30.40")
    assert (export.object_type, export.object_pk) == ("roadmaps.Roadmap", str(roadmap.pk))
    assert export.detail.endswith(f".xlsx»; дорожные карты № {roadmap.pk}")


def test_a_dashboard_export_is_recorded_with_its_municipality(client, staff):
    municipality = staff.memberships.get().organisation.municipality
    url = reverse("monitoring:dashboard_export", args=["municipalities", municipality.pk])
    assert client.get(url).status_code == 302  # the login page
    client.force_login(staff)
    assert client.get(url, **WHERE).status_code == 200
    (export,) = events(AccessEvent.Kind.EXPORT)
    assert (export.user, export.address) == (staff, "10.20.30.40")
    assert (export.object_type, export.object_pk) == ("schools.Municipality", str(municipality.pk))
    assert export.detail.startswith(f"«Мониторинг — {municipality}")


def test_an_admin_export_and_the_logs_own_export_are_recorded(admin_client, superuser):
    AccessEvent.objects.create(kind=AccessEvent.Kind.LOGIN_FAILED, username="ivanov", address="10.1.1.1")
    logged = AccessEvent.objects.count()  # the failed login and the superuser's own login
    url = reverse("admin:schools_accessevent_export")
    form = admin_client.get(url).context["form"]
    csv_index = next(i for i, label in form.fields["format"].choices if label == TextCSV().get_title())
    data = {"format": csv_index, "resource": 0}
    data |= {
        name: "on" for name, field in form.fields.items() if getattr(field, "is_selectable_field", False)
    }
    response = admin_client.post(url, data, **WHERE)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Когда", "Событие", "Логин", "IP-адрес", "Тип объекта", "Номер объекта", "Описание"]
    assert ["Неудачный вход", "ivanov", "10.1.1.1"] == next(r for r in rows if "ivanov" in r)[1:4]
    (export,) = events(AccessEvent.Kind.EXPORT)
    assert (export.user, export.address) == (superuser, "10.20.30.40")
    assert export.detail == f"Админка: журнал доступа, csv, строк: {logged}"


def test_an_evidence_download_is_recorded_and_a_refused_one_is_not(
    client, settings, tmp_path, staff, outsider
):
    settings.MEDIA_ROOT = tmp_path
    mark = CompletionMark.objects.filter(
        executor__activity__roadmap__source_key="demo_school6_antirisk"
    ).first()
    evidence = Evidence(mark=mark, original_name="Протокол.pdf", size=4)
    evidence.file.save("Протокол.pdf", ContentFile(b"%PDF"), save=True)
    url = reverse("roadmaps:evidence_download", args=[evidence.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url, **WHERE).status_code == 200
    (download,) = events(AccessEvent.Kind.EVIDENCE_DOWNLOAD)
    assert (download.user, download.address, download.detail) == (staff, "10.20.30.40", "«Протокол.pdf»")
    assert (download.object_type, download.object_pk) == ("roadmaps.Evidence", str(evidence.pk))


def test_the_log_lists_these_events_for_the_superuser_only(admin_client, client, staff, principal, school6):
    admin_client.post(
        reverse("admin:schools_membership_add"),
        {"user": principal.pk, "organisation": school6.pk, "role": "mentor"},
        **WHERE,
    )
    page = admin_client.get(reverse("admin:schools_accessevent_changelist") + "?kind=membership_created")
    text = page.content.decode()
    assert "Роль выдана" in text and "10.20.30.40" in text and "Школа-наставник" in text
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:schools_accessevent_changelist")).status_code == 403


def test_linking_a_person_to_an_account_and_back_is_recorded(admin_client, superuser, school6):
    """The link gives the account the marking of every row that names the person."""
    from schools.models import Person

    person = Person.objects.filter(organisation=school6, user__isnull=True).first() or Person.objects.create(
        organisation=school6, full_name="Петрова А.А.", position="учитель"
    )
    account = get_user_model().objects.create_user("petrova")
    change = reverse("admin:schools_person_change", args=[person.pk])
    data = form_data(admin_client.get(change))
    assert admin_client.post(change, {**data, "user": account.pk}, **WHERE).status_code == 302
    assert admin_client.post(change, {**data, "user": ""}, **WHERE).status_code == 302
    linked, unlinked = events(AccessEvent.Kind.USER_RIGHTS_CHANGED)
    assert (linked.user, linked.address, linked.object_pk) == (superuser, "10.20.30.40", str(account.pk))
    assert (
        linked.detail
        == f"petrova: связан с сотрудником «{person.full_name}» (МОБУ СОШ № 6): отмечает его мероприятия"
    )
    assert unlinked.detail == f"petrova: больше не связан с сотрудником «{person.full_name}» (МОБУ СОШ № 6)"


def test_linking_a_person_in_the_organisation_inline_is_recorded(admin_client, school6):
    from schools.models import Person

    Person.objects.create(organisation=school6, full_name="Сидоров П.П.", position="учитель")
    change = reverse("admin:schools_organisation_change", args=[school6.pk])
    data = form_data(admin_client.get(change))
    account = get_user_model().objects.create_user("sidorov")
    free = next(
        i for i in range(int(data["people-TOTAL_FORMS"])) if data[f"people-{i}-full_name"] == "Сидоров П.П."
    )
    assert admin_client.post(change, {**data, f"people-{free}-user": account.pk}, **WHERE).status_code == 302
    (event,) = events(AccessEvent.Kind.USER_RIGHTS_CHANGED)
    assert (
        event.detail
        == "sidorov: связан с сотрудником «Сидоров П.П.» (МОБУ СОШ № 6): отмечает его мероприятия"
    )
    # Saving the page again, with nothing changed, records nothing more.
    data = form_data(admin_client.get(change))
    admin_client.post(change, data, **WHERE)
    assert len(events(AccessEvent.Kind.USER_RIGHTS_CHANGED)) == 1
