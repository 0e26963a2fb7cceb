"""The superuser publishes a new version of the consent in the admin; a version is never edited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from schools.consent.queries import current_text
from schools.models import ConsentAcceptance, ConsentText

pytestmark = pytest.mark.django_db


def test_the_superuser_publishes_a_new_version_and_everyone_is_asked_again(
    client, superuser, staff, django_capture_on_commit_callbacks
):
    old = current_text()
    ConsentAcceptance.objects.create(user=staff, text=old)
    client.force_login(superuser)
    add = client.get(reverse("admin:schools_consenttext_add")).content.decode()
    assert "152-ФЗ" in add  # the form starts from the text in force
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:schools_consenttext_add"), {"text": "Новая редакция согласия."})
    assert response.status_code == 302
    new = current_text()
    assert new != old and new.text == "Новая редакция согласия." and new.published_by == superuser

    listing = client.get(reverse("admin:schools_consenttext_changelist")).content.decode()
    assert "Дали согласие" in listing

    staff_client = client.__class__()
    staff_client.force_login(staff)
    assert staff_client.get("/roadmaps/")["Location"].startswith(reverse("schools:consent"))


def test_an_unchanged_text_is_not_a_new_version(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("admin:schools_consenttext_add"), {"text": current_text().text})
    assert response.status_code == 200 and "Текст не изменился" in response.content.decode()
    assert ConsentText.objects.count() == 1


def test_a_published_version_is_read_only(client, superuser):
    client.force_login(superuser)
    text = current_text()
    url = reverse("admin:schools_consenttext_change", args=[text.pk])
    page = client.get(url).content.decode()
    assert 'name="text"' not in page
    client.post(url, {"text": "Подменённый текст"})
    text.refresh_from_db()
    assert "Подменённый" not in text.text
    assert (
        client.post(reverse("admin:schools_consenttext_delete", args=[text.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_the_acceptances_are_listed_by_version_and_searchable_by_user(client, superuser, staff, principal):
    text = current_text()
    ConsentAcceptance.objects.create(user=staff, text=text, address="10.0.0.5")
    ConsentAcceptance.objects.create(user=principal, text=text)
    client.force_login(superuser)
    url = reverse("admin:schools_consentacceptance_changelist")
    page = client.get(url, {"text__id__exact": text.pk, "q": "uo"}).content.decode()
    assert "10.0.0.5" in page and "principal" not in page
    assert client.get(reverse("admin:schools_consentacceptance_add")).status_code == 403


def test_the_admin_warns_while_the_operators_details_are_left_blank(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:schools_consenttext_changelist")).content.decode()
    assert "квадратных скобках" in page
