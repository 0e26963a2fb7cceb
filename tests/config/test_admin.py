from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from roadmaps.models import Activity, Roadmap

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_list_opens_with_search_in_russian(client, superuser, model):
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "Таганрог"} if admin.site._registry[model].search_fields else {})
    assert response.status_code == 200
    html = response.content.decode()
    assert str(model._meta.verbose_name_plural) in html.lower() or "Выберите" in html


def test_roadmap_and_activity_change_pages_open_with_their_inlines(client, superuser):
    client.force_login(superuser)
    roadmap = Roadmap.objects.get(source_key="001_ivanteevka")
    html = client.get(reverse("admin:roadmaps_roadmap_change", args=[roadmap.pk])).content.decode()
    assert "Целевые показатели" in html and "Школы-участники" in html
    activity = Activity.objects.get(roadmap=roadmap, number="7.2")
    html = client.get(reverse("admin:roadmaps_activity_change", args=[activity.pk])).content.decode()
    assert "Подпункты со своими сроками" in html and "январь, июнь" in html


def test_non_staff_users_cannot_open_the_admin(client, principal):
    client.force_login(principal)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response.url
