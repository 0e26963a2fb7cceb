"""An approval that means something: by order, asked for and confirmed; an approved roadmap is
locked and changes through «Внести изменения» closed by another order; renumbering asks
first; archive and back to draft are decisions of the owner, recorded."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from roadmaps.models import Activity, CompletionMark, Roadmap, RoadmapEvent
from roadmaps.permissions import LOCKED
from roadmaps.services.approval import roadmap_revision_open

pytestmark = pytest.mark.django_db

ORDER = {
    "kind": "order",
    "number": "206",
    "date": "2023-02-16",
    "approved_by": "Начальник УО",
    "confirm": "on",
}


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def school_roadmap():
    return Roadmap.objects.get(source_key="demo_school6_antirisk")


@pytest.fixture
def draft(taganrog):
    Roadmap.objects.filter(pk=taganrog.pk).update(status=Roadmap.Status.DRAFT, approval_text="")
    taganrog.refresh_from_db()
    return taganrog


def _row_form(activity: Activity, **changes) -> dict:
    return {
        "number": activity.number,
        "content": activity.content,
        "deadline_text": activity.deadline_text,
        "responsible_text": activity.responsible_text,
        "expected_result": activity.expected_result,
        "version": activity.version,
    } | changes


# --- Approval -----------------------------------------------------------------------------


def test_approving_asks_for_the_order_and_a_confirmation(client, staff, draft):
    client.force_login(staff)
    page = client.get(reverse("roadmaps:roadmap_approve", args=[draft.pk]))
    assert page.status_code == 200
    assert "Укажите документ, которым дорожная карта утверждена" in page.content.decode()
    unconfirmed = client.post(reverse("roadmaps:roadmap_approve", args=[draft.pk]), ORDER | {"confirm": ""})
    assert unconfirmed.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Roadmap.Status.DRAFT and not draft.events.exists()


def test_an_approval_records_the_order_and_prints_it(client, staff, draft):
    client.force_login(staff)
    response = client.post(reverse("roadmaps:roadmap_approve", args=[draft.pk]), ORDER, follow=True)
    assert "Дорожная карта утверждена (приказа от 16.02.2023 № 206)" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.approval_number, draft.approval_date) == (
        "approved",
        "206",
        date(2023, 2, 16),
    )
    assert draft.approval_line == "Приложение к приказу от 16.02.2023 № 206"
    event = draft.events.get()
    assert (event.kind, event.by, event.document_number) == ("approved", staff, "206")


def test_an_order_dated_tomorrow_is_refused(client, staff, draft):
    client.force_login(staff)
    response = client.post(
        reverse("roadmaps:roadmap_approve", args=[draft.pk]), ORDER | {"date": "2999-01-01"}
    )
    assert response.status_code == 400
    assert "Дата документа ещё не наступила" in response.content.decode()


def test_only_the_owner_approves(client, staff, principal, school_roadmap, draft):
    Roadmap.objects.filter(pk=school_roadmap.pk).update(status=Roadmap.Status.DRAFT)
    client.force_login(principal)
    assert client.post(reverse("roadmaps:roadmap_approve", args=[draft.pk]), ORDER).status_code == 403
    assert (
        client.post(reverse("roadmaps:roadmap_approve", args=[school_roadmap.pk]), ORDER).status_code == 302
    )
    client.force_login(staff)
    # Staff edit a school's roadmap of their municipality, but the school approves it.
    Roadmap.objects.filter(pk=school_roadmap.pk).update(status=Roadmap.Status.DRAFT)
    assert (
        client.post(reverse("roadmaps:roadmap_approve", args=[school_roadmap.pk]), ORDER).status_code == 403
    )


# --- The lock ------------------------------------------------------------------------------


def test_an_approved_roadmap_refuses_every_edit_with_the_reason(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="5.")
    section = taganrog.sections.first()
    attempts = [
        client.get(reverse("roadmaps:roadmap_edit", args=[taganrog.pk])),
        client.post(
            reverse("roadmaps:activity_edit", args=[activity.pk]), _row_form(activity, content="Новое")
        ),
        client.get(reverse("roadmaps:activity_create", args=[taganrog.pk])),
        client.post(reverse("roadmaps:activity_delete", args=[activity.pk])),
        client.post(reverse("roadmaps:activity_move", args=[activity.pk, "up"])),
        client.post(reverse("roadmaps:activity_set_date", args=[activity.pk]), {"end": "2023-05-01"}),
        client.post(
            reverse("roadmaps:section_create", args=[taganrog.pk]), {"kind": "section", "title": "Новый"}
        ),
        client.post(reverse("roadmaps:section_delete", args=[section.pk])),
        client.post(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]), {"confirm": "on"}),
    ]
    assert [response.status_code for response in attempts] == [403] * len(attempts)
    assert LOCKED in attempts[1].content.decode()
    activity.refresh_from_db()
    assert activity.content != "Новое" and activity.trash_id is None


def test_the_roadmap_page_offers_changes_only_through_a_revision(client, staff, taganrog):
    client.force_login(staff)
    html = client.get(taganrog.get_absolute_url()).content.decode()
    assert "Внести изменения…" in html
    assert "Изменить шапку" not in html and 'hx-get="/roadmaps/activities/' not in html


def test_schools_mark_an_approved_roadmap_as_always(client, principal, school_roadmap):
    client.force_login(principal)
    activity = school_roadmap.activities.get(number="1.2")
    executor, window = activity.executors.get(organisation__name="МОБУ СОШ № 6"), activity.windows.get()
    response = client.post(
        reverse("roadmaps:mark_submit", args=[activity.pk]),
        {"executor": executor.pk, "window": window.pk, "version": 0, "status": "in_progress"},
    )
    assert response.status_code == 302
    assert CompletionMark.objects.filter(executor=executor, window=window).exists()


# --- A revision ----------------------------------------------------------------------------


def test_a_revision_edits_in_place_and_closes_with_its_order(client, staff, taganrog):
    client.force_login(staff)
    marks_before = CompletionMark.objects.filter(executor__activity__roadmap=taganrog).count()
    assert (
        client.post(
            reverse("roadmaps:roadmap_revision_open", args=[taganrog.pk]), {"confirm": "on"}
        ).status_code
        == 302
    )
    activity = taganrog.activities.get(number="5.")
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        _row_form(activity, content="Уточнённое мероприятие"),
    )
    assert response.status_code in (200, 302)
    closing = client.get(reverse("roadmaps:roadmap_revision_close", args=[taganrog.pk])).content.decode()
    assert "Что изменено в этой редакции (1)" in closing and "Уточнённое мероприятие" in closing
    response = client.post(
        reverse("roadmaps:roadmap_revision_close", args=[taganrog.pk]),
        ORDER | {"number": "391", "date": "2023-04-26"},
        follow=True,
    )
    assert "в редакции приказа от 26.04.2023 № 391" in response.content.decode()
    taganrog.refresh_from_db()
    assert taganrog.is_locked
    assert CompletionMark.objects.filter(executor__activity__roadmap=taganrog).count() == marks_before
    history = client.get(reverse("roadmaps:roadmap_history", args=[taganrog.pk])).content.decode()
    assert "Внесены изменения" in history and "Изменения этой редакции (1)" in history
    assert "Уточнённое мероприятие" in history


def test_the_printout_says_which_order_it_is_revised_by(client, staff, superuser, taganrog):
    roadmap_revision_open(roadmap=taganrog, by=superuser)
    client.force_login(staff)
    client.post(reverse("roadmaps:roadmap_revision_close", args=[taganrog.pk]), ORDER | {"number": "391"})
    response = client.post(reverse("documents:roadmap_export", args=[taganrog.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs)
    assert "Приложение к приказу" in text
    assert "в редакции приказа от 16.02.2023 № 391" in text


# --- Renumbering ---------------------------------------------------------------------------


def test_renumbering_shows_the_plan_first_and_is_recorded(client, staff, revising, taganrog):
    client.force_login(staff)
    second = taganrog.activities.get(number="2.")
    client.post(reverse("roadmaps:activity_move", args=[second.pk, "up"]))
    plan = client.get(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]))
    planned = [(old, new) for _, old, new in plan.context["plan"]]
    assert planned[:2] == [("2.", "1."), ("1.", "2.")]
    assert "<td><strong>1.</strong></td>" in plan.content.decode()
    client.post(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]), {})
    second.refresh_from_db()
    assert second.number == "2."  # not confirmed: nothing changed
    client.post(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]), {"confirm": "on"})
    second.refresh_from_db()
    assert second.number == "1."
    event = taganrog.events.get(kind=RoadmapEvent.Kind.RENUMBERED)
    assert event.by == staff and [(old, new) for _, old, new in event.details["changes"]] == planned


# --- Archive and back to draft -------------------------------------------------------------


def test_archive_is_offered_once_the_period_is_over_and_never_automatic(
    client, staff, taganrog, school_roadmap
):
    call_command("seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert set(Roadmap.objects.values_list("status", flat=True)) == {"approved"}
    client.force_login(staff)
    assert "Перенести в архив…" in client.get(taganrog.get_absolute_url()).content.decode()
    response = client.post(reverse("roadmaps:roadmap_archive", args=[taganrog.pk]), {"confirm": "on"})
    assert response.status_code == 302
    taganrog.refresh_from_db()
    assert taganrog.status == Roadmap.Status.ARCHIVED and taganrog.is_locked
    client.force_login(staff)
    refused = client.post(reverse("roadmaps:roadmap_archive", args=[school_roadmap.pk]), {"confirm": "on"})
    assert refused.status_code == 403  # the school's own roadmap: the school decides


def test_the_school_cannot_archive_a_roadmap_still_running(client, principal, school_roadmap):
    client.force_login(principal)
    response = client.post(reverse("roadmaps:roadmap_archive", args=[school_roadmap.pk]), {"confirm": "on"})
    assert response.status_code == 400
    assert "период которой закончился" in response.content.decode()


def test_back_to_draft_needs_a_reason_which_the_history_keeps(client, staff, taganrog):
    client.force_login(staff)
    response = client.post(reverse("roadmaps:roadmap_back_to_draft", args=[taganrog.pk]), {"confirm": "on"})
    assert response.status_code == 400
    taganrog.refresh_from_db()
    assert taganrog.status == Roadmap.Status.APPROVED
    client.post(
        reverse("roadmaps:roadmap_back_to_draft", args=[taganrog.pk]),
        {"reason": "Приказ отменён решением суда", "confirm": "on"},
    )
    taganrog.refresh_from_db()
    assert taganrog.status == Roadmap.Status.DRAFT
    history = client.get(reverse("roadmaps:roadmap_history", args=[taganrog.pk])).content.decode()
    assert "Возвращена в черновик" in history and "Приказ отменён решением суда" in history


# --- Ownership -----------------------------------------------------------------------------


def test_nobody_copies_anothers_roadmap_into_their_ownership(client, principal, staff, taganrog):
    client.force_login(principal)
    assert client.post(reverse("roadmaps:roadmap_copy", args=[taganrog.pk])).status_code == 403
    client.force_login(staff)
    response = client.post(reverse("roadmaps:roadmap_copy", args=[taganrog.pk]))
    copy = Roadmap.objects.exclude(pk=taganrog.pk).get(title__startswith=taganrog.title[:20], status="draft")
    assert response.status_code == 302 and copy.owner == taganrog.owner


def test_saving_a_school_roadmap_header_never_takes_it_from_the_school(
    client, staff, revising, school_roadmap
):
    client.force_login(staff)
    department = Roadmap.objects.get(source_key="002_taganrog").owner
    data = {
        "owner": department.pk,
        "level": school_roadmap.level,
        "title": school_roadmap.title + " (уточнено)",
        "period_start": school_roadmap.period_start.isoformat(),
        "period_end": school_roadmap.period_end.isoformat(),
        "supervised_schools": list(school_roadmap.school_links.values_list("school", flat=True)),
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("roadmaps:roadmap_edit", args=[school_roadmap.pk]), data)
    assert response.status_code == 302
    school_roadmap.refresh_from_db()
    assert school_roadmap.title.endswith("(уточнено)")
    assert school_roadmap.owner.name == "МОБУ СОШ № 6"
