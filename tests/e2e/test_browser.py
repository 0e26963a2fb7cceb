"""What users do, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from roadmaps.models import Activity, CompletionMark, Roadmap
from roadmaps.services.approval import roadmap_revision_open

pytestmark = pytest.mark.django_db(transaction=True)


def _revising(roadmap: Roadmap) -> Roadmap:
    """The approved seed roadmap under «Внести изменения», as staff edit it."""
    from django.contrib.auth import get_user_model

    roadmap_revision_open(roadmap=roadmap, by=get_user_model().objects.get(username="uo"))
    return roadmap


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_principal_marks_done_with_a_pdf_and_the_coordinator_accepts(login, portal, tmp_path):
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")
    pdf = tmp_path / "Справка о маршрутах.pdf"
    pdf.write_bytes(PDF)

    principal = login("principal")
    expect(principal.get_by_role("heading", name="Мои мероприятия")).to_be_visible()
    principal.get_by_text("Диагностика профессиональных дефицитов педагогов").first.click()
    principal.get_by_text("Отметить выполнение").click()
    principal.get_by_label("Отметка").select_option("done")
    principal.get_by_label("Дата выполнения").fill("2026-11-20")
    principal.get_by_label("Комментарий").first.fill("Маршруты составлены для 12 педагогов")
    principal.get_by_label("Подтверждающие файлы").set_input_files(str(pdf))
    principal.get_by_role("button", name="Сохранить отметку").click()
    expect(principal.get_by_text("Отметка сохранена и отправлена координатору")).to_be_visible()
    expect(principal.get_by_role("link", name="Справка о маршрутах.pdf")).to_be_visible()
    expect(principal.get_by_text("Выполнено в срок, ждёт проверки").first).to_be_visible()

    coordinator = login("coordinator")
    expect(coordinator.get_by_role("heading", name="Ждут проверки (2)")).to_be_visible()
    coordinator.get_by_role("link", name="Диагностика профессиональных дефицитов").click()
    coordinator.get_by_role("button", name="Принять").click()
    expect(coordinator.get_by_text("Отметка принята.")).to_be_visible()
    mark = CompletionMark.objects.get(
        executor__activity=activity, executor__organisation__name="МОБУ СОШ № 6"
    )
    assert (mark.status, mark.review) == ("done", "accepted")


def test_staff_edit_a_deadline_and_see_the_windows(login, portal):
    roadmap = _revising(Roadmap.objects.get(source_key="002_taganrog"))
    activity = roadmap.activities.get(number="4.")
    page = login("uo")
    page.goto(f"{portal}{roadmap.get_absolute_url()}")
    row = page.locator(f"#activity-{activity.pk}")
    row.get_by_role("button", name="Изменить").click()
    deadline = page.locator(f"#activity-{activity.pk} textarea[name=deadline_text]")
    deadline.fill("до 15 мая 2023 г.")
    expect(page.locator(f"#activity-{activity.pk} .deadline-preview")).to_contain_text("до 15.05.2023")
    deadline.fill("По отдельному графику")
    expect(page.locator(f"#activity-{activity.pk} .deadline-preview")).to_contain_text("нужна дата")
    deadline.fill("январь, март 2023")
    expect(page.locator(f"#activity-{activity.pk} .deadline-preview")).to_contain_text(
        "01.03.2023 – 31.03.2023"
    )
    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Сохранить").click()
    saved = page.locator(f"#activity-{activity.pk}")
    expect(saved).to_contain_text("январь, март 2023")
    expect(saved).to_contain_text("01.01.2023 – 31.01.2023")
    activity.refresh_from_db()
    assert activity.deadline_text == "январь, март 2023"


def test_the_outsider_gets_404(login, portal):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    page = login("uo_kozelsk")
    response = page.goto(f"{portal}{roadmap.get_absolute_url()}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    page.goto(f"{portal}/roadmaps/")
    expect(page.get_by_text("Таганрог")).to_have_count(0)


def test_a_second_editors_stale_save_is_refused(login, portal):
    _revising(Roadmap.objects.get(source_key="002_taganrog"))
    activity = Activity.objects.get(roadmap__source_key="002_taganrog", number="4.")
    url = f"{portal}/roadmaps/activities/{activity.pk}/edit/"
    first, second = login("uo"), login("admin")
    first.goto(url)
    second.goto(url)
    first.get_by_label("Мероприятие (содержание)").fill("Коллегия: текст специалиста")
    first.get_by_role("button", name="Сохранить").click()
    expect(first.get_by_text("Мероприятие сохранено.")).to_be_visible()
    second.get_by_label("Мероприятие (содержание)").fill("Коллегия: текст администратора")
    second.get_by_role("button", name="Сохранить").click()
    expect(second.get_by_text("Ваши изменения не сохранены")).to_be_visible()
    expect(second.locator(".alert-warning")).to_contain_text("Коллегия: текст специалиста")
    activity.refresh_from_db()
    assert activity.content == "Коллегия: текст специалиста"


def test_a_stale_save_in_place_shows_the_other_change_and_keeps_what_was_typed(login, portal):
    """Both editors edit the row in the table (htmx); the second save is refused with 409,
    which the page now shows in place instead of dropping."""
    roadmap = _revising(Roadmap.objects.get(source_key="002_taganrog"))
    activity = roadmap.activities.get(number="4.")
    first, second = login("uo"), login("admin")
    for page in (first, second):
        page.goto(f"{portal}{roadmap.get_absolute_url()}")
        page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Изменить").click()
        expect(page.locator(f"#activity-{activity.pk} textarea[name=content]")).to_be_visible()
    first.locator(f"#activity-{activity.pk} textarea[name=content]").fill("Коллегия: текст специалиста")
    first.locator(f"#activity-{activity.pk}").get_by_role("button", name="Сохранить").click()
    expect(first.locator(f"#activity-{activity.pk}")).to_contain_text("Коллегия: текст специалиста")

    typed = "Коллегия: текст администратора, набранный долго"
    second.locator(f"#activity-{activity.pk} textarea[name=content]").fill(typed)
    second.locator(f"#activity-{activity.pk}").get_by_role("button", name="Сохранить").click()
    row = second.locator(f"#activity-{activity.pk}")
    expect(row.get_by_text("Ваши изменения не сохранены")).to_be_visible()
    expect(row.locator(".alert-warning")).to_contain_text("Коллегия: текст специалиста")
    expect(row.locator("textarea[name=content]")).to_have_value(typed)
    activity.refresh_from_db()
    assert activity.content == "Коллегия: текст специалиста"
    # Saving again now keeps the second editor's text on purpose.
    row.get_by_role("button", name="Сохранить").click()
    saved = second.locator(f"#activity-{activity.pk}")
    expect(saved.locator("textarea")).to_have_count(0)  # the row is shown again, not the form
    expect(saved).to_contain_text(typed)
    activity.refresh_from_db()
    assert activity.content == typed


def test_an_edit_refused_by_the_approval_lock_says_why(login, portal):
    """A row opened for editing while the revision was open; the revision is closed meanwhile."""
    from roadmaps.services.approval import OrderDocument, roadmap_revision_close

    roadmap = _revising(Roadmap.objects.get(source_key="002_taganrog"))
    activity = roadmap.activities.get(number="4.")
    page = login("uo")
    page.goto(f"{portal}{roadmap.get_absolute_url()}")
    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Изменить").click()
    page.locator(f"#activity-{activity.pk} textarea[name=content]").fill("Поздняя правка")
    roadmap_revision_close(
        roadmap=roadmap,
        by=roadmap.open_revision.by,
        document=OrderDocument(kind="order", number="391", date=roadmap.period_start),
    )
    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("alert").filter(has_text="Дорожная карта утверждена")).to_be_visible()
    expect(page.locator(f"#activity-{activity.pk} textarea[name=content]")).to_have_value("Поздняя правка")


def test_pages_fit_a_phone_screen(browser, portal):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{portal}/accounts/login/")
    page.fill("#id_username", "principal")
    page.fill("#id_password", "demo-2026")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Мои мероприятия")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    context.close()
