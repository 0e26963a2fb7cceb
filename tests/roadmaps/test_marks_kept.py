"""Marks are never lost: every edit of a row's texts, of the period or of the schools keeps every
completion mark, with its window and executor where the text still names them, and apart
(«Отметки к исключённым срокам и исполнителям») where it no longer does.

On today's seed data: the approved Таганрог roadmap with its 20 demo marks
(``load_demo_dashboards``), the Ивантеевка rows naming «ОО», and the school roadmap of МОБУ СОШ № 6.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse

from monitoring.demo.dashboards import load_demo_dashboards
from roadmaps.models import (
    Activity,
    CompletionMark,
    DeadlineWindow,
    Evidence,
    Executor,
    Roadmap,
    RoadmapSchool,
)
from roadmaps.services.approval import roadmap_revision_open
from roadmaps.services.editing import activity_rederive
from roadmaps.services.kept import kept_marks
from schools.models import Organisation

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


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
    """The approved Таганрог roadmap with its 20 demo marks, one with a file, one with a link."""
    assert load_demo_dashboards() == 20
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    first, second = CompletionMark.objects.filter(executor__activity__roadmap=roadmap).order_by("pk")[:2]
    evidence = Evidence(mark=first, original_name="протокол.pdf", size=8)
    evidence.file.save("протокол.pdf", ContentFile(b"%PDF-1.4"), save=True)
    Evidence.objects.create(mark=second, url="https://school6.example.org/news/1")
    return roadmap


def marks_of(roadmap: Roadmap) -> set[tuple[int, int, int]]:
    """Every mark of the roadmap with what it points at: (mark, executor, window)."""
    return set(
        CompletionMark.objects.filter(executor__activity__roadmap=roadmap).values_list(
            "pk", "executor", "window"
        )
    )


def mark(executor: Executor, window: DeadlineWindow, comment: str = "Сделано.") -> CompletionMark:
    return CompletionMark.objects.create(
        executor=executor,
        window=window,
        status=CompletionMark.Status.DONE,
        completed_on=window.end,
        comment=comment,
    )


def edit(client, activity: Activity, htmx: bool = False, **changes):
    activity.refresh_from_db()
    data = {
        "number": activity.number,
        "content": activity.content,
        "deadline_text": activity.deadline_text,
        "responsible_text": activity.responsible_text,
        "expected_result": activity.expected_result,
        "version": activity.version,
    } | changes
    url = reverse("roadmaps:activity_edit", args=[activity.pk])
    if htmx:
        return client.post(url, data, headers=HX)
    return client.post(url, data, follow=True)


def header(roadmap: Roadmap, **changes) -> dict:
    """The header form as it stands, with ``changes``."""
    data = {
        name: getattr(roadmap, name) or ""
        for name in ["level", "title", "approval_kind", "approval_number", "approved_by", "approval_text"]
    }
    data |= {"goal": roadmap.goal, "tasks": roadmap.tasks, "owner": roadmap.owner_id}
    data |= {
        "period_start": roadmap.period_start.isoformat(),
        "period_end": roadmap.period_end.isoformat(),
        "approval_date": roadmap.approval_date.isoformat() if roadmap.approval_date else "",
    }
    links = roadmap.school_links.all()
    data["supervised_schools"] = [
        link.school_id for link in links if link.role == RoadmapSchool.Role.SUPERVISED
    ]
    data["mentor_schools"] = [link.school_id for link in links if link.role == RoadmapSchool.Role.MENTOR]
    indicators = list(roadmap.indicators.all())
    data |= {"indicators-TOTAL_FORMS": len(indicators), "indicators-INITIAL_FORMS": len(indicators)}
    for n, indicator in enumerate(indicators):
        data |= {f"indicators-{n}-id": indicator.pk, f"indicators-{n}-name": indicator.name}
    return data | changes


def save_header(client, roadmap: Roadmap, **changes):
    response = client.post(
        reverse("roadmaps:roadmap_edit", args=[roadmap.pk]), header(roadmap, **changes), follow=True
    )
    assert response.redirect_chain, response.content.decode()[:2000]
    roadmap.refresh_from_db()
    return response


def row(roadmap: Roadmap, number: str) -> Activity:
    """The first row numbered so (Таганрог's final stage numbers from «1.» again)."""
    return roadmap.activities.filter(number=number, parent__isnull=True).order_by("order").first()


# --- The deadline text ----------------------------------------------------------------------


def test_a_full_stop_added_to_a_deadline_keeps_the_window_and_its_mark(client, staff, taganrog):
    client.force_login(staff)
    activity = row(taganrog, "1.")
    before = marks_of(taganrog)
    window = activity.windows.get()
    response = edit(client, activity, deadline_text="16.02.2023.")
    assert response.status_code == 200
    assert marks_of(taganrog) == before
    assert activity.windows.get() == window and window.marks.count() == 1


def test_a_shifted_deadline_moves_the_window_with_its_mark_and_the_row_says_so(client, staff, taganrog):
    client.force_login(staff)
    activity = row(taganrog, "2.")  # «Февраль 2023 г.», marked by Баркалова Е.В.
    window = activity.windows.get()
    before = marks_of(taganrog)
    response = edit(client, activity, htmx=True, deadline_text="Март 2023 г.")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="activity-{activity.pk}"')
    assert "Срок перенесён: февраль 2023 → март 2023, отметки сохранены." in html
    assert marks_of(taganrog) == before
    window.refresh_from_db()
    assert (window.start, window.end, window.is_cancelled) == (date(2023, 3, 1), date(2023, 3, 31), False)
    # Without htmx the same words come as a message on the roadmap page.
    page = edit(client, activity, deadline_text="Апрель 2023 г.").content.decode()
    assert "Срок перенесён: март 2023 → апрель 2023, отметки сохранены." in page
    assert marks_of(taganrog) == before


def test_january_and_june_keep_their_marks_when_march_is_added_between_them(client, superuser):
    client.force_login(superuser)
    sub_row = Activity.objects.get(roadmap__source_key="001_ivanteevka", deadline_text="январь, июнь")
    school = sub_row.executors.filter(kind=Executor.Kind.SCHOOL).first()
    january, june = sub_row.windows.order_by("end")
    marks = {mark(school, january).pk, mark(school, june).pk}
    edit(client, sub_row, deadline_text="январь, март, июнь")
    windows = list(sub_row.windows.order_by("end"))
    assert [(w.start, w.end) for w in windows] == [
        (date(2022, 1, 1), date(2022, 1, 31)),
        (date(2022, 3, 1), date(2022, 3, 31)),
        (date(2022, 6, 1), date(2022, 6, 30)),
    ]
    assert (windows[0], windows[2]) == (january, june)  # the same rows, so the same marks
    assert (
        set(CompletionMark.objects.filter(window__in=[january, june]).values_list("pk", flat=True)) == marks
    )
    assert not windows[1].marks.exists()


def test_a_window_taken_out_keeps_its_mark_apart_and_the_old_text_brings_it_back(client, superuser):
    client.force_login(superuser)
    sub_row = Activity.objects.get(roadmap__source_key="001_ivanteevka", deadline_text="январь, июнь")
    school = sub_row.executors.filter(kind=Executor.Kind.SCHOOL).first()
    january, june = sub_row.windows.order_by("end")
    kept = mark(school, june, comment="Проведено совещание в июне.")

    page = edit(client, sub_row, deadline_text="январь").content.decode()
    june.refresh_from_db()
    assert june.is_cancelled  # no longer an obligation, kept for its mark
    assert list(kept_marks(sub_row)) == [kept]
    assert "Срока «июнь 2022» больше нет в тексте; его отметки (1) сохранены" in page

    page = edit(client, sub_row, deadline_text="январь, июнь").content.decode()
    june.refresh_from_db()
    assert not june.is_cancelled
    assert CompletionMark.objects.get(pk=kept.pk).window == june
    assert not kept_marks(sub_row).exists()
    assert "Срок «июнь 2022» снова в тексте: его отметки (1) вернулись." in page


def test_a_window_without_marks_taken_out_of_the_text_is_deleted(client, superuser):
    client.force_login(superuser)
    sub_row = Activity.objects.get(roadmap__source_key="001_ivanteevka", deadline_text="январь, июнь")
    january, june = sub_row.windows.order_by("end")
    edit(client, sub_row, deadline_text="январь")
    assert list(sub_row.windows.all()) == [january]
    assert not DeadlineWindow.objects.filter(pk=june.pk).exists()


def test_windows_set_by_hand_are_never_touched(client, staff):
    client.force_login(staff)
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="2.3")
    end = activity.roadmap.period_start.replace(month=12, day=15)
    client.post(reverse("roadmaps:activity_set_date", args=[activity.pk]), {"end": end.isoformat()})
    manual = activity.windows.get()
    kept = mark(activity.executors.get(), manual)
    edit(client, activity, deadline_text="По плану работы УО")
    edit(client, activity, deadline_text="декабрь")
    assert activity.windows.filter(source=DeadlineWindow.Source.MANUAL).get() == manual
    assert CompletionMark.objects.get(pk=kept.pk).window == manual


