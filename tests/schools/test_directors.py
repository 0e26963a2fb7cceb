"""A school's director and its statuses of a year: the one home (``schools.services``) that the
card page, the registry import and «Сменить директора» share."""

from __future__ import annotations

import pytest

from schools.models import Organisation, Person, SchoolStatus
from schools.services import director_set, statuses_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def school() -> Organisation:
    school = Organisation.objects.get(name="МОБУ СОШ № 16")
    assert school.people.get(is_head=True).full_name == "Макареня Н.П."
    return school


def test_the_same_director_written_otherwise_keeps_the_post_and_takes_the_email(school):
    change = director_set(school=school, full_name="макареня  Н. П.", email=" Makarenya@School16.ru ")
    assert change.former is None
    head = school.people.get(is_head=True)
    assert (head.pk, head.full_name, head.email) == (change.head.pk, "Макареня Н.П.", "makarenya@school16.ru")


def test_another_director_takes_the_post_and_the_old_one_stays_a_person_of_the_school(school):
    old = school.people.get(is_head=True)
    change = director_set(school=school, full_name="Ёлкина А.А.", email="elkina@school16.ru")
    assert change.former == old and change.head.full_name == "Ёлкина А.А."
    assert Person.objects.filter(pk=old.pk, organisation=school, is_head=False).exists()
    assert list(school.people.filter(is_head=True)) == [change.head]
    # Back to the first one: the same row becomes the head again, nobody new is made.
    count = school.people.count()
    back = director_set(school=school, full_name="Макареня Н.П.")
    assert back.head.pk == old.pk and school.people.count() == count


def test_an_empty_name_leaves_the_school_without_a_director_and_deletes_nobody(school):
    count = school.people.count()
    change = director_set(school=school, full_name=" ")
    assert change.head is None and change.former is not None
    assert not school.people.filter(is_head=True).exists() and school.people.count() == count


def test_the_statuses_of_a_year_become_the_kinds_given_and_other_years_stay(school):
    SchoolStatus.objects.create(school=school, academic_year=2024, kind=SchoolStatus.Kind.RISK)
    Kind = SchoolStatus.Kind
    assert statuses_set(school=school, year=2026, kinds={Kind.LOW_RESULTS, Kind.UNFAVOURABLE}) == (
        [Kind.LOW_RESULTS, Kind.UNFAVOURABLE],
        [],
    )
    assert statuses_set(school=school, year=2026, kinds={Kind.UNFAVOURABLE}) == ([], [Kind.LOW_RESULTS])
    assert set(school.statuses.values_list("academic_year", "kind")) >= {
        (2024, Kind.RISK),
        (2026, Kind.UNFAVOURABLE),
    }
    assert not school.statuses.filter(academic_year=2026, kind=Kind.LOW_RESULTS).exists()
    assert SchoolStatus.history.filter(school_id=school.pk, kind=Kind.LOW_RESULTS, history_type="-").exists()
