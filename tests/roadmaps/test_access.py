"""Every view × persona: outsiders get 404, read-only roles 403 on writes, anonymous users the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.models import Activity, CompletionMark, Evidence, Roadmap
from schools.models import Organisation

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "staff", "coordinator", "principal", "mentor", "region_viewer", "outsider"]


@pytest.fixture
def objects(settings, tmp_path, revising):
    """The objects every persona tries; the approved roadmaps are under revision, so that the
    editors' writes are open to them (tests/roadmaps/test_approval.py tries the lock itself)."""
    settings.MEDIA_ROOT = tmp_path
    taganrog = Roadmap.objects.get(source_key="002_taganrog")
    school_roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    activity = school_roadmap.activities.get(number="1.2")
    mark = CompletionMark.objects.filter(executor__activity__roadmap=school_roadmap).first()
    evidence = Evidence.objects.create(mark=mark, url="https://school6.example.org/otchet")
    return {
        "roadmap": taganrog.pk,
        "school_roadmap": school_roadmap.pk,
        "activity": activity.pk,
        "taganrog_activity": taganrog.activities.get(number="5.").pk,
        "section": taganrog.sections.first().pk,
        "mark": mark.pk,
        "evidence": evidence.pk,
        "school": Organisation.objects.get(name="МОБУ СОШ № 6").pk,
    }


# (name, url name, object key) — pages anyone of Таганрог may read.
READ_PAGES = [
    ("roadmap page", "roadmaps:roadmap_detail", "roadmap"),
    ("school roadmap page", "roadmaps:roadmap_detail", "school_roadmap"),
    ("activity page", "roadmaps:activity_detail", "activity"),
    ("activity row", "roadmaps:activity_row", "activity"),
    ("deadline preview", "roadmaps:deadline_preview", "roadmap"),
    ("school page", "schools:school_detail", "school"),
    ("school roadmaps panel", "roadmaps:school_roadmaps", "school"),
    ("school risk coverage panel", "monitoring:school_risk_coverage", "school"),
    ("evidence", "roadmaps:evidence_download", "evidence"),
    ("roadmap history", "roadmaps:roadmap_history", "roadmap"),
]

# Parts of pages that htmx asks for (HX-Request: true).
HTMX_PARTS = {"roadmaps:activity_row", "roadmaps:school_roadmaps", "monitoring:school_risk_coverage"}

# (name, method, url name, object key, who may) — everything that changes something.
WRITES = [
    ("edit header", "get", "roadmaps:roadmap_edit", "roadmap", {"superuser", "staff"}),
    ("edit activity form", "get", "roadmaps:activity_edit", "taganrog_activity", {"superuser", "staff"}),
    ("save activity", "post", "roadmaps:activity_edit", "taganrog_activity", {"superuser", "staff"}),
    ("add activity", "get", "roadmaps:activity_create", "roadmap", {"superuser", "staff"}),
    ("delete activity", "post", "roadmaps:activity_delete", "taganrog_activity", {"superuser", "staff"}),
    ("set date", "post", "roadmaps:activity_set_date", "taganrog_activity", {"superuser", "staff"}),
    ("approve", "post", "roadmaps:roadmap_approve", "roadmap", {"superuser", "staff"}),
    ("renumber", "post", "roadmaps:roadmap_renumber", "roadmap", {"superuser", "staff"}),
    ("add section", "post", "roadmaps:section_create", "roadmap", {"superuser", "staff"}),
    ("edit section", "get", "roadmaps:section_edit", "section", {"superuser", "staff"}),
    ("delete section", "post", "roadmaps:section_delete", "section", {"superuser", "staff"}),
    (
        "edit school roadmap",
        "get",
        "roadmaps:roadmap_edit",
        "school_roadmap",
        {"superuser", "staff", "principal"},
    ),
    ("review mark", "post", "roadmaps:mark_review", "mark", {"superuser", "staff", "coordinator"}),
    (
        "withdraw acceptance",
        "post",
        "roadmaps:mark_review_withdraw",
        "mark",
        {"superuser", "staff", "coordinator"},
    ),
    ("discard a kept mark", "post", "roadmaps:mark_discard", "mark", {"superuser", "staff", "principal"}),
    ("approval page", "get", "roadmaps:roadmap_approve", "roadmap", {"superuser", "staff"}),
    ("school approval page", "get", "roadmaps:roadmap_approve", "school_roadmap", {"superuser", "principal"}),
    ("open a revision", "post", "roadmaps:roadmap_revision_open", "roadmap", {"superuser", "staff"}),
    ("close a revision", "get", "roadmaps:roadmap_revision_close", "roadmap", {"superuser", "staff"}),
    ("archive", "get", "roadmaps:roadmap_archive", "roadmap", {"superuser", "staff"}),
    ("back to draft", "get", "roadmaps:roadmap_back_to_draft", "roadmap", {"superuser", "staff"}),
    ("renumber page", "get", "roadmaps:roadmap_renumber", "roadmap", {"superuser", "staff"}),
    ("copy", "post", "roadmaps:roadmap_copy", "roadmap", {"superuser", "staff"}),
    ("trash", "get", "roadmaps:trash", "roadmap", {"superuser", "staff"}),
    ("empty the trash", "post", "roadmaps:trash_empty", "roadmap", {"superuser", "staff"}),
]


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


