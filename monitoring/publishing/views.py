"""The public progress page of an approved roadmap, and the per-user calendar feed."""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from monitoring.models import CalendarFeed, PublicPage
from monitoring.permissions import get_live_feed, get_public_page
from monitoring.publishing.calendar import (
    calendar_events,
    calendar_feed_create,
    calendar_feed_renew,
    calendar_feed_revoke,
    calendar_feed_touch,
    user_timezone,
)
from monitoring.publishing.ical import build_calendar
from monitoring.publishing.public_page import (
    municipality_today,
    public_page_publish,
    public_page_unpublish,
    public_progress,
)
from roadmaps.models import Roadmap
from roadmaps.permissions import can_edit_roadmap, get_roadmap_for_user
from roadmaps.templatetags.portal import who

EMBED_HEIGHT = 640


def embed_snippet(*, embed_url: str, title: str) -> str:
    """The HTML a department or school pastes into its site."""
    return (
        f'<iframe src="{escape(embed_url)}" title="{escape(title)}" width="100%" height="{EMBED_HEIGHT}" '
        'style="border:1px solid #dee2e6;max-width:100%" loading="lazy"></iframe>'
    )


@login_required
def public_page_settings(request, pk: int):
    roadmap = get_roadmap_for_user(request.user, pk)
    page = PublicPage.objects.filter(roadmap=roadmap).first()
    context = {
        "roadmap": roadmap,
        "page": page,
        "can_edit": can_edit_roadmap(request.user, roadmap),
        "is_approved": roadmap.status == Roadmap.Status.APPROVED,
    }
    if page is not None:
        context["public_url"] = request.build_absolute_uri(
            reverse("monitoring:public_roadmap", args=[page.token])
        )
        embed_url = request.build_absolute_uri(reverse("monitoring:public_roadmap_embed", args=[page.token]))
        context["embed_url"] = embed_url
        context["snippet"] = embed_snippet(
            embed_url=embed_url, title=f"Ход выполнения дорожной карты: {roadmap.owner}"
        )
    return render(request, "monitoring/publishing/settings.html", context)


@login_required
@require_POST
def public_page_update(request, pk: int):
    # Publishing is not a change of the text: allowed on an approved roadmap, which is what it is for.
    roadmap = get_roadmap_for_user(request.user, pk, manage=True)
    if request.POST.get("action") == "publish":
        try:
            public_page_publish(roadmap=roadmap, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Страница опубликована: ссылку и код для сайта можно скопировать ниже.")
    elif request.POST.get("action") == "unpublish":
        if public_page_unpublish(roadmap=roadmap):
            messages.success(request, "Публикация снята: страница больше не открывается по ссылке.")
    else:
        messages.error(request, "Неизвестное действие.")
    return redirect("monitoring:public_page_settings", pk=roadmap.pk)


def _public_response(token: str, *, embed: bool) -> HttpResponse:
    page = get_public_page(token)
    context = {"progress": public_progress(page), "page": page, "embed": embed}
    template = (
        "monitoring/publishing/public_embed.html" if embed else "monitoring/publishing/public_roadmap.html"
    )
    # Rendered without the request: no session or CSRF cookie is touched, so the page is the
    # same for everybody and shared caches may keep it.
    return HttpResponse(render_to_string(template, context))


@cache_control(public=True, max_age=300)
def public_roadmap(request, token: str):
    return _public_response(token, embed=False)


# Schools' and departments' sites show the summary in a frame: it may be framed by any site
# (X-Frame-Options and CSP frame-ancestors alike), unlike every other page of the portal.
@xframe_options_exempt
@csp_replace({"frame-ancestors": "*"})
@csp_replace({"frame-ancestors": "*"}, REPORT_ONLY=True)
@cache_control(public=True, max_age=300)
def public_roadmap_embed(request, token: str):
    return _public_response(token, embed=True)


def _feed_urls(request, feed: CalendarFeed) -> tuple[str, str]:
    https_url = request.build_absolute_uri(reverse("monitoring:calendar_feed", args=[feed.token]))
    return https_url, "webcal://" + https_url.split("://", 1)[1]


@login_required
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    context = {"feed": feed}
    if feed is not None:
        context["https_url"], context["webcal_url"] = _feed_urls(request, feed)
        today = municipality_today(user_timezone(request.user))
        upcoming = [e for e in calendar_events(request.user, today) if e.end >= today and not e.is_done]
        context["upcoming"] = upcoming[:5]
        context["upcoming_count"] = len(upcoming)
    return render(request, "monitoring/publishing/calendar.html", context)


@login_required
@require_POST
def calendar_create(request):
    calendar_feed_create(user=request.user)
    messages.success(request, "Ссылка на календарь создана: добавьте её в свой календарь.")
    return redirect("monitoring:calendar_settings")


@login_required
@require_POST
def calendar_renew(request):
    calendar_feed_renew(user=request.user)
    messages.success(
        request, "Выпущена новая ссылка; старая больше не работает. Обновите подписку в календаре."
    )
    return redirect("monitoring:calendar_settings")


@login_required
@require_POST
def calendar_revoke(request):
    if calendar_feed_revoke(user=request.user):
        messages.success(request, "Ссылка отозвана: календарь по ней больше не обновляется.")
    return redirect("monitoring:calendar_settings")


def calendar_feed(request, token: str):
    """The iCalendar feed at a secret URL: the token is the only credential."""
    feed = get_live_feed(token)
    user = feed.user
    tz = user_timezone(user)
    body = build_calendar(
        calendar_events(user, municipality_today(tz)),
        name=f"Дорожные карты: сроки ({who(user)})",
        tz=tz,
        link=lambda pk: request.build_absolute_uri(reverse("roadmaps:activity_detail", args=[pk])),
        uid_domain=urlsplit(settings.SITE_URL).hostname or "roadmaps.local",
        now=timezone.now(),
    )
    calendar_feed_touch(feed=feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="dorozhnye-karty.ics"'
    # The URL is a secret: no shared cache keeps it, and a revoked one stops at once.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
