"""The schools a file lists in its preamble: the preview names those the registry does not
have; a school's import leaves them out (and sets no statuses), the department's adds them, and
a school written another way («СОШ №6») is the registry's school, not a second one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.models import Roadmap
from schools.models import Organisation, SchoolStatus
from tests.roadmaps.documents.test_import_flow import draft_with, page_post

pytestmark = pytest.mark.django_db

LISTED = [
    {"name": "СОШ №6", "status": "supervised", "director": ""},
    {"name": "МОБУ СОШ № 777", "status": "supervised", "director": "Иванов И.И."},
]


def _preview(client, user, owner):
    draft = draft_with(3, user=user, owner=owner)
    draft.data |= {"schools": LISTED, "level": "municipal"}  # as the importer reads a file
    draft.save(update_fields=["data"])
    client.force_login(user)
    url = reverse("documents:import_preview", args=[draft.token])
    return url, client.get(url).content.decode()


def _confirm(client, url) -> Roadmap:
    response = client.post(url, page_post(client, url, 1) | {"action": "confirm"})
    assert response.status_code == 302
    return Roadmap.objects.latest("pk")


def test_a_schools_import_names_the_unknown_school_and_leaves_it_out(client, principal):
    school6 = Organisation.objects.get(name="МОБУ СОШ № 6")
    url, page = _preview(client, principal, school6)
    warning = page[page.index('id="schools-unknown"') :].split("</div>")[0]
    assert "нет в реестре муниципалитета, и к дорожной карте они не будут привязаны" in warning
    assert "МОБУ СОШ № 777" in warning and "СОШ №6" not in warning
    statuses = SchoolStatus.objects.count()
    roadmap = _confirm(client, url)
    assert list(roadmap.school_links.values_list("school__name", flat=True)) == ["МОБУ СОШ № 6"]
    assert not Organisation.objects.filter(name="МОБУ СОШ № 777").exists()
    assert SchoolStatus.objects.count() == statuses


def test_the_departments_import_says_it_adds_the_unknown_school_and_matches_the_known_one(
    client, staff, taganrog
):
    url, page = _preview(client, staff, taganrog.owner)
    warning = page[page.index('id="schools-unknown"') :].split("</div>")[0]
    assert "при подтверждении они будут добавлены в реестр" in warning
    assert "МОБУ СОШ № 777" in warning and "СОШ №6" not in warning
    schools = Organisation.objects.schools().count()
    roadmap = _confirm(client, url)
    assert sorted(roadmap.school_links.values_list("school__name", flat=True)) == [
        "МОБУ СОШ № 6",
        "МОБУ СОШ № 777",
    ]
    assert Organisation.objects.schools().count() == schools + 1  # «СОШ №6» is not a second school


def test_a_file_whose_schools_are_all_known_shows_no_warning(client, staff, taganrog):
    draft = draft_with(3, user=staff, owner=taganrog.owner)
    draft.data["schools"] = LISTED[:1]
    draft.save(update_fields=["data"])
    client.force_login(staff)
    page = client.get(reverse("documents:import_preview", args=[draft.token])).content.decode()
    assert 'id="schools-unknown"' not in page