# --- The «Ответственный» text ---------------------------------------------------------------


def test_a_reworded_responsible_text_keeps_the_executor_and_its_mark(client, staff, taganrog):
    client.force_login(staff)
    activity = row(taganrog, "2.")
    executor = activity.executors.get()
    before = marks_of(taganrog)
    edit(client, activity, responsible_text="Баркалова Е.В., координатор")
    assert marks_of(taganrog) == before
    executor.refresh_from_db()
    assert (executor.person.full_name, executor.role, executor.is_dropped) == (
        "Баркалова Е.В.",
        "координатор",
        False,
    )
    assert list(activity.executors.all()) == [executor]


def test_an_executor_added_or_removed_keeps_every_mark(client, staff, taganrog):
    client.force_login(staff)
    activity = row(taganrog, "5.")  # Баркалова Е.В. (no mark), Земляненко Н.В. (marked)
    barkalova, zemlyanenko = activity.executors.order_by("order")
    assert (barkalova.marks.count(), zemlyanenko.marks.count()) == (0, 1)
    before = marks_of(taganrog)

    edit(client, activity, responsible_text="Земляненко  Н.В. , директор МОБУ лицея № 7")
    assert marks_of(taganrog) == before
    assert list(activity.executors.all()) == [zemlyanenko]  # the unmarked one is gone, nothing else

    edit(
        client,
        activity,
        responsible_text="Земляненко  Н.В. , директор МОБУ лицея № 7, Яковенко Т.К., ведущий специалист",
    )
    assert marks_of(taganrog) == before
    assert [e.person.full_name for e in activity.executors.order_by("order")] == [
        "Земляненко Н.В.",
        "Яковенко Т.К.",
    ]
    assert activity.executors.get(person__full_name="Земляненко Н.В.") == zemlyanenko

    page = edit(client, activity, responsible_text="Яковенко Т.К., ведущий специалист").content.decode()
    assert marks_of(taganrog) == before
    zemlyanenko.refresh_from_db()
    assert zemlyanenko.is_dropped
    assert [m.executor for m in kept_marks(activity)] == [zemlyanenko]
    assert "больше не указан в графе «Ответственный»; отметки (1) сохранены" in page

    edit(
        client,
        activity,
        responsible_text="Баркалова Е.В., муниципальный координатор Земляненко  Н.В. , директор МОБУ лицея № 7",
    )
    zemlyanenko.refresh_from_db()
    assert not zemlyanenko.is_dropped
    assert marks_of(taganrog) == before and not kept_marks(activity).exists()


