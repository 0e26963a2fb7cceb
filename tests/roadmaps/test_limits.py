"""What a user types has limits, said in Russian on the form, and hostile posts to the editing
and import pages answer 400/404 or a sane page, never 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roadmaps.documents.services import ImportRefused, draft_confirm
from roadmaps.forms import CommentForm, MarkForm, ReviewForm
from roadmaps.models import Activity, ImportDraft, Roadmap
from schools.limits import LINE_LIMIT, TEXT_LIMIT
from tests.roadmaps.documents.test_import_flow import page_post, roadmap_docx, upload
from tests.roadmaps.test_editing import _form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _through_a_revision(revising):
    """The seed roadmaps are approved: staff change them through «Внести изменения»."""


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


def _too_long(limit: int) -> str:
    return f"Убедитесь, что это значение содержит не более {limit} символов (сейчас {limit + 1})."


# --- Length limits ------------------------------------------------------------------------


def test_the_edit_form_shows_the_limits(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.first()
    html = client.get(reverse("roadmaps:activity_edit", args=[activity.pk])).content.decode()
    assert f'maxlength="{TEXT_LIMIT}"' in html and f'maxlength="{LINE_LIMIT}"' in html


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("content", TEXT_LIMIT),
        ("expected_result", TEXT_LIMIT),
        ("deadline_text", LINE_LIMIT),
        ("responsible_text", LINE_LIMIT),
    ],
)
def test_an_over_long_text_is_refused_in_russian_and_nothing_stored(client, staff, taganrog, field, limit):
    client.force_login(staff)
    activity = taganrog.activities.first()
    before = getattr(activity, field)
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]), _form(activity, **{field: "я" * (limit + 1)})
    )
    assert response.status_code == 400
    assert _too_long(limit) in response.content.decode()
    activity.refresh_from_db()
    assert getattr(activity, field) == before


def test_a_new_row_of_a_million_characters_is_not_created(client, staff, taganrog):
    client.force_login(staff)
    count = Activity.objects.count()
    response = client.post(
        reverse("roadmaps:activity_create", args=[taganrog.pk]), {"content": "я" * 1_000_000}
    )
    assert response.status_code == 400
    assert "не более 5000 символов (сейчас 1000000)" in response.content.decode()
    assert Activity.objects.count() == count


def test_the_longest_real_activity_still_saves(client, staff, taganrog):
    client.force_login(staff)
    longest = max(Activity.objects.all(), key=lambda a: len(a.content))
    assert len(longest.content) > 1000  # the seed's longest cell: 1,110 characters
    response = client.post(
        reverse("roadmaps:activity_edit", args=[longest.pk]), _form(longest, number=longest.number or "1.")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("form", "data", "field"),
    [
        (MarkForm, {"executor": 1, "window": 1, "status": "done"}, "comment"),
        (ReviewForm, {"version": 1, "decision": "return"}, "comment"),
        (CommentForm, {}, "text"),
    ],
)
def test_comments_on_marks_have_a_limit(form, data, field):
    bound = form(data | {field: "я" * (TEXT_LIMIT + 1)})
    assert not bound.is_valid()
    assert bound.errors[field] == [_too_long(TEXT_LIMIT)]
    assert f'maxlength="{TEXT_LIMIT}"' in str(bound[field])


def test_a_section_title_has_a_limit(client, staff, taganrog):
    client.force_login(staff)
    section = taganrog.sections.first()
    data = {"kind": section.kind, "number": section.number, "title": "я" * (LINE_LIMIT + 1)}
    response = client.post(reverse("roadmaps:section_edit", args=[section.pk]), data)
    assert response.status_code == 400 and _too_long(LINE_LIMIT) in response.content.decode()


def test_an_imported_cell_longer_than_the_limit_is_refused_in_russian(client, staff, taganrog, monkeypatch):
    client.force_login(staff)
    from tests.roadmaps.documents import test_import_flow

    texts = test_import_flow.row_texts
    monkeypatch.setattr(
        test_import_flow,
        "row_texts",
        lambda i: [t if n != 1 or i != 2 else "я" * 20_000 for n, t in enumerate(texts(i))],
    )
    url = upload(client, roadmap_docx(3), taganrog.owner).url
    before = Roadmap.objects.count()
    draft = ImportDraft.objects.get(token=url.rstrip("/").split("/")[-1])
    assert max(len(r["content"]) for r in draft.data["sections"][0]["activities"]) == 20_000
    # Corrected on the preview: the form says so.
    data = page_post(client, url, 1)
    page = client.post(url, data | {"action": "confirm"})
    assert "не более 5000 символов (сейчас 20000)" in page.content.decode()
    # Confirmed from another page (the row unseen): the import itself refuses, naming the row.
    with pytest.raises(ImportRefused, match=r"Строка 3 предпросмотра: текст мероприятия длиннее 5000"):
        draft_confirm(draft=draft)
    assert Roadmap.objects.count() == before


# --- Hostile posts ----------------------------------------------------------------------


def test_a_sub_row_moves_among_its_siblings(client, staff, taganrog):
    client.force_login(staff)
    parent = next(a for a in taganrog.activities.all() if a.children.count() >= 2)
    first, second = parent.children.order_by("order")[:2]
    response = client.post(reverse("roadmaps:activity_move", args=[second.pk, "up"]))
    assert response.status_code == 302
    assert list(parent.children.order_by("order")[:2]) == [second, first]
    assert client.post(reverse("roadmaps:activity_move", args=[second.pk, "sideways"])).status_code == 404


@pytest.mark.parametrize("section", ["abc", "²", "99999999999999999999", "-1"])
def test_a_section_that_is_no_number_is_404(client, staff, taganrog, section):
    client.force_login(staff)
    url = reverse("roadmaps:activity_create", args=[taganrog.pk])
    assert client.get(url, {"section": section}).status_code == 404
    assert client.post(url, {"section": section, "content": "Новое"}).status_code == 404


def test_a_page_to_go_to_that_is_no_number_stays_on_the_page(client, staff, taganrog):
    client.force_login(staff)
    url = upload(client, roadmap_docx(60), taganrog.owner).url
    response = client.post(url, page_post(client, url, 1) | {"goto": "²"})
    assert response.status_code == 302 and response.url.endswith("?page=1")
    assert client.get(f"{url}?page=99999999999999999999").status_code == 200


def test_a_stale_tab_saving_after_another_confirmed_lands_on_the_roadmap(client, staff, taganrog):
    from django.test import Client

    client.force_login(staff)
    other = Client()
    other.force_login(staff)
    url = upload(client, roadmap_docx(5), taganrog.owner).url
    data = page_post(client, url, 1)
    assert other.post(url, data | {"action": "confirm"}).status_code == 302
    roadmap = Roadmap.objects.latest("pk")
    stale = client.post(url, data | {"goto": "2"}, follow=True)
    assert stale.redirect_chain[-1][0] == roadmap.get_absolute_url()
    assert "Эта загрузка уже подтверждена" in stale.content.decode()
