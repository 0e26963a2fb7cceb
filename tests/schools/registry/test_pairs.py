"""Mentor pairs and coordinators of a year: added, deleted after a confirmation, and brought
back with «Вернуть»."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import CoordinatorAssignment, MentorPair, Organisation, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyceum7(db) -> Organisation:
    return Organisation.objects.get(name="МОБУ лицей № 7")


@pytest.fixture
def barkalova(db) -> Person:
    return Person.objects.get(full_name="Баркалова Е.В.")


def test_staff_add_a_mentor_pair_of_the_year(client, staff, taganrog, lyceum7):
    mentee = Organisation.objects.get(name="МОБУ СОШ № 16")
    client.force_login(staff)
    url = reverse("schools:registry_pair_create", args=[taganrog.pk])
    response = client.post(url, {"mentor": lyceum7.pk, "mentee": mentee.pk, "year": 2026})
    assert response.status_code == 302
    pair = MentorPair.objects.get(mentor=lyceum7, mentee=mentee, academic_year=2026)
    assert pair.history.get().history_user == staff


def test_a_pair_of_a_school_with_itself_or_twice_is_refused(client, staff, taganrog, lyceum7, school6):
    client.force_login(staff)
    url = reverse("schools:registry_pair_create", args=[taganrog.pk])
    self_pair = client.post(url, {"mentor": lyceum7.pk, "mentee": lyceum7.pk, "year": 2026})
    assert self_pair.status_code == 400
    assert "наставником самой себе" in self_pair.content.decode()
    twice = client.post(url, {"mentor": lyceum7.pk, "mentee": school6.pk, "year": 2026})
    assert "Такая пара в этом учебном году уже есть" in twice.content.decode()


def test_a_school_of_another_municipality_cannot_be_paired(client, staff, outsider, taganrog, lyceum7):
    foreign = Organisation.objects.schools().exclude(municipality=taganrog).first()
    client.force_login(staff)
    url = reverse("schools:registry_pair_create", args=[taganrog.pk])
    response = client.post(url, {"mentor": lyceum7.pk, "mentee": foreign.pk, "year": 2026})
    assert response.status_code == 400
    assert not MentorPair.objects.filter(mentee=foreign, mentor=lyceum7).exists()


def test_a_deleted_pair_comes_back_with_its_id(client, staff, lyceum7, school6):
    pair = MentorPair.objects.get(mentor=lyceum7, mentee=school6, academic_year=2026)
    client.force_login(staff)
    response = client.post(reverse("schools:registry_pair_delete", args=[pair.pk]), follow=True)
    page = response.content.decode()
    assert not MentorPair.objects.filter(pk=pair.pk).exists()
    assert "Пара наставничества удалена" in page and "Вернуть" in page
    restore = response.context["undo"]["url"]
    client.post(restore)
    back = MentorPair.objects.get(pk=pair.pk)
    assert (back.mentor_id, back.mentee_id, back.academic_year) == (lyceum7.pk, school6.pk, 2026)
    assert back.history.latest().history_user == staff
    history = client.get(reverse("schools:registry_school_history", args=[school6.pk])).context["entries"]
    assert [e.action for e in history[:2]] == ["возвращено", "удалено"]
    again = client.post(restore, follow=True)
    assert "Возвращать нечего" in again.content.decode()


def test_the_delete_buttons_ask_first(client, staff, taganrog):
    client.force_login(staff)
    page = client.get(
        reverse("schools:registry_municipality", args=[taganrog.pk]), {"year": 2026}
    ).content.decode()
    assert 'data-confirm="Удалить пару' in page and 'data-confirm="Снять координатора' in page


def test_staff_assign_a_coordinator_and_take_them_off_and_back(client, staff, taganrog, barkalova):
    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    client.force_login(staff)
    url = reverse("schools:registry_coordinator_create", args=[taganrog.pk])
    client.post(url, {"coordinator": barkalova.pk, "school": school.pk, "year": 2026})
    assignment = CoordinatorAssignment.objects.get(coordinator=barkalova, school=school, academic_year=2026)
    response = client.post(reverse("schools:registry_coordinator_delete", args=[assignment.pk]), follow=True)
    assert not CoordinatorAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(response.context["undo"]["url"])
    assert CoordinatorAssignment.objects.filter(pk=assignment.pk, school=school, academic_year=2026).exists()


def test_a_school_director_is_not_offered_as_a_coordinator(client, staff, taganrog, barkalova):
    client.force_login(staff)
    response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]))
    offered = set(response.context["coordinator_form"].fields["coordinator"].queryset)
    assert barkalova in offered
    assert not any(p.organisation.kind == "school" for p in offered)


def test_a_school_person_with_a_coordinators_role_is_offered(client, staff, taganrog, coordinator, school6):
    from schools.models import Membership

    person = school6.people.filter(is_head=False).first() or Person.objects.create(
        organisation=school6, full_name="Завучева З.З."
    )
    user = Membership.user.field.related_model.objects.create_user("zavuch")
    person.user = user
    person.save()
    department = Organisation.objects.get(municipality=taganrog, kind="department")
    Membership.objects.create(user=user, organisation=department, role=Membership.Role.COORDINATOR)
    client.force_login(staff)
    response = client.get(reverse("schools:registry_municipality", args=[taganrog.pk]))
    assert person in set(response.context["coordinator_form"].fields["coordinator"].queryset)