# --- The period and the schools ---------------------------------------------------------------


def test_moving_the_approved_taganrog_period_end_by_one_day_keeps_all_20_marks(
    client, staff, taganrog, media
):
    client.force_login(staff)
    before = marks_of(taganrog)
    assert len(before) == 20
    whole_year = row(taganrog, "13.").windows.get()  # «В течение учебного года»
    file = Evidence.objects.exclude(file="").get(mark__executor__activity__roadmap=taganrog)

    page = save_header(client, taganrog, period_end="2023-08-30").content.decode()
    assert taganrog.period_end == date(2023, 8, 30)
    assert marks_of(taganrog) == before
    assert Evidence.objects.filter(mark__executor__activity__roadmap=taganrog).count() == 2
    assert (media / file.file.name).exists()
    whole_year.refresh_from_db()
    assert (whole_year.start, whole_year.end) == (date(2022, 9, 1), date(2023, 8, 30))
    # «Август 2023 г.» is clipped to the new end as well: two windows moved, each with its mark.
    assert row(taganrog, "2..").windows.get().end == date(2023, 8, 30)
    assert "Сроки и исполнители пересчитаны: перенесено сроков: 2 (с отметками: 2)" in page
    assert "Ни одна отметка не удалена." in page

    save_header(client, taganrog, period_end="2023-08-31")
    whole_year.refresh_from_db()
    assert whole_year.end == date(2023, 8, 31)
    assert marks_of(taganrog) == before


