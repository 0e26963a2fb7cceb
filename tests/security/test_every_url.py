"""Every URL of the portal, tried by every persona against objects they may not reach.

The URLs come from the resolver, not from a list written by hand: a new view appears here on
its own, and fails until its name is put in one of the tables below (``TARGETS`` says which
foreign object its URL points at; ``OWN`` and ``PUBLIC`` name the URLs that point at nothing,
each with its reason). A view that reaches its object without the scoped getter then fails:
its foreign object is shown (200), changed (the world's snapshot differs), or breaks (500).

The admin is left to Django's staff check; ``test_the_admin_is_for_superusers_only`` tries it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from roadmaps.models import CompletionMark
from tests.security.conftest import MARKER, City, Foreign, Neighbour

pytestmark = pytest.mark.django_db

PERSONAS = ["staff", "coordinator", "principal", "mentor", "region_viewer", "region_staff", "outsider"]


def _walk(resolver: URLResolver, namespace: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            names += _walk(entry, inner)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"{entry.pattern}: a URL without a name cannot be tried by the security suite"
            names.append(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


URL_NAMES = sorted(set(_walk(get_resolver())))

Kwargs = Callable[[object], "dict | list[dict]"]


def roadmap(w) -> dict:
    return {"pk": w.roadmap.pk}


def section(w) -> dict:
    return {"pk": w.section.pk}


def activity(w) -> dict:
    return {"pk": w.activity.pk}


def mark(w) -> dict:
    return {"pk": w.mark.pk}


def evidence(w) -> dict:
    return {"pk": w.evidence.pk}


def school(w) -> dict:
    return {"pk": w.school.pk}


def municipality(w) -> dict:
    return {"pk": w.municipality.pk}


def indicator(w) -> dict:
    return {"pk": w.indicator.pk}


def trash_entry(w) -> dict:
    return {"pk": w.roadmap.pk, "entry_pk": w.trash_entry.pk}


# Each URL that points at an object: the foreign object it is tried with.
TARGETS: dict[str, Kwargs] = {
    "roadmaps:roadmap_detail": roadmap,
    "roadmaps:roadmap_edit": roadmap,
    "roadmaps:roadmap_copy": roadmap,
    "roadmaps:roadmap_approve": roadmap,
    "roadmaps:roadmap_revision_open": roadmap,
    "roadmaps:roadmap_revision_close": roadmap,
    "roadmaps:roadmap_archive": roadmap,
    "roadmaps:roadmap_back_to_draft": roadmap,
    "roadmaps:roadmap_renumber": roadmap,
    "roadmaps:roadmap_history": roadmap,
    "roadmaps:trash": roadmap,
    "roadmaps:trash_empty": roadmap,
    "roadmaps:trash_restore": trash_entry,
    "roadmaps:trash_purge": trash_entry,
    "roadmaps:deadline_preview": roadmap,
    "roadmaps:section_create": roadmap,
    "roadmaps:activity_create": roadmap,
    "roadmaps:section_edit": section,
    "roadmaps:section_delete": section,
    "roadmaps:section_move": lambda w: [{"pk": w.section.pk, "direction": d} for d in ("up", "down")],
    "roadmaps:activity_detail": activity,
    "roadmaps:activity_edit": activity,
    "roadmaps:activity_row": activity,
    "roadmaps:activity_delete": activity,
    "roadmaps:activity_move": lambda w: [{"pk": w.activity.pk, "direction": d} for d in ("up", "down")],
    "roadmaps:activity_set_date": activity,
    "roadmaps:mark_submit": activity,
    "roadmaps:comment_add": activity,
    "roadmaps:mark_review": mark,
    "roadmaps:mark_review_withdraw": mark,
    "roadmaps:mark_discard": mark,
    "roadmaps:evidence_download": evidence,
    "roadmaps:school_roadmaps": school,
    "documents:roadmap_export": lambda w: [
        {"pk": w.roadmap.pk, "kind": kind} for kind in ("docx", "docx-marks", "xlsx")
    ],
    "documents:roadmap_report": roadmap,
    "documents:school_report": school,
    "documents:municipality_report": municipality,
    "documents:municipality_export": municipality,
    "documents:job": lambda w: {"job_id": w.job_id},
    "documents:job_download": lambda w: {"job_id": w.job_id},
    "documents:import_preview": lambda w: {"token": w.import_token},
    "monitoring:notification_open": lambda w: {"pk": w.notification.pk},
    "monitoring:region_dashboard": lambda w: {"pk": w.region.pk},
    "monitoring:municipality_dashboard": municipality,
    "monitoring:school_dashboard": school,
    "monitoring:roadmap_dashboard": roadmap,
    "monitoring:dashboard_export": lambda w: [
        {"scope": "regions", "pk": w.region.pk},
        {"scope": "municipalities", "pk": w.municipality.pk},
        {"scope": "schools", "pk": w.school.pk},
        {"scope": "roadmaps", "pk": w.roadmap.pk},
    ],
    "monitoring:roadmap_indicators": roadmap,
    "monitoring:indicator_update": indicator,
    "monitoring:indicator_values": indicator,
    "monitoring:indicator_value_create": indicator,
    "monitoring:indicator_value_delete": lambda w: {"pk": w.indicator_value.pk},
    "monitoring:school_results": school,
    "monitoring:municipality_results": municipality,
    "monitoring:results_import": municipality,
    "monitoring:results_import_preview": lambda w: {"pk": w.municipality.pk, "token": w.results_token},
    "monitoring:results_template": municipality,
    "monitoring:olympiad_import": municipality,
    "monitoring:olympiad_import_preview": lambda w: {"pk": w.municipality.pk, "token": w.olympiad_token},
    "monitoring:olympiad_template": municipality,
    "monitoring:exam_result_create": school,
    "monitoring:olympiad_result_create": school,
    "monitoring:exam_result_delete": lambda w: {"pk": w.exam_result.pk},
    "monitoring:olympiad_result_delete": lambda w: {"pk": w.olympiad_result.pk},
    "monitoring:school_profile": school,
    "monitoring:school_profile_edit": school,
    "monitoring:school_risk_coverage": school,
    "monitoring:school_risks": school,
    "monitoring:activity_risks": activity,
    "monitoring:public_page_settings": roadmap,
    "monitoring:public_page_update": roadmap,
    "schools:school_detail": school,
    # --- registry ---
    "schools:registry_region": lambda w: {"pk": w.region.pk},
    "schools:registry_municipality_create": lambda w: {"pk": w.region.pk},
    "schools:registry_municipality": municipality,
    "schools:registry_school_add": municipality,
    "schools:registry_pair_create": municipality,
    "schools:registry_coordinator_create": municipality,
    "schools:registry_school_edit": school,
    "schools:registry_statuses": school,
    "schools:registry_school_history": school,
    "schools:registry_pair_delete": lambda w: {"pk": w.pair.pk},
    "schools:registry_coordinator_delete": lambda w: {"pk": w.assignment.pk},
    "schools:registry_restore": lambda w: {"kind": "pair", "history_id": w.deleted_pair},
    # --- end of registry ---
    # --- invitations ---
    "schools:users_municipality": municipality,
    "schools:users_adoption_xlsx": municipality,
    "schools:invitation_create": municipality,
    "schools:invitation_bulk": municipality,
    "schools:users_region": lambda w: {"pk": w.region.pk},
    "schools:invitation_create_region": lambda w: {"pk": w.region.pk},
    "schools:invitation_resend": lambda w: {"pk": w.invitation.pk},
    "schools:invitation_revoke": lambda w: {"pk": w.invitation.pk},
    "schools:user_deactivate": lambda w: {"pk": w.principal.pk, "organisation_pk": w.school.pk},
    "schools:user_reactivate": lambda w: {"pk": w.principal.pk, "organisation_pk": w.school.pk},
    "schools:user_unlock": lambda w: {"pk": w.principal.pk, "organisation_pk": w.school.pk},
    "schools:director_replace": school,
    # --- imports ---
    "schools:import_upload": municipality,
    "schools:import_template": municipality,
    "schools:import_registry_download": municipality,
    "schools:import_preview": lambda w: {"pk": w.registry_draft.pk},
    # --- end of imports ---
}

# The URLs of a school's own things, tried by the principal and the mentor on another school
# of their own city (the department's people read every school of it; these two may not).
NEIGHBOUR_TARGETS: dict[str, Kwargs] = {
    name: TARGETS[name]
    for name in (
        "roadmaps:mark_review",
        "roadmaps:mark_review_withdraw",
        "roadmaps:mark_discard",
        "roadmaps:evidence_download",
        "roadmaps:school_roadmaps",
        "documents:school_report",
        "monitoring:school_dashboard",
        "monitoring:school_results",
        "monitoring:exam_result_create",
        "monitoring:olympiad_result_create",
        "monitoring:exam_result_delete",
        "monitoring:olympiad_result_delete",
        "monitoring:indicator_value_delete",
        "monitoring:school_profile",
        "monitoring:school_profile_edit",
        "monitoring:school_risk_coverage",
        "monitoring:school_risks",
        "schools:school_detail",
    )
} | {
    "monitoring:dashboard_export": lambda w: {"scope": "schools", "pk": w.school.pk},
    # The department's export of the city's roadmap: a file is its requester's alone.
    "documents:job": TARGETS["documents:job"],
    "documents:job_download": TARGETS["documents:job_download"],
}
# Who tries them: the two school roles, and for a file everybody but the one who asked for it.
NEIGHBOUR_PERSONAS = {"documents:job": [p for p in PERSONAS if p != "staff"]}
NEIGHBOUR_PERSONAS["documents:job_download"] = NEIGHBOUR_PERSONAS["documents:job"]

# URLs that point at no object: what they show is the user's own (lists start from visible_to).
OWN: dict[str, str] = {
    "home": "redirects to the user's start page",
    "roadmaps:roadmap_list": "the roadmaps the user may see",
    "roadmaps:roadmap_create": "a new roadmap; the owner is chosen among the user's organisations",
    "documents:import_upload": "an upload for one of the user's organisations",
    "monitoring:notifications": "the user's own notifications",
    "monitoring:notifications_read": "marks the user's own notifications read",
    "monitoring:settings_update": "the user's own notification settings",
    "monitoring:dashboard_home": "redirects to the user's own dashboard",
    "monitoring:risk_factor_list": "the risk factor catalogue, the same for everyone",
    "monitoring:calendar_settings": "the user's own calendar link",
    "monitoring:calendar_create": "creates the user's own calendar link",
    "monitoring:calendar_renew": "renews the user's own calendar link",
    "monitoring:calendar_revoke": "revokes the user's own calendar link",
    "password_change": "the user's own password",
    "password_change_done": "a message after the user's own password change",
    # --- consent ---
    "schools:consent": "the consent in force, accepted or declined by the user for themselves",
    "schools:consent_text": "the consent in force and the user's own acceptance of it",
    "schools:no_role": "the user's own lack of a role and whom to ask (redirects users with a role home)",
    # --- registry ---
    "schools:registry": "redirects to, or lists, the municipalities the user runs",
    # --- end of registry ---
    # --- invitations ---
    "schools:users": "redirects to (or lists) the municipalities and regions the user runs",
}

# URLs open without logging in, each with its reason, and the address it is tried at: a token
# that exists nowhere, which must be 404 and tell nothing.
PUBLIC: dict[str, tuple[str, Kwargs | None]] = {
    "login": ("the login page", None),
    "logout": ("logging out", None),
    "password_reset": ("asking for a reset link by e-mail", None),
    "password_reset_done": ("the message after asking", None),
    "password_reset_confirm": (
        "the link from the mail: the token is the credential",
        lambda w: {"uidb64": "MQ", "token": "set-password"},
    ),
    "password_reset_complete": ("the message after resetting", None),
    "monitoring:public_roadmap": (
        "the public progress page: its token is the credential",
        lambda w: {"token": secrets.token_urlsafe(32)},
    ),
    "monitoring:public_roadmap_embed": (
        "the same page for an <iframe> on a school's site",
        lambda w: {"token": secrets.token_urlsafe(32)},
    ),
    "monitoring:calendar_feed": (
        "the iCalendar feed: its token is the credential",
        lambda w: {"token": secrets.token_urlsafe(32)},
    ),
    # --- invitations ---
    "schools:invitation_accept": (
        "the invitation's link from the mail, opened before there is an account: its token is the credential",
        lambda w: {"token": secrets.token_urlsafe(32)},
    ),
}


def _kwargs_list(make: Kwargs | None, world) -> list[dict]:
    if make is None:
        return [{}]
    made = make(world)
    return made if isinstance(made, list) else [made]


def _clients(request) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for persona in PERSONAS:
        clients[persona] = Client()
        clients[persona].force_login(request.getfixturevalue(persona))
    return clients


def _refused(response, persona: str) -> bool:
    """Not found, forbidden or not this method; for an anonymous user, the login page. A
    persona is logged in: the login page would mean the URL was never really tried."""
    if response.status_code in (403, 404, 405):
        return True
    return (
        persona == "anonymous" and response.status_code == 302 and response.url.startswith(settings.LOGIN_URL)
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


# A GET, the same GET from htmx (views that answer htmx with a part of the page), and a POST
# with an empty body: a view that reaches its object before it validates answers it with 200.
METHODS = [("get", {}), ("get htmx", {"HX-Request": "true"}), ("post", {})]


def _try(clients: dict[str, Client], who: list[str], urls: list[str]):
    """Every request of ``METHODS`` by every one of ``who``: (who, method, url, response)."""
    for persona in who:
        for url in urls:
            for method, headers in METHODS:
                send = getattr(clients[persona], method.split()[0])
                yield persona, method, url, send(url, {}, headers=headers)


# --- Every URL is in a table ---------------------------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_every_url_says_what_it_points_at(name):
    tables = [t for t, names in (("TARGETS", TARGETS), ("OWN", OWN), ("PUBLIC", PUBLIC)) if name in names]
    assert len(tables) == 1, (
        f"{name}: add it to exactly one table of tests/security/test_every_url.py — TARGETS with the "
        f"foreign object its URL points at (the security suite then tries it as every persona), or "
        f"OWN / PUBLIC with the reason it points at nothing. Now in: {tables or 'none'}."
    )


def test_the_tables_name_only_urls_that_exist():
    stale = (set(TARGETS) | set(OWN) | set(PUBLIC) | set(NEIGHBOUR_TARGETS)) - set(URL_NAMES)
    assert not stale, f"no such URL any more, remove from the tables: {sorted(stale)}"


# Who owns what a URL points at, where it is not everybody's who sees it: the control below
# tries the URL as them.
OWNERS = {
    "documents:job": "staff",
    "documents:job_download": "staff",
    "documents:import_preview": "staff",
    "monitoring:results_import_preview": "staff",
    "monitoring:olympiad_import_preview": "staff",
    "monitoring:notification_open": "principal",
    # --- imports ---
    "schools:import_preview": "staff",
    # --- end of imports ---
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_tables_point_at_real_objects(client, superuser, foreign: Foreign, name):
    """The control: what TARGETS points at is there, and its owner (the superuser, or the user
    it belongs to) reaches it. Without it a wrong kwarg would make every persona's 404 pass."""
    client.force_login(getattr(foreign, OWNERS[name]) if name in OWNERS else superuser)
    for kwargs in _kwargs_list(TARGETS[name], foreign):
        url = reverse(name, kwargs=kwargs)
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        assert 404 not in statuses and max(statuses) < 500, f"{url} → {statuses}"


