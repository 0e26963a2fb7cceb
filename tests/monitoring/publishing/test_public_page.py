"""The public progress page of a roadmap: who switches it on, what it shows, what it never shows."""

from __future__ import annotations

import re
import zoneinfo
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from monitoring.demo.publishing import load_demo_public_pages
from monitoring.models import PublicPage
from monitoring.publishing.public_page import mask_names, public_page_publish
from roadmaps.models import (
    Activity,
    Comment,
    CompletionMark,
    DeadlineWindow,
    Evidence,
    Executor,
    Roadmap,
    TrashEntry,
)
from roadmaps.obligations import STATES as OBLIGATION_STATES
from roadmaps.obligations import owes, state_of
from schools.models import Organisation, Person

pytestmark = pytest.mark.django_db

STATES = [state.key for state in OBLIGATION_STATES]


@pytest.fixture
def taganrog():
    return Roadmap.objects.get(source_key="002_taganrog")


@pytest.fixture
def school6_roadmap():
    """The demo school roadmap of МОБУ СОШ № 6 in the current academic year, with marks."""
    return Roadmap.objects.get(source_key="demo_school6_antirisk")


def publish(roadmap, user=None) -> PublicPage:
    return public_page_publish(roadmap=roadmap, by=user)


def public_html(client, page: PublicPage) -> str:
    response = client.get(reverse("monitoring:public_roadmap", args=[page.token]))
    assert response.status_code == 200
    return response.content.decode()


def local_today(roadmap):
    return timezone.localtime(timezone=zoneinfo.ZoneInfo(roadmap.owner.municipality.timezone)).date()


def expected_counts(activity: Activity, today) -> dict[str, int]:
    """The obligation's rule in Python (``state_of``), applied one by one (the page counts in SQL)."""
    counts = Counter({state: 0 for state in STATES})
    executors = [e for e in activity.executors.all() if owes(e)]
    for window in activity.windows.all():
        for executor in executors:
            mark = CompletionMark.objects.filter(window=window, executor=executor).first()
            reading = state_of(window, mark, today)
            if reading is not None:
                counts[reading.key] += 1
    return dict(counts)


