"""A school's card: added, edited, its ИНН checked, its director changed without losing anyone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import Organisation, Person
from tests.schools.registry.conftest import inn_of

pytestmark = pytest.mark.django_db


def _card(**over) -> dict:
    return {
        "name": "МБОУ СОШ № 77",
        "short_name": "СОШ № 77",
        "inn": inn_of("615400077"),
        "address": "г. Таганрог, ул. Чехова, 77",
        "email": "school77@example.org",
        "website": "https://school77.example.org",
        "director_name": "Иванова  А. Б.",
        "director_email": "ivanova@example.org",
    } | over


def test_staff_add_a_school_with_its_director(client, staff, taganrog):
    client.force_login(staff)
    response = client.post(reverse("schools:registry_school_add", args=[taganrog.pk]), _card())
    assert response.status_code == 302
    school = Organisation.objects.get(municipality=taganrog, name="МБОУ СОШ № 77")
    assert (school.kind, school.region_id, school.inn) == ("school", taganrog.region_id, inn_of("615400077"))
    head = school.people.get(is_head=True)
    assert (head.full_name, head.email, head.user_id) == ("Иванова А.Б.", "ivanova@example.org", None)
    assert school.history.get().history_user == staff


def test_a_new_director_leaves_the_old_one_among_the_schools_people(client, staff, school6):
    old = school6.people.get(is_head=True)
    client.force_login(staff)
    url = reverse("schools:registry_school_edit", args=[school6.pk])
    client.post(url, _card(name=school6.name, inn="", director_name="Петров П.П.", director_email=""))
    old.refresh_from_db()
    assert old.is_head is False and old.organisation_id == school6.pk
    assert school6.people.get(is_head=True).full_name == "Петров П.П."
    # And back: the former director's own row becomes the head again, no new row.
    client.post(url, _card(name=school6.name, inn="", director_name=old.full_name, director_email=""))
    assert school6.people.get(is_head=True).pk == old.pk
    assert school6.people.filter(full_name="Петров П.П.", is_head=False).exists()


def test_the_same_director_with_a_new_email_is_the_same_person(client, staff, school6):
    head = school6.people.get(is_head=True)
    client.force_login(staff)
    url = reverse("schools:registry_school_edit", args=[school6.pk])
    client.post(
        url, _card(name=school6.name, inn="", director_name=head.full_name, director_email="new@example.org")
    )
    head.refresh_from_db()
    assert (head.is_head, head.email) == (True, "new@example.org")
    assert (
        Person.objects.filter(organisation=school6).count()
        == Person.history.filter(organisation_id=school6.pk).values("id").distinct().count()
    )


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        ("12345", "ИНН — 10 цифр (у организации) или 12 (у физического лица)."),
        ("615400077x", "ИНН — 10 цифр (у организации) или 12 (у физического лица)."),
        (
            "6154000770" if inn_of("615400077") != "6154000770" else "6154000771",
            "не сходится контрольная цифра",
        ),
        ("1234567890123", "ИНН — 10 цифр"),
        # Digits to Python («²».isdigit() is true, int("٣") is 3), not to the tax office.
        ("²" * 10, "ИНН — 10 цифр"),
        ("٦١٥٤٠٠٠٧٧٠", "ИНН — 10 цифр"),
    ],
)
def test_a_wrong_inn_is_explained_in_russian(client, staff, taganrog, inn, message):
    client.force_login(staff)
    response = client.post(reverse("schools:registry_school_add", args=[taganrog.pk]), _card(inn=inn))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="МБОУ СОШ № 77").exists()


def test_an_inn_of_another_school_of_the_municipality_is_refused(client, staff, taganrog, school6):
    school6.inn = inn_of("615400077")
    school6.save()
    client.force_login(staff)
    response = client.post(reverse("schools:registry_school_add", args=[taganrog.pk]), _card())
    assert response.status_code == 400
    assert "Этот ИНН уже указан у школы «" in response.content.decode()


def test_a_second_school_of_the_same_name_is_refused(client, staff, taganrog):
    client.force_login(staff)
    response = client.post(
        reverse("schools:registry_school_add", args=[taganrog.pk]), _card(name="МОБУ СОШ № 6")
    )
    assert response.status_code == 400
    assert "уже есть организация с таким названием" in response.content.decode()


def test_the_school_page_offers_editing_to_those_who_run_it(client, staff, principal, school6):
    edit = reverse("schools:registry_school_edit", args=[school6.pk])
    client.force_login(staff)
    assert edit in client.get(reverse("schools:school_detail", args=[school6.pk])).content.decode()
    client.force_login(principal)
    assert edit not in client.get(reverse("schools:school_detail", args=[school6.pk])).content.decode()


def test_a_save_over_a_newer_change_is_refused_and_keeps_both_changes(client, staff, region_staff):
    """Two people on one card: the second save does not overwrite the first. It is told who
    saved; the form shows the saved card with its own change on top, and saves again."""
    from schools.models import Organisation

    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    edit = reverse("schools:registry_school_edit", args=[school.pk])
    client.force_login(staff)
    form = client.get(edit).context["form"]
    opened = {name: form.initial.get(name) or "" for name in form.fields}

    other = client.__class__()
    other.force_login(region_staff)
    assert other.post(edit, dict(opened, address="г. Таганрог, пер. Гоголевский, 16")).status_code == 302

    refused = client.post(edit, dict(opened, short_name="СОШ 16 (моя правка)"))
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Пока вы правили карточку, её сохранил(а)" in page
    assert 'value="СОШ 16 (моя правка)"' in page and 'value="г. Таганрог, пер. Гоголевский, 16"' in page
    school.refresh_from_db()
    assert (
        school.address == "г. Таганрог, пер. Гоголевский, 16" and school.short_name != "СОШ 16 (моя правка)"
    )

    again = {name: refused.context["form"][name].value() or "" for name in form.fields}
    assert client.post(edit, again).status_code == 302
    school.refresh_from_db()
    assert (school.short_name, school.address) == ("СОШ 16 (моя правка)", "г. Таганрог, пер. Гоголевский, 16")


def test_a_field_both_changed_keeps_mine_and_says_what_the_other_wrote(client, staff, region_staff):
    from schools.models import Organisation

    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    edit = reverse("schools:registry_school_edit", args=[school.pk])
    client.force_login(staff)
    form = client.get(edit).context["form"]
    opened = {name: form.initial.get(name) or "" for name in form.fields}
    other = client.__class__()
    other.force_login(region_staff)
    other.post(edit, dict(opened, address="ул. Чехова, 1"))
    refused = client.post(edit, dict(opened, address="ул. Пушкина, 2"))
    assert refused.status_code == 409
    assert refused.context["form"]["address"].value() == "ул. Пушкина, 2"
    assert "Здесь же изменено другим: «ул. Чехова, 1»" in refused.content.decode()
    school.refresh_from_db()
    assert school.address == "ул. Чехова, 1"
