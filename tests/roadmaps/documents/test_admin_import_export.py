"""Schools, people and users in and out of the admin as CSV and XLSX."""

from __future__ import annotations

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.urls import reverse

from schools.models import Organisation, Person
from schools.resources import MembershipResource, OrganisationResource, PersonResource, UserResource

pytestmark = pytest.mark.django_db


def dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


def test_schools_import_with_an_error_for_each_bad_row():
    data = dataset(
        [
            "Регион",
            "Муниципалитет",
            "Полное название",
            "Краткое название",
            "Тип",
            "Электронная почта",
            "Сайт",
        ],
        ["Ростовская область", "г. Таганрог", "МОБУ СОШ № 99", "СОШ 99", "school", "", ""],
        ["Ростовская область", "г. Атлантида", "МОБУ СОШ № 100", "", "school", "", ""],
        ["Ростовская область", "г. Таганрог", "МОБУ СОШ № 101", "", "castle", "", ""],
    )
    result = OrganisationResource().import_data(data, dry_run=True)
    assert result.has_errors() or result.has_validation_errors()
    invalid = {row.number: row for row in result.invalid_rows}
    errors = {n: [str(e.error) for e in errs] for n, errs in result.row_errors()}
    messages = " ".join(str(v.error_dict) for v in invalid.values()) + " ".join(
        " ".join(v) for v in errors.values()
    )
    assert "г. Атлантида" in messages and "castle" in messages
    assert not Organisation.objects.filter(name="МОБУ СОШ № 99").exists()


def test_good_schools_people_users_and_roles_are_imported():
    schools = dataset(
        [
            "Регион",
            "Муниципалитет",
            "Полное название",
            "Краткое название",
            "Тип",
            "Электронная почта",
            "Сайт",
        ],
        ["Ростовская область", "г. Таганрог", "МОБУ СОШ № 99", "СОШ 99", "school", "", ""],
    )
    assert not OrganisationResource().import_data(schools).has_errors()
    people = dataset(
        ["ФИО", "Должность", "Муниципалитет", "Организация", "Руководитель", "Электронная почта"],
        ["Петров П.П.", "директор", "г. Таганрог", "МОБУ СОШ № 99", "1", "p@example.org"],
    )
    result = PersonResource().import_data(people)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Person.objects.get(full_name="Петров П.П.").organisation.name == "МОБУ СОШ № 99"
    users = dataset(
        ["Логин", "Фамилия", "Имя", "Электронная почта", "Активен"], ["petrov", "Петров", "Пётр", "", "1"]
    )
    assert not UserResource().import_data(users).has_errors()
    user = get_user_model().objects.get(username="petrov")
    assert not user.has_usable_password() and not user.is_superuser
    roles = dataset(
        ["Логин", "Муниципалитет", "Организация", "Роль"],
        ["petrov", "г. Таганрог", "МОБУ СОШ № 99", "principal"],
    )
    assert not MembershipResource().import_data(roles).has_errors()


@pytest.mark.parametrize("model", ["organisation", "person", "membership"])
def test_the_admin_offers_import_and_export(client, superuser, model):
    client.force_login(superuser)
    for action in ("import", "export"):
        response = client.get(reverse(f"admin:schools_{model}_{action}"))
        assert response.status_code == 200
        assert "xlsx" in response.content.decode().lower()


def test_users_export_from_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:auth_user_export")).status_code == 200
