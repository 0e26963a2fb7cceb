"""What the public page and its embed show of the names, phones and e-mails written into a
roadmap's text: the masks, never the people."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from monitoring.publishing.public_page import public_page_publish
from roadmaps.models import Activity, Roadmap
from tests.schools.masking_corpus import CONTACTS, FROM_SEEDS, NOT_PEOPLE, PEOPLE

pytestmark = pytest.mark.django_db

PRIVATE = PEOPLE + CONTACTS + [(text, masked) for text, masked in FROM_SEEDS if text != masked]
# An e-mail address, a word of three letters or more, a phone's digits.
FRAGMENT = re.compile(r"[\w.+-]+@[\w.-]+\w|[А-ЯЁа-яё]{3,}|\d[\d ()-]{4,}\d")


def hidden(text: str, masked: str) -> set[str]:
    """What the mask took out of ``text``: the surnames, first names, numbers, addresses."""
    return set(FRAGMENT.findall(text)) - set(FRAGMENT.findall(masked))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def roadmap_naming_people():
    """Taganrog's roadmap with a row for each text of the corpus, and names and contacts in its
    title, approval, goal, tasks, a section's title and a deadline."""
    roadmap = Roadmap.objects.get(source_key="002_taganrog")
    section = roadmap.sections.order_by("order").first()
    last = roadmap.activities.order_by("-order").first().order
    Activity.objects.bulk_create(
        Activity(roadmap=roadmap, section=section, order=last + i + 1, number=f"9.{i}", content=text)
        for i, (text, _) in enumerate(PRIVATE)
    )
    Activity.objects.filter(roadmap=roadmap, number="9.0").update(
        deadline_text="до 10 марта, отчёт Смирновой О.П. по тел. 2-15-60"
    )
    Roadmap.objects.filter(pk=roadmap.pk).update(
        title=roadmap.title + " (отв. Сидорова Анна Викторовна)",
        approval_text="Утверждаю: начальник УО КУЗНЕЦОВ ПЁТР",
        goal=roadmap.goal + " Координатор: Анна Викторовна, sidorova@school5.ru",
        tasks=roadmap.tasks + "\n- консультации Кузнецова Петра, +7 (912) 345-67-89",
    )
    section.title = section.title + " (куратор О. П. Смирнова)"
    section.save(update_fields=["title"])
    return Roadmap.objects.get(pk=roadmap.pk)


@pytest.mark.parametrize("view", ["monitoring:public_roadmap", "monitoring:public_roadmap_embed"])
def test_no_name_phone_or_e_mail_reaches_the_public_page(client, roadmap_naming_people, view):
    page = public_page_publish(roadmap=roadmap_naming_people, by=None)
    response = client.get(reverse(view, args=[page.token]))
    assert response.status_code == 200
    html = response.content.decode()
    secrets = set().union(*(hidden(text, masked) for text, masked in PRIVATE))
    secrets |= {
        "Сидорова",
        "Викторовна",
        "КУЗНЕЦОВ",
        "Кузнецова",
        "Петра",
        "Смирновой",
        "Смирнова",
        "2-15-60",
    }
    secrets |= {"sidorova@school5.ru", "345-67-89"}
    assert len(secrets) > 60
    leaked = sorted(secret for secret in secrets if secret in html)
    assert not leaked


def test_the_page_shows_the_masks_where_the_names_were_and_keeps_the_rest(client, roadmap_naming_people):
    section = roadmap_naming_people.sections.order_by("order").first()
    Activity.objects.bulk_create(
        Activity(
            roadmap=roadmap_naming_people, section=section, order=10_000 + i, number=f"10.{i}", content=text
        )
        for i, text in enumerate(NOT_PEOPLE)
    )
    page = public_page_publish(roadmap=roadmap_naming_people, by=None)
    html = normalise(client.get(reverse("monitoring:public_roadmap", args=[page.token])).content.decode())
    for text, masked in PRIVATE:
        assert normalise(escape(masked)) in html, text
    for text in NOT_PEOPLE:
        assert normalise(escape(text)) in html
    assert "до 10 марта, отчёт [имя скрыто] по тел. [телефон скрыт]" in html
    assert "Утверждаю: начальник УО [имя скрыто]" in html
    assert "(куратор [имя скрыто])" in html
    assert "<title>" in html and "(отв. [имя скрыто])" in html
