"""In Chromium: staff publish a roadmap, copy the embed snippet, and a school site of another
origin shows the progress in an iframe whose links open the full public page."""

from __future__ import annotations

import http.server
import re
import threading

import pytest

from monitoring.models import PublicPage
from roadmaps.models import Roadmap

pytestmark = pytest.mark.django_db(transaction=True)


class SchoolSite:
    """A school's own web site: another origin (127.0.0.1 while the portal is on localhost),
    serving whatever page the test puts in it."""

    def __init__(self) -> None:
        self.body = ""
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                html = (
                    "<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Сайт школы</title>"
                    f"</head><body>{site.body}</body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(html)))
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/news.html"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def school_site():
    site = SchoolSite()
    yield site
    site.close()


def open_site(context, school_site: SchoolSite, body: str):
    school_site.body = body
    page = context.new_page()
    page.goto(school_site.url)
    return page


def test_the_copied_snippet_shows_the_progress_on_another_site(login, portal, school_site):
    page = login("uo")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    page.goto(f"{portal}/monitoring/roadmaps/{roadmap.pk}/public/")
    page.get_by_role("button", name="Опубликовать").click()
    page.wait_for_load_state()
    assert page.get_by_text("Страница опубликована").is_visible()

    page.get_by_role("button", name="Копировать код").click()
    page.get_by_text("Скопировано", exact=True).wait_for()
    snippet = page.evaluate("navigator.clipboard.readText()")
    token = PublicPage.objects.get(roadmap=roadmap).token
    assert snippet.startswith(f'<iframe src="{portal}/public/{token}/embed/"')

    site = open_site(page.context, school_site, f"<h1>Новости школы</h1>{snippet}")
    frame = site.frame_locator("iframe")
    frame.get_by_text("Заседание рабочей группы").first.wait_for()
    assert frame.locator("[data-overall-percent]").inner_text().strip() == "0%"
    assert frame.locator('[data-state="overdue"]').first.inner_text() == "23"
    assert "Баркалова" not in site.frames[1].content()

    with site.expect_popup() as popup:
        frame.get_by_role("link", name="Подробнее ↗").click()
    full = popup.value
    full.wait_for_load_state()
    assert full.url == f"{portal}/public/{token}/"
    assert full.get_by_role("heading", name=re.compile("Муниципальная дорожная карта")).is_visible()


def test_only_the_embed_can_be_framed(browser, portal, school_site):
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    page_row = PublicPage.objects.create(roadmap=roadmap, is_enabled=True)
    context = browser.new_context(locale="ru-RU")
    try:
        site = open_site(
            context,
            school_site,
            f'<iframe id="embed" src="{portal}/public/{page_row.token}/embed/"></iframe>'
            f'<iframe id="full" src="{portal}/public/{page_row.token}/"></iframe>',
        )
        site.frame_locator("#embed").get_by_text("Заседание рабочей группы").first.wait_for()
        site.wait_for_load_state("load")
        full_frame = site.locator("#full").element_handle().content_frame()
        # X-Frame-Options: DENY: Chromium shows its error page instead of the portal page.
        assert "Заседание рабочей группы" not in full_frame.content()
    finally:
        context.close()
