"""The Content-Security-Policy in Chromium: the pages whose inline code moved to static/js/
run without one refusal, and what that code did still works — the confirmations (also on rows
htmx swaps in), the copy buttons, the results chart and its «Показатель» choice, the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from monitoring.demo.results import load_demo_results
from monitoring.models import CalendarFeed, OlympiadResult, PublicPage
from monitoring.publishing.public_page import public_page_publish
from roadmaps.models import Activity, Roadmap
from roadmaps.services.approval import roadmap_revision_open
from schools.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()

# Every refusal of the policy, in the page and in its frames, kept where the test can read it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile + ":" + event.lineNumber);
});
"""


class Watch:
    """What the browser said about the policies while the test used the pages."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._heard)

    def _heard(self, message) -> None:
        text = message.text
        if "Refused to" in text or "Content Security Policy" in text or "Permissions-Policy" in text:
            self.console.append(text)

    def assert_clean(self) -> None:
        violations = []
        for frame in self.page.frames:
            violations += frame.evaluate("() => window.__violations || []")
        assert not violations, "\n".join(violations)
        assert not self.console, "\n".join(self.console)


@pytest.fixture
def watched(login):
    watches = []

    def open_as(username: str) -> tuple:
        page = login(username)
        watch = Watch(page)
        watches.append(watch)
        return page, watch

    return open_as


def test_calendar_settings_copy_and_confirm_before_revoking(watched, portal):
    page, watch = watched("uo")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    page.goto(f"{portal}/calendar/")
    page.get_by_role("button", name="Создать ссылку на календарь").click()
    webcal = page.locator("#webcal-url").input_value()
    assert webcal.startswith("webcal://")

    page.get_by_role("button", name="Копировать").first.click()
    expect(page.locator("#copy-status")).to_have_text("Скопировано")
    assert page.evaluate("navigator.clipboard.readText()") == webcal

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Отозвать", exact=True).click()
    expect(page.locator("#webcal-url")).to_have_value(webcal)
    assert asked == ["Отозвать ссылку? Календарь по ней перестанет обновляться."]
    assert CalendarFeed.objects.filter(user__username="uo", revoked_at=None).count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Отозвать", exact=True).click()
    expect(page.get_by_text("Ссылки на календарь у вас пока нет.")).to_be_visible()
    page.screenshot(path="/tmp/csp-calendar.png", full_page=True)
    watch.assert_clean()


def test_public_page_settings_show_the_embed_and_ask_before_unpublishing(watched, portal):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    public_page_publish(roadmap=roadmap, by=None)
    page, watch = watched("uo")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    page.goto(f"{portal}/monitoring/roadmaps/{roadmap.pk}/public/")
    # The preview frames the embed from the portal itself (frame-src 'self', frame-ancestors *).
    page.frame_locator("iframe").locator("[data-overall-percent]").wait_for()

    page.get_by_role("button", name="Копировать", exact=True).click()
    expect(page.get_by_role("button", name="Скопировано ✓")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#public-url").input_value()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Снять с публикации").click()
    expect(page.get_by_role("button", name="Снять с публикации")).to_be_visible()
    assert asked and asked[0].startswith("Снять страницу с публикации?")
    assert PublicPage.objects.get(roadmap=roadmap).is_enabled
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # the button's colour fades back after the dialog
    page.screenshot(path="/tmp/csp-public-settings.png", full_page=True)
    watch.assert_clean()


def test_school_results_draw_the_chart_switch_the_metric_and_confirm_a_deletion(watched, portal):
    load_demo_results()
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    olympiads = OlympiadResult.objects.filter(school=school).count()
    assert olympiads
    page, watch = watched("principal")
    page.goto(f"{portal}/monitoring/schools/{school.pk}/results/?exam=oge")
    expect(page.locator("#results-chart")).to_have_attribute("data-drawn", "true")

    # «Показатель» sends its form by itself (data-autosubmit).
    select = page.get_by_label("Показатель")
    other = select.locator("option:not([selected])").first.get_attribute("value")
    select.select_option(other)
    page.wait_for_url(f"**metric={other}**")
    expect(page.get_by_label("Показатель")).to_have_value(other)
    expect(page.locator("#results-chart")).to_have_attribute("data-drawn", "true")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("#olympiads").get_by_role("button", name="Удалить").first.click()
    expect(page.locator("#olympiads tbody tr")).to_have_count(olympiads)
    assert asked == ["Удалить строку?"]
    assert OlympiadResult.objects.filter(school=school).count() == olympiads
    page.screenshot(path="/tmp/csp-results.png", full_page=True)
    watch.assert_clean()


def test_the_roadmap_table_asks_before_a_row_goes_to_the_trash_also_after_htmx_swapped_it(watched, portal):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    roadmap_revision_open(roadmap=roadmap, by=User.objects.get(username="uo"), reason="Уточнение плана")
    activity = roadmap.activities.get(number="4.")
    page, watch = watched("uo")
    page.goto(f"{portal}{roadmap.get_absolute_url()}")
    row = page.locator(f"#activity-{activity.pk}")

    # The row is swapped out for its form and back in by htmx: its ✕ still asks.
    row.get_by_role("button", name="Изменить").click()
    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="Отмена").click()
    expect(page.locator(f"#activity-{activity.pk}").get_by_role("button", name="В корзину")).to_be_visible()

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator(f"#activity-{activity.pk}").get_by_role("button", name="В корзину").click()
    expect(page.locator(f"#activity-{activity.pk}")).to_be_visible()
    assert asked and asked[0].startswith("Перенести мероприятие 4. в корзину?")
    assert Activity.objects.filter(pk=activity.pk).exists()
    watch.assert_clean()


def test_the_activity_form_asks_before_the_trash(watched, portal):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    roadmap_revision_open(roadmap=roadmap, by=User.objects.get(username="uo"), reason="Уточнение плана")
    activity = roadmap.activities.get(number="4.")
    page, watch = watched("uo")
    page.goto(f"{portal}/roadmaps/activities/{activity.pk}/edit/")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="В корзину").click()
    expect(page.get_by_role("button", name="Сохранить")).to_be_visible()
    assert asked and asked[0].startswith("Перенести мероприятие 4. в корзину?")
    assert Activity.objects.filter(pk=activity.pk).exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="В корзину").click()
    expect(page.get_by_text("Мероприятие перенесено в корзину")).to_be_visible()
    watch.assert_clean()


def test_the_admin_runs_its_scripts_under_the_policy(watched, portal):
    page, watch = watched("admin")
    page.goto(f"{portal}/admin/roadmaps/activity/")
    counter = page.locator(".action-counter")
    before = counter.inner_text()
    page.locator("input.action-select").first.check()
    expect(counter).not_to_have_text(before)  # admin/js/actions.js counts the selection

    # django-import-export's «Select all» of the export fields: its one inline handler, by hash.
    page.goto(f"{portal}/admin/schools/organisation/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]:visible')
    expect(fields.first).to_be_checked()
    page.locator("input.select-toggle").uncheck()
    expect(fields.first).not_to_be_checked()
    watch.assert_clean()
