"""«Корзина»: a deleted row or section leaves every page and export but keeps its marks and
evidence, comes back where it was, and only emptying the trash deletes anything for good."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from monitoring.demo.dashboards import load_demo_dashboards
from roadmaps.documents.export_docx import export_docx
from roadmaps.documents.export_xlsx import export_xlsx
from roadmaps.documents.rows import fetch_roadmaps
from roadmaps.models import Activity, CompletionMark, Evidence, Roadmap, Section, TrashEntry
from roadmaps.services.approval import roadmap_revision_open
from roadmaps.services.trash import activity_trash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def revisions_open(superuser):
    """An approved roadmap changes only through «Внести изменения»: each one here is being revised."""
    for roadmap in Roadmap.objects.filter(status=Roadmap.Status.APPROVED):
        roadmap_revision_open(roadmap=roadmap, by=superuser, reason="Уточнение сроков и исполнителей")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def taganrog(media):
    load_demo_dashboards()
    return Roadmap.objects.get(source_key="002_taganrog")


def top(roadmap: Roadmap, number: str) -> Activity:
    return roadmap.activities.filter(number=number, parent__isnull=True).order_by("order").first()


def marks_of(activities) -> set[tuple[int, int, int]]:
    return set(
        CompletionMark.objects.filter(executor__activity__in=activities).values_list(
            "pk", "executor", "window"
        )
    )


def evidence_file(mark: CompletionMark) -> Evidence:
    evidence = Evidence(mark=mark, original_name="отчёт.pdf", size=8)
    evidence.file.save("отчёт.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return evidence


def document_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(
            archive.read(n).decode("utf-8", "replace") for n in archive.namelist() if n.endswith(".xml")
        )


def rows_in_order(roadmap: Roadmap) -> list[int]:
    return list(roadmap.activities.order_by("order").values_list("pk", flat=True))


def test_a_deleted_row_goes_to_the_trash_and_leaves_the_page_and_the_exports(client, staff, taganrog):
    client.force_login(staff)
    activity = top(taganrog, "4.")
    marks = marks_of([activity])
    assert marks
    page = client.post(reverse("roadmaps:activity_delete", args=[activity.pk]), follow=True).content.decode()
    assert "перенесено в корзину" in page
    assert not Activity.objects.filter(pk=activity.pk).exists()
    trashed = Activity.with_trash.get(pk=activity.pk)
    entry = trashed.trash
    assert (entry.roadmap, entry.deleted_by) == (taganrog, staff)
    assert entry.label.startswith("Мероприятие 4. «")
    assert marks_of(Activity.with_trash.filter(pk=activity.pk)) == marks  # nothing deleted

    snippet = activity.content[:40]
    assert snippet not in client.get(taganrog.get_absolute_url()).content.decode()
    [fetched] = fetch_roadmaps([taganrog.pk])
    assert snippet not in document_text(export_docx(fetched, with_marks=True, on=date(2023, 6, 1)))
    [fetched] = fetch_roadmaps([taganrog.pk])
    assert snippet not in document_text(export_xlsx([fetched], on=date(2023, 6, 1)))
    assert taganrog.activities.filter(parent__isnull=True).count() == 15


def test_the_trash_lists_the_row_and_restoring_puts_it_back_in_its_place_with_its_marks(
    client, staff, taganrog
):
    client.force_login(staff)
    order = rows_in_order(taganrog)
    activity = top(taganrog, "4.")
    marks = marks_of([activity])
    client.post(reverse("roadmaps:activity_delete", args=[activity.pk]))
    live = taganrog.activities.order_by("order").values_list("order", flat=True)
    assert sorted(live) == list(live)  # still in document order around the gap

    page = client.get(reverse("roadmaps:trash", args=[taganrog.pk])).content.decode()
    entry = TrashEntry.objects.get(roadmap=taganrog)
    assert entry.label in page and "Восстановить" in page
    assert (staff.get_full_name() or staff.get_username()) in page

    page = client.post(
        reverse("roadmaps:trash_restore", args=[taganrog.pk, entry.pk]), follow=True
    ).content.decode()
    assert "Восстановлено" in page
    assert activity.content[:40] in page
    assert rows_in_order(taganrog) == order
    assert marks_of([activity]) == marks
    assert not TrashEntry.objects.filter(pk=entry.pk).exists()
    # Both moves are in the row's history, with who made them.
    deleted, restored = activity.history.order_by("-history_date")[1], activity.history.first()
    assert (deleted.trash_id, deleted.history_user, deleted.history_change_reason) == (
        entry.pk,
        staff,
        "Перенесено в корзину",
    )
    assert (restored.trash_id, restored.history_user, restored.history_change_reason) == (
        None,
        staff,
        "Восстановлено из корзины",
    )


def test_a_section_goes_to_the_trash_with_its_rows_and_comes_back_with_their_marks(client, staff, taganrog):
    client.force_login(staff)
    order = rows_in_order(taganrog)
    final = taganrog.sections.get(title="Итоговый этап")
    rows = list(final.activities.all())
    marks = marks_of(rows)
    assert len(rows) == 2 and len(marks) == 2
    client.post(reverse("roadmaps:section_delete", args=[final.pk]))
    assert not Section.objects.filter(pk=final.pk).exists()
    assert taganrog.activities.filter(parent__isnull=True).count() == 14
    entry = TrashEntry.objects.get(roadmap=taganrog)
    assert entry.label == "Этап «Итоговый этап» и его мероприятия (2)"
    page = client.get(reverse("roadmaps:trash", args=[taganrog.pk])).content.decode()
    assert entry.label in page
    assert "Итоговый этап" not in client.get(taganrog.get_absolute_url()).content.decode()

    client.post(reverse("roadmaps:trash_restore", args=[taganrog.pk, entry.pk]), follow=True)
    assert Section.objects.filter(pk=final.pk).exists()
    assert rows_in_order(taganrog) == order
    assert marks_of(rows) == marks
    html = client.get(taganrog.get_absolute_url()).content.decode()
    assert html.index("Проектно-деятельностный этап") < html.index("Итоговый этап")


def test_a_restored_row_is_re_read_against_the_period_as_it_is_now(client, staff, taganrog):
    client.force_login(staff)
    activity = top(taganrog, "13.")  # «В течение учебного года»
    marks = marks_of([activity])
    client.post(reverse("roadmaps:activity_delete", args=[activity.pk]))
    taganrog.period_end = date(2023, 8, 30)
    taganrog.save()
    entry = TrashEntry.objects.get(roadmap=taganrog)
    client.post(reverse("roadmaps:trash_restore", args=[taganrog.pk, entry.pk]))
    assert activity.windows.get().end == date(2023, 8, 30)
    assert marks_of([activity]) == marks


def test_a_sub_row_comes_back_only_after_its_row(client, staff, taganrog):
    client.force_login(staff)
    webinars = top(taganrog, "6.")
    first = webinars.children.order_by("order").first()
    client.post(reverse("roadmaps:activity_delete", args=[first.pk]))
    client.post(reverse("roadmaps:activity_delete", args=[webinars.pk]))
    sub_entry, row_entry = TrashEntry.objects.filter(roadmap=taganrog).order_by("pk")
    assert Activity.with_trash.filter(parent=webinars, trash=row_entry).count() == 4
    page = client.post(
        reverse("roadmaps:trash_restore", args=[taganrog.pk, sub_entry.pk]), follow=True
    ).content.decode()
    assert "сначала восстановите" in page
    assert Activity.with_trash.get(pk=first.pk).trash == sub_entry
    client.post(reverse("roadmaps:trash_restore", args=[taganrog.pk, row_entry.pk]))
    client.post(reverse("roadmaps:trash_restore", args=[taganrog.pk, sub_entry.pk]))
    assert webinars.children.count() == 5
    assert list(webinars.children.order_by("order"))[0] == first


def test_files_leave_the_disk_only_when_the_entry_is_deleted_for_good(
    client, staff, taganrog, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    activity = top(taganrog, "4.")
    the_mark = CompletionMark.objects.get(executor__activity=activity)
    stored = media / evidence_file(the_mark).file.name
    client.post(reverse("roadmaps:activity_delete", args=[activity.pk]))
    entry = TrashEntry.objects.get(roadmap=taganrog)
    assert stored.exists()
    page = client.get(reverse("roadmaps:trash", args=[taganrog.pk])).content.decode()
    assert "Удалить навсегда" in page and "Очистить корзину" in page

    page = client.post(reverse("roadmaps:trash_purge", args=[taganrog.pk, entry.pk]), follow=True)
    assert "удаление навсегда нужно подтвердить" in page.content.decode()
    assert stored.exists() and CompletionMark.objects.filter(pk=the_mark.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("roadmaps:trash_purge", args=[taganrog.pk, entry.pk]), {"confirm": "yes"}, follow=True
        )
    assert "Удалено навсегда: строк — 1, отметок — 1, файлов подтверждений — 1." in page.content.decode()
    assert not stored.exists()
    assert not Activity.with_trash.filter(pk=activity.pk).exists()
    assert not CompletionMark.objects.filter(pk=the_mark.pk).exists()
    assert not TrashEntry.objects.filter(pk=entry.pk).exists()
    assert CompletionMark.history.get(id=the_mark.pk, history_type="-").history_user == staff
    assert CompletionMark.objects.filter(executor__activity__roadmap=taganrog).count() == 19


def test_emptying_the_trash_deletes_every_entry_and_nothing_else(
    client, staff, taganrog, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    client.post(reverse("roadmaps:activity_delete", args=[top(taganrog, "4.").pk]))
    client.post(reverse("roadmaps:section_delete", args=[taganrog.sections.get(title="Итоговый этап").pk]))
    kept_file = (
        media / evidence_file(CompletionMark.objects.get(executor__activity=top(taganrog, "3."))).file.name
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roadmaps:trash_empty", args=[taganrog.pk]), {"confirm": "yes"})
    assert not TrashEntry.objects.filter(roadmap=taganrog).exists()
    assert Activity.with_trash.filter(roadmap=taganrog, parent__isnull=True).count() == 13
    assert not Section.with_trash.filter(title="Итоговый этап", roadmap=taganrog).exists()
    assert CompletionMark.objects.filter(executor__activity__roadmap=taganrog).count() == 17
    assert kept_file.exists()  # a live row's evidence stays
    orders = list(taganrog.activities.order_by("order").values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1))


def test_an_entry_stays_restorable_after_30_days(client, staff, taganrog):
    client.force_login(staff)
    client.post(reverse("roadmaps:activity_delete", args=[top(taganrog, "4.").pk]))
    entry = TrashEntry.objects.get(roadmap=taganrog)
    TrashEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now() - timezone.timedelta(days=31))
    assert entry.label in client.get(reverse("roadmaps:trash", args=[taganrog.pk])).content.decode()
    client.post(reverse("roadmaps:trash_restore", args=[taganrog.pk, entry.pk]))
    assert Activity.objects.filter(number="4.", roadmap=taganrog).exists()


def test_a_copy_for_next_year_leaves_the_trash_behind(client, staff, taganrog):
    client.force_login(staff)
    client.post(reverse("roadmaps:activity_delete", args=[top(taganrog, "4.").pk]))
    client.post(reverse("roadmaps:roadmap_copy", args=[taganrog.pk]))
    copy = Roadmap.objects.exclude(pk=taganrog.pk).get(title__contains="2023-2024 учебном году")
    assert copy.activities.filter(parent__isnull=True).count() == 15
    assert not Activity.with_trash.filter(roadmap=copy, trash__isnull=False).exists()
    orders = list(copy.activities.order_by("order").values_list("order", flat=True))
    assert orders == list(range(1, len(orders) + 1))


@pytest.fixture
def trash_urls(staff, taganrog):
    entry = activity_trash(activity=top(taganrog, "4."), by=staff)
    school_roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    school_entry = activity_trash(activity=school_roadmap.activities.get(number="1.2"), by=staff)
    return {
        "taganrog": [
            ("get", reverse("roadmaps:trash", args=[taganrog.pk])),
            ("post", reverse("roadmaps:trash_restore", args=[taganrog.pk, entry.pk])),
            ("post", reverse("roadmaps:trash_purge", args=[taganrog.pk, entry.pk])),
            ("post", reverse("roadmaps:trash_empty", args=[taganrog.pk])),
        ],
        "school": [
            ("get", reverse("roadmaps:trash", args=[school_roadmap.pk])),
            ("post", reverse("roadmaps:trash_restore", args=[school_roadmap.pk, school_entry.pk])),
            ("post", reverse("roadmaps:trash_purge", args=[school_roadmap.pk, school_entry.pk])),
            ("post", reverse("roadmaps:trash_empty", args=[school_roadmap.pk])),
        ],
    }


@pytest.mark.parametrize(
    ("persona", "roadmap", "status"),
    [
        ("outsider", "taganrog", 404),
        ("outsider", "school", 404),
        ("principal", "taganrog", 403),  # МОБУ СОШ № 6 reads the municipal roadmap, edits nothing in it
        ("mentor", "school", 403),  # the director of МОБУ лицей № 7 reads its mentee's roadmap
        ("coordinator", "taganrog", 403),
        ("region_viewer", "taganrog", 403),
    ],
)
def test_only_the_roadmap_editors_reach_its_trash(client, request, trash_urls, persona, roadmap, status):
    client.force_login(request.getfixturevalue(persona))
    for method, url in trash_urls[roadmap]:
        response = getattr(client, method)(url, {"confirm": "yes"} if method == "post" else None)
        assert response.status_code == status, (method, url)
    assert TrashEntry.objects.count() == 2  # nothing restored, nothing purged


def test_the_principal_keeps_the_trash_of_the_school_roadmap(client, principal, trash_urls):
    client.force_login(principal)
    method, url = trash_urls["school"][0]
    assert client.get(url).status_code == 200
    method, url = trash_urls["school"][1]
    client.post(url)
    assert Roadmap.objects.get(source_key="demo_school6_antirisk").activities.filter(number="1.2").exists()


@pytest.mark.parametrize("entries", [1, 6])
def test_the_trash_page_costs_the_same_queries_for_one_entry_or_six(
    client, staff, taganrog, entries, django_assert_max_num_queries
):
    for number in ["1.", "2.", "3.", "4.", "7.", "8."][:entries]:
        activity_trash(activity=top(taganrog, number), by=staff)
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("roadmaps:trash", args=[taganrog.pk]))
    assert response.content.decode().count("Восстановить") == entries