def row_counts(html: str, activity: Activity) -> dict[str, int]:
    row = re.search(rf'<tr id="activity-{activity.pk}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    found = dict(re.findall(r'data-state="(\w+)">(\d+)<', row))
    return {state: int(found.get(state, 0)) for state in STATES}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def school6_with_private_data(school6_roadmap, principal, mentor):
    """Marks in every state, with comments, evidence and a mentor's comment on the activity."""
    today = local_today(school6_roadmap)
    school = Organisation.objects.get(name="МОБУ СОШ № 6", municipality=school6_roadmap.owner.municipality)
    executor = Executor.objects.filter(
        activity__roadmap=school6_roadmap, organisation=school, person__isnull=True
    ).first()
    # Windows of every kind around today, whatever day the suite runs on.
    late_window, not_done_window, _, _ = DeadlineWindow.objects.bulk_create(
        [
            DeadlineWindow(
                activity=executor.activity, start=today - timedelta(days=20), end=today - timedelta(days=10)
            ),
            DeadlineWindow(
                activity=executor.activity, start=today - timedelta(days=9), end=today - timedelta(days=5)
            ),
            DeadlineWindow(
                activity=executor.activity, start=today - timedelta(days=1), end=today + timedelta(days=5)
            ),
            DeadlineWindow(
                activity=executor.activity, start=today + timedelta(days=6), end=today + timedelta(days=9)
            ),
        ]
    )
    late = CompletionMark.objects.create(
        executor=executor,
        window=late_window,
        status=CompletionMark.Status.DONE,
        completed_on=late_window.end + timedelta(days=3),
        comment="Провели позже: учитель Петрова А.А. болела.",
        marked_by=principal,
    )
    CompletionMark.objects.create(
        executor=executor,
        window=not_done_window,
        status=CompletionMark.Status.NOT_DONE,
        comment="Не успели из-за карантина.",
        marked_by=principal,
    )
    Evidence.objects.create(
        mark=late, url="https://school6.example/otchet", original_name="Справка_о_занятиях_9А.pdf"
    )
    Comment.objects.create(
        activity=executor.activity, author=mentor, text="Совет наставника: сверить журналы 9-х классов."
    )
    return school6_roadmap


def test_the_public_page_shows_no_personal_data(client, school6_with_private_data, taganrog):
    roadmap = school6_with_private_data
    html = public_html(client, publish(roadmap))
    # The people the portal knows in the municipality: the roadmaps' executors and directors.
    people = list(
        Person.objects.filter(organisation__municipality=roadmap.owner.municipality).values_list(
            "full_name", flat=True
        )
    )
    assert "Баркалова Е.В." in people and "Муразян О.В." in people
    for name in people:
        surname = name.split()[0]
        assert surname not in html, name
    marks = CompletionMark.objects.filter(executor__activity__roadmap=roadmap)
    assert marks.exclude(comment="").exists() and marks.exclude(review_comment="").exists()
    for mark in marks:
        for text in [mark.comment, mark.review_comment]:
            if text:
                assert escape(text) not in html
                assert text not in html
    for evidence in Evidence.objects.filter(mark__executor__activity__roadmap=roadmap):
        assert evidence.original_name not in html
        assert evidence.url not in html
    for comment in Comment.objects.filter(activity__roadmap=roadmap):
        assert escape(comment.text) not in html
    for user in get_user_model().objects.all():
        assert user.email not in html
        if user.last_name:
            assert user.last_name not in html
    for activity in roadmap.activities.exclude(responsible_text=""):
        assert escape(activity.responsible_text) not in html


def test_names_written_into_activity_text_are_masked(client, taganrog):
    html = public_html(client, publish(taganrog))
    people = Person.objects.filter(organisation__municipality=taganrog.owner.municipality)
    assert people.count() >= 10
    for name in people.values_list("full_name", flat=True):
        assert name.split()[0] not in html, name
    # Row 7 names the directors of schools whose experience is shared; nobody in the Person table.
    for surname in ["Карлина", "Карапетян", "Липало", "Твердова", "Терновая", "Дзюба"]:
        assert surname not in html
    assert "МОБУ СОШ № 24, директор [имя скрыто]" in normalise(html)
    # A school named after a person keeps its name.
    assert "МОБУ СОШ № 8 им. А.Г. Ломакина" in normalise(html)


def test_mask_names_keeps_organisations_and_masks_people():
    assert (
        mask_names("Баркалова Е.В., муниципальный координатор") == "[имя скрыто], муниципальный координатор"
    )
    assert mask_names("В.А. Козлова, начальник") == "[имя скрыто], начальник"
    assert mask_names("Земляненко  Н.В. , директор") == "[имя скрыто] , директор"
    assert mask_names("МОБУ СОШ № 8 им. А.Г. Ломакина") == "МОБУ СОШ № 8 им. А.Г. Ломакина"
    assert mask_names("Управление образования г. Таганрога, ОУ") == "Управление образования г. Таганрога, ОУ"


def test_it_shows_each_activity_with_its_deadline_and_correct_counts(client, school6_with_private_data):
    roadmap = school6_with_private_data
    html = public_html(client, publish(roadmap))
    today = local_today(roadmap)
    text = normalise(html)
    totals = Counter({state: 0 for state in STATES})
    activities = list(roadmap.activities.prefetch_related("executors"))
    assert len(activities) >= 5
    for activity in activities:
        assert normalise(escape(activity.content)) in text
        if activity.deadline_text:
            assert normalise(escape(activity.deadline_text)) in text
        expected = expected_counts(activity, today)
        assert row_counts(html, activity) == expected, activity.number
        totals.update(expected)
    # Every state occurs in the demo data, so each figure is really checked.
    assert all(totals[state] for state in STATES), totals
    overall = re.search(r"data-overall-counts>(.*?)</dl>", html, re.S).group(1)
    assert dict(re.findall(r'data-state="(\w+)">(\d+)<', overall)) == {k: str(v) for k, v in totals.items()}
    done = totals["on_time"] + totals["late"]
    percent = round(100 * done / sum(totals.values()))
    assert re.search(r"data-overall-percent>\s*(\d+)%", html).group(1) == str(percent)


def _school6_executor(roadmap) -> Executor:
    school = Organisation.objects.get(name="МОБУ СОШ № 6", municipality=roadmap.owner.municipality)
    return (
        Executor.objects.filter(activity__roadmap=roadmap, organisation=school, person__isnull=True)
        .order_by("activity__order")
        .first()
    )


def test_a_returned_mark_is_owed_again_and_reads_returned(client, school6_roadmap, coordinator):
    executor = _school6_executor(school6_roadmap)
    today = local_today(school6_roadmap)
    ended = DeadlineWindow.objects.create(
        activity=executor.activity, start=today - timedelta(days=20), end=today - timedelta(days=10)
    )
    CompletionMark.objects.create(
        executor=executor,
        window=ended,
        status=CompletionMark.Status.DONE,
        completed_on=ended.end - timedelta(days=2),
        review=CompletionMark.Review.RETURNED,
        reviewed_by=coordinator,
        reviewed_at=timezone.now(),
        review_comment="Нет протокола.",
    )
    html = public_html(client, publish(school6_roadmap))
    row = re.search(rf'<tr id="activity-{executor.activity.pk}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert row_counts(html, executor.activity) == expected_counts(executor.activity, today)
    returned = CompletionMark.objects.filter(
        executor__activity=executor.activity,
        review=CompletionMark.Review.RETURNED,
        window__is_cancelled=False,
    )
    shown = re.search(r"из них возвращено на доработку: <strong data-returned>(\d+)</strong>", normalise(row))
    assert int(shown.group(1)) == returned.count() >= 1
    assert "Нет протокола" not in html
    overall = re.search(r"data-overall-counts>.*?</dl>(.*?)</div>", html, re.S).group(1)
    assert re.search(
        r"Возвращено на доработку и снова ожидается \(не выполнено\): <strong data-returned>(\d+)<", overall
    )


def test_the_public_page_and_the_roadmaps_dashboard_show_the_same_figures(
    client, staff, school6_with_private_data
):
    roadmap = school6_with_private_data
    html = public_html(client, publish(roadmap))
    overall = re.search(r"data-overall-counts>(.*?)</dl>", html, re.S).group(1)
    public = {key: int(value) for key, value in re.findall(r'data-state="(\w+)">(\d+)<', overall)}
    client.force_login(staff)
    dashboard = client.get(
        reverse("monitoring:roadmap_dashboard", args=[roadmap.pk]), {"on": local_today(roadmap).isoformat()}
    )
    assert public == {key: dashboard.context["total"][key] for key in STATES}
    assert sum(public.values()) == dashboard.context["total"]["total"] > 0


def test_a_dropped_executor_and_a_row_in_the_trash_owe_nothing(client, school6_roadmap, staff):
    executor = _school6_executor(school6_roadmap)
    page = publish(school6_roadmap)
    before = row_counts(public_html(client, page), executor.activity)
    Executor.objects.filter(pk=executor.pk).update(is_dropped=True)
    after = row_counts(public_html(client, page), executor.activity)
    windows = executor.activity.windows.filter(is_cancelled=False).count()
    assert sum(before.values()) - sum(after.values()) == windows > 0
    other = school6_roadmap.activities.exclude(pk=executor.activity_id).order_by("order").first()
    entry = TrashEntry.objects.create(roadmap=school6_roadmap, label=other.content[:100], deleted_by=staff)
    Activity.with_trash.filter(pk=other.pk).update(trash=entry)
    html = public_html(client, page)
    assert f'id="activity-{other.pk}"' not in html


def test_it_shows_the_header_and_a_percentage_per_section(client, taganrog):
    html = public_html(client, publish(taganrog))
    assert escape(taganrog.title) in html
    assert escape(taganrog.approval_text) in html
    assert "01.09.2022 – 31.08.2023" in html
    assert escape(taganrog.goal) in html
    for section in taganrog.sections.all():
        assert escape(section.title) in html
    # Taganrog's windows ended in 2023 and nobody marked them: everything is overdue.
    assert len(re.findall(r"data-section-percent>0%<", html)) == taganrog.sections.count()


def test_the_page_is_public_and_cacheable(client, taganrog):
    page = publish(taganrog)
    response = client.get(reverse("monitoring:public_roadmap", args=[page.token]))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    # Not a page of the portal: no session or CSRF cookie, the same for every visitor.
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    assert "noindex" not in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_the_embed_can_be_framed_and_links_to_the_full_page(client, taganrog):
    page = publish(taganrog)
    response = client.get(reverse("monitoring:public_roadmap_embed", args=[page.token]))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    full = reverse("monitoring:public_roadmap", args=[page.token])
    links = re.findall(r"<a [^>]*>", html)
    assert links and all(f'href="{full}' in link and 'target="_blank"' in link for link in links)
    assert "navbar" not in html and "Выйти" not in html
    assert "Баркалова" not in html


def test_a_page_switched_off_or_unknown_answers_404(client, staff, taganrog):
    page = publish(taganrog)
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:public_page_update", args=[taganrog.pk]), {"action": "unpublish"}
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("monitoring:public_roadmap", args=[page.token])).status_code == 404
    assert client.get(reverse("monitoring:public_roadmap_embed", args=[page.token])).status_code == 404
    assert client.get(reverse("monitoring:public_roadmap", args=["no-such-token"])).status_code == 404


def test_staff_publish_and_the_address_survives_off_and_on(client, staff, taganrog):
    client.force_login(staff)
    url = reverse("monitoring:public_page_update", args=[taganrog.pk])
    client.post(url, {"action": "publish"})
    page = PublicPage.objects.get(roadmap=taganrog)
    assert page.is_enabled and page.enabled_by == staff
    client.post(url, {"action": "unpublish"})
    client.post(url, {"action": "publish"})
    again = PublicPage.objects.get(roadmap=taganrog)
    assert again.is_enabled and again.token == page.token
    settings_page = client.get(
        reverse("monitoring:public_page_settings", args=[taganrog.pk])
    ).content.decode()
    embed_url = f"http://testserver/public/{page.token}/embed/"
    assert escape(f'<iframe src="{embed_url}"') in settings_page
    assert f"http://testserver/public/{page.token}/" in settings_page
    assert "Копировать код" in settings_page and "Снять с публикации" in settings_page


def test_a_draft_cannot_be_published(client, staff, taganrog):
    Roadmap.objects.filter(pk=taganrog.pk).update(status=Roadmap.Status.DRAFT)
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:public_page_update", args=[taganrog.pk]), {"action": "publish"}, follow=True
    )
    assert "Опубликовать можно только утверждённую дорожную карту" in response.content.decode()
    assert not PublicPage.objects.filter(roadmap=taganrog, is_enabled=True).exists()
    page = client.get(reverse("monitoring:public_page_settings", args=[taganrog.pk])).content.decode()
    assert "Опубликовать можно только утверждённую" in page
    assert 'value="publish"' not in page