def test_moving_the_period_end_by_a_month_keeps_every_mark(client, staff, taganrog):
    client.force_login(staff)
    before = marks_of(taganrog)
    save_header(client, taganrog, period_end="2023-07-31")
    assert marks_of(taganrog) == before
    assert row(taganrog, "13.").windows.get().end == date(2023, 7, 31)
    # «Август 2023 г.» is now outside the period: its window leaves, kept for its mark.
    august = row(taganrog, "2..").windows.get()
    assert august.is_cancelled and august.marks.count() == 1
    save_header(client, taganrog, period_end="2023-08-31")
    august.refresh_from_db()
    assert not august.is_cancelled
    assert marks_of(taganrog) == before


def test_a_school_removed_keeps_its_marks_apart_and_added_back_gets_them_back(client, principal):
    """The school roadmap of МОБУ СОШ № 6: its rows name «Руководитель ОО», the school itself."""
    client.force_login(principal)
    roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    before = marks_of(roadmap)
    assert len(before) == 3  # accepted, returned, waiting
    school = roadmap.school_links.get().school

    page = save_header(client, roadmap, supervised_schools=[]).content.decode()
    assert marks_of(roadmap) == before
    dropped = Executor.objects.filter(activity__roadmap=roadmap, organisation=school)
    assert {e.is_dropped for e in dropped.filter(marks__isnull=False)} == {True}
    assert not dropped.filter(marks__isnull=True).exists()  # unmarked ones are gone
    assert "отметок к исключённым срокам и исполнителям: 3, они сохранены и показаны отдельно" in page

    save_header(client, roadmap, supervised_schools=[school.pk])
    assert marks_of(roadmap) == before
    assert not Executor.objects.filter(activity__roadmap=roadmap, is_dropped=True).exists()
    assert Executor.objects.filter(activity__roadmap=roadmap, organisation=school).count() == 7


def test_a_school_added_keeps_the_marks_of_the_others(client, superuser):
    client.force_login(superuser)
    roadmap = Roadmap.objects.get(source_key="001_ivanteevka")
    activity = row(roadmap, "1.3")  # «Общеобразовательные организации»: one executor per school
    window = activity.windows.get()
    marks = {mark(e, window).pk for e in activity.executors.all()}
    other = Organisation.objects.create(
        region=roadmap.owner.region,
        municipality=roadmap.owner.municipality,
        name="МОУ «СОШ с. Яблоновый Гай»",
        kind=Organisation.Kind.SCHOOL,
    )
    schools = [*roadmap.school_links.values_list("school", flat=True), other.pk]
    save_header(client, roadmap, supervised_schools=schools)
    assert set(CompletionMark.objects.filter(window=window).values_list("pk", flat=True)) == marks
    assert activity.executors.filter(organisation=other, is_dropped=False).exists()
    assert activity.executors.count() == 4


