"""The school page: a mentor school is a link only for those who may open it, and the page
reads only the school's own pairs, whatever the number of schools the user sees."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.models import MentorPair, Municipality, Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def school6():
    return Organisation.objects.get(name="МОБУ СОШ № 6")


@pytest.fixture
def far_mentor(school6):
    """A mentor school of another municipality (Козельский район) for СОШ № 6."""
    kozelsk = Municipality.objects.exclude(pk=school6.municipality_id).get(name__icontains="Козельск")
    mentor = Organisation.objects.create(
        name="МОУ СОШ № 1 г. Козельска",
        kind=Organisation.Kind.SCHOOL,
        municipality=kozelsk,
        region=kozelsk.region,
    )
    MentorPair.objects.create(mentor=mentor, mentee=school6, academic_year=2026)
    return mentor


def _page(client, school) -> str:
    response = client.get(reverse("schools:school_detail", args=[school.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_mentor_school_the_user_may_open_is_a_link(client, superuser, school6, far_mentor):
    client.force_login(superuser)
    html = _page(client, school6)
    assert f'href="{reverse("schools:school_detail", args=[far_mentor.pk])}"' in html


def test_a_mentor_school_of_another_municipality_is_named_without_a_link(client, staff, school6, far_mentor):
    client.force_login(staff)
    html = _page(client, school6)
    assert "МОУ СОШ № 1 г. Козельска" in html
    assert reverse("schools:school_detail", args=[far_mentor.pk]) not in html
    # The Таганрог mentor stays a link for Таганрог's staff.
    lyceum = Organisation.objects.get(name="МОБУ лицей № 7")
    assert f'href="{reverse("schools:school_detail", args=[lyceum.pk])}"' in html


def test_the_page_reads_no_list_of_every_school_the_user_sees(client, superuser, school6, far_mentor):
    """The superuser sees every school of the country: the page must not fetch them all to
    decide which names are links (it did: one query returned every visible school's id)."""
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as ctx:
        _page(client, school6)
    with CaptureQueriesContext(connection) as reference:
        list(Organisation.objects.schools().values_list("pk", flat=True))
    every_school = reference.captured_queries[0]["sql"]
    assert every_school not in [query["sql"] for query in ctx.captured_queries]
    before = len(ctx.captured_queries)
    region = school6.municipality.region
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Школа {n}", kind=Organisation.Kind.SCHOOL, municipality=school6.municipality, region=region
        )
        for n in range(30)
    )
    with CaptureQueriesContext(connection) as ctx:
        _page(client, school6)
    assert len(ctx.captured_queries) == before
