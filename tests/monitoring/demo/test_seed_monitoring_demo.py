"""What `make run` shows: the monitoring demo data of `seed_demo`, loaded once and not twice.

The rest of the suite runs on `seed_demo --without-monitoring`, so that each test decides
its own marks, results and profiles; this file checks the full demo as a user meets it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from monitoring.models import ExamResult, IndicatorValue, PublicPage, SchoolProfile, SchoolRisk
from roadmaps.models import CompletionMark
from schools.models import Organisation

pytestmark = pytest.mark.django_db

MONITORING_MODELS = [CompletionMark, ExamResult, IndicatorValue, SchoolProfile, SchoolRisk, PublicPage]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MONITORING_MODELS}


@pytest.fixture
def full_demo():
    out = io.StringIO()
    call_command("seed_demo", demo=True, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_full_demo_loads_monitoring_data_once(full_demo):
    after_first = _counts()
    for model in (ExamResult, IndicatorValue, SchoolProfile, SchoolRisk, PublicPage):
        assert after_first[model.__name__] > 0, model.__name__
    out = io.StringIO()
    call_command("seed_demo", demo=True, stdout=out, stderr=io.StringIO())
    assert _counts() == after_first
    assert "новых отметок 0" in out.getvalue()


def test_the_principal_finds_the_school_figures(client, principal, full_demo):
    school = Organisation.objects.get(name="МОБУ СОШ № 6")
    client.force_login(principal)
    results = client.get(reverse("monitoring:school_results", args=[school.pk]))
    assert results.status_code == 200
    assert "МО:" in results.content.decode()  # the municipal average beside each figure
    for name in ("school_dashboard", "school_profile", "school_risks"):
        response = client.get(reverse(f"monitoring:{name}", args=[school.pk]))
        assert response.status_code == 200, name


def test_the_published_demo_page_opens_without_login(client, full_demo):
    page = PublicPage.objects.get(is_enabled=True)
    response = client.get(reverse("monitoring:public_roadmap", args=[page.token]))
    assert response.status_code == 200
    assert page.roadmap.activities.first().content[:30] in response.content.decode()
    assert f"/public/{page.token}/" in full_demo
