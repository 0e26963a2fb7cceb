"""Asks every logged-in user for the consent to the processing of personal data in force before
any other page (152-ФЗ: a document of its own, accepted with its date and address).

Once a user has accepted, a request costs no query: the id of the text in force is kept by the
process and the shared cache (``queries.current_text_id``), the accepted id in the session.
Superusers are not asked: they publish the text on behalf of the operator."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from schools.consent.queries import current_text_id
from schools.models import ConsentAcceptance

SESSION_KEY = "consent_accepted"

# Pages a user without consent still reaches: the consent itself, leaving, one's password,
# and the pages open without logging in.
EXEMPT_URL_NAMES = frozenset(
    {
        "schools:consent",
        "schools:consent_text",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "monitoring:public_roadmap",
        "monitoring:public_roadmap_embed",
        "monitoring:calendar_feed",
    }
)
REFUSAL = "Сначала дайте согласие на обработку персональных данных: обновите страницу."


def remember_acceptance(request: HttpRequest, text_id: int) -> None:
    request.session[SESSION_KEY] = [request.user.pk, text_id]


class ConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.PERSONAL_DATA_CONSENT_REQUIRED:
            return None
        match = request.resolver_match
        if match is None or match.view_name in EXEMPT_URL_NAMES or match.namespace == "admin":
            # The admin: its own login, and superusers only (who are not asked).
            return None
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        text_id = current_text_id()
        if not text_id or request.session.get(SESSION_KEY) == [user.pk, text_id]:
            return None
        if ConsentAcceptance.objects.filter(user=user, text_id=text_id).exists():
            remember_acceptance(request, text_id)
            return None
        return self._ask(request)

    def _ask(self, request: HttpRequest) -> HttpResponse:
        consent = reverse("schools:consent")
        if request.htmx:
            # A fragment must not be swapped for the consent page: htmx goes to it as a page.
            here = urlsplit(request.htmx.current_url or "")
            back = here.path + (f"?{here.query}" if here.query else "") if here.path else "/"
            response = HttpResponse(REFUSAL, status=403, content_type="text/plain; charset=utf-8")
            response["HX-Redirect"] = f"{consent}?{urlencode({'next': back})}"
            return response
        if not request.accepts("text/html"):
            return HttpResponse(REFUSAL, status=403, content_type="text/plain; charset=utf-8")
        if request.method in ("GET", "HEAD"):
            back = request.get_full_path()
        else:
            # A form sent without consent: back to the page it was sent from, not to a POST-only URL.
            referer = request.headers.get("Referer", "")
            safe = url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            back = urlsplit(referer).path if safe and referer else "/"
        return HttpResponseRedirect(f"{consent}?{urlencode({'next': back})}")
