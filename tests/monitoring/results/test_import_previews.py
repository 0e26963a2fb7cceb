"""The results import's preview is kept in the database: whichever web worker answers the next
request sees it, with or without Redis; only its own user, in its municipality, until it
expires."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from monitoring.models import ExamResult, ResultsImportPreview
from monitoring.results.previews import previews_purge
from monitoring.results.tasks import purge_results_import_previews
from schools.models import Municipality
from tests.monitoring.results.test_results_import import GOOD, preview_url, upload, xlsx

pytestmark = pytest.mark.django_db

GONE = "Предпросмотр не найден или устарел (он хранится два часа): загрузите файл ещё раз."


@pytest.fixture(autouse=True)
def no_shared_cache(settings):
    """A cache that keeps nothing: what the two workers share cannot be the cache (each
    gunicorn worker's own memory is no more shared than this)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def taganrog():
    return Municipality.objects.get(name="г. Таганрог")


def test_a_preview_made_on_one_worker_is_seen_and_confirmed_on_another(staff, taganrog):
    first, second = Client(), Client()
    first.force_login(staff)
    second.force_login(staff)
    url = preview_url(upload(first, taganrog, xlsx(GOOD)))
    page = second.get(url).content.decode()
    assert "Проверьте, что прочитано из файла «results.xlsx»" in page
    response = second.post(url, follow=True)
    assert "Результаты загружены: добавлено 3, исправлено 0." in response.content.decode()
    assert ExamResult.objects.filter(school__municipality=taganrog).count() == 3
    saved = ExamResult.objects.get(subject="Математика", grade=9, school__name="МОБУ СОШ № 6")
    assert (saved.average_score, saved.failed_percent) == (Decimal("3.62"), Decimal("8.50"))
    # Confirmed once: the first worker's tab no longer finds it.
    again = first.post(url)
    assert again.status_code == 404 and GONE in again.content.decode()
    assert not ResultsImportPreview.objects.exists()


def test_someone_elses_preview_is_not_found(client, staff, superuser, outsider, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    token = url.rstrip("/").rsplit("/", 1)[1]
    client.force_login(superuser)  # may import for Таганрог, but this is not their upload
    response = client.get(url)
    assert response.status_code == 404 and GONE in response.content.decode()
    assert client.post(url).status_code == 404
    client.force_login(outsider)  # the token under the outsider's own municipality
    kozelsk = Municipality.objects.get(name__icontains="Козельск")
    own = reverse("monitoring:results_import_preview", args=[kozelsk.pk, token])
    assert client.get(own).status_code == 404
    assert not ExamResult.objects.filter(school__municipality__in=[taganrog, kozelsk]).exists()


def test_a_preview_of_one_municipality_is_not_found_under_another(client, superuser, taganrog):
    client.force_login(superuser)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    token = url.rstrip("/").rsplit("/", 1)[1]
    other = Municipality.objects.exclude(pk=taganrog.pk).first()
    assert client.get(reverse("monitoring:results_import_preview", args=[other.pk, token])).status_code == 404


def test_an_expired_preview_says_so_in_russian_and_saves_nothing(client, staff, taganrog):
    client.force_login(staff)
    url = preview_url(upload(client, taganrog, xlsx(GOOD)))
    ResultsImportPreview.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(url)
    assert page.status_code == 404
    html = page.content.decode()
    assert GONE in html and reverse("monitoring:results_import", args=[taganrog.pk]) in html
    assert client.post(url).status_code == 404
    assert not ExamResult.objects.exists()


def test_expired_previews_are_purged_nightly_and_at_each_upload(client, staff, taganrog):
    client.force_login(staff)
    preview_url(upload(client, taganrog, xlsx(GOOD)))
    preview_url(upload(client, taganrog, xlsx(GOOD)))
    first, second = ResultsImportPreview.objects.order_by("pk")
    ResultsImportPreview.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert purge_results_import_previews.apply().get() == 1
    assert list(ResultsImportPreview.objects.all()) == [second]
    ResultsImportPreview.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    preview_url(upload(client, taganrog, xlsx(GOOD)))
    assert ResultsImportPreview.objects.count() == 1 and previews_purge() == 0