@pytest.mark.parametrize("name", sorted(NEIGHBOUR_TARGETS))
def test_the_neighbour_table_points_at_real_objects(client, staff, neighbour: Neighbour, name):
    """The same control for the neighbour school: the city's department reaches all of it."""
    client.force_login(staff)
    for kwargs in _kwargs_list(NEIGHBOUR_TARGETS[name], neighbour):
        url = reverse(name, kwargs=kwargs)
        statuses = {client.get(url).status_code, client.post(url, {}).status_code}
        assert 404 not in statuses and max(statuses) < 500, f"{url} → {statuses}"


# --- The foreign municipality: nobody reaches it --------------------------------------------


@pytest.mark.parametrize("name", URL_NAMES)
def test_nobody_reaches_another_municipality(request, foreign: Foreign, name):
    assert name in TARGETS or name in OWN or name in PUBLIC, f"{name}: not in any table (see above)"
    make = TARGETS.get(name) or (PUBLIC[name][1] if name in PUBLIC else None)
    urls = [reverse(name, kwargs=kwargs) for kwargs in _kwargs_list(make, foreign)]
    clients = _clients(request)
    before = foreign.snapshot()
    for persona, method, url, response in _try(clients, ["anonymous", *PERSONAS], urls):
        where = f"{persona} {method.upper()} {url} → {response.status_code}"
        assert response.status_code < 500, where
        assert MARKER not in _body(response), f"{where}: the page shows the foreign municipality"
        if name in TARGETS:
            assert _refused(response, persona), f"{where}: reached an object of another municipality"
        elif name in OWN and persona == "anonymous":
            assert _refused(response, persona), f"{where}: open without logging in"
    assert foreign.snapshot() == before, f"{name}: changed the foreign municipality"


