"""A mark is the school's record of work done: its dates make sense, a review never rewrites
when the school marked, an acceptance can be taken back, and two first saves at once leave one
mark and a clear refusal, never a server error."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from roadmaps.models import CompletionMark, Roadmap
from roadmaps.services.marks import MarkInput, StaleMark, mark_review, mark_review_withdraw, mark_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def part():
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")
    return activity.executors.get(organisation__name="МОБУ СОШ № 6"), activity.windows.get()


def done_on(day: date) -> MarkInput:
    return MarkInput(status=CompletionMark.Status.DONE, completed_on=day, comment="Сделано")


def test_a_completion_date_in_the_future_is_refused(part, principal):
    executor, window = part
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        mark_submit(
            executor=executor,
            window=window,
            by=principal,
            data=done_on(tomorrow),
            files=[],
            expected_version=None,
        )
    assert refused.value.message_dict["completed_on"] == [
        f"Дата выполнения {tomorrow:%d.%m.%Y} ещё не наступила: укажите прошедший день."
    ]
    assert not CompletionMark.objects.filter(executor=executor, window=window).exists()


def test_a_completion_date_before_the_roadmap_began_is_refused(part, principal):
    executor, window = part
    start = window.activity.roadmap.period_start
    with pytest.raises(ValidationError) as refused:
        mark_submit(
            executor=executor,
            window=window,
            by=principal,
            data=done_on(start - timedelta(days=1)),
            files=[],
            expected_version=None,
        )
    assert "раньше начала дорожной карты" in refused.value.message_dict["completed_on"][0]


def test_reviewing_keeps_when_the_school_marked(part, principal, coordinator):
    executor, window = part
    mark = mark_submit(
        executor=executor,
        window=window,
        by=principal,
        data=done_on(timezone.localdate()),
        files=[],
        expected_version=None,
    )
    marked_at = mark.marked_at
    reviewed = mark_review(mark=mark, by=coordinator, accept=True, comment="", expected_version=mark.version)
    reviewed.refresh_from_db()
    assert reviewed.marked_at == marked_at
    assert reviewed.reviewed_at > marked_at
    assert reviewed.marked_by == principal and reviewed.reviewed_by == coordinator


def test_only_a_done_mark_can_be_accepted(part, principal, coordinator):
    executor, window = part
    mark = mark_submit(
        executor=executor,
        window=window,
        by=principal,
        data=MarkInput(status=CompletionMark.Status.IN_PROGRESS, completed_on=None, comment="Начали"),
        files=[],
        expected_version=None,
    )
    with pytest.raises(ValidationError, match="только отметку «Выполнено»"):
        mark_review(mark=mark, by=coordinator, accept=True, comment="", expected_version=mark.version)


def test_an_acceptance_is_withdrawn_with_a_reason_and_the_history_keeps_both(part, principal, coordinator):
    mark = _accepted(part, principal, coordinator)
    with pytest.raises(ValidationError, match="почему"):
        mark_review_withdraw(mark=mark, by=coordinator, comment=" ", expected_version=mark.version)
    mark = mark_review_withdraw(
        mark=mark, by=coordinator, comment="Справка не та", expected_version=mark.version
    )
    assert mark.review == CompletionMark.Review.PENDING
    assert mark.review_comment == "Принятие отменено: Справка не та"
    reviews = list(mark.history.order_by("history_date").values_list("review", flat=True))
    assert reviews[-2:] == ["accepted", "pending"]


def test_only_an_accepted_mark_can_be_withdrawn(part, principal, coordinator):
    executor, window = part
    mark = mark_submit(
        executor=executor,
        window=window,
        by=principal,
        data=done_on(timezone.localdate()),
        files=[],
        expected_version=None,
    )
    with pytest.raises(StaleMark):
        mark_review_withdraw(mark=mark, by=coordinator, comment="Ошибка", expected_version=mark.version)


def _save_at_once(*, executor, window, by, comments: list[str]) -> list[str]:
    """Each comment saved as a first mark by its own thread, all released at the same moment;
    what each saver was told."""
    from django.db import connection

    barrier = threading.Barrier(len(comments))
    outcomes: list[str] = []

    def save(comment: str) -> None:
        barrier.wait()
        try:
            mark_submit(
                executor=executor,
                window=window,
                by=by,
                data=MarkInput(status="done", completed_on=timezone.localdate(), comment=comment),
                files=[],
                expected_version=None,
            )
            outcomes.append("saved")
        except StaleMark as stale:
            outcomes.append(f"refused, showing «{stale.current.comment}»")
        except Exception as error:  # what the user would have seen as a server error
            outcomes.append(f"error {type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(comment,)) for comment in comments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_first_marks_at_the_same_moment_leave_one_mark_and_one_refusal():
    """Two browsers of the school save the first mark of one window at once, ten times over."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("seed_demo", demo=True, without_monitoring=True, stdout=io.StringIO(), stderr=io.StringIO())
    principal = get_user_model().objects.get(username="principal")
    activity = Roadmap.objects.get(source_key="demo_school6_antirisk").activities.get(number="1.2")
    executor, window = activity.executors.get(organisation__name="МОБУ СОШ № 6"), activity.windows.get()
    for attempt in range(10):
        CompletionMark.objects.filter(window=window).delete()
        outcomes = _save_at_once(
            executor=executor, window=window, by=principal, comments=["Первое", "Второе"]
        )
        kept = CompletionMark.objects.get(window=window)
        assert outcomes == [f"refused, showing «{kept.comment}»", "saved"], (attempt, outcomes)