# --- Moving and renumbering -------------------------------------------------------------------


def test_a_row_moved_and_the_roadmap_renumbered_keep_every_mark(client, staff, taganrog):
    client.force_login(staff)
    before = marks_of(taganrog)
    client.post(reverse("roadmaps:activity_move", args=[row(taganrog, "3.").pk, "up"]))
    client.post(reverse("roadmaps:activity_move", args=[row(taganrog, "13.").pk, "down"]))
    client.post(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]), {"confirm": "on"})
    assert marks_of(taganrog) == before
    assert Evidence.objects.filter(mark__executor__activity__roadmap=taganrog).count() == 2


# --- Kept marks: shown, and removed only by an explicit, confirmed action ------------------------


@pytest.fixture
def kept(taganrog):
    """Земляненко Н.В. no longer named in row 5: the mark is kept, dropped, with a file."""
    activity = row(taganrog, "5.")
    executor = activity.executors.get(person__full_name="Земляненко Н.В.")
    the_mark = executor.marks.get()
    evidence = Evidence(mark=the_mark, original_name="справка.pdf", size=8)
    evidence.file.save("справка.pdf", ContentFile(b"%PDF-1.4"), save=True)
    activity.responsible_text = "Баркалова Е.В., муниципальный координатор"
    activity.save()
    activity_rederive(activity=activity)
    return the_mark


def test_the_kept_marks_partial_shows_who_when_what_and_the_evidence(kept, staff, rf):
    activity = kept.executor.activity
    request = rf.get("/")
    request.user = staff
    context = {"kept_marks": kept_marks(activity), "can_manage": True, "activity": activity}
    html = render_to_string("roadmaps/_kept_marks.html", context, request=request)
    assert "Отметки к исключённым срокам и исполнителям" in html
    assert "Земляненко Н.В." in html and "больше не указан" in html
    assert kept.get_status_display() in html
    assert "Демонстрационная отметка." in html
    assert "справка.pdf" in html
    assert "Удалить отметку" in html
    context["can_manage"] = False
    assert "Удалить отметку" not in render_to_string("roadmaps/_kept_marks.html", context, request=request)
    context["kept_marks"] = kept_marks(row(activity.roadmap, "1."))
    assert render_to_string("roadmaps/_kept_marks.html", context, request=request).strip() == ""


def test_a_kept_mark_is_removed_only_when_staff_confirm(
    client, staff, kept, media, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = reverse("roadmaps:mark_discard", args=[kept.pk])
    stored = media / kept.evidence.get().file.name
    page = client.post(url, follow=True).content.decode()
    assert "удаление навсегда нужно подтвердить" in page
    assert CompletionMark.objects.filter(pk=kept.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "yes"})
    assert not CompletionMark.objects.filter(pk=kept.pk).exists()
    assert not Evidence.objects.filter(mark_id=kept.pk).exists()
    assert not stored.exists()
    # The executor was kept for that mark alone: it goes with it.
    assert not Executor.objects.filter(pk=kept.executor_id).exists()
    deleted = CompletionMark.history.filter(id=kept.pk, history_type="-").get()
    assert deleted.history_user == staff


def test_a_mark_that_still_counts_cannot_be_discarded(client, staff, taganrog):
    client.force_login(staff)
    live = row(taganrog, "1.").executors.get().marks.get()
    page = client.post(reverse("roadmaps:mark_discard", args=[live.pk]), {"confirm": "yes"}, follow=True)
    assert "удалить её нельзя" in page.content.decode()
    assert CompletionMark.objects.filter(pk=live.pk).exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("principal", 403), ("coordinator", 403)])
def test_only_the_roadmap_editors_remove_a_kept_mark(client, request, kept, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("roadmaps:mark_discard", args=[kept.pk]), {"confirm": "yes"})
    assert response.status_code == status
    assert CompletionMark.objects.filter(pk=kept.pk).exists()
