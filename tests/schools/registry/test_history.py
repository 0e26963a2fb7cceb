"""A school's change history: who changed what and when, newest first, in Russian."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import MentorPair, Organisation, Person, SchoolStatus

pytestmark = pytest.mark.django_db


def test_the_history_says_who_changed_the_card_and_the_director(client, staff, school6):
    client.force_login(staff)
    client.post(
        reverse("schools:registry_school_edit", args=[school6.pk]),
        {
            "name": school6.name,
            "short_name": "СОШ № 6",
            "address": "ул. Новая, 1",
            "director_name": "Петров П.П.",
        },
    )
    client.post(reverse("schools:registry_statuses", args=[school6.pk]), {"year": 2026, "kinds": ["risk"]})
    response = client.get(reverse("schools:registry_school_history", args=[school6.pk]))
    entries = response.context["entries"]
    card = next(e for e in entries if e.what.startswith("карточка школы") and e.action == "изменено")
    assert card.who == staff
    assert ("адрес", "—", "ул. Новая, 1") in card.changes
    assert any(e.what == "сотрудник: Петров П.П. (директор)" and e.action == "добавлено" for e in entries)
    assert any(("руководитель организации", "да", "нет") in e.changes for e in entries)
    assert any(e.what.startswith("статус: Риск") and e.action == "добавлено" for e in entries)
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    page = response.content.decode()
    assert "Специалистова" in page or staff.get_username() in page or staff.get_full_name() in page


@pytest.mark.parametrize("extra", [0, 30])
def test_the_history_costs_the_same_queries_whatever_its_length(
    client, staff, school6, django_assert_max_num_queries, extra
):
    mentor = Organisation.objects.get(name="МОБУ лицей № 7")
    for i in range(extra):
        SchoolStatus.objects.create(school=school6, academic_year=2000 + i, kind="risk")
        MentorPair.objects.create(mentor=mentor, mentee=school6, academic_year=2030 + i)
        Person.objects.create(organisation=school6, full_name=f"Учителев {i} У.У.")
    client.force_login(staff)
    with django_assert_max_num_queries(14):
        client.get(reverse("schools:registry_school_history", args=[school6.pk]))


def test_the_admin_shows_the_same_history_with_who_changed_the_card(client, staff, superuser):
    """A department's change made on the «Школы» page is in the admin's «История» of the school
    too, with the department's user: one history, two screens."""
    from django.urls import reverse

    from schools.models import Organisation

    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    client.force_login(staff)
    edit = reverse("schools:registry_school_edit", args=[school.pk])
    form = client.get(edit).context["form"]
    data = {name: (form.initial.get(name) or "") for name in form.fields}
    data["address"] = "г. Таганрог, ул. Чехова, д. 16"
    assert client.post(edit, data).status_code == 302
    client.force_login(superuser)
    page = client.get(reverse("admin:schools_organisation_history", args=[school.pk]))
    assert page.status_code == 200
    import re

    text = " ".join(re.sub(r"<[^>]+>|&nbsp;|&rarr;", " ", page.content.decode()).split())
    assert f"Изменено {staff.get_username()}" in text and "Адрес: г. Таганрог, ул. Чехова, д. 16" in text
    for name in ("person", "schoolstatus", "mentorpair", "membership", "coordinatorassignment"):
        assert client.get(reverse(f"admin:schools_{name}_changelist")).status_code == 200