@pytest.mark.parametrize(("label", "name", "key"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
def test_anonymous_users_go_to_the_login_page(client, objects, label, name, key):
    response = client.get(_url(name, objects[key]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "name", "key"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
def test_read_pages_by_persona(client, request, objects, persona, label, name, key):
    client.force_login(request.getfixturevalue(persona))
    headers = {"HX-Request": "true"} if name in HTMX_PARTS else {}
    response = client.get(_url(name, objects[key]), headers=headers)
    expected = 404 if persona == "outsider" else (302 if name == "roadmaps:evidence_download" else 200)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "method", "name", "key", "allowed"), WRITES, ids=[w[0] for w in WRITES])
def test_writes_by_persona(client, request, objects, persona, label, method, name, key, allowed):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(_url(name, objects[key]), {})
    if persona == "outsider":
        assert response.status_code == 404
    elif persona in allowed:
        assert response.status_code in {200, 302, 400}
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_school_marks_its_part(client, request, objects, persona):
    """A mark on МОБУ СОШ № 6's executor: the principal may, others may read only."""
    client.force_login(request.getfixturevalue(persona))
    activity = Activity.objects.get(pk=objects["activity"])
    executor = activity.executors.get(organisation__name="МОБУ СОШ № 6")
    window = activity.windows.get()
    response = client.post(
        reverse("roadmaps:mark_submit", args=[activity.pk]),
        {"executor": executor.pk, "window": window.pk, "version": 0, "status": "in_progress"},
    )
    expected = {"superuser": 302, "principal": 302, "outsider": 404}.get(persona, 403)
    assert response.status_code == expected
    assert CompletionMark.objects.filter(executor=executor, window=window).exists() == (expected == 302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_comments_by_persona(client, request, objects, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("roadmaps:comment_add", args=[objects["activity"]]), {"text": "Предлагаем помощь"}
    )
    # The regional viewer reads the whole region and writes nothing, not even comments.
    expected = {"outsider": 404, "region_viewer": 403}.get(persona, 302)
    assert response.status_code == expected


def test_creating_a_roadmap_needs_an_organisation_to_own_it(client, coordinator, mentor, staff):
    for persona in (coordinator, mentor):
        client.force_login(persona)
        assert client.get(reverse("roadmaps:roadmap_create")).status_code == 403
    client.force_login(staff)
    assert client.get(reverse("roadmaps:roadmap_create")).status_code == 200


def test_a_principal_cannot_change_the_municipal_roadmap_text(client, principal, objects):
    client.force_login(principal)
    activity = Activity.objects.get(pk=objects["taganrog_activity"])
    before = activity.content
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        {"number": "5.", "content": "Подмена", "version": activity.version},
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.content == before


def test_the_outsider_sees_no_taganrog_school_in_the_filters(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    assert "МОБУ СОШ № 6" not in html


def test_the_403_page_speaks_russian(client, coordinator, objects, settings):
    settings.DEBUG = False
    client.force_login(coordinator)
    response = client.get(_url("roadmaps:roadmap_edit", objects["roadmap"]))
    assert response.status_code == 403
    assert "Нет доступа" in response.content.decode()


def test_the_regional_viewer_reads_its_region_and_nothing_else(client, region_viewer):
    client.force_login(region_viewer)
    html = client.get(reverse("roadmaps:roadmap_list")).content.decode()
    taganrog = Roadmap.objects.get(source_key="002_taganrog")
    assert taganrog.title[:40] in html
    elsewhere = Roadmap.objects.exclude(owner__region=taganrog.owner.region)
    assert elsewhere.exists()
    for roadmap in elsewhere:
        assert client.get(reverse("roadmaps:roadmap_detail", args=[roadmap.pk])).status_code == 404
