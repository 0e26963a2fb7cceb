"""The demo public page: the Таганрог roadmap published."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from monitoring.models import PublicPage
from monitoring.publishing.public_page import public_page_publish
from roadmaps.models import Roadmap


def load_demo_public_pages() -> PublicPage | None:
    """Publish the Таганрог roadmap (seed 002) if it is approved; running it twice changes nothing."""
    roadmap = Roadmap.objects.filter(source_key="002_taganrog", status=Roadmap.Status.APPROVED).first()
    if roadmap is None:
        return None
    page = PublicPage.objects.filter(roadmap=roadmap).first()
    if page is not None and page.is_enabled:
        return page
    staff = get_user_model().objects.filter(username="uo").first()
    return public_page_publish(roadmap=roadmap, by=staff)