def test_a_published_roadmap_turned_back_to_draft_is_not_shown(client, taganrog):
    page = publish(taganrog)
    Roadmap.objects.filter(pk=taganrog.pk).update(status=Roadmap.Status.DRAFT)
    assert client.get(reverse("monitoring:public_roadmap", args=[page.token])).status_code == 404


def test_a_principal_cannot_publish_the_municipal_roadmap(client, principal, taganrog):
    client.force_login(principal)
    page = client.get(reverse("monitoring:public_page_settings", args=[taganrog.pk]))
    assert page.status_code == 200
    assert 'value="publish"' not in page.content.decode()
    assert "Публикацией управляют владельцы" in page.content.decode()
    response = client.post(
        reverse("monitoring:public_page_update", args=[taganrog.pk]), {"action": "publish"}
    )
    assert response.status_code == 403
    assert not PublicPage.objects.filter(roadmap=taganrog).exists()


def test_a_principal_publishes_the_school_roadmap(client, principal, school6_roadmap):
    client.force_login(principal)
    client.post(reverse("monitoring:public_page_update", args=[school6_roadmap.pk]), {"action": "publish"})
    assert PublicPage.objects.get(roadmap=school6_roadmap).is_enabled


@pytest.mark.parametrize("persona", ["coordinator", "mentor", "region_viewer"])
def test_readers_see_the_state_but_cannot_change_it(client, request, persona, taganrog):
    publish(taganrog)
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse("monitoring:public_page_settings", args=[taganrog.pk]))
    assert page.status_code == 200
    assert "Опубликована" in page.content.decode()
    assert 'value="unpublish"' not in page.content.decode()
    response = client.post(
        reverse("monitoring:public_page_update", args=[taganrog.pk]), {"action": "unpublish"}
    )
    assert response.status_code == 403
    assert PublicPage.objects.get(roadmap=taganrog).is_enabled


