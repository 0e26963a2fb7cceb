"""A file built in the background is handed only to the user who asked for it: another user who
reads the same roadmaps, a superuser too, does not find the job (404), and nothing is recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from roadmaps.documents import views
from schools.models import AccessEvent, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views, "SYNC_ROWS", 0)  # every export is a background job


@pytest.fixture
def colleague(staff):
    """Another specialist of the same department: reads exactly what ``staff`` reads."""
    user = get_user_model().objects.create_user("uo2", "uo2@example.org")
    Membership.objects.create(user=user, organisation=staff.memberships.get().organisation, role="staff")
    return user


def test_only_the_asker_follows_and_downloads_the_job(
    client, staff, colleague, superuser, taganrog, tasks_in_process, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:roadmap_export", args=[taganrog.pk, "xlsx"]))
    job_id = response.url.rstrip("/").split("/")[-1]
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()  # nothing handed over yet

    for other in (colleague, superuser):
        client.force_login(other)
        assert client.get(reverse("documents:job", args=[job_id])).status_code == 404
        assert client.get(reverse("documents:job_download", args=[job_id])).status_code == 404
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT).exists()

    client.force_login(staff)
    assert client.get(reverse("documents:job", args=[job_id])).status_code == 200
    download = client.get(reverse("documents:job_download", args=[job_id]), REMOTE_ADDR="10.9.8.7")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    (export,) = AccessEvent.objects.filter(kind=AccessEvent.Kind.EXPORT)
    assert (export.user, export.address, export.object_pk) == (staff, "10.9.8.7", str(taganrog.pk))