@pytest.mark.parametrize("name", sorted(NEIGHBOUR_TARGETS))
def test_a_school_does_not_reach_another_school_of_its_city(request, neighbour: Neighbour, name):
    urls = [reverse(name, kwargs=kwargs) for kwargs in _kwargs_list(NEIGHBOUR_TARGETS[name], neighbour)]
    clients = _clients(request)
    before = neighbour.snapshot()
    who = NEIGHBOUR_PERSONAS.get(name, ["principal", "mentor"])
    for persona, method, url, response in _try(clients, who, urls):
        where = f"{persona} {method.upper()} {url} → {response.status_code}"
        assert response.status_code < 500, where
        assert _refused(response, persona), f"{where}: reached another school's {name}"
        assert MARKER not in _body(response), f"{where}: the page shows another school"
    assert neighbour.snapshot() == before, f"{name}: changed another school"


# Writes (URLs that refuse a GET) a reader's POST may pass, each with its reason.
READER_MAY_POST = {
    "documents:roadmap_export": "builds the roadmap's file of what the reader reads",
    "documents:roadmap_report": "builds the progress report of what the reader reads",
    "documents:school_report": "builds the school's report of what the reader reads",
    "documents:municipality_report": "builds the municipality's report of what the reader reads",
    "documents:municipality_export": "builds the municipality's file of what the reader reads",
    "roadmaps:mark_submit": "the form is read before the executor: an empty one is 400, a filled "
    "one 403 (tests/roadmaps/test_access.py::test_only_the_school_marks_its_part)",
}