def test_the_outsider_gets_404_on_the_settings(client, outsider, taganrog):
    publish(taganrog)
    client.force_login(outsider)
    assert client.get(reverse("monitoring:public_page_settings", args=[taganrog.pk])).status_code == 404
    response = client.post(
        reverse("monitoring:public_page_update", args=[taganrog.pk]), {"action": "unpublish"}
    )
    assert response.status_code == 404
    assert PublicPage.objects.get(roadmap=taganrog).is_enabled


def test_anonymous_users_are_sent_to_log_in_for_the_settings(client, taganrog):
    response = client.get(reverse("monitoring:public_page_settings", args=[taganrog.pk]))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_update_accepts_only_post(client, staff, taganrog):
    client.force_login(staff)
    assert client.get(reverse("monitoring:public_page_update", args=[taganrog.pk])).status_code == 405


def test_load_demo_public_pages_publishes_taganrog_once(taganrog, staff):
    first = load_demo_public_pages()
    second = load_demo_public_pages()
    assert first.roadmap == taganrog and first.is_enabled and first.enabled_by == staff
    assert second.pk == first.pk and second.token == first.token
    assert PublicPage.objects.count() == 1


def add_rows(roadmap, count: int) -> None:
    """``count`` more activities, each with two windows, the school and a person as executors,
    and a mark: the page must not ask the database more for them."""
    school = Organisation.objects.get(name="МОБУ СОШ № 6", municipality=roadmap.owner.municipality)
    person = Person.objects.get(full_name="Муразян О.В.")
    section = roadmap.sections.first()
    last = roadmap.activities.order_by("-order").first().order
    activities = Activity.objects.bulk_create(
        Activity(roadmap=roadmap, section=section, order=last + i + 1, number=f"9.{i}", content=f"Строка {i}")
        for i in range(count)
    )
    start = roadmap.period_start
    windows = DeadlineWindow.objects.bulk_create(
        DeadlineWindow(activity=a, start=start, end=start + timedelta(days=30 * k + 10))
        for a in activities
        for k in range(2)
    )
    executors = Executor.objects.bulk_create(
        [Executor(activity=a, kind="school", label="ОУ", organisation=school) for a in activities]
        + [Executor(activity=a, kind="person", label="директор", person=person) for a in activities]
    )
    first_window = {w.activity_id: w for w in windows}
    CompletionMark.objects.bulk_create(
        CompletionMark(
            executor=e,
            window=first_window[e.activity_id],
            status="done",
            completed_on=first_window[e.activity_id].end,
        )
        for e in executors[:count]
    )


def test_the_page_asks_a_fixed_number_of_queries(client, school6_roadmap, django_assert_max_num_queries):
    page = publish(school6_roadmap)
    url = reverse("monitoring:public_roadmap", args=[page.token])
    with django_assert_max_num_queries(5):
        small = client.get(url)
    add_rows(school6_roadmap, 60)
    with django_assert_max_num_queries(5):
        large = client.get(url)
    assert large.content.decode().count("<tr id=") == small.content.decode().count("<tr id=") + 60
    with django_assert_max_num_queries(5):
        assert client.get(reverse("monitoring:public_roadmap_embed", args=[page.token])).status_code == 200