# --- On the activity page ------------------------------------------------------------------


def _accepted(part, principal, coordinator) -> CompletionMark:
    """The school marks its part done today and the coordinator accepts it."""
    executor, window = part
    mark = mark_submit(
        executor=executor,
        window=window,
        by=principal,
        data=done_on(timezone.localdate()),
        files=[],
        expected_version=None,
    )
    return mark_review(mark=mark, by=coordinator, accept=True, comment="", expected_version=mark.version)


def _post_mark(client, executor, window, **fields):
    from django.urls import reverse

    data = {
        "executor": executor.pk,
        "window": window.pk,
        "version": 0,
        "status": "done",
        "completed_on": timezone.localdate().isoformat(),
        "comment": "Сделано",
    } | fields
    return client.post(reverse("roadmaps:mark_submit", args=[window.activity_id]), data)


def test_the_principal_typing_a_future_date_sees_why_on_the_page(client, principal, part):
    executor, window = part
    client.force_login(principal)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = _post_mark(client, executor, window, completed_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert f"Дата выполнения {tomorrow:%d.%m.%Y} ещё не наступила" in response.content.decode()
    assert not CompletionMark.objects.filter(executor=executor, window=window).exists()


def test_a_window_that_left_the_text_cannot_be_marked(client, principal, part):
    executor, window = part
    window.is_cancelled = True
    window.save()
    client.force_login(principal)
    response = _post_mark(client, executor, window)
    assert response.status_code in (400, 404)
    assert not CompletionMark.objects.filter(executor=executor, window=window).exists()


def test_the_coordinator_withdraws_an_acceptance_on_the_activity_page(client, principal, coordinator, part):
    from django.urls import reverse

    window = part[1]
    mark = _accepted(part, principal, coordinator)
    client.force_login(coordinator)
    page = client.get(window.activity.get_absolute_url()).content.decode()
    assert "Отменить принятие" in page
    response = client.post(
        reverse("roadmaps:mark_review_withdraw", args=[mark.pk]),
        {"version": mark.version, "comment": "Не та справка"},
        follow=True,
    )
    assert "Принятие отменено: отметка снова ждёт проверки." in response.content.decode()
    mark.refresh_from_db()
    assert (mark.review, mark.review_comment) == ("pending", "Принятие отменено: Не та справка")


def test_a_principal_cannot_withdraw_an_acceptance(client, principal, coordinator, part):
    from django.urls import reverse

    mark = _accepted(part, principal, coordinator)
    client.force_login(principal)
    response = client.post(
        reverse("roadmaps:mark_review_withdraw", args=[mark.pk]), {"version": mark.version, "comment": "Хочу"}
    )
    assert response.status_code == 403
    mark.refresh_from_db()
    assert mark.review == "accepted"
