"""One world of obligations, one in each state, for the tests that hold every page, report,
dashboard, feed and reminder against one another (tests/roadmaps/test_one_state.py,
tests/monitoring/test_one_obligation_everywhere.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from roadmaps.models import Activity, CompletionMark, DeadlineWindow, Executor, Roadmap
from schools.models import Person
from tests.monitoring.world import World


@dataclass
class Built:
    world: World
    draft: Roadmap
    activities: dict[str, Activity]
    expected: dict[str, str]  # activity content -> the school's state as everyone must read it


def _row(world: World, roadmap: Roadmap, content: str, start, end, **executor) -> Activity:
    world._order += 1
    activity = Activity.objects.create(
        roadmap=roadmap, number=f"{world._order}.", order=world._order, content=content
    )
    DeadlineWindow.objects.create(activity=activity, start=start, end=end)
    Executor.objects.create(activity=activity, **executor)
    return activity


def build() -> Built:
    """The world: one obligation of МОБУ СОШ № 101 in each state on today's date, a cancelled
    window, a group, a department row, a row naming the coordinator, and a draft roadmap."""
    today = timezone.localdate()
    day = timedelta(days=1)
    world = World()
    school = dict(kind=Executor.Kind.SCHOOL, label="МОБУ СОШ № 101", organisation=world.school)
    past = (today - 40 * day, today - 10 * day)
    rows: dict[str, tuple] = {
        # content: (window, mark fields or None, the state the school reads)
        "В срок и принято": (past, dict(completed_on=past[1], review="accepted"), "Выполнено в срок"),
        "С опозданием": (past, dict(completed_on=today - 5 * day), "Выполнено с опозданием, ждёт проверки"),
        "Возвращено": (past, dict(completed_on=past[1], review="returned"), "Просрочено, возвращено"),
        "Не отмечено": (past, None, "Просрочено"),
        "Идёт сейчас": ((today - 5 * day, today + 5 * day), dict(status="in_progress"), "В работе"),
        "Позже": ((today + 30 * day, today + 40 * day), None, "Срок не наступил"),
    }
    activities, expected = {}, {}
    for content, ((start, end), mark, label) in rows.items():
        activity = _row(world, world.roadmap, content, start, end, **school)
        activities[content], expected[content] = activity, label
        if mark is not None:
            fields = {"status": "done", "review": "pending"} | mark
            if fields["review"] != "pending":
                fields |= {"reviewed_at": timezone.now(), "review_comment": "Нет справки"}
            CompletionMark.objects.create(
                executor=activity.executors.get(),
                window=activity.windows.get(),
                marked_by=world.principal,
                **fields,
            )
    cancelled = _row(world, world.roadmap, "Срок отменён", *past, **school)
    cancelled.windows.update(is_cancelled=True)
    activities["Срок отменён"] = cancelled
    activities["Группа"] = _row(
        world, world.roadmap, "Группа", *past, kind=Executor.Kind.GROUP, label="Руководители ОУ"
    )
    activities["Управление"] = _row(
        world,
        world.roadmap,
        "Управление",
        *past,
        kind=Executor.Kind.ORGANISATION,
        label="УО",
        organisation=world.department,
    )
    coordinator_row = dict(
        kind=Executor.Kind.PERSON,
        label="Координаторова А.А.",
        person=Person.objects.get(user=world.coordinator),
    )
    activities["Координатор"] = _row(world, world.roadmap, "Координатор", *past, **coordinator_row)
    # Next year's draft: the school and the coordinator will owe it once it is approved.
    draft = Roadmap.objects.create(
        owner=world.department,
        title="Черновик на следующий год",
        period_start=today,
        period_end=today + 300 * day,
        status=Roadmap.Status.DRAFT,
    )
    _row(world, draft, "Строка координатора в черновике", *past, **coordinator_row)
    extra = _row(world, draft, "Строка черновика", *past, **school)
    activities["Строка черновика"] = extra
    return Built(world, draft, activities, expected)