# And what one role may post besides (an empty form is then 400 or a redirect with its error).
ROLE_MAY_POST = {
    "region_viewer": {},
    "principal": {"monitoring:indicator_value_create": "enters the values of the principal's own school"},
    "mentor": {"roadmaps:comment_add": "a mentor school advises on every row"},
}


@pytest.mark.parametrize("persona", sorted(ROLE_MAY_POST))
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_the_citys_readers_change_nothing_of_it(client, request, city: City, persona, name):
    """The regional viewer, a principal and a mentor read the city's roadmap and write none of
    it: a POST to a write (a URL that refuses a GET) is refused, and whatever they post the city
    stays as it was. (Read pages answer a POST as a GET: that changes nothing.)"""
    client.force_login(request.getfixturevalue(persona))
    before = city.snapshot()
    may = READER_MAY_POST | ROLE_MAY_POST[persona]
    for kwargs in _kwargs_list(TARGETS[name], city):
        url = reverse(name, kwargs=kwargs)
        read = client.get(url)
        assert read.status_code < 500, f"{persona} GET {url} → {read.status_code}"
        response = client.post(url, {})
        where = f"{persona} POST {url} → {response.status_code}"
        assert response.status_code < 500, where
        if read.status_code == 405 and name not in may:
            assert _refused(response, persona), f"{where}: a reader's write was taken"
    assert city.snapshot() == before, f"{name}: {persona} changed the city"


