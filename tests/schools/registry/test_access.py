"""Who runs the registry: the department staff of the municipality and the region's staff.
Others who see the school get 403, staff of another municipality 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.models import CoordinatorAssignment, MentorPair, Organisation

pytestmark = pytest.mark.django_db


def _urls(taganrog, school6) -> list[tuple[str, str]]:
    pair = MentorPair.objects.filter(mentee=school6).first()
    assignment = CoordinatorAssignment.objects.filter(school=school6).first()
    pair_id = pair.pk
    pair.delete()
    deleted = MentorPair.history.filter(id=pair_id, history_type="-").get().history_id
    return [
        ("get", reverse("schools:registry_municipality", args=[taganrog.pk])),
        ("get", reverse("schools:registry_school_add", args=[taganrog.pk])),
        ("get", reverse("schools:registry_school_edit", args=[school6.pk])),
        ("get", reverse("schools:registry_school_history", args=[school6.pk])),
        ("post", reverse("schools:registry_statuses", args=[school6.pk])),
        ("post", reverse("schools:registry_pair_create", args=[taganrog.pk])),
        ("post", reverse("schools:registry_coordinator_create", args=[taganrog.pk])),
        ("post", reverse("schools:registry_coordinator_delete", args=[assignment.pk])),
        ("post", reverse("schools:registry_restore", args=["pair", deleted])),
    ]


def test_staff_of_another_municipality_find_nothing(client, outsider, taganrog, school6):
    client.force_login(outsider)
    for method, url in _urls(taganrog, school6):
        assert getattr(client, method)(url, {"year": 2026}).status_code == 404, url


@pytest.mark.parametrize("persona", ["coordinator", "principal", "mentor", "region_viewer"])
def test_those_who_only_read_the_school_are_refused(request, client, persona, taganrog, school6):
    client.force_login(request.getfixturevalue(persona))
    before = list(Organisation.objects.filter(pk=school6.pk).values())
    for method, url in _urls(taganrog, school6):
        if persona in ("principal", "mentor") and "/m/" in url:
            continue  # they do not even see the municipality: 404, tried below
        assert getattr(client, method)(url, {"year": 2026, "kinds": ["risk"]}).status_code == 403, url
    assert list(Organisation.objects.filter(pk=school6.pk).values()) == before


def test_a_principal_does_not_see_the_municipalitys_registry(client, principal, taganrog):
    client.force_login(principal)
    assert client.get(reverse("schools:registry_municipality", args=[taganrog.pk])).status_code == 404
    assert client.get(reverse("schools:registry")).status_code == 403


def test_region_staff_run_every_municipality_of_their_region(client, region_staff, taganrog, school6):
    client.force_login(region_staff)
    for method, url in _urls(taganrog, school6):
        if method == "get":
            assert client.get(url).status_code == 200, url
    kozelsk = Organisation.objects.get(name__contains="Козельский").municipality
    assert client.get(reverse("schools:registry_municipality", args=[kozelsk.pk])).status_code == 404


def test_a_regional_school_without_a_municipality_is_left_to_the_admin(client, region_staff, taganrog):
    school = Organisation.objects.create(region=taganrog.region, name="ГБОУ РО «Школа-интернат»")
    client.force_login(region_staff)
    response = client.get(reverse("schools:registry_school_edit", args=[school.pk]))
    assert response.status_code == 403
    assert "ведут в администрировании" in response.content.decode()
