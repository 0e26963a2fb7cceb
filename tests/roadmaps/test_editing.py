"""Department staff edit roadmaps in the browser: rows, sections, header, copies, approval."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Roadmap, Section
from roadmaps.services.editing import roadmap_schools_set

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _through_a_revision(revising):
    """The seed roadmaps are approved: staff change them through «Внести изменения»."""


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


def _form(activity: Activity, **changes) -> dict:
    data = {
        "number": activity.number,
        "content": activity.content,
        "deadline_text": activity.deadline_text,
        "responsible_text": activity.responsible_text,
        "expected_result": activity.expected_result,
        "version": activity.version,
    }
    return data | changes


def test_staff_edit_a_deadline_in_place_and_get_the_row_with_its_windows(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        _form(activity, deadline_text="до 15 мая 2023 г."),
        headers=HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="activity-{activity.pk}"')
    assert "до 15.05.2023" in html
    activity.refresh_from_db()
    assert activity.deadline_text == "до 15 мая 2023 г."
    assert [(w.start, w.end) for w in activity.windows.all()] == [(None, date(2023, 5, 15))]
    assert activity.version == 2


def test_every_change_is_recorded_with_who_made_it(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]), _form(activity, content="Заседание коллегии")
    )
    latest = activity.history.first()
    assert latest.history_user == staff
    assert latest.content == "Заседание коллегии"
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Заседание коллегии" in page and "Яковенко" in page


def test_a_stale_save_is_refused_and_shows_the_other_change(client, staff, superuser, taganrog):
    activity = taganrog.activities.get(number="4.")
    opened = _form(activity)  # both open the form at the same version
    client.force_login(superuser)
    first = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]), opened | {"content": "Версия администратора"}
    )
    assert first.status_code == 302
    client.force_login(staff)
    second = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]), opened | {"content": "Версия специалиста"}
    )
    assert second.status_code == 409
    html = second.content.decode()
    assert "Ваши изменения не сохранены" in html
    assert "Версия администратора" in html  # what the other person saved
    assert "Версия специалиста" in html  # their own text is kept in the form
    activity.refresh_from_db()
    assert activity.content == "Версия администратора"


def test_the_deadline_preview_shows_what_was_understood(client, staff, taganrog):
    client.force_login(staff)
    url = reverse("roadmaps:deadline_preview", args=[taganrog.pk])
    assert "до 15.05.2023" in client.get(url, {"deadline_text": "до 15 мая 2023 г."}).content.decode()
    html = client.get(url, {"deadline_text": "январь, март"}).content.decode()
    assert "01.01.2023 – 31.01.2023" in html and "01.03.2023 – 31.03.2023" in html
    assert "нужна дата" in client.get(url, {"deadline_text": "По отдельному графику"}).content.decode()


def test_staff_set_a_date_the_text_does_not_give(client, staff):
    client.force_login(staff)
    roadmap = Roadmap.objects.get(source_key="demo_school6_antirisk")
    activity = roadmap.activities.get(number="2.3")
    assert activity.needs_date
    end = roadmap.period_start.replace(month=12, day=15)
    client.post(reverse("roadmaps:activity_set_date", args=[activity.pk]), {"end": end.isoformat()})
    activity.refresh_from_db()
    assert not activity.needs_date
    assert activity.windows.get().source == DeadlineWindow.Source.MANUAL


def test_a_date_outside_the_period_gets_a_russian_message(client, staff):
    client.force_login(staff)
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="2.3")
    response = client.post(
        reverse("roadmaps:activity_set_date", args=[activity.pk]), {"end": "1999-01-01"}, follow=True
    )
    assert "Срок должен быть в периоде дорожной карты" in response.content.decode()
    assert not activity.windows.exists()


def test_staff_add_a_row_to_a_section(client, staff, taganrog):
    client.force_login(staff)
    stage = taganrog.sections.get(title="Итоговый этап")
    response = client.post(
        reverse("roadmaps:activity_create", args=[taganrog.pk]),
        {
            "section": stage.pk,
            "number": "3.",
            "content": "Публикация итогов на сайте",
            "deadline_text": "Август 2023 г.",
            "responsible_text": "Баркалова Е.В., муниципальный координатор",
        },
    )
    assert response.status_code == 302
    added = taganrog.activities.get(content="Публикация итогов на сайте")
    assert added.section == stage
    assert added.order == taganrog.activities.count()  # the last row of the last stage
    assert added.windows.get().end == date(2023, 8, 31)
    assert added.executors.get().person.full_name == "Баркалова Е.В."


def test_an_empty_activity_gets_an_error_beside_the_field(client, staff, taganrog):
    client.force_login(staff)
    response = client.post(reverse("roadmaps:activity_create", args=[taganrog.pk]), {"content": ""})
    assert response.status_code == 400
    assert "Обязательное поле" in response.content.decode()


def test_rows_move_and_renumber(client, staff, taganrog):
    client.force_login(staff)
    second = taganrog.activities.get(number="2.")
    client.post(reverse("roadmaps:activity_move", args=[second.pk, "up"]))
    rows = list(taganrog.activities.filter(parent__isnull=True).order_by("order")[:2])
    assert rows[0] == second
    client.post(reverse("roadmaps:roadmap_renumber", args=[taganrog.pk]), {"confirm": "on"})
    second.refresh_from_db()
    assert second.number == "1."
    numbers = list(
        taganrog.activities.filter(parent__isnull=True).order_by("order").values_list("number", flat=True)
    )
    assert numbers[:3] == ["1.", "2.", "3."]
    assert numbers[-2:] == ["1.", "2."]  # the final stage numbers from 1 again


def test_a_deleted_row_goes_to_the_trash_and_keeps_its_place(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    client.post(reverse("roadmaps:activity_delete", args=[activity.pk]))
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert Activity.with_trash.get(pk=activity.pk).trash.deleted_by == staff
    # The rows around it stay in document order; its own place waits for a restore.
    orders = list(taganrog.activities.order_by("order").values_list("order", flat=True))
    assert orders == [*range(1, 4), *range(5, len(orders) + 2)]
    assert Activity.with_trash.get(pk=activity.pk).order == 4


def test_a_row_added_after_a_deletion_goes_after_every_row(client, staff, taganrog):
    client.force_login(staff)
    last = taganrog.activities.order_by("order").last()
    client.post(reverse("roadmaps:activity_delete", args=[last.pk]))
    client.post(
        reverse("roadmaps:activity_create", args=[taganrog.pk]),
        {"section": last.section_id, "content": "Итоговое совещание", "deadline_text": "Август 2023 г."},
    )
    added = taganrog.activities.get(content="Итоговое совещание")
    assert added.order > Activity.with_trash.get(pk=last.pk).order


def test_the_delete_buttons_say_the_row_goes_to_the_trash(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    html = client.get(reverse("roadmaps:activity_edit", args=[activity.pk])).content.decode()
    assert "В корзину" in html and reverse("roadmaps:trash", args=[taganrog.pk]) in html
    assert "Его отметки сохранятся" in html
    section = taganrog.sections.get(title="Итоговый этап")
    html = client.get(reverse("roadmaps:section_edit", args=[section.pk])).content.decode()
    assert "В корзину вместе с мероприятиями" in html and "Отметки сохранятся" in html


def test_sections_are_added_edited_moved_and_deleted(client, staff, taganrog):
    client.force_login(staff)
    client.post(
        reverse("roadmaps:section_create", args=[taganrog.pk]), {"kind": "stage", "title": "Резервный этап"}
    )
    added = taganrog.sections.get(title="Резервный этап")
    client.post(
        reverse("roadmaps:section_edit", args=[added.pk]),
        {"kind": "stage", "number": "", "title": "Дополнительный этап"},
    )
    added.refresh_from_db()
    assert added.title == "Дополнительный этап"
    client.post(reverse("roadmaps:section_move", args=[added.pk, "up"]))
    titles = list(taganrog.sections.order_by("order").values_list("title", flat=True))
    assert titles.index("Дополнительный этап") < titles.index("Итоговый этап")
    html = client.get(taganrog.get_absolute_url()).content.decode()
    assert (
        html.index("Проектно-деятельностный этап")
        < html.index("Дополнительный этап")
        < html.index("Итоговый этап")
    )
    final = taganrog.sections.get(title="Итоговый этап")
    client.post(reverse("roadmaps:section_delete", args=[final.pk]))
    assert not Section.objects.filter(pk=final.pk).exists()
    assert Section.with_trash.get(pk=final.pk).trash is not None  # in the trash, with its rows
    assert taganrog.activities.filter(parent__isnull=True).count() == 14


def test_staff_create_a_blank_roadmap_with_schools(client, staff):
    client.force_login(staff)
    from schools.models import Organisation

    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    mentor = Organisation.objects.get(name="МОБУ лицей № 7")
    department = Organisation.objects.get(name="Управление образования г. Таганрога")
    response = client.post(
        reverse("roadmaps:roadmap_create"),
        {
            "owner": department.pk,
            "level": "municipal",
            "title": "Дорожная карта на 2026-2027 учебный год",
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "supervised_schools": [school.pk],
            "mentor_schools": [mentor.pk],
            "indicators-TOTAL_FORMS": "1",
            "indicators-INITIAL_FORMS": "0",
            "indicators-0-name": "Доля выпускников, получивших аттестат",
            "indicators-0-target": "100",
            "indicators-0-unit": "%",
        },
    )
    assert response.status_code == 302
    created = Roadmap.objects.get(title="Дорожная карта на 2026-2027 учебный год")
    assert created.status == Roadmap.Status.DRAFT
    assert {(link.school, link.role) for link in created.school_links.all()} == {
        (school, "supervised"),
        (mentor, "mentor"),
    }
    assert created.indicators.get().target == "100"


def test_a_period_ending_before_it_starts_is_explained_beside_the_field(client, staff):
    client.force_login(staff)
    from schools.models import Organisation

    department = Organisation.objects.get(name="Управление образования г. Таганрога")
    response = client.post(
        reverse("roadmaps:roadmap_create"),
        {
            "owner": department.pk,
            "level": "municipal",
            "title": "Ошибочный период",
            "period_start": "2027-09-01",
            "period_end": "2026-08-31",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "Конец периода не может быть раньше его начала" in response.content.decode()
    assert not Roadmap.objects.filter(title="Ошибочный период").exists()


def test_staff_cannot_create_for_another_municipality(client, staff):
    client.force_login(staff)
    from schools.models import Organisation

    kozelsk = Organisation.objects.get(
        name__startswith="Отдел образования администрации муниципального района"
    )
    response = client.post(
        reverse("roadmaps:roadmap_create"),
        {
            "owner": kozelsk.pk,
            "level": "municipal",
            "title": "Чужая",
            "period_start": "2026-09-01",
            "period_end": "2027-08-31",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert not Roadmap.objects.filter(title="Чужая").exists()


def test_a_copy_moves_to_the_next_academic_year(client, staff, taganrog):
    client.force_login(staff)
    response = client.post(reverse("roadmaps:roadmap_copy", args=[taganrog.pk]))
    copy = Roadmap.objects.exclude(pk=taganrog.pk).get(title__contains="2023-2024 учебном году")
    assert response.url == copy.get_absolute_url()
    assert (copy.period_start, copy.period_end) == (date(2023, 9, 1), date(2024, 8, 31))
    assert copy.status == Roadmap.Status.DRAFT
    assert copy.activities.filter(parent__isnull=True).count() == 16
    assert copy.activities.get(number="3.").deadline_text == "до 10 марта 2024 г."
    assert copy.activities.get(number="3.").windows.get().end == date(2024, 3, 10)
    assert copy.school_links.count() == taganrog.school_links.count()
    assert not CompletionMark.objects.filter(executor__activity__roadmap=copy).exists()


def test_approval_is_recorded(client, staff, taganrog):
    client.force_login(staff)
    Roadmap.objects.filter(pk=taganrog.pk).update(status=Roadmap.Status.DRAFT, open_revision=None)
    order = {"kind": "order", "number": "206", "date": "2023-02-16", "confirm": "on"}
    client.post(reverse("roadmaps:roadmap_approve", args=[taganrog.pk]), order)
    taganrog.refresh_from_db()
    assert taganrog.status == Roadmap.Status.APPROVED
    assert taganrog.history.first().history_user == staff


def test_changing_the_period_re_derives_the_dates(client, superuser):
    client.force_login(superuser)
    roadmap = Roadmap.objects.get(source_key="001_ivanteevka")
    data = {
        name: getattr(roadmap, name) or ""
        for name in [
            "level",
            "title",
            "approval_kind",
            "approval_number",
            "approved_by",
            "approval_text",
            "goal",
            "tasks",
        ]
    }
    indicators = list(roadmap.indicators.all())
    data |= {
        "owner": roadmap.owner_id,
        "period_start": "2022-09-01",
        "period_end": "2023-08-31",
        "approval_date": "2022-01-24",
        "supervised_schools": list(roadmap.school_links.values_list("school", flat=True)),
        "indicators-TOTAL_FORMS": str(len(indicators)),
        "indicators-INITIAL_FORMS": str(len(indicators)),
    }
    for n, indicator in enumerate(indicators):
        data |= {f"indicators-{n}-id": indicator.pk, f"indicators-{n}-name": indicator.name}
    response = client.post(reverse("roadmaps:roadmap_edit", args=[roadmap.pk]), data)
    assert response.status_code == 302
    august = roadmap.activities.get(number="6.4")  # «август»: now August 2023
    assert august.windows.get().end == date(2023, 8, 31)
    assert roadmap.indicators.count() == 4


def test_a_date_can_be_set_while_editing_a_text_that_gives_none(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    preview = client.get(
        reverse("roadmaps:deadline_preview", args=[taganrog.pk]), {"deadline_text": "По графику МО"}
    ).content.decode()
    assert 'name="manual_end"' in preview
    client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        _form(activity, deadline_text="По графику МО", manual_end="2023-04-14"),
    )
    activity.refresh_from_db()
    assert not activity.needs_date
    window = activity.windows.get()
    assert (window.end, window.source) == (date(2023, 4, 14), DeadlineWindow.Source.MANUAL)


def test_a_hand_set_date_outside_the_period_is_refused_beside_the_field(client, staff, taganrog):
    client.force_login(staff)
    activity = taganrog.activities.get(number="4.")
    response = client.post(
        reverse("roadmaps:activity_edit", args=[activity.pk]),
        _form(activity, deadline_text="По графику МО", manual_end="2030-01-01"),
    )
    assert response.status_code == 400
    assert "Срок должен быть в периоде дорожной карты" in response.content.decode()
    activity.refresh_from_db()
    assert activity.deadline_text == "Март  2023 г."


def test_a_copy_keeps_the_indicator_numbers(client, staff, taganrog):
    taganrog.indicators.create(
        order=9,
        name="Доля обучающихся с отметкой «2» по ВПР",
        unit="%",
        baseline_value=18,
        target_value=8,
        higher_is_better=False,
        target_date=date(2023, 5, 31),
    )
    client.force_login(staff)
    client.post(reverse("roadmaps:roadmap_copy", args=[taganrog.pk]))
    copy = Roadmap.objects.exclude(pk=taganrog.pk).get(title__contains="2023-2024 учебном году")
    indicator = copy.indicators.get(order=9)
    assert (indicator.baseline_value, indicator.target_value) == (18, 8)
    assert indicator.higher_is_better is False
    assert indicator.target_date == date(2024, 5, 31)


def test_setting_the_schools_keeps_the_links_that_stay_and_says_whether_anything_changed(taganrog):
    from schools.models import Organisation

    school6 = Organisation.objects.get(name="МОБУ СОШ № 6")
    lyceum7 = Organisation.objects.get(name="МОБУ лицей № 7")
    assert roadmap_schools_set(roadmap=taganrog, supervised=[school6], mentors=[lyceum7])
    kept = taganrog.school_links.get(school=school6).pk
    assert not roadmap_schools_set(roadmap=taganrog, supervised=[school6], mentors=[lyceum7])
    assert roadmap_schools_set(roadmap=taganrog, supervised=[], mentors=[school6])
    assert [(link.pk, link.school, link.role) for link in taganrog.school_links.all()] == [
        (kept, school6, "mentor")
    ]