def test_a_school_page_shows_the_neighbours_state_but_not_its_evidence(client, principal, neighbour):
    """The city's roadmap is the principal's too: the row is there, the other school's file is not."""
    client.force_login(principal)
    response = client.get(reverse("roadmaps:activity_detail", args=[neighbour.activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{MARKER}.pdf" not in html and f"Отчёт {MARKER}" not in html


def test_a_principal_cannot_mark_for_another_school_by_naming_its_row(client, principal, neighbour):
    """The form names the executor: the principal's own activity page, another school's executor."""
    client.force_login(principal)
    before = neighbour.snapshot()
    executor, window = neighbour.mark.executor, neighbour.mark.window
    response = client.post(
        reverse("roadmaps:mark_submit", args=[neighbour.activity.pk]),
        {
            "executor": executor.pk,
            "window": window.pk,
            "version": neighbour.mark.version,
            "status": "in_progress",
        },
    )
    assert response.status_code in (403, 404)
    assert neighbour.snapshot() == before


def test_nobody_marks_a_foreign_row_through_their_own_activity(client, principal, foreign):
    """A principal's own activity in the URL, a foreign executor in the form."""
    client.force_login(principal)
    own = CompletionMark.objects.filter(executor__organisation__name="МОБУ СОШ № 6").first()
    before = foreign.snapshot()
    response = client.post(
        reverse("roadmaps:mark_submit", args=[own.executor.activity_id]),
        {
            "executor": foreign.mark.executor_id,
            "window": foreign.mark.window_id,
            "version": 0,
            "status": "in_progress",
        },
    )
    assert response.status_code in (403, 404)
    assert foreign.snapshot() == before


# --- Own pages that are handed a foreign id in the query or the form ---------------------


def _taganrog():
    from roadmaps.models import Roadmap, TargetIndicator

    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    indicator = roadmap.indicators.first() or TargetIndicator.objects.create(roadmap=roadmap, name="Доля")
    return roadmap, indicator


def _school6():
    from schools.models import Organisation

    return Organisation.objects.get(name="МОБУ СОШ № 6")


# (what, persona, method, url, data, statuses allowed): the URL is the persona's own, the
# foreign object comes in by a parameter; nothing of it may be shown or changed. The city's
# roadmaps are under revision, so that only the foreign id stands in the way of a write.
SMUGGLED = [
    (
        "roadmap list filtered by a foreign school",
        "staff",
        "get",
        lambda f: reverse("roadmaps:roadmap_list"),
        lambda f: {"school": f.school.pk},
        {200},
    ),
    (
        "correcting a foreign exam result on one's own school page",
        "staff",
        "get",
        lambda f: reverse("monitoring:school_results", args=[_school6().pk]),
        lambda f: {"result": f.exam_result.pk},
        {404},
    ),
    (
        "a new row in a foreign section of one's own roadmap",
        "staff",
        "post",
        lambda f: reverse("roadmaps:activity_create", args=[_taganrog()[0].pk]) + f"?section={f.section.pk}",
        lambda f: {"section": f.section.pk, "content": "Чужой раздел", "number": "9."},
        {404},
    ),
    (
        "a value of one's own indicator for a foreign school",
        "staff",
        "post",
        lambda f: reverse("monitoring:indicator_value_create", args=[_taganrog()[1].pk]),
        lambda f: {"school": f.school.pk, "as_of": "2026-01-01", "value": "1"},
        {400, 403},
    ),
    (
        "a roadmap owned by a foreign department",
        "staff",
        "post",
        lambda f: reverse("roadmaps:roadmap_create"),
        lambda f: {
            "owner": f.department.pk,
            "level": "municipal",
            "title": "Чужая",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
        {200, 400},
    ),
    (
        "an import for a foreign department",
        "staff",
        "post",
        lambda f: reverse("documents:import_upload"),
        lambda f: {"owner": f.department.pk},
        {200, 400},
    ),
]


@pytest.mark.parametrize(
    ("what", "persona", "method", "url", "data", "allowed"), SMUGGLED, ids=[c[0] for c in SMUGGLED]
)
def test_an_own_page_does_not_take_a_foreign_id(
    client, request, foreign, revising, what, persona, method, url, data, allowed
):
    client.force_login(request.getfixturevalue(persona))
    before = foreign.snapshot()
    response = getattr(client, method)(url(foreign), data(foreign))
    assert response.status_code in allowed, f"{what} → {response.status_code}"
    assert MARKER not in _body(response)
    assert foreign.snapshot() == before


def test_a_principal_cannot_enter_a_value_for_another_school_of_the_city(client, principal, neighbour):
    client.force_login(principal)
    before = neighbour.snapshot()
    response = client.post(
        reverse("monitoring:indicator_value_create", args=[neighbour.indicator_value.indicator_id]),
        {"school": neighbour.school.pk, "as_of": "2026-02-01", "value": "1"},
    )
    assert response.status_code in (400, 403, 404)
    assert neighbour.snapshot() == before


# --- Public URLs: a token that is not live is 404 -------------------------------------------


@pytest.mark.parametrize(
    "name", ["monitoring:public_roadmap", "monitoring:public_roadmap_embed", "monitoring:calendar_feed"]
)
def test_a_token_that_is_not_live_is_not_found(client, foreign, name):
    from monitoring.models import CalendarFeed, PublicPage

    PublicPage.objects.filter(roadmap=foreign.roadmap).update(is_enabled=False)
    CalendarFeed.objects.filter(user=foreign.principal).update(revoked_at="2026-01-01T00:00:00Z")
    token = foreign.calendar_token if name == "monitoring:calendar_feed" else foreign.public_token
    for tried in (token, secrets.token_urlsafe(32), str(uuid.uuid4())):
        response = client.get(reverse(name, args=[tried]))
        assert response.status_code == 404
        assert MARKER not in response.content.decode(errors="replace")


# --- The admin -----------------------------------------------------------------------------

ADMIN_PAGES = ["/admin/", "/admin/roadmaps/roadmap/", "/admin/schools/organisation/", "/admin/auth/user/"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_admin_is_for_superusers_only(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    for page in ADMIN_PAGES:
        for method in ("get", "post"):
            response = getattr(client, method)(page, {})
            assert response.status_code in (302, 403), f"{persona} {method.upper()} {page}"
            if response.status_code == 302:
                assert response.url.startswith("/admin/login/"), f"{persona} {method.upper()} {page}"


# --- CSRF ----------------------------------------------------------------------------------


def test_every_post_without_the_csrf_token_is_refused(superuser, foreign):
    """The superuser reaches everything, so only the CSRF check stands between the request and
    the write; the foreign world stays as it was."""
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(superuser)
    before = foreign.snapshot()
    let_through = []
    for name in URL_NAMES:
        make = TARGETS.get(name) or (PUBLIC[name][1] if name in PUBLIC else None)
        for kwargs in _kwargs_list(make, foreign):
            response = csrf.post(reverse(name, kwargs=kwargs), {})
            if response.status_code != 403 or b"CSRF" not in response.content:
                let_through.append(f"{name} → {response.status_code}")
    assert not let_through, f"POST without a CSRF token not refused: {let_through}"
    assert foreign.snapshot() == before
