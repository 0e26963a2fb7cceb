"""Every page carries the Content-Security-Policy and the Permissions-Policy; only the embeddable
public summary may be framed by other sites."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from monitoring.publishing.public_page import public_page_publish
from roadmaps.models import Roadmap

pytestmark = pytest.mark.django_db


def directives(response, header: str = "Content-Security-Policy") -> dict[str, list[str]]:
    header = response[header]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def public_token():
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    return public_page_publish(roadmap=roadmap, by=None).token


@pytest.fixture
def pages(client, staff, superuser, public_token):
    """One response of each kind of page: the login page, a portal page as staff, the admin,
    the public page and its embed."""

    def get(url, user=None):
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        return response

    return {
        "login": get(reverse("login")),
        "portal": get(reverse("roadmaps:roadmap_list"), staff),
        "calendar": get(reverse("monitoring:calendar_settings"), staff),
        "admin": get(reverse("admin:roadmaps_roadmap_changelist"), superuser),
        "admin_export": get(reverse("admin:schools_organisation_export"), superuser),
        "public": get(reverse("monitoring:public_roadmap", args=[public_token])),
        "embed": get(reverse("monitoring:public_roadmap_embed", args=[public_token])),
    }


def test_every_page_runs_only_the_portals_own_scripts(pages):
    for kind, response in pages.items():
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], kind
        assert policy["default-src"] == ["'self'"], kind
        assert policy["object-src"] == ["'none'"], kind
        assert policy["base-uri"] == ["'self'"], kind
        assert policy["form-action"] == ["'self'"], kind
        header = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in " ".join(policy["script-src"] + policy.get("script-src-attr", [])), (
            kind
        )
        assert "'unsafe-eval'" not in header, kind


def test_only_the_admin_allows_the_one_library_handler_by_its_hash(pages):
    for kind, response in pages.items():
        handlers = directives(response).get("script-src-attr")
        if kind.startswith("admin"):
            assert handlers == ["'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"]
        else:
            assert handlers is None, kind


def test_only_the_embed_may_be_framed_by_other_sites(pages):
    for kind, response in pages.items():
        ancestors = directives(response)["frame-ancestors"]
        if kind == "embed":
            assert ancestors == ["*"]
            assert "X-Frame-Options" not in response
        else:
            assert ancestors == ["'none'"], kind
            assert response["X-Frame-Options"] == "DENY", kind


def test_every_page_denies_camera_microphone_and_location(pages):
    for kind, response in pages.items():
        features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (kind, feature)
        assert "clipboard-write" not in features, kind  # the «Копировать» buttons write to it


def test_an_error_page_carries_the_policy_too(client, staff):
    client.force_login(staff)
    response = client.get("/roadmaps/999999999/")
    assert response.status_code == 404
    assert directives(response)["script-src"] == ["'self'"]


def test_csp_report_only_sends_the_same_policy_without_enforcing_it(client, settings):
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config import settings as s; print(s.CONTENT_SECURITY_POLICY_REPORT_ONLY)",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "SECRET_KEY": "x", "CSP_REPORT_ONLY": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "'script-src': [\"'self'\"]" in shown

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" not in response
    assert directives(response, "Content-Security-Policy-Report-Only")["script-src"] == ["'self'"]
