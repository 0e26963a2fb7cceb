"""«Корзина» in a real browser: a row deleted from the roadmap comes back with its marks."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from monitoring.demo.dashboards import load_demo_dashboards
from roadmaps.models import Activity, CompletionMark, Evidence, Roadmap
from roadmaps.services.approval import roadmap_revision_open

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()
LINK = "https://school6.example.org/news/kollegiya"


def test_staff_delete_a_row_find_it_in_the_trash_and_restore_it_with_its_marks(login, portal):
    load_demo_dashboards()
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    # An approved roadmap changes only through «Внести изменения».
    roadmap_revision_open(roadmap=roadmap, by=User.objects.get(username="uo"), reason="Уточнение плана")
    activity = roadmap.activities.get(number="4.")
    mark = CompletionMark.objects.get(executor__activity=activity)
    Evidence.objects.create(mark=mark, url=LINK)

    page = login("uo")
    page.goto(f"{portal}{roadmap.get_absolute_url()}")
    row = page.locator(f"#activity-{activity.pk}")
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("Удалить|корзин")).click()
    expect(page.get_by_text("Мероприятие перенесено в корзину")).to_be_visible()
    expect(page.locator(f"#activity-{activity.pk}")).to_have_count(0)

    page.goto(f"{portal}/roadmaps/{roadmap.pk}/trash/")
    expect(page.get_by_role("heading", name="Корзина")).to_be_visible()
    entry = page.get_by_role("row").filter(has_text="Мероприятие 4.")
    expect(entry).to_contain_text("1")  # its one mark, kept
    entry.get_by_role("button", name="Восстановить").click()

    expect(page.get_by_text("Восстановлено: Мероприятие 4.")).to_be_visible()
    expect(page.locator(f"#activity-{activity.pk}")).to_be_visible()
    page.goto(f"{portal}{activity.get_absolute_url()}")
    expect(page.get_by_role("link", name=LINK)).to_be_visible()
    assert CompletionMark.objects.get(pk=mark.pk).executor.activity_id == activity.pk
    assert Activity.objects.filter(pk=activity.pk).exists()
